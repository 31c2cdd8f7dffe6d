"""Logging in to IAM Identity Center through sso-oidc (botocore's client; botocore itself has no login flow).

1. RegisterClient: a public client, kept (in the keychain, by the caller) and reused until it expires.
2. Either the authorization code with PKCE (RFC 7636) and a redirect to 127.0.0.1 on a free port (RFC 8252): a
   one-shot loopback listener receives the code and checks `state`; the browser is opened by a callable the caller
   injects (the GUI: QDesktopServices.openUrl; the CLI: `webbrowser` only where a display exists), or the device code
   (RFC 8628): the code and verification URL are shown to the user, CreateToken is polled at the interval AWS gives,
   `slow_down` adds 5 s, and the login can be cancelled at any time.
3. CreateToken gives the access token (and a refresh token for scope `sso:account:access`); `refresh_token()` renews
   it before it expires, without a new login; `current_token()` is the test's `sso-token` step.

Every call is one attempt (`total_max_attempts: 1`) with the connection's connect/read timeouts, proxy and CA bundle,
unsigned (sso-oidc takes no AWS credentials, so the default credential chain is never consulted), at `endpoint_url`
when set (the practice emulator), else AWS's regional sso-oidc endpoint. Everything here blocks: run it off the GUI
thread. Errors the login itself decides are `SsoLoginError` with a diagnosis code; AWS's and botocore's exceptions
pass through for `wizard.core.diagnoses.diagnose` (step "sso-login").
"""

from __future__ import annotations

import http.server
import secrets as _secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore import UNSIGNED
from botocore import exceptions as bx
from botocore.config import Config

from wizard.core import aws
from wizard.core.connection import NetworkSettings
from wizard.core.sso_tokens import Registration, SsoToken, SsoTokenStore

CLIENT_NAME = "aws-connection-wizard"
SCOPE = "sso:account:access"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
REDIRECT_PATH = "/oauth/callback"
REGISTERED_REDIRECT = f"http://127.0.0.1{REDIRECT_PATH}"  # no port: any loopback port is accepted (RFC 8252 7.3)
SLOW_DOWN_SECONDS = 5  # RFC 8628 3.5: each slow_down adds 5 s to the polling interval
DEFAULT_INTERVAL = 5  # when AWS gives none
DEFAULT_LOGIN_TIMEOUT = 600.0  # seconds the user has to approve a login in the browser
LOGIN_CODES = ("sso-login-required", "sso-authorization-timeout", "sso-start-url-invalid", "cancelled")


