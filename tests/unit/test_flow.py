"""The wizard's flow walked for every method with no Qt: the pages in order, what keeps Next disabled, and what a
finished draft holds. The same walk runs in a fresh interpreter to prove no Qt module is imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wizard.core import fields, flow
from wizard.core.connection import METHOD_IDS

KEY = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example values
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ROLE_ARN = "arn:aws:iam::123456789012:role/PartnerAccess"
EXTERNAL_ID = "5f1c9a7e3b2d4c6a8e0f1a3b5c7d9e1f"

# What a user types on each page, per method (field key -> value as entered).
ENTRIES = {
    "access-key": {"access_key_id": KEY, "secret_access_key": SECRET},
    "assume-role": {"access_key_id": KEY, "secret_access_key": SECRET, "role": "ReadOnlyRobot", "duration": "7200"},
    "cross-account": {"role_arn": ROLE_ARN, "external_id": EXTERNAL_ID, "source": "instance"},
    "sso": {"sso_start_url": "https://my-company.awsapps.com/start", "sso_region": "eu-west-1"},
}
SSO_ROLE = {"sso_account_id": "123456789012", "sso_role_name": "ReadOnlyAccess"}  # picked after the login
EVERY_PAGE = ["method", "credentials", "service", "region", "test", "summary"]
SSO_PAGES = ["method", "credentials", "sso-login", "sso-role", "service", "region", "test", "summary"]


def walk(method: str, present=flow.PAGES) -> tuple[list[str], flow.Draft]:
    """Go through the wizard as a user would: each page is applied to the draft before the next one is chosen."""
    draft = flow.Draft()
    draft.connection.role = "TypedBeforeSwitching"  # e.g. from an assume-role attempt, then the user changed method
    visited, page = [], flow.PAGES[0]
    while page is not None:
        visited.append(page)
        if page == "method":
            draft.apply({"method": method})
        elif page == "credentials":
            keys = flow.page_fields(page, draft)
            assert [f.key for f in keys] == list(fields.method_keys(method))
            if method != "access-key":
                assert not flow.is_complete(page, draft)  # nothing typed yet
            draft.apply(ENTRIES[method])
        elif page == "sso-role":
            assert [f.key for f in flow.page_fields(page, draft)] == list(SSO_ROLE)
            assert not flow.is_complete(page, draft)  # nothing picked yet
            draft.apply(SSO_ROLE)
        elif page == "service":
            draft.apply({"service": "s3", "bucket": "UPPER"})
            assert [p.field.key for p in flow.page_problems(page, draft)] == ["bucket"]
            draft.apply({"bucket": "my-team-reports"})
        elif page == "region":
            draft.apply({"region": "eu-central-1"})
        if page in fields.PAGES:
            assert flow.is_complete(page, draft), flow.page_problems(page, draft)
        page = flow.next_page(page, draft, present)
    return visited, draft


def walk_every_method() -> None:
    for method in METHOD_IDS:
        visited, draft = walk(method)
        assert visited == (SSO_PAGES if method == "sso" else EVERY_PAGE)
        conn, secrets = draft.result()
        assert conn.method == method and conn.region == "eu-central-1" and conn.bucket == "my-team-reports"
        assert fields.problems(conn, secrets) == []
        assert conn.role == ("ReadOnlyRobot" if method == "assume-role" else "")  # nothing unseen is kept
        assert (conn.duration == 7200) == (method == "assume-role")
        assert bool(secrets.secret_access_key) == (method in fields.KEY_METHODS)
        assert (conn.sso_role_name == "ReadOnlyAccess") == (method == "sso")
        assert (conn.source, conn.external_id) == (("instance", EXTERNAL_ID) if method == "cross-account"
                                                   else ("default", ""))


def test_every_method_walks_the_whole_flow():
    walk_every_method()


@pytest.mark.parametrize("method", METHOD_IDS)
def test_without_a_test_page_the_region_leads_to_the_summary(method):
    present = tuple(p for p in flow.PAGES if p not in flow.OPTIONAL_PAGES)
    visited, _draft = walk(method, present)
    sso_pages = ["sso-login", "sso-role"] if method == "sso" else []
    assert visited == ["method", "credentials", *sso_pages, "service", "region", "summary"]


def test_a_page_follows_the_draft_not_an_earlier_choice():
    """The credentials page asks for what the draft's method needs at the time Next is taken."""
    draft = flow.Draft()
    assert fields.keys_for(draft.connection, "credentials") == ("access_key_id", "secret_access_key", "session_token",
                                                                     "mfa_serial")
    draft.apply({"method": "assume-role"})
    assert "role" in fields.keys_for(draft.connection, "credentials")
    draft.apply({"method": "cross-account"})
    assert fields.keys_for(draft.connection, "credentials")[:3] == ("role_arn", "external_id", "source")


def test_a_temporary_key_keeps_the_credentials_page_incomplete_until_its_token():
    draft = flow.Draft()
    draft.apply({"access_key_id": "ASIAIOSFODNN7EXAMPLE", "secret_access_key": SECRET})
    assert [p.message.code for p in flow.page_problems("credentials", draft)] == ["token-missing"]


def test_the_service_decides_the_optional_fields():
    draft = flow.Draft()
    draft.apply({"service": "bedrock-runtime", "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
                 "invoke_model": True, "bucket": "left-over"})
    assert [f.key for f in flow.page_fields("service", draft)] == ["service", "model_id", "invoke_model"]
    conn, _secrets = draft.result()
    assert (conn.bucket, conn.invoke_model) == ("", True)
    draft.apply({"service": "bogus"})
    assert [p.message.code for p in flow.page_problems("service", draft)] == ["unknown-service"]


def test_sso_start_url_and_ids_are_checked():
    draft = flow.Draft()
    draft.apply({"method": "sso", "sso_start_url": "https://my-company.awsapps.com/start/#/", "sso_region": "eu-west-1"})
    assert [p.message.code for p in flow.page_problems("credentials", draft)] == ["bad-url"]
    for url in ("https://my-company.awsapps.com/start", "https://sso.example.com/portal", "https://d-1234.awsapps.com/start/"):
        draft.apply({"sso_start_url": url})
        assert flow.is_complete("credentials", draft), url
    for url in ("http://my-company.awsapps.com/start", "https://my-company.awsapps.com/", "my-company"):
        draft.apply({"sso_start_url": url})
        assert not flow.is_complete("credentials", draft), url
    draft.apply({"sso_account_id": "12345678901", "sso_role_name": "Read Only"})
    assert [p.message.code for p in flow.page_problems("sso-role", draft)] == ["account-id", "role-name"]


def test_the_walk_imports_no_qt():
    code = (
        "import runpy, sys\n"
        f"runpy.run_path({str(Path(__file__))!r})['walk_every_method']()\n"
        "assert 'PySide6' not in sys.modules, 'PySide6 imported'\n"
        "print('walked')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "walked"
