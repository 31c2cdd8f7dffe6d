"""Turning a failed step into a diagnosis an administrator can act on.

`diagnose(exc, step=..., connection=...)` maps botocore's exceptions and AWS's error codes to the stable codes in
`CODES` (what `test --json` and reports carry), each with a one-line summary, the likely causes, and what to do.
Nothing secret ever enters a diagnosis: the raw AWS error kept in `aws_error` is redacted (secret values, anything
shaped like a secret key or token, and access key ids shown as AKIA…WXYZ).
"""

from __future__ import annotations

import email.utils
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass

from botocore import exceptions as bx

from wizard.core import probes
from wizard.core.connection import Connection
from wizard.core.i18n import Words, localized
from wizard.core.redact import redact_text as _redact_text

CODES = (
    "invalid-input",
    "unknown-access-key",
    "wrong-secret-key",
    "clock-skew",
    "expired-token",
    "token-not-expected",
    "token-missing",
    "assume-role-denied",
    "region-disabled",
    "service-denied",
    "model-access",
    "endpoint-unreachable",
    "dns-failure",
    "timeout",
    "tls-error",
    "proxy-error",
    "throttled",
    "service-unavailable",
    "no-keyring",
    "keyring-locked",
    "unexpected",
)

# A failed `instance` step (the EC2 instance check of an assume-role test) carries the check's finding code as its
# diagnosis code (wizard.core.imds.FINDING_CODES, listed here so that this module publishes every code a report can
# carry; a unit test keeps the two lists equal). Only findings of severity "error" fail the step; the warnings (hop-limit,
# imdsv1-enabled) and not-on-ec2 / imds-disabled (the step is then skipped) are listed because the check-instance
# command reports them with the same codes.
INSTANCE_CODES = (
    "not-on-ec2",
    "imds-disabled",
    "no-role-attached",
    "role-mismatch",
    "imds-timeout",
    "hop-limit",
    "imdsv1-enabled",
)

# The remedy of a failed `instance` step (its summary and causes are the check's findings).
INSTANCE_REMEDY = ("Change the instance as described, then test again; `aws-connection-wizard check-instance` shows "
                   "every finding.")

ALL_CODES = CODES + INSTANCE_CODES  # every diagnosis code a test report, the CLI's --json or a profile can carry

MAX_SKEW_SECONDS = 300  # AWS refuses signatures more than 5 minutes away from its clock


@dataclass(frozen=True)
class Diagnosis:
    code: str
    summary: str
    causes: tuple[str, ...]
    remedy: str
    aws_error: str = ""  # "Code: message" from AWS or botocore, redacted
    refused_action: str = ""  # service-denied / assume-role-denied: the IAM action that was refused

    def to_json(self) -> dict:
        return {"code": self.code, "summary": self.summary, "causes": list(self.causes), "remedy": self.remedy}


def _said(text: str, **values) -> Words:
    """A diagnosis's text made with values (a clock's minutes, a region, an action): English as a str (reports,
    `test --json`), one catalogue text with {placeholders} translated where it is shown (`shown`).
    tools/translations.py collects the literals of these calls."""
    return Words(text, "diagnoses", values=values)


def shown(text: str, translate=None) -> str:
    """A diagnosis's summary, cause or remedy in the user's language: a text made with values (`_said`) as one
    catalogue text with its values put in, any other as the catalogue's text. `translate(context, text)`:
    wizard.core.i18n's (the default) or the window's."""
    if isinstance(text, Words):
        return localized(text, translate)
    if translate is None:
        from wizard.core.i18n import translate
    return translate("diagnoses", text) if text else text


# --- redaction ------------------------------------------------------------------------------------------------------

_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s\"']+@")


