"""A loopback reverse proxy in front of moto's server that answers STS AssumeRole the way AWS does.

Every request is forwarded to moto byte for byte (the Host header is kept, so SigV4 signatures still verify). For
AssumeRole the gate also evaluates the role's trust policy itself (principal and the `sts:ExternalId` condition) and,
when the caller is not trusted, answers AWS's real AccessDenied
("User: ... is not authorized to perform: sts:AssumeRole on resource: ..."), whatever moto said. Moto's own answer is
kept for everything the gate cannot judge (bad signatures, unknown keys, the caller's own policy).

It also plays AWS where moto doesn't: requests signed more than 5 minutes off the real clock are refused (clock skew),
seeded temporary keys can be marked expired, moto's XML errors are turned into JSON for JSON-protocol services, and
calls moto authorizes but doesn't implement can be answered by a callback (Bedrock's Converse in practice mode).

MFA (moto accepts any code and its GetSessionToken returns fixed example keys): the gate keeps the MFA devices it is
told about (`add_mfa_device`) and checks TokenCode on GetSessionToken and AssumeRole as AWS does (TOTP, one 30-second
step of drift, each code accepted once); it answers GetSessionToken itself with usable temporary keys whose requests
it verifies and re-signs with the user's long-term key before moto sees them, and it evaluates
aws:MultiFactorAuthPresent in trust policies. Callers in `mfa_enforced` are refused everything but GetSessionToken and
GetCallerIdentity until they present MFA, as AWS's "deny without MFA" identity policy does (moto ignores Bool
conditions). The refusals are AWS's real texts; where each was found is noted in wizard/core/diagnoses.py's MFA block.
"""

from __future__ import annotations

import base64
import datetime
import fnmatch
import hmac
import secrets as _secrets
import http.client
import http.server
import json
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from wizard.core import totp

from wizard.core import arn as arns

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}
_CREDENTIAL = re.compile(r"Credential=([A-Za-z0-9_]+)/")

STS_ERROR = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>{request_id}</RequestId>
</ErrorResponse>
"""
STS_ACCESS_DENIED = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role}</Message>
  </Error>
  <RequestId>{request_id}</RequestId>
</ErrorResponse>
"""


@dataclass(frozen=True)
class Caller:
    arn: str
    account_id: str


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principal_matches(principal, caller: Caller) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for entry in _as_list(principal.get("AWS")):
        if entry in ("*", caller.arn, caller.account_id, f"arn:aws:iam::{caller.account_id}:root"):
            return True
        if entry.endswith(":root") and arns.account(entry) == caller.account_id:
            return True
    return False


def _action_matches(actions, action: str = "sts:AssumeRole") -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _as_list(actions))


_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda have, want: have == want,
    "StringLike": lambda have, want: fnmatch.fnmatchcase(have, want),
    "StringEqualsIgnoreCase": lambda have, want: have.lower() == want.lower(),
}


_OPERATORS["Bool"] = lambda have, want: have.lower() == str(want).lower()


def _conditions_hold(condition: dict | None, context: dict[str, str]) -> bool:
    """True when every condition holds; an operator or key the gate does not know never holds (fail closed).
    `...IfExists` operators hold when the key is absent from the request's context."""
    for operator, clauses in (condition or {}).items():
        if_exists = operator.endswith("IfExists")
        test = _OPERATORS.get(operator[: -len("IfExists")] if if_exists else operator)
        if test is None:
            return False
        for key, wanted in clauses.items():
            have = context.get(key.lower())
            if have is None and if_exists:
                continue
            if have is None or not any(test(have, w) for w in _as_list(wanted)):
                return False
    return True


