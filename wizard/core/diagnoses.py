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


# --- redaction ------------------------------------------------------------------------------------------------------

_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s\"']+@")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`redact_text`, and the user:password part of URLs (a proxy URL may carry them) replaced too."""
    return _URL_USERINFO.sub(r"\1[redacted]@", _redact_text(text, secrets))


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
        "Ask the role's owner to check its trust policy (the Policies step can show the exact trust policy to "
        "install), check that the caller's policy allows sts:AssumeRole on the role ARN, and check that the External "
        "ID is exactly the one in the trust policy.",
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
        "Attach a policy allowing the refused action to the user or role (the Policies step can show one), or use a "
        "narrower probe (e.g. a named bucket) that matches the permissions you were given.",
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
        "one is set. If an HTTPS proxy is required here, set it in the network settings.",
    ),
    "dns-failure": (
        "The endpoint's host name could not be resolved",
        ("The DNS server is not reachable or does not know the name.",
         "The endpoint URL override or the region contains a typo.",
         "Only a proxy may resolve outside names on this network."),
        "Check DNS settings and the endpoint URL; on networks that require a proxy, set the HTTPS proxy.",
    ),
    "timeout": (
        "The AWS endpoint did not answer in time",
        ("A firewall silently drops the traffic.",
         "A proxy is required on this network but not set, or the network is very slow."),
        "Check firewall and proxy settings; raise the timeouts in the network settings only for slow links.",
    ),
    "tls-error": (
        "The secure connection (TLS) to the endpoint could not be verified",
        ("A company proxy or firewall inspects HTTPS with its own certificate authority, which this computer's "
         "trust store does not contain.",
         "The endpoint URL override points to a server whose certificate does not match its name.",
         "This is a network trust problem, not a problem with the credentials."),
        "Ask the network team for the company CA certificate (PEM) and set it as the CA bundle in the network "
        "settings, then test again.",
    ),
    "proxy-error": (
        "Could not connect through the HTTPS proxy",
        ("The proxy address or port is wrong, or the proxy is down.",
         "The proxy refuses the connection (authentication or a rule blocking AWS)."),
        "Check the proxy URL in the network settings (e.g. http://proxy.example.com:3128) with the network team.",
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
    direction = "behind" if skew > 0 else "ahead of"
    return f"This computer's clock is about {minutes} minutes {direction} AWS's time, so AWS refuses the signature"


def diagnose(exc: BaseException, *, step: str = "", connection: Connection | None = None,
             secrets: Iterable[str] = ()) -> Diagnosis:
    """The diagnosis for an exception raised by a step (`step` in identity | assume-role | assumed-identity | service)."""
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
        return make("invalid-input", summary="No credentials were found for the source identity: " + text)
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
            extra = (f"{connection.region} is an opt-in region: until it is enabled for the account, AWS there "
                     "rejects the account's keys as unknown (enable it under Account → AWS Regions).",)
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
        summary = f"Signed in, but not allowed to perform {action}" if action else ""
        return make("service-denied", aws_error=aws_error, refused=action, summary=summary)
    if code in THROTTLED or http_status(exc) == 429:
        return make("throttled", aws_error=aws_error)
    if code in UNAVAILABLE or http_status(exc) >= 500:
        return make("service-unavailable", aws_error=aws_error)
    if code in INVALID_INPUT:
        return make("invalid-input", aws_error=aws_error)
    return make("unexpected", aws_error=aws_error)
