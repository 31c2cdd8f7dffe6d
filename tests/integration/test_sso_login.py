"""Logging in to IAM Identity Center against the emulator over real loopback HTTP: the authorization code with PKCE
(the test plays the browser through the authorize page), the device code (approved on the verification page), slow_down,
timeouts, cancel, and the emulator's own checks (a PKCE verifier that doesn't match is refused)."""

from __future__ import annotations

import threading
import time

import pytest
from botocore import exceptions as bx

from tests.support.sso import (  # noqa: F401 - sso is a fixture
    Browser,
    approve_device,
    approve_in_browser,
    device_authorization,
    remember,
    sso,
    target,
)
from wizard.core import sso_login
from wizard.core.sso_login import RedirectListener, SsoLoginError
from wizard.practice.sso_emulator import s256

pytestmark = pytest.mark.integration


def test_pkce_login_through_the_authorize_page(sso):  # noqa: F811
    t = target(sso)
    registration = sso_login.register_client(t, "authorization_code")
    browser = Browser()
    token = sso_login.login_with_browser(t, registration, browser, timeout=20)
    remember(registration, token)
    assert not browser.errors, browser.errors
    assert "signed in" in browser.pages[0].lower()  # the wizard's loopback page answered the browser
    opened = browser.opened[0]
    assert opened.startswith(f"{sso.url}/authorize?") and "code_challenge_method=S256" in opened
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in opened  # a loopback redirect on a free port
    assert token.access_token and token.refresh_token and token.kind == "authorization_code"
    assert not token.needs_refresh()
    assert token.access_token not in repr(token) and token.refresh_token not in repr(token)
    assert registration.client_secret not in repr(registration)


def test_registration_is_kept_until_it_expires(sso):  # noqa: F811
    t = target(sso)
    first, new = sso_login.registration_for(t, "device", None)
    again, new_again = sso_login.registration_for(t, "device", first)
    remember(first)
    assert new and not new_again and again is first
    expiring = type(first)(first.client_id, first.client_secret, time.time() + 60, "device")
    replaced, replaced_new = sso_login.registration_for(t, "device", expiring)
    remember(replaced)
    assert replaced_new and replaced.client_id != first.client_id


def test_browser_denial_is_login_required(sso):  # noqa: F811
    t = target(sso)
    registration = sso_login.register_client(t, "authorization_code")
    remember(registration)
    with pytest.raises(SsoLoginError) as raised:
        sso_login.login_with_browser(t, registration, Browser("deny"), timeout=20)
    assert raised.value.code == "sso-login-required"


def test_no_browser_is_reported_so_the_caller_can_use_the_device_code(sso):  # noqa: F811
    t = target(sso)
    registration = sso_login.register_client(t, "authorization_code")
    remember(registration)
    with pytest.raises(sso_login.BrowserUnavailable):
        sso_login.login_with_browser(t, registration, lambda url: False, timeout=5)


def test_a_pkce_verifier_that_does_not_match_is_refused_by_the_emulator(sso):  # noqa: F811
    """The emulator checks S256(code_verifier) == code_challenge: a wrong verifier gets invalid_grant."""
    t = target(sso)
    registration = sso_login.register_client(t, "authorization_code")
    remember(registration)
    verifier, challenge = sso_login.pkce_pair()
    assert s256(verifier) == challenge
    listener = RedirectListener("state-1")
    url = sso_login.authorize_url(t, registration, listener.redirect_uri, "state-1", challenge)
    threading.Thread(target=approve_in_browser, args=(url,), daemon=True).start()
    code = listener.wait(threading.Event(), time.time() + 20)
    oidc = sso_login.client("sso-oidc", t)
    other_verifier, _ = sso_login.pkce_pair()
    with pytest.raises(bx.ClientError) as raised:
        oidc.create_token(clientId=registration.client_id, clientSecret=registration.client_secret,
                          grantType="authorization_code", code=code, redirectUri=listener.redirect_uri,
                          codeVerifier=other_verifier)
    assert raised.value.response["Error"]["Code"] == "InvalidGrantException"


def test_redirect_with_the_wrong_state_is_ignored(sso):  # noqa: F811
    import urllib.error
    import urllib.request

    listener = RedirectListener("the-right-state")
    cancel = threading.Event()
    outcome = {}

    def forged():
        try:
            urllib.request.urlopen(f"{listener.redirect_uri}?code=forged&state=wrong", timeout=5)  # noqa: S310
        except urllib.error.HTTPError as exc:
            outcome["status"] = exc.code
        cancel.set()

    threading.Thread(target=forged, daemon=True).start()
    with pytest.raises(sso_login.LoginCancelled):
        listener.wait(cancel, time.time() + 10)
    assert outcome["status"] == 400 and listener.result is None