class SsoLoginError(Exception):
    """A login that could not finish. `code` is one of LOGIN_CODES (diagnosis codes, or "cancelled")."""

    def __init__(self, code: str, message: str):
        if code not in LOGIN_CODES:
            raise ValueError(f"unknown login error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message


class LoginCancelled(SsoLoginError):
    def __init__(self):
        super().__init__("cancelled", "The login was cancelled.")


class BrowserUnavailable(SsoLoginError):
    """No browser could be opened: use the device code instead."""

    def __init__(self):
        super().__init__("sso-login-required", "No web browser could be opened here; log in with a device code.")


@dataclass(frozen=True)
class SsoTarget:
    """What to log in to: the start URL, the Identity Center region, and how to reach it."""

    start_url: str
    region: str
    network: NetworkSettings = field(default_factory=NetworkSettings)
    endpoint_url: str = ""  # sso-oidc and sso (portal) endpoint override: the emulator; "" means AWS's


@dataclass(frozen=True, repr=False)
class DeviceAuthorization:
    """A device-code login in progress: show `user_code` and `verification_uri` (or the complete URI) to the user."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    interval: float
    expires_at: float  # epoch seconds

    def __repr__(self) -> str:
        return f"DeviceAuthorization(user_code={self.user_code!r}, verification_uri={self.verification_uri!r})"


# --- clients ------------------------------------------------------------------------------------------------------


def client(service: str, target: SsoTarget):
    """A botocore client for "sso-oidc" or "sso": unsigned, one attempt, the target's network settings."""
    config = aws.client_config(target.network).merge(Config(signature_version=UNSIGNED))
    return aws.new_session(target.region).client(
        service, region_name=target.region, endpoint_url=target.endpoint_url or None, config=config,
        verify=aws.verify(target.network))


class _Redacting:
    """Keep the given secret values out of botocore's debug logs while a call runs."""

    def __init__(self, *values: str):
        self.values = values

    def __enter__(self):
        aws.install_log_redaction()
        aws.register_secrets(self, self.values)
        return self

    def __exit__(self, *exc):
        aws.forget_secrets(self)


# --- 1. the client registration -------------------------------------------------------------------------------------


def register_client(target: SsoTarget, kind: str = "device") -> Registration:
    """RegisterClient: a public client for the device code ("device") or the authorization code with PKCE."""
    params: dict[str, Any] = {"clientName": CLIENT_NAME, "clientType": "public", "scopes": [SCOPE]}
    if kind == "authorization_code":
        params.update(grantTypes=["authorization_code", "refresh_token"], redirectUris=[REGISTERED_REDIRECT],
                      issuerUrl=target.start_url)
    elif kind != "device":
        raise ValueError(f"unknown login kind {kind!r}")
    with _Redacting():
        try:
            found = client("sso-oidc", target).register_client(**params)
        except bx.ClientError as exc:
            if kind == "authorization_code":  # the start URL is sent as the issuer URL
                _raise_start_url_invalid(exc, target)
            raise
    return Registration(found["clientId"], found["clientSecret"], float(found.get("clientSecretExpiresAt") or 0),
                        kind, REGISTERED_REDIRECT if kind == "authorization_code" else "")


def registration_for(target: SsoTarget, kind: str, stored: Registration | None) -> tuple[Registration, bool]:
    """The stored registration while it stays usable, else a new one: (registration, True when new: save it)."""
    if stored is not None and stored.kind == kind and stored.usable():
        return stored, False
    return register_client(target, kind), True


def _raise_start_url_invalid(exc: bx.ClientError, target: SsoTarget) -> None:
    """AWS refuses an unknown start URL (or a start URL of another region) as InvalidRequestException."""
    code = exc.response.get("Error", {}).get("Code", "")
    if code in ("InvalidRequestException", "InvalidClientMetadataException"):
        raise SsoLoginError("sso-start-url-invalid",
                            f"IAM Identity Center in {target.region} does not know the start URL {target.start_url} "
                            f"({code}).") from None


# --- 2a. the device code -------------------------------------------------------------------------------------------


def start_device_authorization(target: SsoTarget, registration: Registration) -> DeviceAuthorization:
    """StartDeviceAuthorization: the user code and verification URL to show."""
    with _Redacting(registration.client_secret):
        try:
            found = client("sso-oidc", target).start_device_authorization(
                clientId=registration.client_id, clientSecret=registration.client_secret, startUrl=target.start_url)
        except bx.ClientError as exc:
            _raise_start_url_invalid(exc, target)
            raise
    return DeviceAuthorization(
        found["deviceCode"], found["userCode"], found["verificationUri"],
        found.get("verificationUriComplete") or found["verificationUri"],
        float(found.get("interval") or DEFAULT_INTERVAL), time.time() + float(found.get("expiresIn") or 600))


def wait_for_device_token(target: SsoTarget, registration: Registration, device: DeviceAuthorization, *,
                          cancel: threading.Event | None = None, timeout: float | None = None) -> SsoToken:
    """Poll CreateToken at AWS's interval until the user approves (the token), denies, or time runs out.

    `cancel` set at any time ends the wait at once (LoginCancelled). The deadline is the device code's expiry or
    `timeout` seconds, whichever comes first (then `sso-authorization-timeout`).
    """
    cancel = cancel or threading.Event()
    deadline = min(device.expires_at, time.time() + timeout) if timeout is not None else device.expires_at
    interval = device.interval
    oidc = client("sso-oidc", target)
    while True:
        wait = min(interval, max(0.0, deadline - time.time()))
        if cancel.wait(wait):
            raise LoginCancelled()
        if time.time() >= deadline:
            raise _timeout()
        try:
            with _Redacting(registration.client_secret, device.device_code):
                found = oidc.create_token(clientId=registration.client_id, clientSecret=registration.client_secret,
                                          grantType=DEVICE_GRANT, deviceCode=device.device_code)
        except bx.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "AuthorizationPendingException":
                continue
            if code == "SlowDownException":
                interval += SLOW_DOWN_SECONDS
                continue
            if code == "ExpiredTokenException":
                raise _timeout() from None
            if code == "AccessDeniedException":
                raise SsoLoginError("sso-login-required", "The login was denied in the browser.") from None
            raise
        return _token(found, "device")


def _timeout() -> SsoLoginError:
    return SsoLoginError("sso-authorization-timeout", "The login was not approved in time.")


def _token(found: dict, kind: str, previous_refresh: str = "") -> SsoToken:
    return SsoToken(found["accessToken"], time.time() + float(found.get("expiresIn") or 0),
                    found.get("refreshToken") or previous_refresh, kind)


# --- 2b. the authorization code with PKCE ----------------------------------------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    import base64
    import hashlib

    verifier = _secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


class RedirectListener:
    """A one-shot HTTP listener on 127.0.0.1 (a free port) for the browser's redirect after the login.

    It accepts only GET `REDIRECT_PATH` with the expected `state`; anything else is answered and ignored (a stray or
    forged request never ends the login). `wait()` returns the authorization code.
    """

    def __init__(self, state: str):
        listener = self
        self.state = state
        self.result: dict[str, str] | None = None

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 5  # a browser's idle pre-connection must not hold the listener

            def log_message(self, format, *args):  # noqa: A002 - quiet: the URL carries the code
                pass

            def do_GET(self):  # noqa: N802
                listener._receive(self)

        self._server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self._server.timeout = 0.2
        self.redirect_uri = f"http://127.0.0.1:{self._server.server_address[1]}{REDIRECT_PATH}"

    def _receive(self, handler) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        if parts.path != REDIRECT_PATH or not _secrets.compare_digest(query.get("state", ""), self.state):
            return _answer(handler, 400, "This page does not belong to the login in progress.")
        self.result = query
        if query.get("code"):
            return _answer(handler, 200, "You are signed in. You can close this window and return to the wizard.")
        return _answer(handler, 200, "The login was not approved. You can close this window.")

    def wait(self, cancel: threading.Event, deadline: float) -> str:
        try:
            while self.result is None:
                if cancel.is_set():
                    raise LoginCancelled()
                if time.time() >= deadline:
                    raise _timeout()
                self._server.handle_request()
        finally:
            self._server.server_close()
        if not self.result.get("code"):
            raise SsoLoginError("sso-login-required", "The login was denied in the browser.")
        return self.result["code"]

    def close(self) -> None:
        self._server.server_close()


def _answer(handler, status: int, text: str) -> None:
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>AWS Connection Wizard</title></head>"
            f"<body><p>{text}</p></body></html>").encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(page)))
    handler.end_headers()
    handler.wfile.write(page)


