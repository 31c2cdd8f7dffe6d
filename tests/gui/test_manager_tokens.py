"""Time left, Renew token and the status of a saved profile: the manager's table and details and the CLI's `list` read
the same functions (wizard.core.tokens.profile_time_left, can_renew; the outcome a report records), so they agree.

Regression tests: on version 0.1 the manager ignored a test's `expired-token` verdict ("up to 11 h left" while `list`
said "expired"), an assume-role profile with a long-term AKIA key showed the role credentials' "expires in 49 min" and
offered a Renew token dialog that could never be saved, and a failed test saved with "Save without testing" was listed
as "Untested" while its report said why it failed.
"""

from __future__ import annotations

import time

import pytest

from wizard.commands import profiles as profile_commands
from wizard.core.connection import Connection, Secrets
from wizard.core.diagnoses import make
from wizard.core.engine import StepResult, TestReport
from wizard.core.profiles import record_test, save_connection
from wizard.ui import profile_table
from wizard.ui.profile_details import describe as details_rows

pytestmark = [pytest.mark.gui, pytest.mark.keychain]

TIMEOUT = 20_000
LONG_TERM = "AKIAIOSFODNN7EXAMPLE"
TEMPORARY = "ASIAIOSFODNN7EXAMPLE"


def failed_report(conn: Connection, code: str, *, expiration: float | None = None) -> TestReport:
    step = "assume-role" if code.startswith("assume-role") else "identity"
    return TestReport(steps=[StepResult(step, "A step", "failed", 12, "", make(code))], ok=False, connection=conn,
                      finished_at=time.time(), expiration=expiration)


def ok_report(conn: Connection, *, expiration: float | None = None) -> TestReport:
    return TestReport(steps=[StepResult("identity", "Who am I", "ok", 12)], ok=True, connection=conn,
                      finished_at=time.time(), expiration=expiration, assumed_arn="arn:aws:sts::1:assumed-role/r/s")


def listed(monkeypatch, capsys, store) -> dict[str, str]:
    """`aws-connection-wizard list`, in process, as {name: its line}."""
    monkeypatch.setenv("AWS_CONNECTION_WIZARD_HOME", str(store.home))
    capsys.readouterr()
    assert profile_commands.cmd_list(type("Args", (), {"json": False})()) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    return {line.split()[0]: line for line in lines}


@pytest.fixture
def window(open_manager):
    return open_manager()


def show(qtbot, win, name: str) -> list[str]:
    win.reload()
    qtbot.waitUntil(lambda: win.model.row_of(win.store.get(name).id) >= 0, timeout=TIMEOUT)
    win.select_profile(win.store.get(name).id)
    row = win.model.row_of(win.store.get(name).id)
    return [win.model.index(row, col).data() or "" for col in range(win.model.columnCount())]


def test_an_expired_token_verdict_is_expired_in_the_manager_and_in_list(qtbot, window, stores, monkeypatch, capsys):
    store, secret_store = stores
    conn = Connection(method="access-key", region="eu-west-1", service="s3", access_key_id=TEMPORARY)
    save_connection(store, secret_store, "temp", conn, Secrets("s" * 40, "t" * 120), untested=True)
    profile = store.get("temp")
    profile.connection.token_entered_at = time.time() - 20 * 60
    store.update(record_test(profile, failed_report(profile.connection, "expired-token")))

    row = show(qtbot, window, "temp")
    assert row[profile_table.TIME_LEFT].startswith("expired (entered 20 min ago)")
    assert "expired (entered 20 min ago)" in listed(monkeypatch, capsys, store)["temp"]
    assert window.actions["renew"].isEnabled()  # a session token: renewing it is the remedy


