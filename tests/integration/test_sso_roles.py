"""After an IAM Identity Center login: the tokens in the real keychain (refreshed silently, dropped when revoked), the
account and role lists (every page), and GetRoleCredentials whose credentials moto then checks on a signed call."""

from __future__ import annotations

import uuid

import pytest
from botocore import exceptions as bx

from tests.support.sso import Browser, logged_in, remember, sso, target  # noqa: F401
from wizard.core import sso_login, sso_roles
from wizard.core.sso_login import SsoLoginError
from wizard.core.sso_tokens import SsoTokenStore, session_key

pytestmark = pytest.mark.integration


@pytest.fixture
def store():
    found = SsoTokenStore()
    owners = []
    yield found, owners
    for owner in owners:
        found.forget(owner)


@pytest.mark.keychain
def test_login_keeps_tokens_in_the_keychain_and_refreshes_silently(sso, store):  # noqa: F811
    tokens, owners = store
    t = target(sso)
    owner = f"{session_key(t.start_url, t.region)}-{uuid.uuid4().hex[:8]}"
    owners.append(owner)
    token = sso_login.login(t, owner, tokens, open_browser=Browser(), timeout=20)
    remember(token, tokens.load_registration(owner, "authorization_code"))
    assert tokens.load_token(owner).access_token == token.access_token
    assert sso_login.current_token(t, owner, tokens)[1] == "valid"
    sso.expire_access_tokens()
    stale = tokens.load_token(owner)
    tokens.save_token(owner, type(stale)(stale.access_token, 0.0, stale.refresh_token, stale.kind))
    fresh, status = sso_login.current_token(t, owner, tokens)  # no browser: a refresh, not a login
    remember(fresh)
    assert status == "refreshed" and fresh.access_token != token.access_token
    assert sso_roles.list_accounts(t, fresh)  # the refreshed token works at the portal
    sso.revoke_refresh_tokens()
    tokens.save_token(owner, type(fresh)(fresh.access_token, 0.0, fresh.refresh_token, fresh.kind))
    with pytest.raises(SsoLoginError) as raised:
        sso_login.current_token(t, owner, tokens)
    assert raised.value.code == "sso-login-required"
    assert tokens.load_token(owner) is None  # the dead session is forgotten: the next use asks for a login


@pytest.mark.keychain
def test_device_code_login_through_the_store(sso, store):  # noqa: F811
    tokens, owners = store
    owner = f"sso-device-{uuid.uuid4().hex[:8]}"
    owners.append(owner)
    from tests.support.sso import approve_device

    shown = []

    def show(device):
        shown.append(device.user_code)
        import threading

        threading.Timer(0.5, approve_device, args=(device.verification_uri_complete,)).start()

    token = sso_login.login(target(sso), owner, tokens, show_device_code=show, timeout=20)
    remember(token, tokens.load_registration(owner, "device"))
    assert shown and tokens.load_token(owner).kind == "device"


def test_accounts_and_roles_every_page(sso):  # noqa: F811
    sso.page_size = 1  # one item a page: the lists must follow nextToken
    t, _, token = logged_in(sso)
    accounts = sso_roles.list_accounts(t, token)
    assert {a.account_id for a in accounts} == {a.account_id for a in sso.practice.accounts}
    assert [a.name for a in accounts] == sorted(a.name for a in accounts)
    first = sso.practice.assignments[0][0]
    roles = sso_roles.list_account_roles(t, token, first)
    assert {r.role_name for r in roles} == {role for account, role in sso.practice.assignments if account == first}


def test_role_credentials_are_checked_by_moto(sso, aws_emulator):  # noqa: F811
    t, _, token = logged_in(sso)
    for account_id, role_name in sso.practice.assignments:
        credentials = sso_roles.role_credentials(t, token, account_id, role_name)
        remember(credentials)
        assert credentials.secret_access_key not in repr(credentials) and credentials.session_token not in repr(
            credentials)
        sts = aws_emulator.client("sts", credentials.access_key_id, credentials.secret_access_key,
                                  credentials.session_token)
        arn = sts.get_caller_identity()["Arn"]
        assert arn.startswith(f"arn:aws:sts::{account_id}:assumed-role/AWSReservedSSO_{role_name}_")
        assert arn.endswith(f"/{sso.user}")
    secret = credentials.secret_access_key
    wrong_secret = secret[:-1] + ("y" if secret.endswith("x") else "x")  # one character off (a secret may end in x)
    wrong = aws_emulator.client("sts", credentials.access_key_id, wrong_secret, credentials.session_token)
    with pytest.raises(bx.ClientError) as raised:  # signing is enforced on the minted credentials
        wrong.get_caller_identity()
    assert raised.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
