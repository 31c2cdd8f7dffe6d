"""Each IAM Identity Center diagnosis produced by its fault against the emulator (and a TLS-inspecting front), and
no token, client secret or role credential in any log line at DEBUG."""

from __future__ import annotations

import logging
import threading

import pytest
import trustme
from botocore import exceptions as bx

from tests.support.responders import TlsFront
from tests.support.sso import (  # noqa: F401 - sso is a fixture
    approve_device,
    device_authorization,
    logged_in,
    remember,
    sso,
    target,
)
from wizard.core import sso_login, sso_roles
from wizard.core.connection import NetworkSettings
from wizard.core.diagnoses import ALL_CODES, CODES, SSO_CODES, diagnose
from wizard.core.sso_login import SsoLoginError

pytestmark = pytest.mark.integration


def _diagnosis(call, step: str):
    with pytest.raises((bx.ClientError, bx.BotoCoreError, SsoLoginError)) as raised:
        call()
    return diagnose(raised.value, step=step)


def test_the_codes_are_published():
    assert set(SSO_CODES) <= set(CODES) and set(SSO_CODES) <= set(ALL_CODES)


def test_expired_access_token_at_the_portal_is_login_required(sso):  # noqa: F811
    t, _, token = logged_in(sso)
    sso.expire_access_tokens()
    found = _diagnosis(lambda: sso_roles.list_accounts(t, token), "sso-accounts")
    assert found.code == "sso-login-required" and "UnauthorizedException" in found.aws_error


def test_revoked_refresh_token_is_login_required(sso):  # noqa: F811
    t, registration, token = logged_in(sso)
    sso.revoke_refresh_tokens()
    found = _diagnosis(lambda: sso_login.refresh_token(t, registration, token), "sso-token")
    assert found.code == "sso-login-required"


def test_not_approved_in_time_is_authorization_timeout(sso):  # noqa: F811
    t, registration, device = device_authorization(sso)
    found = _diagnosis(lambda: sso_login.wait_for_device_token(t, registration, device, timeout=1.5), "sso-login")
    assert found.code == "sso-authorization-timeout"


def test_unassigned_role_is_access_denied(sso):  # noqa: F811
    t, _, token = logged_in(sso)
    account_id, role_name = sso.practice.unassigned
    found = _diagnosis(lambda: sso_roles.role_credentials(t, token, account_id, role_name), "role-credentials")
    assert found.code == "sso-access-denied" and "ForbiddenException: No access" in found.aws_error
    other_account = _diagnosis(lambda: sso_roles.role_credentials(t, token, "111122223333", "PracticeReadOnly"),
                               "role-credentials")
    assert other_account.code == "sso-access-denied"


@pytest.mark.parametrize("kind", ["device", "authorization_code"])
def test_unknown_start_url_is_start_url_invalid(sso, kind):  # noqa: F811
    t = target(sso, start_url="https://not-our-org.awsapps.com/start")

    def call():
        registration = sso_login.register_client(t, kind)
        remember(registration)
        sso_login.start_device_authorization(t, registration)

    found = _diagnosis(call, "sso-login")
    assert found.code == "sso-start-url-invalid"
    raw = pytest.raises(bx.ClientError, sso_login.client("sso-oidc", t).start_device_authorization,
                        clientId="x", clientSecret="y", startUrl=t.start_url)
    assert diagnose(raw.value, step="sso-login").code in ("sso-start-url-invalid", "sso-login-required")


def test_tls_inspection_during_login_points_to_the_ca_bundle(sso, tmp_path):  # noqa: F811
    ca = trustme.CA()
    # a certificate from a CA this computer doesn't trust, as an inspecting proxy presents
    with TlsFront(sso.url, ca) as front:
        t = target(sso, endpoint_url=front.url)
        found = _diagnosis(lambda: sso_login.register_client(t, "device"), "sso-login")
        assert found.code == "tls-error"
        assert "corporate proxy or TLS inspection" in found.summary and "CA bundle" in found.remedy
        bundle = tmp_path / "company-ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        trusted = target(sso, endpoint_url=front.url, network=NetworkSettings(ca_bundle=str(bundle)))
        with pytest.raises(bx.ClientError):  # TLS now verifies; the front itself then refuses the unsigned call
            sso_login.register_client(trusted, "device")


def test_no_token_or_secret_in_any_log_line(sso, aws_emulator, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    t = target(sso)
    registration = sso_login.register_client(t, "device")
    device = sso_login.start_device_authorization(t, registration)
    threading.Timer(0.3, approve_device, args=(device.verification_uri_complete,)).start()
    token = sso_login.wait_for_device_token(t, registration, device, timeout=20)
    sso.expire_access_tokens()
    fresh = sso_login.refresh_token(t, registration, token)
    account_id, role_name = sso.practice.assignments[0]
    sso_roles.list_accounts(t, fresh)
    credentials = sso_roles.role_credentials(t, fresh, account_id, role_name)
    remember(registration, token, fresh, credentials)
    text = caplog.text
    assert "CreateToken" in text and "GetRoleCredentials" in text  # botocore's debug lines were captured
    for name, value in [("client secret", registration.client_secret), ("device code", device.device_code),
                        ("access token", token.access_token), ("refresh token", token.refresh_token),
                        ("refreshed access token", fresh.access_token), ("refreshed refresh", fresh.refresh_token),
                        ("secret key", credentials.secret_access_key), ("session token", credentials.session_token)]:
        assert value not in text, f"the {name} reached a log line"