def authorize_url(target: SsoTarget, registration: Registration, redirect_uri: str, state: str,
                  challenge: str) -> str:
    """The sso-oidc /authorize URL the browser opens."""
    base = target.endpoint_url.rstrip("/") if target.endpoint_url else client("sso-oidc", target).meta.endpoint_url
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": registration.client_id, "redirect_uri": redirect_uri,
        "state": state, "code_challenge_method": "S256", "scopes": SCOPE, "code_challenge": challenge})
    return f"{base}/authorize?{query}"


def login_with_browser(target: SsoTarget, registration: Registration, open_browser: Callable[[str], Any], *,
                       cancel: threading.Event | None = None, timeout: float = DEFAULT_LOGIN_TIMEOUT) -> SsoToken:
    """The authorization code with PKCE: open the browser at /authorize, receive the redirect on 127.0.0.1, and
    exchange the code (with the verifier) for a token. `open_browser(url)` returning False means no browser
    (BrowserUnavailable: fall back to the device code)."""
    cancel = cancel or threading.Event()
    verifier, challenge = pkce_pair()
    state = _secrets.token_urlsafe(24)
    listener = RedirectListener(state)
    try:
        if open_browser(authorize_url(target, registration, listener.redirect_uri, state, challenge)) is False:
            raise BrowserUnavailable()
        code = listener.wait(cancel, time.time() + timeout)
    finally:
        listener.close()
    with _Redacting(registration.client_secret, code, verifier):
        found = client("sso-oidc", target).create_token(
            clientId=registration.client_id, clientSecret=registration.client_secret, grantType="authorization_code",
            code=code, redirectUri=listener.redirect_uri, codeVerifier=verifier)
    return _token(found, "authorization_code")


