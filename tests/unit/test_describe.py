"""One description of a connection (wizard.core.describe) for the summary page, the details pane, `show`, `list --json`
and the report header, redacted in one place: the access key id masked and a proxy URL without its password, everywhere.

Regression: on version 0.1 `list --json` printed the full access key id while `show` masked it, and `show` (and the
report header) printed a proxy URL with its password while the window hid it.
"""

from __future__ import annotations

import json
import types

import pytest

from wizard.commands import profiles as profile_commands
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.engine import StepResult, TestReport
from wizard.core.profiles import Profile, ProfileStore

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
PROXY_PASSWORD = "pr0xy-Pa55word"
PROXY = f"http://admin:{PROXY_PASSWORD}@proxy.example.internal:3128"


def connection(**kw) -> Connection:
    return Connection(method="access-key", region="eu-west-1", service="s3", access_key_id=KEY_ID,
                      network=NetworkSettings(proxy=PROXY), **kw)


def assert_redacted(text: str) -> None:
    assert KEY_ID not in text, "the full access key id is shown"
    assert PROXY_PASSWORD not in text and "admin:" not in text, "the proxy's credentials are shown"


@pytest.fixture
def home(tmp_path, monkeypatch) -> ProfileStore:
    store = ProfileStore(tmp_path / "home")
    monkeypatch.setenv("AWS_CONNECTION_WIZARD_HOME", str(store.home))
    store.add(Profile.new("proxied", connection()))
    return store


def run(fn, capsys, **args) -> str:
    capsys.readouterr()
    assert fn(types.SimpleNamespace(**args)) == 0
    return capsys.readouterr().out


def test_list_json_and_show_redact_the_key_id_and_the_proxy_password_alike(home, capsys):
    listed = json.loads(run(profile_commands.cmd_list, capsys, json=True))
    shown_json = json.loads(run(profile_commands.cmd_show, capsys, name="proxied", json=True))
    shown = run(profile_commands.cmd_show, capsys, name="proxied", json=False)
    for text in (json.dumps(listed), json.dumps(shown_json), shown):
        assert_redacted(text)
    assert listed[0] == shown_json  # one description
    assert shown_json["access_key_id"] == "AKIA…MPLE"
    assert shown_json["network"]["proxy"] == "http://proxy.example.internal:3128"
    assert "AKIA…MPLE" in shown and "http://proxy.example.internal:3128" in shown


def test_the_report_header_and_the_window_use_the_same_rows():
    from wizard.core import describe

    conn = connection()
    report = TestReport(steps=[StepResult("identity", "Who am I", "ok", 5)], ok=True, connection=conn)
    header = report.to_text()
    assert_redacted(header)
    assert "Access key ID: AKIA…MPLE" in header and "Proxy: http://proxy.example.internal:3128" in header
    profile = Profile.new("p", conn)
    rows = dict(describe.profile_rows(profile, keychain="GNOME Keyring"))
    assert_redacted(repr(rows))
    assert rows["Proxy"] == "http://proxy.example.internal:3128"
    assert rows["Secret access key"] == "in GNOME Keyring"
    draft = dict(describe.connection_rows(conn, Secrets("s" * 40, "")))
    assert draft["Secret access key"].endswith("(40 characters, will be stored in the keychain)")
    assert "s" * 40 not in repr(draft)
    for label in ("Method", "Access key ID", "Service", "Region", "Proxy"):  # the same labels and values everywhere
        assert rows[label] == draft[label]


def test_public_url_keeps_everything_but_the_credentials():
    from wizard.core import describe

    assert describe.public_url("http://u:p@[::1]:8080/x?y=1") == "http://[::1]:8080/x?y=1"
    assert describe.public_url("https://proxy.example.internal") == "https://proxy.example.internal"
    assert describe.public_url("") == ""
    assert describe.public_key_id("") == ""
