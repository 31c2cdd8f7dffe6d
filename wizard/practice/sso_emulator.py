"""A local IAM Identity Center (moto has none): the sso-oidc and sso (portal) APIs on 127.0.0.1, on botocore's wire.

One HTTP server answers both services (their paths don't overlap), so it is the `endpoint_url` of both clients:

- sso-oidc (REST-JSON): POST /client/register (RegisterClient: a public client, its secret and expiry; grantTypes,
  redirectUris and issuerUrl for the authorization-code grant), POST /device_authorization (StartDeviceAuthorization),
  POST /token (CreateToken: `urn:ietf:params:oauth:grant-type:device_code` with authorization_pending, slow_down when
  polled faster than the interval, expired_token and access_denied; `authorization_code` with the PKCE verifier's
  S256 checked against the challenge given to /authorize and the redirect URI checked; `refresh_token` for scope
  `sso:account:access`, revocable). Errors as AWS sends them: `x-amzn-ErrorType: <Name>Exception:...` and
  `{"error": "authorization_pending", "error_description": "..."}`.
- Pages a browser (or a test's HTTP client) uses: GET /authorize shows an Approve form, POST /authorize approves (or
  denies) and redirects to the client's redirect URI with `code` and `state`; GET /device shows the user code form,
  POST /device approves a device login.
- sso portal (REST-JSON, token in the `x-amz-sso_bearer_token` header): GET /assignment/accounts (ListAccounts),
  GET /assignment/roles (ListAccountRoles), paginated; GET /federation/credentials (GetRoleCredentials: 401
  UnauthorizedException for a bad or expired token, 403 ForbiddenException "No access" when the user isn't assigned
  that role in that account); POST /logout.

GetRoleCredentials mints the role's credentials with a real AssumeRole on moto (signed with the AWS emulator's
administrator key), so every later call with them is signed and checked by moto like any other temporary key. In
AWS the role behind a permission set is `AWSReservedSSO_<PermissionSet>_<hash>` under the path
`/aws-reserved/sso.amazonaws.com/`; `seed_practice` creates them so in moto (in its default account and in a second
account, which moto keeps apart).

Control hooks for tests: `expire_access_tokens()`, `revoke_refresh_tokens()`, `deny_next_authorization()`,
`slow_down_next_poll()`, `assign()` / `unassign()`, `approve_user_code()`, and `polls` (when CreateToken was polled).
Nothing here ever listens on or talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.server
import json
import secrets as _secrets
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field

PRACTICE_START_URL = "https://practice-wizard.awsapps.com/start"
PRACTICE_SSO_REGION = "us-east-1"
SCOPE = "sso:account:access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SECOND_ACCOUNT_ID = "210987654321"  # the practice "sandbox" account (moto's default account is the first)
PRACTICE_USER = "practice.user@example.com"
_OIDC_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"


def _token(prefix: str, size: int = 96) -> str:
    """A long opaque token shaped like AWS's (a prefix and a base64 run), never a short guessable string."""
    return prefix + base64.b64encode(_secrets.token_bytes(size)).decode().rstrip("=")


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (RFC 7636)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


class OidcError(Exception):
    """An sso-oidc error as AWS sends it: HTTP status, exception name, OAuth error code, description."""

    def __init__(self, status: int, name: str, error: str, description: str):
        super().__init__(description)
        self.status, self.name, self.error, self.description = status, name, error, description


class PortalError(Exception):
    def __init__(self, status: int, name: str, message: str):
        super().__init__(message)
        self.status, self.name, self.message = status, name, message


@dataclass
class _Client:
    secret: str
    expires_at: float
    grant_types: tuple[str, ...]
    redirect_uris: tuple[str, ...]
    issuer_url: str
    scopes: tuple[str, ...]


@dataclass
class _DeviceLogin:
    client_id: str
    user_code: str
    expires_at: float
    interval: float
    last_poll: float = 0.0
    approved: bool = False
    denied: bool = False
    used: bool = False


@dataclass
class _Authorization:  # a pending /authorize request, until the user approves it
    client_id: str
    redirect_uri: str
    state: str
    challenge: str
    scopes: tuple[str, ...]


@dataclass
class _AuthCode:
    client_id: str
    redirect_uri: str
    challenge: str
    expires_at: float
    scopes: tuple[str, ...]
    used: bool = False


@dataclass
class _AccessToken:
    expires_at: float
    user: str


@dataclass
class _RefreshToken:
    client_id: str
    user: str
    revoked: bool = False


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    email: str