# --- 3. refresh, and the token a test uses ---------------------------------------------------------------------------


def refresh_token(target: SsoTarget, registration: Registration, token: SsoToken) -> SsoToken:
    """CreateToken with the refresh token (scope sso:account:access): a new access token without a login.
    A refused refresh (revoked or expired session, expired registration) is `sso-login-required`."""
    if not token.refresh_token:
        raise SsoLoginError("sso-login-required", "The IAM Identity Center session has no refresh token; log in.")
    with _Redacting(registration.client_secret, token.refresh_token, token.access_token):
        try:
            found = client("sso-oidc", target).create_token(
                clientId=registration.client_id, clientSecret=registration.client_secret, grantType="refresh_token",
                refreshToken=token.refresh_token, scope=[SCOPE])
        except bx.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("InvalidGrantException", "ExpiredTokenException", "InvalidClientException",
                        "UnauthorizedClientException", "AccessDeniedException"):
                raise SsoLoginError("sso-login-required",
                                    f"The IAM Identity Center session ended ({code}); log in again.") from None
            raise
    return _token(found, token.kind, token.refresh_token)


def current_token(target: SsoTarget, owner: str, store: SsoTokenStore) -> tuple[SsoToken, str]:
    """The test's `sso-token` step: (a usable access token, "valid" | "refreshed"), or SsoLoginError
    `sso-login-required` when a login is needed (no token, or the refresh was refused: the stale token is dropped)."""
    token = store.load_token(owner)
    if token is None:
        raise SsoLoginError("sso-login-required", "Not logged in to IAM Identity Center yet.")
    if not token.needs_refresh():
        return token, "valid"
    registration = store.load_registration(owner, token.kind)
    if registration is None or not registration.usable(margin=0):
        raise SsoLoginError("sso-login-required", "The client registration expired; log in again.")
    try:
        fresh = refresh_token(target, registration, token)
    except SsoLoginError:
        store.forget_token(owner)
        raise
    store.save_token(owner, fresh)
    return fresh, "refreshed"


def login(target: SsoTarget, owner: str, store: SsoTokenStore, *, open_browser: Callable[[str], Any] | None = None,
          show_device_code: Callable[[DeviceAuthorization], Any] | None = None,
          cancel: threading.Event | None = None, timeout: float = DEFAULT_LOGIN_TIMEOUT) -> SsoToken:
    """A whole login, its registration and token kept in the keychain under `owner`.

    With `open_browser`: the authorization code with PKCE. Without it (or when it returns False and
    `show_device_code` is given): the device code, `show_device_code(device)` called once with the code to show.
    """
    if open_browser is not None:
        registration = _registration(target, owner, store, "authorization_code")
        try:
            token = login_with_browser(target, registration, open_browser, cancel=cancel, timeout=timeout)
        except BrowserUnavailable:
            if show_device_code is None:
                raise
        else:
            store.save_token(owner, token)
            return token
    if show_device_code is None:
        raise ValueError("login needs open_browser or show_device_code")
    registration = _registration(target, owner, store, "device")
    device = start_device_authorization(target, registration)
    show_device_code(device)
    token = wait_for_device_token(target, registration, device, cancel=cancel, timeout=timeout)
    store.save_token(owner, token)
    return token


def _registration(target: SsoTarget, owner: str, store: SsoTokenStore, kind: str) -> Registration:
    registration, new = registration_for(target, kind, store.load_registration(owner, kind))
    if new:
        store.save_registration(owner, registration)
    return registration