def trusts(trust_policy: dict, caller: Caller, external_id: str | None, mfa: bool | None = None) -> bool:
    """Evaluate a role's trust policy for sts:AssumeRole: an explicit Deny wins, else some Allow must match.
    `mfa`: aws:MultiFactorAuthPresent (None: absent, as for long-term keys without MFA)."""
    context = {"sts:externalid": external_id} if external_id is not None else {}
    if mfa is not None:
        context["aws:multifactorauthpresent"] = "true" if mfa else "false"
    allowed = False
    for statement in _as_list(trust_policy.get("Statement")):
        if not _action_matches(statement.get("Action")):
            continue
        if not _principal_matches(statement.get("Principal"), caller):
            continue
        if not _conditions_hold(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


class TrustGate:
    """Threaded HTTP reverse proxy on 127.0.0.1 in front of `upstream` (moto's server).

    `lookup_caller(access_key_id)` returns the Caller owning a long-term key, or None (then moto's answer stands);
    `lookup_trust_policy(role_arn)` returns the role's trust policy, or None when the role does not exist.
    """

    def __init__(self, upstream_port: int, lookup_caller, lookup_trust_policy, *, ssl_context=None,
                 unimplemented=None, lookup_secret=None):
        self.upstream_port = upstream_port
        # lookup_secret(access_key_id) -> the long-term key's secret, or None: lets the gate verify and answer
        # GetSessionToken itself and re-sign its sessions' requests with the user's key
        self.lookup_secret = lookup_secret or (lambda key: None)
        self.mfa_devices: dict[str, MfaDevice] = {}  # serial -> device
        self.mfa_enforced: set[str] = set()  # caller ARNs denied everything without MFA
        self.sessions: dict[str, GateSession] = {}  # temporary key id -> session issued by GetSessionToken
        self.session_seconds: int | None = None  # tests: make sessions (and assumed roles) last this long
        self._used_codes: set[tuple[str, str, int]] = set()  # (serial, code, window): each code is accepted once
        self._lock = threading.Lock()
        # unimplemented(method, path, body) -> (status, headers, body) | None: answers calls moto lets through its
        # signature and IAM checks but doesn't implement (it answers 500), e.g. Bedrock's Converse in practice mode
        self.unimplemented = unimplemented
        self.expired_keys: set[str] = set()  # temporary key ids to refuse as expired, as AWS does after expiration
        self.scheme = "https" if ssl_context is not None else "http"
        self.lookup_caller = lookup_caller
        self.lookup_trust_policy = lookup_trust_policy
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - quiet: requests carry signed headers
                pass

            def _relay(self):
                gate._relay(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _relay

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        if ssl_context is not None:  # HTTPS front (tests: a certificate from a private CA)
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="trust-gate", daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> TrustGate:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _forward(self, handler, body: bytes, replaced: dict[str, str] | None = None
                 ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
            if replaced is not None:  # a re-signed request: the new signature's headers, no session token
                drop = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
                headers = {k: v for k, v in headers.items() if k.lower() not in drop}
                headers.update(replaced)
            upstream.request(handler.command, handler.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            out = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP | {"content-length"}]
            return response.status, response.reason, out, data
        finally:
            upstream.close()

    def _relay(self, handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if _unsigned(handler):  # AWS refuses these itself; moto would crash on some of them
            status, reason, data = 403, "Forbidden", MISSING_AUTH.encode()
            headers = [("Content-Type", "application/json"), ("x-amzn-ErrorType", "MissingAuthenticationTokenException"),
                       ("x-amzn-RequestId", str(uuid.uuid4()))]
            self._send(handler, status, reason, headers, data)
            return
        expired = self._expired(handler)
        if expired is not None:
            self._send(handler, 400, "Bad Request", *expired)
            return
        skewed = _clock_skew_refusal(handler)
        if skewed is not None:
            self._send(handler, *skewed)
            return
        mfa = self._mfa(handler, body)
        if mfa.answer is not None:
            self._send(handler, *mfa.answer)
            return
        handler.mfa_context = mfa
        status, reason, headers, data = self._forward(handler, body, mfa.resigned)
        if status == 500 and self.unimplemented is not None:
            answer = self.unimplemented(handler.command, handler.path, body)
            if answer is not None:
                status, headers, data = answer
                reason = http.client.responses.get(status, "")
        denied = self._assume_role_refusal(handler, body, status, data)
        if denied is None and status == 200 and self.session_seconds:
            data = self._shortened_role(handler, body, data)
        if denied is not None:
            status, reason, data = 403, "Forbidden", denied.encode()
            headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", str(uuid.uuid4()))]
        elif status >= 400 and _is_json_protocol(handler):
            translated = json_error(data)
            if translated is not None:
                code, data = translated
                headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
                headers += [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)]
        self._send(handler, status, reason, headers, data)

    def _expired(self, handler) -> tuple[list, bytes] | None:
        """AWS's ExpiredToken answer for a request signed with an expired temporary key, else None."""
        match = _CREDENTIAL.search(handler.headers.get("Authorization", ""))
        if match is None or match.group(1) not in self.expired_keys:
            return None
        message = "The security token included in the request is expired"
        headers = [("x-amzn-RequestId", str(uuid.uuid4()))]
        if _is_json_protocol(handler):
            body = json.dumps({"__type": "ExpiredTokenException", "message": message}).encode()
            return headers + [("Content-Type", "application/x-amz-json-1.1"),
                              ("x-amzn-ErrorType", "ExpiredTokenException")], body
        body = STS_ERROR.format(code="ExpiredToken", message=message, request_id=uuid.uuid4()).encode()
        return headers + [("Content-Type", "text/xml")], body

    @staticmethod
    def _send(handler, status: int, reason: str, headers, data: bytes) -> None:
        handler.send_response(status, reason)
        for key, value in headers:
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(data)

    # --- MFA ----------------------------------------------------------------------------------------------------

    def add_mfa_device(self, serial: str, totp_secret: str, owner_arn: str) -> None:
        """A virtual MFA device (its TOTP seed) assigned to the user `owner_arn`."""
        self.mfa_devices[serial] = MfaDevice(serial, totp_secret, owner_arn)

    def unused_code(self, serial: str, now: float | None = None) -> str | None:
        """A code of the device that AWS would accept now and that hasn't been used (the current window first, then
        the next and the previous), or None: for practice mode's helpers and tests that need several codes at once."""
        device = self.mfa_devices.get(serial)
        if device is None:
            return None
        when = time.time() if now is None else now
        for offset in (0, 1, -1):
            at = when + offset * totp.STEP
            code = totp.code_at(device.secret, at)
            if (serial, code, totp.window(at)) not in self._used_codes \
                    and totp.matching_window(device.secret, code, when) == totp.window(at):
                return code
        return None

    def _mfa(self, handler, body: bytes) -> MfaContext:
        """Who signs this request, whether MFA was presented, and the gate's own answer where it has one."""
        auth = _parse_authorization(handler.headers.get("Authorization", ""))
        if auth is None:
            return MfaContext()
        params = _query_params(handler, body)
        action = params.get("Action", "")
        session = self.sessions.get(auth.key)
        if session is not None:
            return self._session_request(handler, body, auth, session, action, params)
        caller = self.lookup_caller(auth.key)
        if caller is None:
            return MfaContext()
        context = MfaContext(caller=caller)
        secret = self.lookup_secret(auth.key)
        if action == "GetSessionToken" and secret is not None and _signature_ok(handler, body, auth, secret, None):
            return context.answered(self._get_session_token(caller, auth.key, params))
        if action == "AssumeRole" and ("SerialNumber" in params or "TokenCode" in params):
            if secret is None or not _signature_ok(handler, body, auth, secret, None):
                return context  # AWS checks the signature first (moto answers it); a code is used up only after
            refusal = self._check_code(caller, params)
            if refusal is not None:
                return context.answered(refusal)
            context.mfa = True
        if caller.arn in self.mfa_enforced and not context.mfa and action not in _MFA_FREE_ACTIONS:
            return context.answered(_explicit_deny(handler, auth, caller, action))
        return context

    def _session_request(self, handler, body, auth, session: GateSession, action, params) -> MfaContext:
        token = handler.headers.get("X-Amz-Security-Token", "")
        if time.time() >= session.expires:
            return MfaContext(answer=_error_answer(handler, 400, "ExpiredToken",
                                                   "The security token included in the request is expired"))
        if not hmac.compare_digest(token, session.token):
            return MfaContext(answer=_error_answer(handler, 403, "InvalidClientTokenId",
                                                   "The security token included in the request is invalid."))
        if not _signature_ok(handler, body, auth, session.secret, session.token):
            return MfaContext(answer=_error_answer(
                handler, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                "signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details."))
        context = MfaContext(caller=session.caller, mfa=session.mfa)
        if action == "GetSessionToken":  # AWS: temporary credentials can't make another session
            return context.answered(_error_answer(handler, 403, "AccessDenied",
                                                  "Cannot call GetSessionToken with session credentials"))
        if action == "AssumeRole" and ("SerialNumber" in params or "TokenCode" in params):
            refusal = self._check_code(session.caller, params)
            if refusal is not None:
                return context.answered(refusal)
            context.mfa = True
        if session.caller.arn in self.mfa_enforced and not context.mfa and action not in _MFA_FREE_ACTIONS:
            return context.answered(_explicit_deny(handler, auth, session.caller, action))
        secret = self.lookup_secret(session.long_term_key)
        context.resigned = _resign(handler, body, auth, session.long_term_key, secret)
        return context

    def _check_code(self, caller: Caller, params: dict[str, str]):
        """None when SerialNumber and TokenCode are a current, unused code of the caller's device, else AWS's refusal.
        Texts: https://github.com/aws/aws-cli/issues/2279 (invalid code), https://github.com/aws/aws-cli/issues/6325
        (device not the caller's), https://github.com/y13i/sgviz/issues/9 (one of the two missing)."""
        serial, code = params.get("SerialNumber", ""), params.get("TokenCode", "")
        if not serial or not code:
            return _sts_denied("MultiFactorAuthentication failed, must provide both MFA serial number and one time "
                               "pass code.")
        device = self.mfa_devices.get(serial)
        if device is None or device.owner_arn != caller.arn:
            return _sts_denied("MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your "
                               "MFA serial number is valid and associated with this user.")
        step = totp.matching_window(device.secret, code, time.time())
        with self._lock:
            if step is None or (serial, code, step) in self._used_codes:
                return _sts_denied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
            self._used_codes.add((serial, code, step))
        return None

    def _get_session_token(self, caller: Caller, long_term_key: str, params: dict[str, str]):
        """GetSessionToken: checks the code when a device is named (AWS allows no MFA at all), then a new session."""
        mfa = False
        if "SerialNumber" in params or "TokenCode" in params:
            refusal = self._check_code(caller, params)
            if refusal is not None:
                return refusal
            mfa = True
        seconds = self.session_seconds or int(params.get("DurationSeconds") or 43200)
        session = GateSession(
            key="ASIA" + "".join(_secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
            secret=base64.b64encode(_secrets.token_bytes(30)).decode(),
            token="IQoJb3JpZ2luX2VjE" + base64.b64encode(_secrets.token_bytes(240)).decode(),
            expires=time.time() + seconds, caller=caller, long_term_key=long_term_key, mfa=mfa)
        self.sessions[session.key] = session
        expiration = datetime.datetime.fromtimestamp(session.expires, datetime.timezone.utc)
        body = SESSION_TOKEN_RESULT.format(key=session.key, secret=session.secret, token=session.token,
                                           expiration=expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                           request_id=uuid.uuid4()).encode()
        return 200, "OK", [("Content-Type", "text/xml"), ("x-amzn-RequestId", str(uuid.uuid4()))], body

    def _shortened_role(self, handler, body: bytes, data: bytes) -> bytes:
        """An AssumeRole answer whose Expiration says `session_seconds` from now (tests: a role assumed with an MFA code
        that ends soon). The credentials themselves are moto's; only the time the client is told changes."""
        if _query_params(handler, body).get("Action") != "AssumeRole":
            return data
        ends = datetime.datetime.fromtimestamp(time.time() + self.session_seconds, datetime.timezone.utc)
        return re.sub(rb"<Expiration>[^<]*</Expiration>",
                      f"<Expiration>{ends.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>".encode(), data, count=1)

    def _assume_role_refusal(self, handler, body: bytes, upstream_status: int, upstream_body: bytes) -> str | None:
        """The AccessDenied body to send instead of moto's answer, or None to keep moto's answer."""
        params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        params.update(urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query))
        if params.get("Action", [""])[0] != "AssumeRole":
            return None
        refused = upstream_status == 403 and b"<Code>AccessDenied</Code>" in upstream_body
        if upstream_status != 200 and not refused:  # bad signature, unknown key, validation: moto's answer stands
            return None
        context = getattr(handler, "mfa_context", None)
        caller = context.caller if context is not None else None
        role_arn = params.get("RoleArn", [""])[0]
        if caller is None:
            return None
        policy = self.lookup_trust_policy(role_arn)
        external_id = params.get("ExternalId", [None])[0]
        if upstream_status == 200 and policy is not None and trusts(policy, caller, external_id, context.mfa):
            return None
        return STS_ACCESS_DENIED.format(caller=caller.arn, role=role_arn, request_id=uuid.uuid4())


MISSING_AUTH = '{"message": "Missing Authentication Token"}'


def _unsigned(handler) -> bool:
    """A request with no SigV4 signature at all (header or presigned query), outside moto's own API."""
    if handler.path.startswith("/moto-api"):
        return False
    return not handler.headers.get("Authorization") and "X-Amz-Signature=" not in handler.path


MAX_SKEW_SECONDS = 300
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


def _clock_skew_refusal(handler, now: float | None = None):
    """AWS refuses requests signed more than 5 minutes away from its clock (moto doesn't check): the answer each kind
    of service gives, as (status, reason, headers, body), or None when the request time is fine."""
    stamp = handler.headers.get("X-Amz-Date") or ""
    try:
        signed = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    now_dt = datetime.datetime.fromtimestamp(time.time() if now is None else now, datetime.timezone.utc)
    if abs((now_dt - signed).total_seconds()) <= MAX_SKEW_SECONDS:
        return None
    fmt = "%Y%m%dT%H%M%SZ"
    earliest = (now_dt - datetime.timedelta(seconds=MAX_SKEW_SECONDS)).strftime(fmt)
    expired = (f"Signature expired: {stamp} is now earlier than {earliest} ({now_dt.strftime(fmt)} - 5 min.)"
               if signed < now_dt else f"Signature not yet current: {stamp} is still later than "
               f"{(now_dt + datetime.timedelta(seconds=MAX_SKEW_SECONDS)).strftime(fmt)} ({now_dt.strftime(fmt)} + 5 min.)")
    scope = _SCOPE.search(handler.headers.get("Authorization", ""))
    service = scope.group(1) if scope else ""
    request_id = str(uuid.uuid4())
    if _is_json_protocol(handler):
        body = json.dumps({"__type": "InvalidSignatureException", "message": expired}).encode()
        return 400, "Bad Request", [("Content-Type", "application/x-amz-json-1.1"),
                                    ("x-amzn-ErrorType", "InvalidSignatureException")], body
    if service == "s3":
        code = "RequestTimeTooSkewed"
        message = "The difference between the request time and the current time is too large."
    elif service == "ec2":
        code, message = "RequestExpired", "Request has expired."
    else:
        code, message = "SignatureDoesNotMatch", expired
    body = STS_ERROR.format(code=code, message=message, request_id=request_id).encode()
    return 403, "Forbidden", [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body


_XML_CODE = re.compile(rb"<Code>([^<]+)</Code>")
_XML_MESSAGE = re.compile(rb"<Message>([^<]*)</Message>")


def _is_json_protocol(handler) -> bool:
    """JSON-protocol services (WorkSpaces, Bedrock runtime...) send X-Amz-Target or a JSON body."""
    content_type = (handler.headers.get("Content-Type") or "").lower()
    return bool(handler.headers.get("X-Amz-Target")) or "json" in content_type


def json_error(xml_body: bytes) -> tuple[str, bytes] | None:
    """Moto answers IAM refusals and signature errors in XML even for JSON services; AWS answers those in JSON
    ({"__type": code, "message": ...}). Returns (code, JSON body), or None when the body is not an XML error."""
    code = _XML_CODE.search(xml_body or b"")
    if code is None or not xml_body.lstrip().startswith(b"<"):
        return None
    message = _XML_MESSAGE.search(xml_body)
    text = message.group(1).decode("utf-8", "replace") if message else ""
    name = code.group(1).decode("utf-8", "replace")
    if name == "AccessDenied":
        name = "AccessDeniedException"
    return name, json.dumps({"__type": name, "message": text}).encode()


def decode_policy(document) -> dict:
    """IAM returns policy documents URL-encoded (raw API) or already decoded (boto3): accept both."""
    if isinstance(document, dict):
        return document
    return json.loads(urllib.parse.unquote(document))


# --- MFA: devices, sessions, signatures --------------------------------------------------------------------------

_MFA_FREE_ACTIONS = {"GetSessionToken", "GetCallerIdentity"}  # what "deny without MFA" policies leave allowed


@dataclass(frozen=True)
class MfaDevice:
    serial: str
    secret: str = field(repr=False)  # the TOTP seed (base32)
    owner_arn: str = ""


@dataclass(frozen=True)
class GateSession:
    """Temporary keys the gate issued for GetSessionToken; moto sees their requests signed with `long_term_key`."""

    key: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    expires: float = 0.0
    caller: Caller | None = None
    long_term_key: str = ""
    mfa: bool = False


@dataclass
class MfaContext:
    caller: Caller | None = None
    mfa: bool | None = None  # aws:MultiFactorAuthPresent; None: absent (long-term keys without MFA)
    answer: tuple | None = None  # (status, reason, headers, body) the gate sends instead of forwarding
    resigned: dict[str, str] | None = None  # headers of the request re-signed with the long-term key

    def answered(self, answer) -> MfaContext:
        self.answer = answer
        return self


SESSION_TOKEN_RESULT = """<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <AccessKeyId>{key}</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>
</GetSessionTokenResponse>
"""

_AUTHORIZATION = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,\s*"
                            r"SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)")


@dataclass(frozen=True)
class _Authorization:
    key: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def _parse_authorization(header: str) -> _Authorization | None:
    found = _AUTHORIZATION.match(header or "")
    if found is None:
        return None
    key, _, region, service, signed, signature = found.groups()
    return _Authorization(key, region, service, tuple(signed.split(";")), signature)


def _query_params(handler, body: bytes) -> dict[str, str]:
    """Query-protocol parameters (STS, IAM, EC2) from the form body and the URL, first value of each."""
    params = {}
    content_type = (handler.headers.get("Content-Type") or "").lower()
    if not content_type or "x-www-form-urlencoded" in content_type:
        params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
    params.update(urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query))
    return {k: v[0] for k, v in params.items() if v}


def _signer(auth: _Authorization, key: str, secret: str, token: str | None):
    signer = S3SigV4Auth if auth.service == "s3" else SigV4Auth
    return signer(Credentials(key, secret, token), auth.service, auth.region)


def _signature_ok(handler, body: bytes, auth: _Authorization, secret: str, token: str | None) -> bool:
    """Recompute the request's SigV4 signature with `secret` (botocore's own signer, over the signed headers)."""
    headers = {name: handler.headers.get(name, "") for name in auth.signed_headers}
    request = AWSRequest(method=handler.command, url=f"http://{handler.headers.get('Host', '')}{handler.path}",
                         headers=headers, data=body)
    request.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
    signer = _signer(auth, auth.key, secret, token)
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    return hmac.compare_digest(expected, auth.signature)


def _resign(handler, body: bytes, auth: _Authorization, key: str, secret: str) -> dict[str, str]:
    """The signing headers of the same request signed with a long-term key (no session token)."""
    skip = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
    headers = {name: handler.headers.get(name, "") for name in auth.signed_headers if name not in skip}
    request = AWSRequest(method=handler.command, url=f"http://{handler.headers.get('Host', '')}{handler.path}",
                         headers=headers, data=body)
    _signer(auth, key, secret, None).add_auth(request)
    return {k: v for k, v in request.headers.items() if k.lower() in skip}


def _sts_denied(message: str):
    body = STS_ERROR.format(code="AccessDenied", message=message, request_id=uuid.uuid4()).encode()
    return 403, "Forbidden", [("Content-Type", "text/xml"), ("x-amzn-RequestId", str(uuid.uuid4()))], body


def _error_answer(handler, status: int, code: str, message: str):
    request_id = str(uuid.uuid4())
    if _is_json_protocol(handler):
        name = code if code.endswith("Exception") else code + "Exception"
        body = json.dumps({"__type": name, "message": message}).encode()
        return status, http.client.responses.get(status, ""), [
            ("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", name),
            ("x-amzn-RequestId", request_id)], body
    body = STS_ERROR.format(code=code, message=message, request_id=request_id).encode()
    return status, http.client.responses.get(status, ""), [("Content-Type", "text/xml"),
                                                           ("x-amzn-RequestId", request_id)], body


def _denied_action(handler, auth: _Authorization, action: str) -> str:
    if action:
        return f"{auth.service}:{action}"
    target = handler.headers.get("X-Amz-Target", "")
    if target:
        return f"{auth.service}:{target.rsplit('.', 1)[-1]}"
    if auth.service == "s3":
        path = urllib.parse.urlsplit(handler.path).path.strip("/")
        return "s3:ListAllMyBuckets" if not path else ("s3:ListBucket" if "/" not in path else "s3:GetObject")
    return f"{auth.service}:*"


def _explicit_deny(handler, auth: _Authorization, caller: Caller, action: str):
    """AWS's answer to a caller whose identity policy denies everything without MFA (BoolIfExists
    aws:MultiFactorAuthPresent false): an explicit deny naming the action."""
    refused = _denied_action(handler, auth, action)
    message = f"User: {caller.arn} is not authorized to perform: {refused} with an explicit deny in an " \
              "identity-based policy"
    if _is_json_protocol(handler):
        return _error_answer(handler, 403, "AccessDeniedException", message)
    request_id = str(uuid.uuid4())
    if auth.service == "s3":
        body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>{message}"
                f"</Message><RequestId>{request_id}</RequestId></Error>").encode()
    elif auth.service == "ec2":
        body = (f"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to "
                f"perform this operation. {message}</Message></Error></Errors><RequestID>{request_id}</RequestID>"
                "</Response>").encode()
    else:
        body = STS_ERROR.format(code="AccessDenied", message=message, request_id=request_id).encode()
    return 403, "Forbidden", [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)], body
