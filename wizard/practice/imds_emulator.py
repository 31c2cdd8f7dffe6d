"""A strict IMDSv2 emulator on 127.0.0.1, for the tests and for practice mode.

It behaves like an EC2 instance's metadata service with `HttpTokens=required`: PUT /latest/api/token needs the
X-aws-ec2-metadata-token-ttl-seconds header (1-21600, else 400; a PUT carrying X-Forwarded-For gets 403), and every GET
needs a valid, unexpired token (else 401). Scenarios:

    role       a role attached, IMDSv2 required
    no-role    no role attached (iam/info and iam/security-credentials/ answer 404)
    imdsv1     a role attached, IMDSv1 still enabled (GETs without a token answer too; a bad token still gets 401)
    hop-limit  the token PUT never gets an answer (as when the response hop limit is 1 inside a container),
               while tokenless GETs answer
    slow       every answer comes after `delay` seconds (default 1.5, past the client's 1 s timeout)
    silent     the port accepts connections and never answers
    down       nothing listens: `url` points to a port that refuses connections

The role's credentials are fake unless `credentials` is given (practice mode hands in the AWS emulator's keys).
"""

from __future__ import annotations

import http.server
import json
import secrets
import socket
import threading
import time
import urllib.parse
from datetime import datetime, timedelta, timezone

SCENARIOS = ("role", "no-role", "imdsv1", "hop-limit", "slow", "silent", "down")
MAX_TOKEN_TTL = 21600


def _fake_credentials() -> dict[str, str]:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return {
        "access_key_id": "ASIA" + "".join(secrets.choice(alphabet) for _ in range(16)),
        "secret_access_key": secrets.token_urlsafe(30)[:40],
        "session_token": secrets.token_urlsafe(180),
    }