_MFA_TOKEN_CODE = re.compile(r"(?i)(TokenCode['\"]?\s*[:=]\s*['\"]?)[0-9]{6}")  # a request's MFA code (logs)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`redact_text`, the user:password part of URLs (a proxy URL may carry them) and an MFA code sent as TokenCode
    (botocore's debug log of a request) replaced too."""
    text = _URL_USERINFO.sub(r"\1[redacted]@", _redact_text(text, secrets))
    return _MFA_TOKEN_CODE.sub(r"\1[redacted]", text)


# --- reading an exception -------------------------------------------------------------------------------------------


_XML_CODE = re.compile(r"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")


def _error_field(exc: BaseException, name: str) -> str:
    """Code or Message of an AWS error. When botocore could not parse the body (an XML error where JSON was expected,
    e.g. from a proxy or an emulator) the code is the HTTP status and the message the raw body: read the XML then."""
    error = exc.response.get("Error", {}) or {}
    code, message = str(error.get("Code", "") or ""), str(error.get("Message", "") or "")
    if code.isdigit() and "<Code>" in message:
        found_code, found_message = _XML_CODE.search(message), _XML_MESSAGE.search(message)
        code = found_code.group(1) if found_code else code
        message = found_message.group(1) if found_message else message
    return code if name == "code" else message


def error_code(exc: BaseException) -> str:
    if isinstance(exc, bx.ClientError):
        return _error_field(exc, "code")
    return ""


def error_message(exc: BaseException) -> str:
    if isinstance(exc, bx.ClientError):
        return _error_field(exc, "message")
    return str(exc)


def http_status(exc: BaseException) -> int:
    if isinstance(exc, bx.ClientError):
        return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return 0


def clock_skew(exc: BaseException, now: float | None = None) -> float | None:
    """Seconds the server's clock (its Date header) is ahead of ours; None when the response had no usable Date."""
    if not isinstance(exc, bx.ClientError):
        return None
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}) or {}
    date = headers.get("date") or headers.get("Date")
    if not date:
        return None
    try:
        server = email.utils.parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return None
    return server - (time.time() if now is None else now)


