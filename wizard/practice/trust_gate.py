"""A loopback reverse proxy in front of moto's server that answers STS AssumeRole the way AWS does.

Every request is forwarded to moto byte for byte (the Host header is kept, so SigV4 signatures still verify). For
AssumeRole the gate also evaluates the role's trust policy itself (principal and the `sts:ExternalId` condition) and,
when the caller is not trusted, answers AWS's real AccessDenied
("User: ... is not authorized to perform: sts:AssumeRole on resource: ..."), whatever moto said. Moto's own answer is
kept for everything the gate cannot judge (bad signatures, unknown keys, the caller's own policy).

It also plays AWS where moto doesn't: requests signed more than 5 minutes off the real clock are refused (clock skew),
seeded temporary keys can be marked expired, moto's XML errors are turned into JSON for JSON-protocol services, and
calls moto authorizes but doesn't implement can be answered by a callback (Bedrock's Converse in practice mode).
"""

from __future__ import annotations

import datetime
import fnmatch
import http.client
import http.server
import json
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass

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


def _conditions_hold(condition: dict | None, context: dict[str, str]) -> bool:
    """True when every condition holds; an operator or key the gate does not know never holds (fail closed)."""
    for operator, clauses in (condition or {}).items():
        test = _OPERATORS.get(operator)
        if test is None:
            return False
        for key, wanted in clauses.items():
            have = context.get(key.lower())
            if have is None or not any(test(have, w) for w in _as_list(wanted)):
                return False
    return True


def trusts(trust_policy: dict, caller: Caller, external_id: str | None) -> bool:
    """Evaluate a role's trust policy for sts:AssumeRole: an explicit Deny wins, else some Allow must match."""
    context = {"sts:externalid": external_id} if external_id is not None else {}
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
                 unimplemented=None):
        self.upstream_port = upstream_port
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

    def _forward(self, handler, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP_BY_HOP}
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
        status, reason, headers, data = self._forward(handler, body)
        if status == 500 and self.unimplemented is not None:
            answer = self.unimplemented(handler.command, handler.path, body)
            if answer is not None:
                status, headers, data = answer
                reason = http.client.responses.get(status, "")
        denied = self._assume_role_refusal(handler, body, status, data)
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

    def _assume_role_refusal(self, handler, body: bytes, upstream_status: int, upstream_body: bytes) -> str | None:
        """The AccessDenied body to send instead of moto's answer, or None to keep moto's answer."""
        params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        params.update(urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query))
        if params.get("Action", [""])[0] != "AssumeRole":
            return None
        refused = upstream_status == 403 and b"<Code>AccessDenied</Code>" in upstream_body
        if upstream_status != 200 and not refused:  # bad signature, unknown key, validation: moto's answer stands
            return None
        match = _CREDENTIAL.search(handler.headers.get("Authorization", ""))
        caller = self.lookup_caller(match.group(1)) if match else None
        role_arn = params.get("RoleArn", [""])[0]
        if caller is None:
            return None
        policy = self.lookup_trust_policy(role_arn)
        external_id = params.get("ExternalId", [None])[0]
        if upstream_status == 200 and policy is not None and trusts(policy, caller, external_id):
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