class ImdsEmulator:
    """ImdsEmulator(scenario="role").start() -> self; .url; .stop(); also a context manager."""

    def __init__(
        self,
        scenario: str = "role",
        role: str = "wizard-practice-instance-role",
        *,
        account: str = "123456789012",
        region: str = "us-east-1",
        availability_zone: str | None = None,
        instance_id: str = "i-0a1b2c3d4e5f60718",
        partition: str = "aws",
        credentials: dict[str, str] | None = None,
        delay: float = 1.5,
    ):
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
        self.scenario = scenario
        self.role = None if scenario == "no-role" else role
        self.account = account
        self.region = region
        self.availability_zone = availability_zone or f"{region}a"
        self.instance_id = instance_id
        self.instance_profile_arn = f"arn:{partition}:iam::{account}:instance-profile/{role}"
        self._credentials = credentials or _fake_credentials()
        self.credentials_expiration = (datetime.now(timezone.utc) + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.delay = delay
        self.requests: list[tuple[str, str, str]] = []  # (method, path, "no-token" | "token" | "bad-token")
        self._tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: http.server.ThreadingHTTPServer | None = None
        self._socket: socket.socket | None = None  # down / silent
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def v1_enabled(self) -> bool:
        return self.scenario in ("imdsv1", "hop-limit")

    def start(self) -> ImdsEmulator:
        if self.scenario in ("down", "silent"):
            # Bound but not listening refuses connections (down); listening but never accepting stays silent.
            self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._socket.bind(("127.0.0.1", 0))
            if self.scenario == "silent":
                self._socket.listen(16)
            self.port = self._socket.getsockname()[1]
            return self
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"imds-{self.scenario}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> ImdsEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def expire_tokens(self) -> None:
        """Make every token issued so far expired (as if its TTL had passed)."""
        with self._lock:
            self._tokens = {token: 0.0 for token in self._tokens}

    # -- the service -------------------------------------------------------------------------------------------------

    def _issue_token(self, ttl: int) -> str:
        token = secrets.token_urlsafe(40)
        with self._lock:
            self._tokens[token] = time.monotonic() + ttl
        return token

    def _token_state(self, token: str | None) -> str:
        if token is None:
            return "no-token"
        with self._lock:
            expiry = self._tokens.get(token)
        return "token" if expiry is not None and time.monotonic() < expiry else "bad-token"

    def _document(self, path: str) -> tuple[int, str, str]:
        """(status, content type, body) for a GET of `path`."""
        text = "text/plain"
        role_path = "/latest/meta-data/iam/security-credentials/"
        listing = {
            "/latest/meta-data/": "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-ipv4\nplacement/\n",
            "/latest/meta-data/ami-id": "ami-0fedcba9876543210",
            "/latest/meta-data/hostname": "ip-10-0-0-12.ec2.internal",
            "/latest/meta-data/instance-id": self.instance_id,
            "/latest/meta-data/instance-type": "t3.micro",
            "/latest/meta-data/local-ipv4": "10.0.0.12",
            "/latest/meta-data/placement/": "availability-zone\nregion\n",
            "/latest/meta-data/placement/availability-zone": self.availability_zone,
            "/latest/meta-data/placement/region": self.region,
            "/latest/meta-data/iam/": "info\nsecurity-credentials/\n" if self.role else "",
        }
        if path in listing:
            return 200, text, listing[path]
        if path == "/latest/dynamic/instance-identity/document":
            return 200, "application/json", json.dumps(self._identity(), indent=2)
        if self.role is None:
            return 404, text, "Not Found"
        if path == "/latest/meta-data/iam/info":
            info = {
                "Code": "Success",
                "LastUpdated": _now(),
                "InstanceProfileArn": self.instance_profile_arn,
                "InstanceProfileId": "AIPAEMULATORPROFILE01",
            }
            return 200, "application/json", json.dumps(info, indent=2)
        if path == role_path:
            return 200, text, self.role
        if path == role_path + urllib.parse.quote(self.role):
            return 200, "application/json", json.dumps(self._role_credentials(), indent=2)
        return 404, text, "Not Found"

    def _identity(self) -> dict:
        return {
            "accountId": self.account,
            "architecture": "x86_64",
            "availabilityZone": self.availability_zone,
            "imageId": "ami-0fedcba9876543210",
            "instanceId": self.instance_id,
            "instanceType": "t3.micro",
            "pendingTime": "2026-01-01T00:00:00Z",
            "privateIp": "10.0.0.12",
            "region": self.region,
            "version": "2017-09-30",
        }

    def _role_credentials(self) -> dict:
        return {
            "Code": "Success",
            "LastUpdated": _now(),
            "Type": "AWS-HMAC",
            "AccessKeyId": self._credentials["access_key_id"],
            "SecretAccessKey": self._credentials["secret_access_key"],
            "Token": self._credentials.get("session_token", ""),
            "Expiration": self.credentials_expiration,
        }

    def _handler_class(self):
        emulator = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "EC2ws"
            sys_version = ""

            def log_message(self, format, *args):  # noqa: A002 - quiet
                pass

            def _send(self, status: int, body: str, content_type: str = "text/plain", headers: dict | None = None):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _wait(self) -> None:
                if emulator.scenario == "slow":
                    emulator._stopping.wait(emulator.delay)

            def do_PUT(self):  # noqa: N802 - http.server's naming
                path = urllib.parse.urlsplit(self.path).path
                emulator.requests.append(("PUT", path, "no-token"))
                if emulator.scenario == "hop-limit":
                    emulator._stopping.wait(30)  # the answer never arrives
                    self.close_connection = True
                    return
                self._wait()
                if path != "/latest/api/token":
                    return self._send(405, "Method Not Allowed")
                if self.headers.get("X-Forwarded-For"):
                    return self._send(403, "Forbidden")
                ttl = (self.headers.get("X-aws-ec2-metadata-token-ttl-seconds") or "").strip()
                if not ttl.isdigit() or not 1 <= int(ttl) <= MAX_TOKEN_TTL:
                    return self._send(400, "Bad Request")
                token = emulator._issue_token(int(ttl))
                self._send(200, token, headers={"X-aws-ec2-metadata-token-ttl-seconds": ttl})

            def do_GET(self):  # noqa: N802
                path = urllib.parse.urlsplit(self.path).path
                state = emulator._token_state(self.headers.get("X-aws-ec2-metadata-token"))
                emulator.requests.append(("GET", path, state))
                self._wait()
                if state == "bad-token" or (state == "no-token" and not emulator.v1_enabled):
                    return self._send(401, "Unauthorized")
                status, content_type, body = emulator._document(path)
                self._send(status, body, content_type)

        return Handler


class _QuietServer(http.server.ThreadingHTTPServer):
    """Clients that gave up (timeouts are the point of some scenarios) are not errors worth a traceback."""

    def handle_error(self, request, client_address):
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