def test_device_code_login_approved_on_the_verification_page(sso):  # noqa: F811
    t = target(sso)
    registration = sso_login.register_client(t, "device")
    device = sso_login.start_device_authorization(t, registration)
    assert device.user_code and device.verification_uri.startswith(sso.url)
    assert device.user_code in device.verification_uri_complete
    assert device.device_code not in repr(device)
    threading.Timer(1.5, approve_device, args=(device.verification_uri_complete,)).start()
    started = time.monotonic()
    token = sso_login.wait_for_device_token(t, registration, device, timeout=20)
    remember(registration, token)
    assert token.access_token and token.refresh_token and token.kind == "device"
    assert time.monotonic() - started < 10
    gaps = [b - a for a, b in zip(sso.polls, sso.polls[1:])]
    assert all(gap >= device.interval - 0.1 for gap in gaps), gaps  # never faster than AWS's interval


def test_slow_down_adds_five_seconds_to_the_interval(sso):  # noqa: F811
    t, registration, device = device_authorization(sso)
    sso.slow_down_next_poll()
    sso_login_thread = threading.Timer(2.0, approve_device, args=(device.verification_uri_complete,))
    sso_login_thread.start()
    token = sso_login.wait_for_device_token(t, registration, device, timeout=30)
    remember(token)
    assert len(sso.polls) >= 2
    assert sso.polls[1] - sso.polls[0] >= device.interval + sso_login.SLOW_DOWN_SECONDS - 0.1


def test_device_code_not_approved_in_time(sso):  # noqa: F811
    t, registration, device = device_authorization(sso)
    started = time.monotonic()
    with pytest.raises(SsoLoginError) as raised:
        sso_login.wait_for_device_token(t, registration, device, timeout=2.5)
    assert raised.value.code == "sso-authorization-timeout"
    assert time.monotonic() - started < 5


def test_device_code_expired_at_aws_is_a_timeout(sso):  # noqa: F811
    sso.device_expires_in = 2  # AWS says the code lives 2 s; the emulator answers expired_token after that
    t, registration, device = device_authorization(sso)
    longer = type(device)(device.device_code, device.user_code, device.verification_uri,
                          device.verification_uri_complete, device.interval, device.expires_at + 30)
    with pytest.raises(SsoLoginError) as raised:  # the client keeps polling past the expiry: AWS's answer decides
        sso_login.wait_for_device_token(t, registration, longer, timeout=10)
    assert raised.value.code == "sso-authorization-timeout"


def test_device_code_login_can_be_cancelled_at_once(sso):  # noqa: F811
    sso.device_interval = 30  # a long wait between polls: cancel must not wait for it
    t, registration, device = device_authorization(sso)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(sso_login.LoginCancelled):
        sso_login.wait_for_device_token(t, registration, device, cancel=cancel, timeout=60)
    assert time.monotonic() - started < 2


def test_device_login_denied(sso):  # noqa: F811
    t, registration, device = device_authorization(sso)
    sso.deny_next_authorization()
    threading.Timer(0.5, approve_device, args=(device.verification_uri_complete,)).start()
    with pytest.raises(SsoLoginError) as raised:
        sso_login.wait_for_device_token(t, registration, device, timeout=20)
    assert raised.value.code == "sso-login-required"


def test_refresh_after_the_access_token_expired(sso):  # noqa: F811
    t = target(sso)
    registration = sso_login.register_client(t, "authorization_code")
    token = sso_login.login_with_browser(t, registration, Browser(), timeout=20)
    sso.expire_access_tokens()
    fresh = sso_login.refresh_token(t, registration, token)
    remember(registration, token, fresh)
    assert fresh.access_token != token.access_token and not fresh.needs_refresh()
    assert fresh.refresh_token  # kept or replaced, never lost


def test_revoked_refresh_token_means_login_required(sso):  # noqa: F811
    t = target(sso)
    registration = sso_login.register_client(t, "authorization_code")
    token = sso_login.login_with_browser(t, registration, Browser(), timeout=20)
    remember(registration, token)
    sso.revoke_refresh_tokens()
    with pytest.raises(SsoLoginError) as raised:
        sso_login.refresh_token(t, registration, token)
    assert raised.value.code == "sso-login-required"
