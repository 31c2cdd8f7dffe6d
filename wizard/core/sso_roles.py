"""What an IAM Identity Center login allows, and the role credentials it gives (botocore's `sso` portal client).

`list_accounts` and `list_account_roles` read every page (the pickers' lists); `role_credentials` is the test's
`role-credentials` step (GetRoleCredentials). The portal refuses a bad or expired access token with
UnauthorizedException (diagnosis `sso-login-required`) and a role the user is not assigned with ForbiddenException
"No access" (`sso-access-denied`); those exceptions pass through for `wizard.core.diagnoses.diagnose`.
Calls are unsigned (the access token is the `x-amz-sso_bearer_token` header), one attempt, the target's network
settings and endpoint override (see `wizard.core.sso_login.client`). Everything here blocks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from wizard.core.sso_login import SsoTarget, _Redacting, client
from wizard.core.sso_tokens import SsoToken


@dataclass(frozen=True)
class SsoAccount:
    account_id: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class SsoRole:
    account_id: str
    role_name: str


@dataclass(frozen=True, repr=False)
class RoleCredentials:
    """Temporary credentials of an IAM Identity Center role (field names as in wizard.core.credentials.Credentials)."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime.datetime  # timezone-aware, UTC

    def to_dict(self) -> dict:
        """{access_key_id, secret_access_key, session_token}: what wizard.core.aws.make_client takes."""
        return {"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key,
                "session_token": self.session_token}

    def __repr__(self) -> str:
        key = f"{self.access_key_id[:4]}…{self.access_key_id[-4:]}" if len(self.access_key_id) >= 16 else "…"
        return (f"RoleCredentials(access_key_id={key!r}, secret_access_key=<hidden>, session_token=<hidden>, "
                f"expiration={self.expiration.isoformat()})")


def list_accounts(target: SsoTarget, token: SsoToken) -> list[SsoAccount]:
    """Every account the login may use (all pages), sorted by name."""
    portal = client("sso", target)
    found: list[SsoAccount] = []
    with _Redacting(token.access_token):
        for page in portal.get_paginator("list_accounts").paginate(accessToken=token.access_token):
            found += [SsoAccount(a["accountId"], a.get("accountName", ""), a.get("emailAddress", ""))
                      for a in page.get("accountList", [])]
    return sorted(found, key=lambda a: (a.name.lower(), a.account_id))


def list_account_roles(target: SsoTarget, token: SsoToken, account_id: str) -> list[SsoRole]:
    """Every role the login may use in `account_id` (all pages), sorted by name."""
    portal = client("sso", target)
    found: list[SsoRole] = []
    with _Redacting(token.access_token):
        paginator = portal.get_paginator("list_account_roles")
        for page in paginator.paginate(accessToken=token.access_token, accountId=account_id):
            found += [SsoRole(r.get("accountId", account_id), r["roleName"]) for r in page.get("roleList", [])]
    return sorted(found, key=lambda r: r.role_name.lower())


def role_credentials(target: SsoTarget, token: SsoToken, account_id: str, role_name: str) -> RoleCredentials:
    """GetRoleCredentials: the role's temporary credentials (the expiry comes in milliseconds since the epoch)."""
    with _Redacting(token.access_token):
        found = client("sso", target).get_role_credentials(
            accessToken=token.access_token, accountId=account_id, roleName=role_name)["roleCredentials"]
    expiration = datetime.datetime.fromtimestamp(int(found["expiration"]) / 1000, datetime.timezone.utc)
    return RoleCredentials(found["accessKeyId"], found["secretAccessKey"], found["sessionToken"], expiration)