def _chain(exc: BaseException):
    """The exception, its wrapped `error` (botocore keeps urllib3's there), causes and contexts."""
    seen, todo = set(), [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo.extend([getattr(item, "kwargs", {}).get("error"), item.__cause__, item.__context__,
                     getattr(item, "reason", None) if isinstance(getattr(item, "reason", None), BaseException) else None])


_DNS_WORDS = ("name or service not known", "nodename nor servname", "getaddrinfo failed", "name resolution",
              "temporary failure in name resolution", "no address associated", "lookup of")


def _is_dns_failure(exc: BaseException) -> bool:
    for item in _chain(exc):
        if isinstance(item, socket.gaierror) or type(item).__name__ == "NameResolutionError":
            return True
        if any(w in str(item).lower() for w in _DNS_WORDS) and not isinstance(item, bx.ClientError):
            return True
    return False


_REFUSED_ACTION = re.compile(r"not authorized to perform:?\s*([A-Za-z0-9-]+:[A-Za-z0-9*]+)")


def refused_action(message: str, fallback: str = "") -> str:
    found = _REFUSED_ACTION.search(message or "")
    return found.group(1) if found else fallback


# --- the table ------------------------------------------------------------------------------------------------------

UNKNOWN_KEY = {"InvalidClientTokenId", "InvalidAccessKeyId", "UnrecognizedClientException", "AuthFailure"}
BAD_SIGNATURE = {"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "InvalidToken"}
SKEWED = {"RequestTimeTooSkewed", "RequestInTheFuture"}
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException", "Forbidden",
          "AllAccessDisabled", "UnauthorizedAccess"}
REGION_OFF = {"OptInRequired", "RegionDisabledException", "InvalidRegion"}
THROTTLED = {"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "TooManyRequests",
             "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "SlowDown",
             "ProvisionedThroughputExceededException", "LimitExceededException", "BandwidthLimitExceeded"}
UNAVAILABLE = {"ServiceUnavailable", "ServiceUnavailableException", "InternalError", "InternalFailure",
               "InternalServerError", "InternalServerException", "ServiceFailure", "Unavailable", "ServerException"}
INVALID_INPUT = {"ValidationError", "ValidationException", "InvalidParameterValue", "InvalidParameterException",
                 "MalformedPolicyDocument", "InvalidInput", "NoSuchBucket", "InvalidBucketName"}


def network_place(*keys: str) -> str:
    """Where the network settings `keys` are changed, in the window and on the command line: "Edit the connection →
    Region page → Advanced: network → Proxy URL (command line: --proxy)"."""
    from wizard.core.fields import FIELDS, NETWORK_SECTION

    labels = " and ".join(FIELDS[k].label for k in keys)
    flags = " ".join(FIELDS[k].cli_flag for k in keys)
    return f"Edit the connection \u2192 Region page \u2192 {NETWORK_SECTION} \u2192 {labels} (command line: {flags})"


_TEXT: dict[str, tuple[str, tuple[str, ...], str]] = {
    "invalid-input": (
        "A value entered for this connection was refused",
        ("A field is empty, has the wrong format, or names something that does not exist.",),
        "Go back, correct the field named in the AWS error, and test again.",
    ),
    "unknown-access-key": (
        "AWS does not know this access key ID",
        ("The access key ID was mistyped or pasted incompletely.",
         "The key was deleted or deactivated in IAM.",
         "The key belongs to another partition (e.g. a China or GovCloud key used against the standard regions)."),
        "Copy the access key ID again from the IAM console (Users → Security credentials) or create a new access key; "
        "make sure the region belongs to the key's partition.",
    ),
    "wrong-secret-key": (
        "The secret access key does not match the access key ID",
        ("The secret access key was mistyped or pasted incompletely (it is 40 characters).",
         "The secret belongs to a different access key."),
        "Paste the secret access key shown when this access key was created. If it was lost, create a new access key "
        "in IAM and deactivate the old one.",
    ),
    "clock-skew": (
        "This computer's clock is wrong, so AWS refuses the signature",
        ("AWS accepts requests only when the computer's clock is within 5 minutes of AWS's time.",
         "The system clock, its time zone, or time synchronisation (NTP) is misconfigured."),
        "Correct the system clock (enable automatic time synchronisation, e.g. `timedatectl set-ntp true` or the "
        "Windows/macOS date settings) and test again. The keys are probably fine.",
    ),
    "expired-token": (
        "The session token has expired or is no longer valid",
        ("Temporary credentials (ASIA… keys) last from 15 minutes to 12 hours.",
         "The session token was pasted incompletely or belongs to other keys."),
        "Get new temporary credentials (access key ID, secret access key and session token together) from the "
        "issuer (AWS SSO portal, `aws sts get-session-token`, your identity provider) and enter all three again.",
    ),
    "token-not-expected": (
        "A session token was given for a long-term AKIA… key",
        ("Long-term access keys (AKIA…) are used without a session token; a token belongs to temporary ASIA… keys.",),
        "Clear the session token field, or enter the temporary ASIA… access key that goes with the token.",
    ),
    "token-missing": (
        "Temporary ASIA… keys need their session token",
        ("Access keys starting with ASIA are temporary and only work together with their session token.",),
        "Paste the session token issued with these keys, or use a long-term AKIA… access key instead.",
    ),
    "assume-role-denied": (
        "AWS refused to let this identity assume the role",
        ("The caller's IAM policy does not allow sts:AssumeRole on this role.",
         "The role's trust policy does not trust the caller (its Principal names another user, role or account).",
         "The External ID is wrong or missing: the role's trust policy requires sts:ExternalId to match."),
        "Ask the role's owner to check its trust policy (the test's \"Show the policies\" button, or "
        "`aws-connection-wizard policy NAME --trust`, gives the exact trust policy to install), check that the "
        "caller's policy allows sts:AssumeRole on the role ARN, and check that the External ID is exactly the one in "
        "the trust policy.",
    ),
    "region-disabled": (
        "The region is not enabled for this account",
        ("Regions launched after March 2019 must be enabled (opted in) per account before use.",
         "The service is not offered in this region or partition."),
        "Enable the region in the AWS console (Account → AWS Regions) or choose another region.",
    ),
    "service-denied": (
        "Signed in, but not allowed to use the service",
        ("The identity is authenticated, but no IAM policy allows the action the test needs.",
         "A permissions boundary, service control policy or resource policy (e.g. a bucket policy) denies it."),
        "Attach a policy allowing the refused action to the user or role (the test's \"Show the policies\" button "
        "gives one), or use a narrower probe (e.g. a named bucket) that matches the permissions you were given.",
    ),
    "model-access": (
        "The Bedrock model is not available to this account",
        ("Access to the model has not been enabled in the Bedrock console for this account and region.",
         "The model id is wrong or the model is not offered in this region."),
        "Enable model access in the Amazon Bedrock console (Model access) for this region, or check the model id.",
    ),
    "endpoint-unreachable": (
        "Could not connect to the AWS endpoint",
        ("There is no network route, or a firewall refuses the connection.",
         "The endpoint URL override points to a host or port where nothing listens."),
        "Check the network connection and firewall rules for HTTPS (port 443), and the endpoint URL override if "
        f"one is set: {network_place('endpoint_url')}. If an HTTPS proxy is required here, set it: "
        f"{network_place('proxy')}.",
    ),
    "dns-failure": (
        "The endpoint's host name could not be resolved",
        ("The DNS server is not reachable or does not know the name.",
         "The endpoint URL override or the region contains a typo.",
         "Only a proxy may resolve outside names on this network."),
        f"Check DNS settings and the endpoint URL: {network_place('endpoint_url')}. On networks that require a "
        f"proxy, set the HTTPS proxy: {network_place('proxy')}.",
    ),
    "timeout": (
        "The AWS endpoint did not answer in time",
        ("A firewall silently drops the traffic.",
         "A proxy is required on this network but not set, or the network is very slow."),
        f"Check firewall and proxy settings: {network_place('proxy')}. Raise the timeouts only for slow links: "
        f"{network_place('connect_timeout', 'read_timeout')}.",
    ),
    "tls-error": (
        "The secure connection (TLS) to the endpoint could not be verified",
        ("A company proxy or firewall inspects HTTPS with its own certificate authority, which this computer's "
         "trust store does not contain.",
         "The endpoint URL override points to a server whose certificate does not match its name.",
         "This is a network trust problem, not a problem with the credentials."),
        "Ask the network team for the company CA certificate (PEM), set it as the CA bundle and test again: "
        f"{network_place('ca_bundle')}.",
    ),
    "proxy-error": (
        "Could not connect through the HTTPS proxy",
        ("The proxy address or port is wrong, or the proxy is down.",
         "The proxy refuses the connection (authentication or a rule blocking AWS)."),
        "Check the proxy URL (e.g. http://proxy.example.com:3128) and, if the proxy asks for one, its user name and "
        f"password with the network team: {network_place('proxy', 'proxy_user')}.",
    ),
    "throttled": (
        "AWS is throttling requests from this account",
        ("Too many requests were made in a short time by this or other programs using the account.",),
        "Wait a minute and test again. The credentials are fine.",
    ),
    "service-unavailable": (
        "The AWS service had an internal error or is unavailable",
        ("A temporary problem on AWS's side, or a service outage in this region.",),
        "Test again in a few minutes; check the AWS Health Dashboard for the region.",
    ),
    "no-keyring": (
        "No system keychain is available to store the secrets",
        ("No Secret Service (e.g. GNOME Keyring, KWallet) is running in this session.",),
        "Start or install the desktop keychain, then try again.",
    ),
    "keyring-locked": (
        "The system keychain is locked",
        ("The keychain was not unlocked at login.",),
        "Unlock the keychain (it asks for your login password) and try again.",
    ),
    "unexpected": (
        "An unexpected error occurred",
        ("An error the wizard does not recognise; the AWS error below says more.",),
        "Read the error below; copy the report (secrets are removed) when asking for help.",
    ),
}


def make(code: str, *, aws_error: str = "", refused: str = "", summary: str = "", extra_causes=()) -> Diagnosis:
    base_summary, causes, remedy = _TEXT[code]
    return Diagnosis(code, summary or base_summary, tuple(extra_causes) + causes, remedy, aws_error, refused)


def from_message(code: str, message: str = "") -> Diagnosis:
    """A diagnosis for a failure found without calling AWS (offline validation, keychain)."""
    return make(code, aws_error=redact(message) if message else "")


# Regions of the aws partition enabled in every account (all launched before March 2019). Every later region is
# opt-in: disabled until the account enables it. This list never grows, so it can be written down.
DEFAULT_ENABLED_REGIONS = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "ap-south-1",
})
_AWS_PARTITION_REGION = re.compile(r"^(us|ca|sa|eu|ap|af|me|il|mx)-[a-z]+-\d+$")


