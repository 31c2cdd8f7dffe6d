"""Loopback endpoints for the faults moto can't produce, all on 127.0.0.1.

- `FaultResponder(kind)`: answers every request with one canned AWS error: `expired-token` (STS ExpiredToken),
  `skewed` (SignatureDoesNotMatch with a Date header 20 minutes off), `throttled`, `unavailable` (503),
  `region-disabled` (STS not activated in the region), `unexpected`, and the MFA refusals `mfa-code-invalid`,
  `mfa-device-unknown`, `mfa-both-needed`, `mfa-explicit-deny`, `assume-role-denied` (AWS's real texts).
- `ProbeFirstResponder()`: STS + S3 whose GetCallerIdentity waits for the S3 probe (the two calls run together).
- `SilentEndpoint`: accepts connections and never answers.
- `closed_port()`: a port where nothing listens (connection refused).
- `TlsFront(upstream_url, ca)`: HTTPS in front of the emulator with a certificate from a private trustme CA that no
  system trusts: tls-error until the CA file is given as the CA bundle, then real success.
- `Tinyproxy(connect_ports=None)`: the real tinyproxy (Debian) on 127.0.0.1 with a temporary config; with
  `connect_ports=(443,)` it refuses CONNECT to the loopback test ports (a proxy that refuses).
"""

from __future__ import annotations

import email.utils
import http.server
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from wizard.practice.trust_gate import TrustGate

