"""The wizard's flow and pre-filling: pages in order with or without the test page, practice mode, the result."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt

from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.connection import Connection, Secrets
from wizard.core.credentials import plan_test
from wizard.ui.wizard import FLOW, PageId

pytestmark = pytest.mark.gui


def walk(kb) -> list[int]:
    """Press Next (Alt+N) until the summary (through the test page with "Save without testing"); the pages seen."""
    seen = [kb.window.currentId()]
    while kb.window.currentId() != PageId.SUMMARY:
        if kb.window.currentId() == PageId.TEST:
            kb.mnemonic(kb.window.test_page.save_untested_button.text())
            kb.qtbot.waitUntil(kb.next_enabled, timeout=5000)
        assert kb.next_enabled(), kb.window.currentPage().title()
        before = kb.window.currentId()
        kb.alt("n")
        kb.qtbot.waitUntil(lambda b=before: kb.window.currentId() != b, timeout=5000)
        seen.append(kb.window.currentId())
    return seen


def filled() -> tuple[Connection, Secrets]:
    return Connection(access_key_id="AKIAIOSFODNN7EXAMPLE"), Secrets(fake_secret_access_key())


def test_flow_goes_through_every_page(open_wizard):
    conn, secrets = filled()
    window, kb = open_wizard(connection=conn, secrets=secrets)
    assert walk(kb) == list(FLOW)
    assert window.summary_page.value_labels["Test"].text() == "not tested (will be saved as untested)"


def test_practice_mode_prefills_and_keeps_the_endpoint(open_wizard):
    practice = SimpleNamespace(access_key_id="AKIAPRACTICE00000001", secret_access_key=fake_secret_access_key(),
                               role_name="PracticeRobot", cross_role_arn="arn:aws:iam::123456789012:role/Partner",
                               external_id="b7e1c9a3f5d2e8a4c6b0d9f1e3a5c7b9", bucket="practice-bucket",
                               region="us-east-1")
    window, kb = open_wizard(practice=practice, endpoint_url="http://127.0.0.1:9")
    assert "practice mode" in window.windowTitle()
    assert "127.0.0.1" in window.method_page.subTitle()
    conn, secrets = window.connection(), window.secrets()
    assert (conn.access_key_id, conn.bucket, conn.network.endpoint_url) == (
        "AKIAPRACTICE00000001", "practice-bucket", "http://127.0.0.1:9")
    assert secrets.secret_access_key == practice.secret_access_key
    kb.press(Qt.Key.Key_Down)  # assume-role: the practice role is filled in too
    kb.next_with_enter(PageId.CREDENTIALS)
    assert window.connection().role == "PracticeRobot" and kb.next_enabled()


def test_switching_method_drops_the_other_methods_values(open_wizard):
    conn, secrets = filled()
    conn.method, conn.role = "assume-role", "ReadOnlyRobot"
    window, kb = open_wizard(connection=conn, secrets=secrets)
    assert window.connection().role == "ReadOnlyRobot"
    kb.press(Qt.Key.Key_Down)  # assume-role -> cross-account
    result, kept = window.connection(), window.secrets()
    assert result.method == "cross-account"
    assert (result.role, result.access_key_id) == ("", "")
    assert kept.values() == []


@pytest.mark.parametrize(("scenario", "expected"), [
    ("role", ["Note: This is EC2 instance i-0a1b2c3d4e5f60718 in eu-west-1; attached role: ReadOnlyRobot."]),
    ("no-role", ["Error: "]),
])
def test_check_this_machine_against_a_local_metadata_service(open_wizard, scenario, expected):
    from wizard.practice.imds_emulator import ImdsEmulator

    with ImdsEmulator(scenario, role="ReadOnlyRobot", region="eu-west-1") as emulator:
        environ = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url}
        conn, secrets = filled()
        conn.method, conn.role = "assume-role", "ReadOnlyRobot"
        window, kb = open_wizard(connection=conn, secrets=secrets, instance_environ=environ)
        kb.next_with_enter(PageId.CREDENTIALS)
        panel = window.credentials_page.machine
        assert panel.isVisible()
        kb.mnemonic(panel.button.text())  # Alt+M: runs in a worker thread, the window stays responsive
        kb.qtbot.waitUntil(lambda: panel.report is not None, timeout=10000)
        shown = panel.result.text()
        assert all(e in shown for e in expected), shown
        assert panel.report.on_ec2 and (panel.report.role == "ReadOnlyRobot") is (scenario == "role")
        assert [r for r in emulator.requests if r[1] == "/latest/api/token"], "the check used IMDSv2"
        assert panel.button.isEnabled()
        test = plan_test(window.connection(), window.secrets(), **window.test_options())  # what the test page runs
        assert test.instance_check().role == panel.report.role  # the test page runs the same check


def test_check_this_machine_reports_a_role_mismatch(open_wizard):
    """The instance has OtherRole attached; the user typed PracticeRole: the panel says so, in the GUI."""
    from wizard.practice.imds_emulator import ImdsEmulator

    with ImdsEmulator("role", role="OtherRole", region="eu-west-1") as emulator:
        conn, secrets = filled()
        conn.method = "assume-role"
        window, kb = open_wizard(connection=conn, secrets=secrets,
                                 instance_environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url})
        kb.next_with_enter(PageId.CREDENTIALS)
        page = window.credentials_page
        kb.mnemonic(page.rows["role"].label)  # Alt+<letter> of "IAM role": the role field has the focus
        kb.select_all_and_type("PracticeRole")
        panel = page.machine
        kb.mnemonic(panel.button.text())
        kb.qtbot.waitUntil(lambda: panel.report is not None, timeout=10000)
        shown = panel.result.text()
        assert "Error: You entered the role 'PracticeRole', but this instance has the role 'OtherRole'" in shown, shown
        assert "role-mismatch" in panel.report.codes()
        assert "error" in panel.result.levels()


@pytest.mark.parametrize("scenario", ["role", "down"])
def test_cross_account_offers_the_instance_role_as_the_source(open_wizard, scenario):
    """Check this machine beside the source choice: an attached role is offered (and chosen) by name; off EC2 (nothing
    answers on the metadata address) the panel says so and the choice stays."""
    from wizard.practice.imds_emulator import ImdsEmulator

    with ImdsEmulator(scenario, role="PracticeInstanceRole") as emulator:
        conn = Connection(method="cross-account", role_arn="arn:aws:iam::210987654321:role/Partner",
                          external_id="f3b0c44298fc1c149afbf4c8996fb924")
        window, kb = open_wizard(connection=conn, instance_environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url})
        kb.next_with_enter(PageId.CREDENTIALS)
        page = window.credentials_page
        panel, combo = page.source_machine, page.rows["source"].editor
        assert panel.isVisible() and not page.machine.isVisible()
        assert combo.currentData() == "default"
        kb.mnemonic(panel.button.text())
        kb.qtbot.waitUntil(lambda: panel.report is not None, timeout=10000)
        shown = panel.result.text()
        if scenario == "role":
            assert combo.currentText() == "EC2 instance role (PracticeInstanceRole)"
            assert window.connection().source == "instance"
            assert "has the role PracticeInstanceRole attached" in shown, shown
            assert panel.result.levels() == ["info"]
        else:
            assert combo.currentData() == "default" and window.connection().source == "default"
            assert combo.itemText(combo.findData("instance")) == "The IAM role of this EC2 instance (instance metadata)"
            assert "Not on EC2" in shown and panel.result.levels()[0] == "warning", shown


def test_the_instance_role_check_keeps_a_chosen_saved_profile(open_wizard):
    from wizard.practice.imds_emulator import ImdsEmulator

    with ImdsEmulator("role", role="PracticeInstanceRole") as emulator:
        conn = Connection(method="cross-account", role_arn="arn:aws:iam::210987654321:role/Partner",
                          external_id="f3b0c44298fc1c149afbf4c8996fb924", source="profile:admin")
        window, kb = open_wizard(connection=conn, saved_profiles=["admin"],
                                 instance_environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url})
        kb.next_with_enter(PageId.CREDENTIALS)
        panel, combo = window.credentials_page.source_machine, window.credentials_page.rows["source"].editor
        kb.mnemonic(panel.button.text())
        kb.qtbot.waitUntil(lambda: panel.report is not None, timeout=10000)
        assert combo.currentData() == "profile:admin"  # the user's choice stays; the instance role is offered
        assert combo.itemText(combo.findData("instance")) == "EC2 instance role (PracticeInstanceRole)"


def test_no_machine_check_for_other_methods(open_wizard):
    conn, secrets = filled()
    window, kb = open_wizard(connection=conn, secrets=secrets)
    kb.next_with_enter(PageId.CREDENTIALS)
    assert not window.credentials_page.machine.isVisible()
    assert not window.credentials_page.source_machine.isVisible()
    assert plan_test(window.connection(), window.secrets(), **window.test_options()).instance_check is None
