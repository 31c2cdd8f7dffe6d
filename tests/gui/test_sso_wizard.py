"""The wizard creates an IAM Identity Center (sso) profile against the local emulators: the login in the browser (the
test plays the browser through the authorize page, replacing QDesktopServices.openUrl) or with a device code, the
account and role picked from the searchable list, tested and saved; then tested again after the access token expired
(refreshed silently: no second login) and after the refresh token was revoked (a login is asked for).

SSO calls reach the emulator through AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, as in practice mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.support.sso import Browser, approve_device, remember, sso  # noqa: F401
from wizard.core.connection import Connection, Secrets
from wizard.core.credentials import sso_owner
from wizard.core.profiles import save_connection
from wizard.core.sso_tokens import SsoTokenStore
from wizard.ui.wizard import PageId

pytestmark = [
    pytest.mark.keychain,
]
WAIT = 20000


@pytest.fixture
def sso_env(sso, monkeypatch, stores):  # noqa: F811
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", sso.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", sso.url)
    conn = _connection(sso)
    tokens = SsoTokenStore(stores[1])
    tokens.forget(sso_owner(conn))  # no login left by another test
    yield sso
    tokens.forget(sso_owner(conn))


def _connection(emulator, endpoint: str = "") -> Connection:
    conn = Connection(method="sso", sso_start_url=emulator.practice.start_url, sso_region=emulator.practice.region,
                      region="us-east-1", service="s3")
    conn.network.endpoint_url = endpoint
    return conn


def _remember_login(secret_store, conn):
    tokens = SsoTokenStore(secret_store)
    owner = sso_owner(conn)
    remember(tokens.load_token(owner), *(r for r in (tokens.load_registration(owner, k) for k in
                                                     ("device", "authorization_code")) if r is not None))


def _to_login_page(kb):
    kb.alt("n")
    kb.wait_page(PageId.CREDENTIALS)
    kb.alt("n")
    kb.wait_page(PageId.SSO_LOGIN)
    page = kb.window.sso_login_page
    kb.qtbot.waitUntil(lambda: "Not logged in yet" in page.status.text(), timeout=WAIT)
    return page


def _pick_and_test(kb, emulator):
    """The account/role page: search, pick the sandbox account's role; then service, region, and the test."""
    window, qtbot = kb.window, kb.qtbot
    kb.alt("n")
    kb.wait_page(PageId.SSO_ROLE)
    picker = window.sso_role_page
    qtbot.waitUntil(lambda: len(picker.roles_shown()) == 3, timeout=WAIT)
    assert not kb.next_enabled()
    kb.type("sandbox")  # the search box has the focus
    second = emulator.practice.assignments[2]
    assert picker.roles_shown() == [second]
    assert picker.select(*second) and kb.next_enabled()
    kb.alt("n")
    kb.wait_page(PageId.SERVICE)
    kb.alt("n")
    kb.wait_page(PageId.REGION)
    kb.alt("n")
    kb.wait_page(PageId.TEST)
    qtbot.waitUntil(lambda: window.test_page.view.state == "finished", timeout=WAIT)
    report = window.test_page.view.report
    assert report.ok, report.to_text()
    assert [s.name for s in report.steps] == ["sso-token", "role-credentials", "identity", "service"]
    assert f":{second[0]}:assumed-role/AWSReservedSSO_PracticeReadOnly_" in report.identity_arn
    return second


def _retest(qtbot, window, conn, secret_store):
    future = window.test_page.view.start(conn, Secrets(), secret_store=secret_store)
    qtbot.waitUntil(future.done, timeout=WAIT)
    return window.test_page.view.report


def _finish_and_save(kb, stores, name):
    window = kb.window
    saved = []
    window.finished_connection.connect(lambda *found: saved.append(found))
    kb.alt("n")
    kb.wait_page(PageId.SUMMARY)
    window.summary_page.set_profile_name(name)
    window.accept()
    assert saved and saved[0][0] == name
    _, conn, secrets = saved[0]
    assert (conn.method, conn.sso_account_id, conn.sso_role_name) == ("sso", *kb.window.sso_role_page.selected())
    return save_connection(stores[0], stores[1], name, conn, secrets)