_ERRORS = {
    "expired-token": (403, "ExpiredToken", "The security token included in the request is expired"),
    "skewed": (403, "SignatureDoesNotMatch",
               "Signature expired: 20261127T120000Z is now earlier than 20261127T121500Z (20261127T122000Z - 5 min.)"),
    "throttled": (400, "Throttling", "Rate exceeded"),
    "unavailable": (503, "ServiceUnavailable", "Service is unavailable, please try again later."),
    "unexpected": (400, "WeirdNewError", "Something new happened to key AKIAIOSFODNN7EXAMPLE"),
    "region-disabled": (403, "RegionDisabledException",
                        "STS is not activated in this region for account:111122223333. Your account administrator "
                        "can activate STS in this region using the IAM Console."),
    # MFA refusals, with AWS's real texts (sources in wizard/core/diagnoses.py's MFA block)
    "mfa-code-invalid": (403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."),
    "mfa-device-unknown": (403, "AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code.  "
                           "Please verify your MFA serial number is valid and associated with this user."),
    "mfa-both-needed": (403, "AccessDenied", "MultiFactorAuthentication failed, must provide both MFA serial number "
                        "and one time pass code."),
    "mfa-explicit-deny": (403, "AccessDenied", "User: arn:aws:iam::111122223333:user/alice is not authorized to "
                          "perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Admin with an explicit "
                          "deny in an identity-based policy"),
    "assume-role-denied": (403, "AccessDenied", "User: arn:aws:iam::111122223333:user/alice is not authorized to "
                           "perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Admin"),
}
SKEW_SECONDS = 20 * 60

_XML = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>{request_id}</RequestId>
</ErrorResponse>
"""


class _Server:
    def __init__(self, handler):
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _answer_xml(handler: http.server.BaseHTTPRequestHandler, text: str) -> None:
    """Answer 200 with `text` as XML, its length given."""
    data = text.encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class FaultResponder(_Server):
    """Answers every request with the AWS error of `kind` (see module docstring)."""

    def __init__(self, kind: str):
        status, code, message = _ERRORS[kind]
        self.requests = 0
        self.methods: list[str] = []  # the HTTP method of each request (STS: POST; the S3 probe: GET)
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                responder.requests += 1
                responder.methods.append(self.command)
                body = _XML.format(code=code, message=message, request_id=uuid.uuid4()).encode()
                self.send_response_only(status)  # send_response would add a second, correct Date header
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(body)))
                now = time.time() + (SKEW_SECONDS if kind == "skewed" else 0)
                self.send_header("Date", email.utils.formatdate(now, usegmt=True))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815

        super().__init__(Handler)


_IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/slow</Arn><UserId>AIDAEXAMPLE</UserId>
  <Account>111122223333</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>
"""
_ASSUMED = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials><AccessKeyId>ASIAEXAMPLESLOWROLE1</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{token}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>
    <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/R/s</Arn><AssumedRoleId>AROAEX:s</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>
</AssumeRoleResponse>
"""


class SlowStsResponder(_Server):
    """STS that answers GetCallerIdentity at once and AssumeRole after `delay` seconds with `credentials`
    ({secret_access_key, session_token}): for cancelling while a role is being assumed."""

    def __init__(self, delay: float, credentials: dict):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "Action=AssumeRole" in body:
                    time.sleep(delay)
                    text = _ASSUMED.format(secret=credentials["secret_access_key"],
                                           token=credentials["session_token"], request_id=uuid.uuid4())
                else:
                    text = _IDENTITY.format(request_id=uuid.uuid4())
                _answer_xml(self, text)

        super().__init__(Handler)


_BUCKETS = """<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Owner><ID>owner</ID></Owner><Buckets></Buckets>
</ListAllMyBucketsResult>
"""


class ProbeFirstResponder(_Server):
    """STS + S3 on one port where GetCallerIdentity (POST) answers only after the S3 probe (GET) has arrived, or after
    `wait` seconds: `probe_came_first` says whether the probe was on the wire while the identity call was open."""

    def __init__(self, wait: float = 5.0):
        probe_seen = threading.Event()
        self.probe_came_first: bool | None = None
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                responder.probe_came_first = probe_seen.wait(wait)
                _answer_xml(self, _IDENTITY.format(request_id=uuid.uuid4()))

            def do_GET(self):
                probe_seen.set()
                _answer_xml(self, _BUCKETS)

        super().__init__(Handler)


class SilentEndpoint:
    """Accepts TCP connections and never answers (a firewall that swallows the traffic after the handshake)."""

    def __init__(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(conn)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self._sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def closed_port() -> int:
    """A loopback port with nothing listening (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TlsFront:
    """HTTPS on 127.0.0.1 with a certificate from the private CA `ca` (trustme), relaying to `upstream_url`."""

    def __init__(self, upstream_url: str, ca):
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        upstream_port = int(upstream_url.rsplit(":", 1)[1].rstrip("/"))
        self._gate = TrustGate(upstream_port, lambda key: None, lambda arn: None, ssl_context=context)
        self.url = self._gate.url
        self.port = self._gate.port

    def start(self):
        self._gate.start()
        return self

    def stop(self) -> None:
        self._gate.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Tinyproxy:
    """The real tinyproxy on 127.0.0.1 (the Debian package), with its own temporary config, log and pid file."""

    def __init__(self, connect_ports: tuple[int, ...] | None = None, basic_auth: tuple[str, str] | None = None):
        binary = shutil.which("tinyproxy") or "/usr/bin/tinyproxy"
        if not os.path.exists(binary):
            raise RuntimeError("tinyproxy is not installed (./dev installs the Debian package)")
        self._binary = binary
        self._dir = Path(tempfile.mkdtemp(prefix="tinyproxy-"))
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lines = [
            f"Port {self.port}",
            "Listen 127.0.0.1",
            "Timeout 30",
            "Allow 127.0.0.1",
            "MaxClients 20",
            f"LogFile \"{self._dir / 'tinyproxy.log'}\"",
            "LogLevel Info",
            f"PidFile \"{self._dir / 'tinyproxy.pid'}\"",
            "DisableViaHeader Yes",
        ]
        lines += [f"ConnectPort {p}" for p in connect_ports or ()]
        if basic_auth:  # a proxy that asks for a user name and password (407 without them)
            lines.append(f"BasicAuth {basic_auth[0]} {basic_auth[1]}")
        self._config = self._dir / "tinyproxy.conf"
        self._config.write_text("\n".join(lines) + "\n")
        self._process: subprocess.Popen | None = None

    def start(self):
        self._process = subprocess.Popen([self._binary, "-d", "-c", str(self._config)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError(f"tinyproxy exited: {self.log()}") from None
                time.sleep(0.05)
        raise RuntimeError("tinyproxy did not start listening")

    def log(self) -> str:
        path = self._dir / "tinyproxy.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