def is_opt_in_region(region: str) -> bool:
    return bool(_AWS_PARTITION_REGION.match(region or "")) and region not in DEFAULT_ENABLED_REGIONS


def _probe_action(step: str, connection: Connection | None) -> str:
    if step != "service" or connection is None:
        return ""
    return probes.select(connection.service, bucket=connection.bucket, model_id=connection.model_id,
                         invoke_model=connection.invoke_model).iam_action


def _is_model_access(code: str, message: str) -> bool:
    text = message.lower()
    if code == "AccessDeniedException" and ("model" in text and ("access" in text or "enabled" in text)):
        return True
    return code in {"ResourceNotFoundException", "ValidationException"} and "model" in text


def _skew_summary(skew: float) -> str:
    minutes = round(abs(skew) / 60)
    if skew > 0:
        return _said("This computer's clock is about {minutes} minutes behind AWS's time, so AWS refuses the "
                     "signature", minutes=minutes)
    return _said("This computer's clock is about {minutes} minutes ahead of AWS's time, so AWS refuses the signature",
                 minutes=minutes)


def diagnose(exc: BaseException, *, step: str = "", connection: Connection | None = None,
             secrets: Iterable[str] = ()) -> Diagnosis:
    """The diagnosis for an exception raised by a step (`step` in identity | assume-role | assumed-identity | service,
    or an IAM Identity Center step: sso-login | sso-token | sso-accounts | role-credentials). IAM Identity Center's own
    errors are read first (`sso_diagnosis`), then the general table."""
    secrets = tuple(secrets)
    return sso_diagnosis(exc, step, secrets) or _general_diagnose(exc, step=step, connection=connection,
                                                                   secrets=secrets)


