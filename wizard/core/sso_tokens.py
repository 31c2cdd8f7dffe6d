"""IAM Identity Center tokens and client registrations: in the OS keychain only, never in a file.

An IAM Identity Center login yields an access token (hours), a refresh token (the session's length, e.g. 8 h to
90 days) and, before that, a client registration (client id + secret, valid about 90 days). All of them are secrets:
they live in the keychain (`wizard.core.keychain.SecretStore` named entries), under an owner key, which is
`session_key(start_url, region)` so that every profile using one Identity Center login shares it (as the AWS CLI's
`[sso-session]` does), or a profile id.

Entries (JSON documents): "<owner>/sso_access_token" {access_token, expires_at}, "<owner>/sso_refresh_token"
{refresh_token, kind}, "<owner>/sso_registration_<kind>" {client_id, client_secret, expires_at, redirect_uri}.
The types here never show a secret in their repr.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass

from wizard.core.keychain import KeychainError, SecretStore, _said

KINDS = ("device", "authorization_code")  # the two ways to log in, each with its own client registration
REFRESH_MARGIN_SECONDS = 300  # an access token this close to its expiry is refreshed before use
REGISTRATION_MARGIN_SECONDS = 3600  # a registration this close to its expiry is replaced


def _masked(value: str) -> str:
    return f"<{len(value)} chars>" if value else "''"


@dataclass(frozen=True, repr=False)
class SsoToken:
    """An IAM Identity Center access token, its expiry (epoch seconds) and the refresh token, if any."""

    access_token: str
    expires_at: float
    refresh_token: str = ""
    kind: str = "device"  # which registration issued it (a refresh must use the same client)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return (time.time() if now is None else now) + seconds >= self.expires_at

    def needs_refresh(self, now: float | None = None, margin: float = REFRESH_MARGIN_SECONDS) -> bool:
        return self.expires_within(margin, now)

    def __repr__(self) -> str:
        return (f"SsoToken(access_token={_masked(self.access_token)}, expires_at={self.expires_at:.0f}, "
                f"refresh_token={_masked(self.refresh_token)}, kind={self.kind!r})")


@dataclass(frozen=True, repr=False)
class Registration:
    """A public client registered with sso-oidc (RegisterClient): kept and reused until it expires."""

    client_id: str
    client_secret: str
    expires_at: float
    kind: str = "device"
    redirect_uri: str = ""  # authorization_code: the loopback redirect URI registered (any port is accepted)

    def usable(self, now: float | None = None, margin: float = REGISTRATION_MARGIN_SECONDS) -> bool:
        return (time.time() if now is None else now) + margin < self.expires_at

    def __repr__(self) -> str:
        return (f"Registration(client_id={self.client_id[:6]!r}…, client_secret={_masked(self.client_secret)}, "
                f"expires_at={self.expires_at:.0f}, kind={self.kind!r})")


def session_key(start_url: str, region: str) -> str:
    """The keychain owner of one Identity Center login (start URL + region), shared by its profiles."""
    digest = hashlib.sha256(f"{start_url.strip().rstrip('/')}|{region.strip()}".encode()).hexdigest()[:24]
    return f"sso-{digest}"


class SsoTokenStore:
    """Reads and writes tokens and registrations in the keychain. Every call may raise KeychainError."""

    def __init__(self, secrets: SecretStore | None = None):
        self.secrets = secrets or SecretStore()

    # -- tokens ------------------------------------------------------------------------------------------------------
    def save_token(self, owner: str, token: SsoToken) -> None:
        self.secrets.set_entry(owner, "sso_access_token",
                               json.dumps({"access_token": token.access_token, "expires_at": token.expires_at}))
        refresh = json.dumps({"refresh_token": token.refresh_token, "kind": token.kind}) if token.refresh_token else ""
        self.secrets.set_entry(owner, "sso_refresh_token", refresh)

    def load_token(self, owner: str) -> SsoToken | None:
        """The stored token, or None when there is none (or it can't be read back: a login is then needed)."""
        access = _document(self.secrets.get_entry(owner, "sso_access_token"))
        refresh = _document(self.secrets.get_entry(owner, "sso_refresh_token"))
        if not access.get("access_token") and not refresh.get("refresh_token"):
            return None
        return SsoToken(str(access.get("access_token") or ""), float(access.get("expires_at") or 0.0),
                        str(refresh.get("refresh_token") or ""), str(refresh.get("kind") or "device"))

    def forget_token(self, owner: str) -> None:
        """Drop the tokens (a revoked refresh token, a logout): the next use needs a login."""
        self.secrets.set_entry(owner, "sso_access_token", "")
        self.secrets.set_entry(owner, "sso_refresh_token", "")

    # -- registrations -----------------------------------------------------------------------------------------------
    def save_registration(self, owner: str, registration: Registration) -> None:
        self.secrets.set_entry(owner, _registration_entry(registration.kind), json.dumps({
            "client_id": registration.client_id, "client_secret": registration.client_secret,
            "expires_at": registration.expires_at, "redirect_uri": registration.redirect_uri}))

    def load_registration(self, owner: str, kind: str) -> Registration | None:
        found = _document(self.secrets.get_entry(owner, _registration_entry(kind)))
        if not found.get("client_id") or not found.get("client_secret"):
            return None
        return Registration(str(found["client_id"]), str(found["client_secret"]), float(found.get("expires_at") or 0),
                            kind, str(found.get("redirect_uri") or ""))

    def forget(self, owner: str) -> None:
        """Remove everything stored for `owner` (tokens and registrations)."""
        self.secrets.delete_entries(owner)


def _registration_entry(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown login kind {kind!r}")
    return f"sso_registration_{kind}"


def _document(text: str) -> dict:
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        raise KeychainError("keyring-error",
                            _said("A stored IAM Identity Center entry is not readable; log in again.")) from None
    return found if isinstance(found, dict) else {}