@dataclass
class _State:
    clients: dict[str, _Client] = field(default_factory=dict)
    devices: dict[str, _DeviceLogin] = field(default_factory=dict)  # by device code
    authorizations: dict[str, _Authorization] = field(default_factory=dict)  # by request id
    codes: dict[str, _AuthCode] = field(default_factory=dict)
    access: dict[str, _AccessToken] = field(default_factory=dict)
    refresh: dict[str, _RefreshToken] = field(default_factory=dict)


@dataclass(frozen=True)
class SsoPracticeValues:
    """What practice mode offers for the sso method (nothing secret)."""

    start_url: str
    region: str
    accounts: tuple[Account, ...]
    assignments: tuple[tuple[str, str], ...]  # (account id, role name) pairs the practice user may use
    unassigned: tuple[str, str]  # a role that exists in the first account but is not assigned: sso-access-denied


class SsoEmulator:
    """The IAM Identity Center emulator. `url` is the endpoint_url of both the sso-oidc and the sso clients.

    `mint(account_id, role_name, user)` returns {accessKeyId, secretAccessKey, sessionToken, expiration(ms)}; without
    it (no AWS emulator given) GetRoleCredentials answers InvalidRequestException. `seed_practice(aws)` sets one up.
    """

    def __init__(self, *, start_urls=(PRACTICE_START_URL,), region: str = PRACTICE_SSO_REGION,
                 access_token_seconds: int = 3600, device_interval: int = 1, device_expires_in: int = 600,
                 client_seconds: int = 90 * 86400, page_size: int = 2, mint=None):
        self.start_urls = set(start_urls)
        self.region = region
        self.access_token_seconds = access_token_seconds
        self.device_interval = device_interval
        self.device_expires_in = device_expires_in
        self.client_seconds = client_seconds
        self.page_size = page_size  # small, so pagination is exercised
        self.mint = mint
        self.user = PRACTICE_USER
        self.practice: SsoPracticeValues | None = None  # set by wizard.practice.sso_seed.seed_practice
        self.accounts: dict[str, Account] = {}
        self.roles: dict[str, list[str]] = {}  # account id -> role names assigned to the user
        self.polls: list[float] = []  # monotonic times of device-code CreateToken polls
        self._state = _State()
        self._lock = threading.RLock()
        self._deny_next = False
        self._slow_down_next = False
        self._server: http.server.ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def start(self, port: int = 0) -> SsoEmulator:
        emulator = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - quiet: requests carry tokens
                pass

            def do_GET(self):  # noqa: N802
                emulator._handle(self)

            do_POST = do_GET

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="sso-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SsoEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- assignments and control hooks -----------------------------------------------------------------------------

    def assign(self, account_id: str, account_name: str, role_name: str, email: str = "") -> None:
        with self._lock:
            email = email or f"aws+{account_id}@example.com"
            self.accounts.setdefault(account_id, Account(account_id, account_name, email))
            roles = self.roles.setdefault(account_id, [])
            if role_name not in roles:
                roles.append(role_name)

    def unassign(self, account_id: str, role_name: str) -> None:
        with self._lock:
            if role_name in self.roles.get(account_id, []):
                self.roles[account_id].remove(role_name)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired now (refresh tokens still work)."""
        with self._lock:
            for token in self._state.access.values():
                token.expires_at = 0.0

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far is revoked (as when an administrator ends the user's sessions)."""
        with self._lock:
            for token in self._state.refresh.values():
                token.revoked = True

    def deny_next_authorization(self) -> None:
        """The next approval (authorize page or device page) is a denial instead."""
        with self._lock:
            self._deny_next = True

    def slow_down_next_poll(self) -> None:
        """The next device-code poll gets slow_down (AWS does this when it is busy), and the interval grows by 5 s."""
        with self._lock:
            self._slow_down_next = True

    def approve_user_code(self, user_code: str) -> bool:
        """What the device page's Approve button does; False when no pending login has that code."""
        with self._lock:
            for login in self._state.devices.values():
                if login.user_code == user_code.strip().upper() and time.time() < login.expires_at:
                    if self._take_denial():
                        login.denied = True
                    else:
                        login.approved = True
                    return True
        return False

    def _take_denial(self) -> bool:
        denied, self._deny_next = self._deny_next, False
        return denied

    # --- HTTP dispatch ---------------------------------------------------------------------------------------------

    def _handle(self, handler) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        route = (handler.command, parts.path)
        try:
            if route == ("POST", "/client/register"):
                return self._json(handler, 200, self._register(_json_body(body)))
            if route == ("POST", "/device_authorization"):
                return self._json(handler, 200, self._start_device(_json_body(body)))
            if route == ("POST", "/token"):
                return self._json(handler, 200, self._create_token(_json_body(body)))
            if route == ("GET", "/authorize"):
                return self._authorize_page(handler, query)
            if route == ("POST", "/authorize"):
                return self._authorize_decision(handler, _form(body))
            if route == ("GET", "/device"):
                return self._device_page(handler, query.get("user_code", ""))
            if route == ("POST", "/device"):
                return self._device_decision(handler, _form(body))
            token = handler.headers.get("x-amz-sso_bearer_token", "")
            if route == ("GET", "/assignment/accounts"):
                return self._json(handler, 200, self._list_accounts(token, query))
            if route == ("GET", "/assignment/roles"):
                return self._json(handler, 200, self._list_roles(token, query))
            if route == ("GET", "/federation/credentials"):
                return self._json(handler, 200, self._role_credentials(token, query))
            if route == ("POST", "/logout"):
                self._user_of(token)
                return self._json(handler, 200, {})
            return self._send(handler, 404, b"Not Found", "text/plain")
        except OidcError as exc:
            data = {"error": exc.error, "error_description": exc.description}
            return self._json(handler, exc.status, data, error_type=f"{exc.name}:{_OIDC_NAMESPACE}")
        except PortalError as exc:
            return self._json(handler, exc.status, {"message": exc.message}, error_type=exc.name)

    def _send(self, handler, status: int, data: bytes, content_type: str, headers=()) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for key, value in headers:
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _json(self, handler, status: int, data: dict, *, error_type: str = "") -> None:
        headers = [("x-amzn-ErrorType", error_type)] if error_type else []
        self._send(handler, status, json.dumps(data).encode(), "application/json", headers)

    # --- sso-oidc ------------------------------------------------------------------------------------------------

    def _register(self, body: dict) -> dict:
        if body.get("clientType") != "public" or not body.get("clientName"):
            raise OidcError(400, "InvalidClientMetadataException", "invalid_client_metadata",
                            "Invalid client metadata: clientType must be public and clientName set")
        grants = tuple(body.get("grantTypes") or ())
        issuer = body.get("issuerUrl", "")
        if "authorization_code" in grants:
            if issuer not in self.start_urls:
                raise OidcError(400, "InvalidRequestException", "invalid_request", "Invalid issuer URL")
            redirects = tuple(body.get("redirectUris") or ())
            if not redirects or not all(_is_loopback_redirect(u) for u in redirects):
                raise OidcError(400, "InvalidRedirectUriException", "invalid_redirect_uri", "Invalid redirect URI")
        now = time.time()
        client_id, secret = _token("", 24).replace("/", "_").replace("+", "-"), _token("eyJraWQiOiJrZXkifQ", 300)
        with self._lock:
            self._state.clients[client_id] = _Client(
                secret, now + self.client_seconds, grants, tuple(body.get("redirectUris") or ()), issuer,
                tuple(body.get("scopes") or ()))
        return {"clientId": client_id, "clientSecret": secret, "clientIdIssuedAt": int(now),
                "clientSecretExpiresAt": int(now + self.client_seconds),
                "authorizationEndpoint": f"{self.url}/authorize", "tokenEndpoint": f"{self.url}/token"}

    def _client(self, client_id: str, secret: str) -> _Client:
        client = self._state.clients.get(client_id or "")
        if client is None or not _secrets.compare_digest(client.secret, secret or ""):
            raise OidcError(401, "InvalidClientException", "invalid_client", "Invalid client")
        if time.time() >= client.expires_at:
            raise OidcError(401, "InvalidClientException", "invalid_client", "Client registration has expired")
        return client

    def _start_device(self, body: dict) -> dict:
        with self._lock:
            self._client(body.get("clientId"), body.get("clientSecret"))
            if body.get("startUrl") not in self.start_urls:
                raise OidcError(400, "InvalidRequestException", "invalid_request", "Invalid start URL")
            device_code = _token("", 48)
            letters = "BCDFGHJKLMNPQRSTVWXZ"
            user_code = "".join(_secrets.choice(letters) for _ in range(4)) + "-" + \
                "".join(_secrets.choice(letters) for _ in range(4))
            self._state.devices[device_code] = _DeviceLogin(
                body["clientId"], user_code, time.time() + self.device_expires_in, float(self.device_interval))
        return {"deviceCode": device_code, "userCode": user_code, "verificationUri": f"{self.url}/device",
                "verificationUriComplete": f"{self.url}/device?user_code={user_code}",
                "expiresIn": self.device_expires_in, "interval": self.device_interval}

    def _create_token(self, body: dict) -> dict:
        grant = body.get("grantType", "")
        with self._lock:
            client = self._client(body.get("clientId"), body.get("clientSecret"))
            if grant == DEVICE_GRANT:
                return self._device_token(body)
            if grant == "authorization_code":
                return self._code_token(body, client)
            if grant == "refresh_token":
                return self._refresh_token(body)
        raise OidcError(400, "UnsupportedGrantTypeException", "unsupported_grant_type", "Unsupported grant type")

    def _device_token(self, body: dict) -> dict:
        login = self._state.devices.get(body.get("deviceCode") or "")
        if login is None or login.client_id != body.get("clientId") or login.used:
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Invalid device code provided")
        now = time.monotonic()
        self.polls.append(now)
        if time.time() >= login.expires_at:
            raise OidcError(400, "ExpiredTokenException", "expired_token", "Device code has expired")
        too_soon = login.last_poll and now - login.last_poll < login.interval - 0.05
        login.last_poll = now
        if self._slow_down_next or too_soon:
            self._slow_down_next = False
            login.interval += 5
            raise OidcError(400, "SlowDownException", "slow_down", "Client is polling too quickly")
        if login.denied:
            raise OidcError(400, "AccessDeniedException", "access_denied", "Access denied")
        if not login.approved:
            raise OidcError(400, "AuthorizationPendingException", "authorization_pending",
                            "Authorization is still pending")
        login.used = True
        return self._issue(login.client_id, (SCOPE,))

    def _code_token(self, body: dict, client: _Client) -> dict:
        code = self._state.codes.get(body.get("code") or "")
        if code is None or code.used or code.client_id != body.get("clientId") or time.time() >= code.expires_at:
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Invalid authorization code provided")
        code.used = True  # one use, even when the rest is wrong
        if body.get("redirectUri") != code.redirect_uri:
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Redirect URI mismatch")
        verifier = body.get("codeVerifier") or ""
        if not verifier or not _secrets.compare_digest(s256(verifier), code.challenge):
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Code verifier mismatch")
        return self._issue(code.client_id, code.scopes or (SCOPE,))

    def _refresh_token(self, body: dict) -> dict:
        token = self._state.refresh.get(body.get("refreshToken") or "")
        if token is None or token.revoked or token.client_id != body.get("clientId"):
            raise OidcError(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token provided")
        scopes = tuple(body.get("scope") or (SCOPE,))
        if set(scopes) - {SCOPE}:
            raise OidcError(400, "InvalidScopeException", "invalid_scope", "Invalid scope requested")
        return self._issue(token.client_id, scopes)

    def _issue(self, client_id: str, scopes) -> dict:
        access, refresh = _token("aoaAAAAAG", 240), _token("aorAAAAAG", 240)
        self._state.access[access] = _AccessToken(time.time() + self.access_token_seconds, self.user)
        if SCOPE in scopes:
            self._state.refresh[refresh] = _RefreshToken(client_id, self.user)
        answer = {"accessToken": access, "tokenType": "Bearer", "expiresIn": self.access_token_seconds}
        if SCOPE in scopes:
            answer["refreshToken"] = refresh
        return answer

    # --- the pages ----------------------------------------------------------------------------------------------

    def _authorize_page(self, handler, query: dict) -> None:
        with self._lock:
            client = self._state.clients.get(query.get("client_id", ""))
            redirect = query.get("redirect_uri", "")
            if query.get("response_type") != "code" or client is None or not _redirect_allowed(client, redirect) \
                    or query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                return self._page(handler, 400, "Invalid authorization request",
                                  "<p>The sign-in request is not valid (client, redirect URI or PKCE challenge).</p>")
            request_id = _token("", 16).replace("/", "_").replace("+", "-")
            scopes = tuple(s for s in query.get("scopes", SCOPE).split() if s)
            self._state.authorizations[request_id] = _Authorization(
                query["client_id"], redirect, query.get("state", ""), query["code_challenge"], scopes)
        form = (f'<p>Allow <b>{html.escape(query["client_id"][:12])}…</b> to access your AWS accounts as '
                f'{html.escape(self.user)}?</p><form method="post" action="/authorize">'
                f'<input type="hidden" name="request_id" value="{request_id}">'
                '<button name="decision" value="approve">Allow access</button> '
                '<button name="decision" value="deny">Deny</button></form>')
        self._page(handler, 200, "Authorize request", form)

    def _authorize_decision(self, handler, form: dict) -> None:
        with self._lock:
            pending = self._state.authorizations.pop(form.get("request_id", ""), None)
            if pending is None:
                return self._page(handler, 400, "Request expired", "<p>This sign-in request is no longer valid.</p>")
            denied = form.get("decision") != "approve" or self._take_denial()
            params = {"state": pending.state}
            if denied:
                params["error"] = "access_denied"
            else:
                code = _token("", 32).replace("/", "_").replace("+", "-")
                self._state.codes[code] = _AuthCode(pending.client_id, pending.redirect_uri, pending.challenge,
                                                    time.time() + 600, pending.scopes)
                params["code"] = code
        location = pending.redirect_uri + ("&" if "?" in pending.redirect_uri else "?") + urllib.parse.urlencode(params)
        self._send(handler, 302, b"", "text/plain", [("Location", location)])

    def _device_page(self, handler, user_code: str) -> None:
        form = ('<p>Enter the code shown by the application.</p><form method="post" action="/device">'
                f'<input name="user_code" value="{html.escape(user_code)}" autocomplete="off"> '
                '<button name="decision" value="approve">Confirm and continue</button></form>')
        self._page(handler, 200, "Authorize device", form)

    def _device_decision(self, handler, form: dict) -> None:
        if form.get("decision") != "approve":
            return self._page(handler, 200, "Request denied", "<p>Nothing was approved.</p>")
        if not self.approve_user_code(form.get("user_code", "")):
            return self._page(handler, 400, "Invalid code", "<p>That code is not valid or has expired.</p>")
        self._page(handler, 200, "Request approved", "<p>You can close this window and return to the application.</p>")

    def _page(self, handler, status: int, title: str, content: str) -> None:
        page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
                f"<body><h1>{title}</h1><p><small>IAM Identity Center (practice emulator)</small></p>"
                f"{content}</body></html>")
        self._send(handler, status, page.encode(), "text/html; charset=utf-8")

    # --- the portal ------------------------------------------------------------------------------------------------

    def _user_of(self, token: str) -> str:
        with self._lock:
            found = self._state.access.get(token or "")
            if found is None or time.time() >= found.expires_at:
                raise PortalError(401, "UnauthorizedException", "Session token not found or invalid")
            return found.user

    def _list_accounts(self, token: str, query: dict) -> dict:
        self._user_of(token)
        with self._lock:
            accounts = [{"accountId": a.account_id, "accountName": a.name, "emailAddress": a.email}
                        for a in self.accounts.values() if self.roles.get(a.account_id)]
        page, next_token = self._paginate(accounts, query)
        return {"accountList": page, **({"nextToken": next_token} if next_token else {})}

    def _list_roles(self, token: str, query: dict) -> dict:
        self._user_of(token)
        account_id = query.get("account_id", "")
        with self._lock:
            roles = [{"roleName": r, "accountId": account_id} for r in self.roles.get(account_id, [])]
        if not roles:
            raise PortalError(403, "ForbiddenException", "No access")
        page, next_token = self._paginate(roles, query)
        return {"roleList": page, **({"nextToken": next_token} if next_token else {})}

    def _paginate(self, items: list, query: dict) -> tuple[list, str]:
        size = min(int(query.get("max_result") or self.page_size), self.page_size)
        try:
            start = int(base64.urlsafe_b64decode(query["next_token"]).decode()) if query.get("next_token") else 0
        except (ValueError, KeyError):
            raise PortalError(400, "InvalidRequestException", "Invalid next token") from None
        end = start + size
        more = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else ""
        return items[start:end], more

    def _role_credentials(self, token: str, query: dict) -> dict:
        user = self._user_of(token)
        account_id, role_name = query.get("account_id", ""), query.get("role_name", "")
        with self._lock:
            assigned = role_name in self.roles.get(account_id, [])
        if not assigned:
            raise PortalError(403, "ForbiddenException", "No access")
        if self.mint is None:
            raise PortalError(400, "InvalidRequestException", "No credentials can be minted here")
        return {"roleCredentials": self.mint(account_id, role_name, user)}


def _json_body(body: bytes) -> dict:
    try:
        found = json.loads(body or b"{}")
    except ValueError:
        raise OidcError(400, "InvalidRequestException", "invalid_request", "Malformed JSON") from None
    return found if isinstance(found, dict) else {}


def _form(body: bytes) -> dict:
    return {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}


def _redirect_allowed(client: _Client, uri: str) -> bool:
    """A registered loopback redirect URI without a port allows any port (RFC 8252 section 7.3), as AWS does."""
    parts = urllib.parse.urlsplit(uri)
    for registered in client.redirect_uris:
        known = urllib.parse.urlsplit(registered)
        same = (known.scheme, known.hostname, known.path) == (parts.scheme, parts.hostname, parts.path)
        if same and (known.port is None or known.port == parts.port) and _is_loopback_redirect(uri):
            return True
    return False


def _is_loopback_redirect(uri: str) -> bool:
    parts = urllib.parse.urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")