def test_pkce_login_pick_test_save_then_silent_refresh_then_login_asked(open_wizard, sso_env, stores, aws_emulator):
    emulator = sso_env
    window, kb = open_wizard(connection=_connection(emulator, aws_emulator.url), profile_store=stores[0],
                             secret_store=stores[1])
    page = _to_login_page(kb)
    browser = Browser()
    page.open_url = browser
    kb.qtbot.mouseClick(page.browser_button, Qt.MouseButton.LeftButton)
    kb.qtbot.waitUntil(lambda: page.logged_in and kb.next_enabled(), timeout=WAIT)
    assert len(browser.opened) == 1 and not browser.errors
    assert browser.opened[0].startswith(emulator.url + "/authorize?")  # the authorize page, with the PKCE challenge
    assert "code_challenge_method=S256" in browser.opened[0]
    _remember_login(stores[1], window.connection())
    _pick_and_test(kb, emulator)
    profile = _finish_and_save(kb, stores, "sso-dev")

    # the access token expired: the next test refreshes it silently (no browser opened again)
    emulator.expire_access_tokens()
    tokens, owner = SsoTokenStore(stores[1]), sso_owner(profile.connection)
    stale = tokens.load_token(owner)
    tokens.save_token(owner, type(stale)(stale.access_token, 0.0, stale.refresh_token, stale.kind))
    report = _retest(kb.qtbot, window, profile.connection, stores[1])
    assert report.ok, report.to_text()
    assert report.steps[0].detail.startswith("Access token refreshed without a new login")
    assert len(browser.opened) == 1
    _remember_login(stores[1], profile.connection)

    # the refresh token was revoked: the test says a login is needed, and the login page asks for one
    emulator.revoke_refresh_tokens()
    fresh = tokens.load_token(owner)
    tokens.save_token(owner, type(fresh)(fresh.access_token, 0.0, fresh.refresh_token, fresh.kind))
    report = _retest(kb.qtbot, window, profile.connection, stores[1])
    assert not report.ok and report.code == "sso-login-required"
    assert report.steps[0].name == "sso-token" and report.steps[0].status == "failed"


def test_device_code_login_pick_test_save(open_wizard, sso_env, stores, aws_emulator):
    emulator = sso_env
    window, kb = open_wizard(connection=_connection(emulator, aws_emulator.url), profile_store=stores[0],
                             secret_store=stores[1])
    page = _to_login_page(kb)
    opened = []
    page.open_url = opened.append  # must stay unused: a device code needs no browser here
    kb.qtbot.mouseClick(page.device_button, Qt.MouseButton.LeftButton)
    kb.qtbot.waitUntil(lambda: page.device is not None and page.code_label.isVisible(), timeout=WAIT)
    assert page.code_label.text() == page.device.user_code and page.copy_button.isVisible()
    assert page.device.verification_uri in page.url_label.text()
    kb.qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == page.device.user_code
    approve_device(page.device.verification_uri_complete)
    kb.qtbot.waitUntil(lambda: page.logged_in and kb.next_enabled(), timeout=WAIT)
    assert opened == []
    _remember_login(stores[1], window.connection())
    _pick_and_test(kb, emulator)
    profile = _finish_and_save(kb, stores, "sso-device")
    assert stores[0].get("sso-device").connection.sso_role_name == profile.connection.sso_role_name


def test_a_login_can_be_cancelled_while_waiting(open_wizard, sso_env, stores, aws_emulator):
    _window, kb = open_wizard(connection=_connection(sso_env, aws_emulator.url), profile_store=stores[0],
                             secret_store=stores[1])
    page = _to_login_page(kb)
    page.open_url = lambda url: None  # the person never approves
    kb.qtbot.mouseClick(page.browser_button, Qt.MouseButton.LeftButton)
    kb.qtbot.waitUntil(page.cancel_button.isVisible, timeout=WAIT)
    kb.qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    kb.qtbot.waitUntil(lambda: page.browser_button.isEnabled() and "cancelled" in page.status.text(), timeout=WAIT)
    assert not page.logged_in and not kb.next_enabled()