def test_an_assume_role_profile_with_a_long_term_key_has_no_time_left_and_no_renew(qtbot, window, stores, monkeypatch,
                                                                                      capsys):
    store, secret_store = stores
    conn = Connection(method="assume-role", region="eu-west-1", service="s3", access_key_id=LONG_TERM,
                      role="deploy")
    save_connection(store, secret_store, "robot", conn, Secrets("s" * 40), untested=True)
    profile = store.get("robot")
    store.update(record_test(profile, ok_report(profile.connection, expiration=time.time() + 49 * 60)))

    row = show(qtbot, window, "robot")
    assert row[profile_table.STATUS].startswith("✓ OK")
    assert row[profile_table.TIME_LEFT] == ""  # the role's credentials are fetched afresh on every use
    assert not window.actions["renew"].isEnabled()
    assert not any("expires" in value for _label, value in details_rows(store.get("robot"), "GNOME Keyring"))
    line = listed(monkeypatch, capsys, store)["robot"]
    assert "expires" not in line and "left" not in line
    window.renew_token()  # even when called directly (a shortcut racing the selection), no dialog that can't be saved
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=TIMEOUT)
    assert window.active_dialog is None


def test_a_failed_test_saved_without_testing_is_failed_not_untested(qtbot, window, stores, monkeypatch, capsys):
    store, secret_store = stores
    conn = Connection(method="assume-role", region="eu-west-1", service="s3", access_key_id=LONG_TERM,
                      role="deploy")
    saved = save_connection(store, secret_store, "denied", conn, Secrets("s" * 40),
                            report=failed_report(conn, "assume-role-denied"), untested=True)
    assert (saved.untested, saved.last_result) == (False, "assume-role-denied")
    assert saved.last_report is not None

    row = show(qtbot, window, "denied")
    assert row[profile_table.STATUS].startswith("✗ Failed: assume-role-denied")
    assert "assume-role-denied" in window.details.report.toPlainText()
    assert "assume-role-denied" in listed(monkeypatch, capsys, store)["denied"]


def test_save_without_testing_before_any_outcome_stays_untested(stores):
    store, secret_store = stores
    conn = Connection(method="access-key", region="eu-west-1", service="s3", access_key_id=LONG_TERM)
    cancelled = TestReport(steps=[StepResult("identity", "Who am I", "cancelled", 3)], ok=False, connection=conn)
    saved = save_connection(store, secret_store, "offline", conn, Secrets("s" * 40), report=cancelled, untested=True)
    assert (saved.untested, saved.last_result, saved.last_report) == (True, None, None)


def test_the_wizard_s_failed_test_then_save_without_testing_lists_failed(qtbot, open_manager, stores, aws_emulator):
    """The whole path: a test in the wizard fails (keys with no permissions), the user saves without testing, and the
    manager lists the profile as failed, with the report that says why."""
    from PySide6.QtWidgets import QLineEdit

    from tests.gui.test_manager import click_next, new_connection, type_into
    from tests.support.aws import denied_connection
    from wizard.ui.wizard import PageId

    store, _secret_store = stores
    conn, secrets = denied_connection(aws_emulator)
    win = open_manager(endpoint_url=aws_emulator.url)
    wizard = new_connection(qtbot, win, "access-key")
    type_into(qtbot, wizard.findChild(QLineEdit, "access_key_id"), conn.access_key_id)
    type_into(qtbot, wizard.findChild(QLineEdit, "secret_access_key"), secrets.secret_access_key)
    while wizard.currentId() < PageId.TEST:
        click_next(qtbot, wizard, PageId(wizard.currentId() + 1))
    page = wizard.test_page
    qtbot.waitUntil(lambda: page.view.report is not None and page.view.report.failure is not None
                    and not page.view.is_running(), timeout=TIMEOUT)
    code = page.view.report.code
    page.save_untested_button.click()
    click_next(qtbot, wizard, PageId.SUMMARY)
    type_into(qtbot, wizard.summary_page.name, "no-permissions")
    wizard.button(wizard.WizardButton.FinishButton).click()

    qtbot.waitUntil(lambda: "no-permissions" in store.names(), timeout=TIMEOUT)
    saved = store.get("no-permissions")
    assert (saved.untested, saved.last_result) == (False, code)
    row = show(qtbot, win, "no-permissions")
    assert row[profile_table.STATUS].startswith(f"✗ Failed: {code}")
    assert f"Diagnosis: {code}" in win.details.report.toPlainText()
    win.close()