def _general_diagnose(exc: BaseException, *, step: str = "", connection: Connection | None = None,
                      secrets: Iterable[str] = ()) -> Diagnosis:
    secrets = tuple(secrets)
    keychain_code = getattr(exc, "code", None)
    if keychain_code in ("no-keyring", "keyring-locked"):
        return make(keychain_code, aws_error=redact(str(exc), secrets))
    code, message = error_code(exc), error_message(exc)
    aws_error = redact(f"{code}: {message}" if code else f"{type(exc).__name__}: {message}", secrets)
    if isinstance(exc, bx.ClientError):
        return _client_error(exc, code, message, aws_error, step, connection)
    if isinstance(exc, bx.ProxyConnectionError):
        return make("proxy-error", aws_error=aws_error)
    if isinstance(exc, bx.SSLError) or any("certificate verify failed" in str(i).lower() for i in _chain(exc)):
        return make("tls-error", aws_error=aws_error)
    if isinstance(exc, (bx.ConnectTimeoutError, bx.ReadTimeoutError)) or isinstance(exc, TimeoutError):
        return make("timeout", aws_error=aws_error)
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectionClosedError, ConnectionError)):
        return make("dns-failure" if _is_dns_failure(exc) else "endpoint-unreachable", aws_error=aws_error)
    if isinstance(exc, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return make("invalid-input", aws_error=aws_error, summary="No credentials were found for the source identity",
                    extra_causes=("The default credential chain (environment, ~/.aws files, SSO, instance role) "
                                  "has no credentials on this computer.",))
    if type(exc).__name__ == "CredentialsError":  # wizard.core.credentials: a source profile or instance role missing
        text = redact(str(exc), secrets)
        said = exc.args[0] if len(exc.args) == 1 else None
        if isinstance(said, Words) and text == str(said):  # nothing to redact: keep its words for the user's language
            text = said
        return make("invalid-input", summary=_said("No credentials were found for the source identity: {reason}",
                                                   reason=text))
    if isinstance(exc, (bx.ParamValidationError, bx.NoRegionError, ValueError)):
        return make("invalid-input", aws_error=aws_error)
    return make("unexpected", aws_error=aws_error)


def _client_error(exc, code, message, aws_error, step, connection) -> Diagnosis:
    skew = clock_skew(exc)
    skewed = skew is not None and abs(skew) > MAX_SKEW_SECONDS
    expired_signature = code in BAD_SIGNATURE and any(w in message.lower() for w in ("signature expired",
                                                                                     "signature not yet current"))
    if code in SKEWED or expired_signature or (code in BAD_SIGNATURE | {"RequestExpired"} and skewed):
        return make("clock-skew", aws_error=aws_error, summary=_skew_summary(skew) if skewed else "")
    if code in UNKNOWN_KEY:
        extra = ()
        if connection is not None and is_opt_in_region(connection.region):
            extra = (_said("{region} is an opt-in region: until it is enabled for the account, AWS there rejects "
                           "the account's keys as unknown (enable it under Account → AWS Regions).",
                           region=connection.region),)
        return make("unknown-access-key", aws_error=aws_error, extra_causes=extra)
    if code in BAD_SIGNATURE:
        return make("wrong-secret-key", aws_error=aws_error)
    if code in EXPIRED or code == "RequestExpired":
        return make("expired-token", aws_error=aws_error)
    if code in REGION_OFF:
        return make("region-disabled", aws_error=aws_error)
    if step == "service" and connection is not None and connection.service == "bedrock-runtime" \
            and _is_model_access(code, message):
        return make("model-access", aws_error=aws_error, refused=refused_action(message, "bedrock:InvokeModel"))
    if code in DENIED or http_status(exc) == 403:
        if step == "assume-role":
            return make("assume-role-denied", aws_error=aws_error, refused="sts:AssumeRole")
        action = refused_action(message, _probe_action(step, connection))
        summary = _said("Signed in, but not allowed to perform {action}", action=action) if action else ""
        return make("service-denied", aws_error=aws_error, refused=action, summary=summary)
    if code in THROTTLED or http_status(exc) == 429:
        return make("throttled", aws_error=aws_error)
    if code in UNAVAILABLE or http_status(exc) >= 500:
        return make("service-unavailable", aws_error=aws_error)
    if code in INVALID_INPUT:
        return make("invalid-input", aws_error=aws_error)
    return make("unexpected", aws_error=aws_error)


# --- MFA ------------------------------------------------------------------------------------------------------------
# AWS's real answers (all AccessDenied, HTTP 403), as users report them:
# - a wrong, expired or reused code (GetSessionToken and AssumeRole alike):
#   "MultiFactorAuthentication failed with invalid MFA one time pass code."
#   https://github.com/lonelyplanet/aws-mfa/pull/21 (GetSessionToken), https://github.com/aws/aws-cli/issues/2279
#   (AssumeRole; a loop reusing one code within its window gets the same answer)
# - a serial that isn't an MFA device of the caller (a user ARN, another user's device, a typo):
#   "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and
#   associated with this user."  https://github.com/aws/aws-cli/issues/6325,
#   https://github.com/broamski/aws-mfa/issues/25
#   (also matched: "Cannot find device authentication information", named in this project's brief, not found in a
#   public thread)
# - a serial without a code or a code without a serial:
#   "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."
#   https://github.com/y13i/sgviz/issues/9
# - an identity policy denying everything without MFA (AWS's own "BlockMostAccessUnlessSignedInWithMFA" pattern,
#   https://github.com/aquasecurity/tfsec/issues/1534): "User: ARN is not authorized to perform: ACTION on resource:
#   RESOURCE with an explicit deny in an identity-based policy".
# - a role whose trust policy demands MFA (aws:MultiFactorAuthPresent), assumed without it: the same answer as any
#   untrusting role, "User: ARN is not authorized to perform: sts:AssumeRole on resource: ROLE"; nothing in it says MFA.

MFA_CODES = ("mfa-required", "mfa-code-invalid", "mfa-device-unknown")
CODES = CODES + MFA_CODES
ALL_CODES = CODES + INSTANCE_CODES

_TEXT.update({
    "mfa-required": (
        "AWS refused, and this profile has no MFA device: the policy probably requires MFA",
        ("Many organisations deny IAM users everything until they sign in with MFA (a Deny on "
         "aws:MultiFactorAuthPresent in the user's or group's policy), and protect roles with "
         "aws:MultiFactorAuthPresent in their trust policy.",
         "AWS only counts MFA when the call carries the device and a current code (GetSessionToken or AssumeRole "
         "with SerialNumber and TokenCode)."),
        "Add your MFA device to this profile: in the IAM console open your user → Security credentials → "
        "Multi-factor authentication (MFA), copy the device's identifier (arn:aws:iam::ACCOUNT:mfa/NAME), paste it in "
        "the profile's MFA device field, and test again with the six-digit code your authenticator shows. "
        "If you have no device yet, assign a virtual authenticator app there first (FIDO security keys can't be used "
        "for STS calls).",
    ),
    "mfa-code-invalid": (
        "AWS refused the MFA code",
        ("The code was mistyped, or it had already changed (a code is valid for its 30-second window).",
         "The code was already used: AWS accepts each code once, so it can't be reused within its 30-second window "
         "(e.g. for a second test or a second profile right after the first).",
         "The authenticator's clock is off, or the code came from another account's entry in the app."),
        "Wait for your authenticator to show the next code, then enter that new code. If codes keep failing, check "
        "the device's clock and that you read the entry of this account's device.",
    ),
    "mfa-device-unknown": (
        "AWS could not find this MFA device for the user signing in",
        ("The MFA device identifier is mistyped, or it is a user's ARN (…:user/NAME) instead of the device's "
         "(…:mfa/NAME).",
         "The device belongs to another user or another account than the access key.",
         "The device was removed or replaced in IAM."),
        "Copy the identifier of the MFA device assigned to this user from the IAM console (your user → Security "
        "credentials → Multi-factor authentication) into the profile's MFA device field, and test again with a new "
        "code.",
    ),
})

_INVALID_CODE = "invalid mfa one time pass code"
_UNKNOWN_DEVICE = ("unable to validate mfa code", "cannot find device authentication information")
_BOTH_NEEDED = "must provide both mfa serial number and one time pass code"
_EXPLICIT_DENY = "with an explicit deny"

# For the engine: a denied AssumeRole can't be told apart from an untrusting trust policy, so it stays
# `assume-role-denied`; when the profile has no MFA device, this cause is added to it (extra_causes).
MFA_ASSUME_ROLE_CAUSE = ("The role's trust policy may require MFA (aws:MultiFactorAuthPresent): add your MFA device to "
                         "this profile and test again with a code.")


def classify_mfa_error(error_code: str, message: str, has_mfa_device: bool) -> str | None:
    """The MFA diagnosis code for an AWS error, or None when the error isn't about MFA.

    `has_mfa_device`: the profile names an MFA device (`mfa_serial`). A refusal whose text shows an identity policy
    denying without MFA (an explicit deny) is `mfa-required` only for a profile without a device; with a device, the
    call carried MFA and the refusal is about something else. A denied AssumeRole says nothing about MFA (see
    `MFA_ASSUME_ROLE_CAUSE`). Pure: no network, no profile store.
    """
    if error_code not in DENIED:
        return None
    text = " ".join((message or "").lower().split())
    if _INVALID_CODE in text:
        return "mfa-code-invalid"
    if any(words in text for words in _UNKNOWN_DEVICE):
        return "mfa-device-unknown"
    if _BOTH_NEEDED in text:
        return "mfa-code-invalid" if has_mfa_device else "mfa-required"
    if not has_mfa_device and _EXPLICIT_DENY in text:
        return "mfa-required"
    return None


def diagnose_mfa(exc: BaseException, has_mfa_device: bool, secrets: Iterable[str] = ()) -> Diagnosis | None:
    """The MFA diagnosis of an exception raised by a step, or None (then `diagnose` applies)."""
    code = classify_mfa_error(error_code(exc), error_message(exc), has_mfa_device)
    if code is None:
        return None
    aws_error = redact(f"{error_code(exc)}: {error_message(exc)}", tuple(secrets))
    return make(code, aws_error=aws_error, refused=refused_action(error_message(exc)))


# --- IAM Identity Center (SSO) ----------------------------------------------------------------------------------------
# The login (sso-oidc) and the portal (sso) answer with their own error names. As AWS sends them:
# - CreateToken while the user hasn't approved: AuthorizationPendingException {"error": "authorization_pending",
#   "error_description": "Authorization is still pending"} (the login polls on); SlowDownException (poll slower);
#   ExpiredTokenException (the device code expired: not approved in time); AccessDeniedException (denied);
#   InvalidGrantException "Invalid refresh token provided" (a revoked or ended session); InvalidClientException (the
#   client registration expired).
# - StartDeviceAuthorization / RegisterClient with a start URL Identity Center doesn't know in that region:
#   InvalidRequestException.
# - GetRoleCredentials / ListAccounts / ListAccountRoles: UnauthorizedException "Session token not found or invalid"
#   (401: the access token expired or was revoked) and ForbiddenException "No access" (403: the user is not assigned
#   that role in that account).
# The login's own decisions arrive as wizard.core.sso_login.SsoLoginError, whose `code` is already one of these.

SSO_CODES = ("sso-login-required", "sso-authorization-timeout", "sso-access-denied", "sso-start-url-invalid")
SSO_STEPS = ("sso-login", "sso-token", "sso-accounts", "role-credentials")
SSO_OIDC_OPERATIONS = {"RegisterClient", "StartDeviceAuthorization", "CreateToken", "CreateTokenWithIAM"}
SSO_PORTAL_OPERATIONS = {"GetRoleCredentials", "ListAccounts", "ListAccountRoles", "Logout"}

CODES = CODES + SSO_CODES
ALL_CODES = CODES + INSTANCE_CODES

_TEXT.update({
    "sso-login-required": (
        "Log in to IAM Identity Center again",
        ("The IAM Identity Center session ended: its access token expired and could not be refreshed, it was revoked, "
         "or the user signed out.",
         "The login was denied in the browser, or never done on this computer."),
        "Log in again (Login in the wizard, or `login NAME` on the command line); then test again.",
    ),
    "sso-authorization-timeout": (
        "The IAM Identity Center login was not approved in time",
        ("The browser page or the device code was not confirmed before the code expired.",),
        "Start the login again and approve it in the browser within a few minutes (with a device code: open the "
        "verification URL and enter the code shown).",
    ),
    "sso-access-denied": (
        "IAM Identity Center does not give this user that role in that account",
        ("The user (or their group) is not assigned this permission set in this account.",
         "The account ID or the role (permission set) name is mistyped, or the assignment was removed."),
        "Pick an account and role from the lists the login shows, or ask the IAM Identity Center administrator to "
        "assign the permission set to you in that account.",
    ),
    "sso-start-url-invalid": (
        "IAM Identity Center does not know this start URL in this region",
        ("The start URL is mistyped (it looks like https://NAME.awsapps.com/start or a custom domain).",
         "The SSO region is not the region where the organisation's IAM Identity Center lives."),
        "Copy the start URL (the \"AWS access portal URL\") and the region from the IAM Identity Center settings, "
        "or ask the administrator for them.",
    ),
})

_SSO_TLS_SUMMARY = ("The secure connection to IAM Identity Center could not be verified: a corporate proxy or TLS "
                    "inspection is probably replacing AWS's certificate")
_SSO_TLS_REMEDY = ("Ask the network team for the company CA certificate (PEM) and set it as the CA bundle in the "
                   "network settings, then log in again. The login itself is not the problem.")


def sso_diagnosis(exc: BaseException, step: str = "", secrets: Iterable[str] = ()) -> Diagnosis | None:
    """The IAM Identity Center diagnosis of `exc`, or None when the general table applies."""
    login_code = getattr(exc, "code", None)
    if login_code in SSO_CODES:  # an SsoLoginError
        return make(login_code, aws_error=redact(str(exc), secrets))
    operation = getattr(exc, "operation_name", "")
    if isinstance(exc, bx.ClientError) and (operation in SSO_OIDC_OPERATIONS | SSO_PORTAL_OPERATIONS):
        code, message = error_code(exc), error_message(exc)
        aws_error = redact(f"{code}: {message}", secrets)
        if operation in SSO_PORTAL_OPERATIONS:
            if code == "UnauthorizedException" or http_status(exc) == 401:
                return make("sso-login-required", aws_error=aws_error)
            if code in ("ForbiddenException", "ResourceNotFoundException") or http_status(exc) == 403:
                return make("sso-access-denied", aws_error=aws_error)
            return None
        if code == "ExpiredTokenException" and operation == "CreateToken" and step == "sso-login":
            return make("sso-authorization-timeout", aws_error=aws_error)
        if code in ("InvalidGrantException", "ExpiredTokenException", "InvalidClientException",
                    "UnauthorizedClientException", "AccessDeniedException"):
            return make("sso-login-required", aws_error=aws_error)
        if code in ("InvalidRequestException", "InvalidClientMetadataException") \
                and operation in ("StartDeviceAuthorization", "RegisterClient"):
            return make("sso-start-url-invalid", aws_error=aws_error)
        return None
    if step in SSO_STEPS and not isinstance(exc, bx.ClientError):
        base = _general_diagnose(exc, step=step, secrets=secrets)
        if base.code == "tls-error":
            return Diagnosis(base.code, _SSO_TLS_SUMMARY, base.causes, _SSO_TLS_REMEDY, base.aws_error)
    return None

