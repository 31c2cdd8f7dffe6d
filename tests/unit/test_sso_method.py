"""The sso method's pieces without a network: the export sections the AWS CLI documents, the calling source chosen,
where a browser may be opened, and the engine's planned steps."""

from __future__ import annotations

import configparser

from wizard.commands.sso import has_display
from wizard.core import credentials
from wizard.core.awsconfig import choose_style, merge_sections, plan_sections
from wizard.core.connection import Connection, Secrets
from wizard.core.profiles import Profile
from wizard.core.sso_tokens import session_key

START = "https://my-company.awsapps.com/start"


def _conn(**changes) -> Connection:
    conn = Connection(method="sso", sso_start_url=START, sso_region="eu-west-1", sso_account_id="123456789012",
                      sso_role_name="ReadOnlyAccess", region="eu-central-1")
    for key, value in changes.items():
        setattr(conn, key, value)
    return conn


def test_sdk_export_is_an_sso_session_and_a_profile_naming_it():
    profile = Profile(name="dev", id="p-1", connection=_conn())
    assert choose_style(profile.connection, "sdk") == "sdk"
    sections = plan_sections(None, profile, "dev", "sdk", "aws-connection-wizard")
    text = merge_sections("[profile other]\nregion = us-west-2\n", sections)
    parsed = configparser.ConfigParser()
    parsed.read_string(text)
    assert dict(parsed["sso-session dev"]) == {"sso_start_url": START, "sso_region": "eu-west-1",
                                               "sso_registration_scopes": "sso:account:access"}
    assert dict(parsed["profile dev"]) == {"sso_session": "dev", "sso_account_id": "123456789012",
                                           "sso_role_name": "ReadOnlyAccess", "region": "eu-central-1"}
    again = merge_sections(text, plan_sections(None, profile, "dev", "sdk", "aws-connection-wizard"))
    assert again == text  # our own sections are replaced in place, never duplicated
    process = plan_sections(None, profile, "dev", "process", "aws-connection-wizard")
    assert "credential_process = aws-connection-wizard credential-process dev" in process["dev"]


def test_an_sso_connection_and_an_sso_source_profile_resolve_through_the_sso_role():
    source = credentials.calling_source(_conn(), Secrets())
    assert isinstance(source, credentials.SsoRole)
    assert source.owner == session_key(START, "eu-west-1") == credentials.sso_owner(_conn(sso_role_name="Other"))
    assert source.target.start_url == START and source.target.endpoint_url == ""
    assert "ReadOnlyAccess" in source.describe() and "123456789012" in source.describe()
    test = credentials.plan_test(_conn(), Secrets())
    assert [s.name for s in test.planned_steps()] == ["sso-token", "role-credentials", "identity", "service"]


def test_a_browser_is_opened_only_where_there_is_a_display():
    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux") and has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert has_display({}, "darwin") and not has_display({"SSH_CONNECTION": "1 2 3 4"}, "darwin")
