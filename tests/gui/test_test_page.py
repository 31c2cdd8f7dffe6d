"""The wizard's test page, driven with clicks: the real engine against the local AWS (moto on 127.0.0.1 with signing
enforced, behind the trust gate), loopback responders for what moto can't do, offscreen Qt, one qasync loop.

Each test hosts the page in a small QWizard (a page after it, so Next exists), as the connection wizard does, except the
last test, which goes through the real ConnectionWizard.
"""

from __future__ import annotations

import contextlib
import json
import secrets as _random
import time

import pytest
import trustme
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard, QWizardPage
from shiboken6 import isValid

from tests.support.aws import denied_connection, practice_connection, practice_source
from tests.support.loop_probe import LoopProbe
from tests.support.responders import FaultResponder, SilentEndpoint, TlsFront, Tinyproxy, closed_port
from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.redact import mask_access_key_id
from wizard.ui.test_page import TestPage
from wizard.ui.test_view import CANCELLED, ERROR, FINISHED, RUNNING, ConnectionTestView, warm_up_in_background

pytestmark = [pytest.mark.gui, pytest.mark.integration]

TIMEOUT = 30_000  # ms; generous: two cores are shared by many processes
MAX_LOOP_GAP_S = 0.050
MAX_CANCEL_LATENCY_S = 0.100


class Host:
    """A QWizard holding the test page (as in the connection wizard) and an empty page after it."""

    def __init__(self, qtbot, conn, secrets, **test_options):
        self.wizard = QWizard()
        self.page = TestPage(connection=lambda: conn, secrets=lambda: secrets, test_options=lambda: test_options)
        self.wizard.addPage(self.page)
        self.wizard.addPage(QWizardPage())
        qtbot.addWidget(self.wizard)
        self.qtbot = qtbot
        self.view = self.page.view
        self.wizard.show()  # shows the first page: initializePage starts the test

    def next_enabled(self) -> bool:
        return self.wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    def click(self, button) -> None:
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def wait_finished(self) -> None:
        self.qtbot.waitUntil(lambda: self.view.state == FINISHED, timeout=TIMEOUT)

    def statuses(self) -> dict[str, str]:
        return self.view.steps.statuses()


@pytest.fixture
def host(qtbot, qloop):
    made: list[Host] = []

    def factory(conn, secrets, **test_options) -> Host:
        made.append(Host(qtbot, conn, secrets, **test_options))
        return made[-1]

    yield factory
    for h in made:
        h.view.cancel()
        h.wizard.close()


@pytest.fixture
def silent():
    with SilentEndpoint() as endpoint:
        yield endpoint


def silent_connection(emulator, endpoint, *, read_timeout: float = 1.5):
    return practice_connection(emulator, network=NetworkSettings(
        endpoint_url=endpoint.url, connect_timeout=1.0, read_timeout=read_timeout))


# --- success ---------------------------------------------------------------------------------------------------------


def test_successful_access_key_s3_test_shows_every_step_ok_and_enables_next(host, aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "access-key", "s3")
    h = host(conn, secrets)
    assert h.view.state == RUNNING
    assert not h.next_enabled()
    h.wait_finished()

    assert h.statuses() == {"identity": "ok", "service": "ok"}
    for row in h.view.steps.rows.values():
        assert row.word.text() == "OK" and row.glyph.text() == "✓"
        assert row.duration.text().endswith(("ms", " s"))  # a measured duration, not a running one
        assert not row.diagnosis.isVisible()
    assert aws_emulator.practice.user_arn in h.view.steps.rows["identity"].detail.text()
    assert "works" in h.view.status.text()
    assert h.page.isComplete() and h.next_enabled()
    assert h.view.test_again_button.isEnabled() and not h.view.cancel_button.isEnabled()
    assert h.view.policies_button.isEnabled() and not h.view.policies_highlighted()  # on demand, not urged
    assert h.wizard.property("untested") is False
    assert h.page.report() is h.view.report and h.view.report.ok


def test_assume_role_success_runs_four_steps_and_the_instance_check(host, aws_emulator):
    """Whoever hosts the page, the test is plan_test's: the instance step too (skipped: the suite disables IMDS)."""
    conn, secrets = practice_connection(aws_emulator, "assume-role", "s3")
    h = host(conn, secrets)
    h.wait_finished()
    assert h.statuses() == {"identity": "ok", "assume-role": "ok", "assumed-identity": "ok", "service": "ok",
                            "instance": "skipped"}
    assert h.next_enabled()


# --- failures: the diagnosis in the page -----------------------------------------------------------------------------


def _wrong_secret(emulator):
    conn, _ = practice_connection(emulator)
    return conn, Secrets(fake_secret_access_key()), {}


def _unknown_key(emulator):
    unknown = "AKIA" + "".join(_random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    conn, _ = practice_connection(emulator, access_key_id=unknown)
    return conn, Secrets(fake_secret_access_key()), {}


def _wrong_external_id(emulator):
    conn, _ = practice_connection(emulator, "cross-account", external_id="wrong-" + _random.token_hex(16))
    return conn, Secrets(), {"source_credentials": practice_source(emulator)}


def _service_denied(emulator):
    conn, secrets = denied_connection(emulator, "s3")
    return conn, secrets, {}


@pytest.mark.parametrize(
    ("make", "code", "failing_step", "status"),
    [
        (_wrong_secret, "wrong-secret-key", "identity", "failed"),
        (_unknown_key, "unknown-access-key", "identity", "failed"),
        (_wrong_external_id, "assume-role-denied", "assume-role", "denied"),
        (_service_denied, "service-denied", "service", "denied"),
    ],
    ids=["wrong-secret", "unknown-key", "wrong-external-id", "service-denied"],
)
def test_failure_shows_diagnosis_in_the_page(host, aws_emulator, make, code, failing_step, status):
    conn, secrets, options = make(aws_emulator)
    h = host(conn, secrets, **options)
    h.wait_finished()
    _assert_failure_shown(h, code, failing_step, status)


# The rest of the list, from loopback responders (tests/support/responders.py). Each case gets an ExitStack for
# the servers it starts and a temporary directory; it returns (connection, secrets, test options).


def _keys_at(url: str, key: str = "AKIAIOSFODNN7EXAMPLE", token: str = "", **network):
    conn = Connection(method="access-key", service="s3", region="us-east-1", access_key_id=key,
                      network=NetworkSettings(endpoint_url=url, **network))
    return conn, Secrets(fake_secret_access_key(), token), {}


def _canned(kind: str, **keys):
    def make(emulator, stack, tmp_path):
        return _keys_at(stack.enter_context(FaultResponder(kind)).url, **keys)
    return make


def _token_with_akia(emulator, stack, tmp_path):
    return _keys_at(emulator.url, token=fake_session_token())


def _asia_without_token(emulator, stack, tmp_path):
    return _keys_at(emulator.url, key="ASIAIOSFODNN7EXAMPLE")


def _role_not_trusting(emulator, stack, tmp_path):
    conn, secrets = practice_connection(emulator, "assume-role", role=emulator.practice.untrusted_role_arn)
    return conn, secrets, {}


def _endpoint_refused(emulator, stack, tmp_path):
    return _keys_at(f"http://127.0.0.1:{closed_port()}")


def _private_ca(tmp_path):
    ca = trustme.CA()
    path = tmp_path / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


def _untrusted_ca(emulator, stack, tmp_path):
    ca, _ = _private_ca(tmp_path)
    front = stack.enter_context(TlsFront(emulator.url, ca))
    conn, secrets = practice_connection(emulator, network=NetworkSettings(endpoint_url=front.url))
    return conn, secrets, {}


def _proxy_refusing(emulator, stack, tmp_path):
    ca, bundle = _private_ca(tmp_path)
    front = stack.enter_context(TlsFront(emulator.url, ca))
    proxy = stack.enter_context(Tinyproxy(connect_ports=(443,)))
    conn, secrets = practice_connection(emulator, network=NetworkSettings(
        endpoint_url=front.url, ca_bundle=bundle, proxy=proxy.url))
    return conn, secrets, {}


@pytest.mark.parametrize(
    ("make", "code", "failing_step", "status"),
    [
        (_canned("skewed"), "clock-skew", "identity", "failed"),
        (_canned("expired-token", key="ASIAIOSFODNN7EXAMPLE", token=fake_session_token()), "expired-token",
         "identity", "failed"),
        (_token_with_akia, "token-not-expected", "identity", "failed"),
        (_asia_without_token, "token-missing", "identity", "failed"),
        (_role_not_trusting, "assume-role-denied", "assume-role", "denied"),
        (_endpoint_refused, "endpoint-unreachable", "identity", "failed"),
        (_untrusted_ca, "tls-error", "identity", "failed"),
        (_proxy_refusing, "proxy-error", "identity", "failed"),
        (_canned("throttled"), "throttled", "identity", "failed"),
        (_canned("unexpected"), "unexpected", "identity", "failed"),
    ],
    ids=["clock-skew", "expired-token", "akia-with-token", "asia-without-token", "role-not-trusting",
         "endpoint-refused", "untrusted-ca", "proxy-refusing", "throttled", "unexpected"],
)
def test_fault_shows_diagnosis_in_the_page(host, aws_emulator, tmp_path, make, code, failing_step, status):
    with contextlib.ExitStack() as stack:
        conn, secrets, options = make(aws_emulator, stack, tmp_path)
        h = host(conn, secrets, **options)
        h.wait_finished()
    _assert_failure_shown(h, code, failing_step, status)


def test_silent_endpoint_is_a_timeout_shown_in_the_page(host, aws_emulator, silent):
    conn, secrets = silent_connection(aws_emulator, silent, read_timeout=1.0)
    h = host(conn, secrets)
    h.wait_finished()
    _assert_failure_shown(h, "timeout", "identity", "failed")


def _assert_failure_shown(h: Host, code: str, failing_step: str, status: str) -> None:
    report = h.view.report
    failure = report.failure
    assert failure is not None and failure.name == failing_step and failure.status == status
    diagnosis = failure.diagnosis
    assert diagnosis.code == code

    row = h.view.steps.rows[failing_step]
    assert row.word.text() == {"failed": "Failed", "denied": "Denied"}[status]
    assert row.diagnosis.isVisible()
    shown = row.diagnosis.text()
    assert diagnosis.summary in shown
    assert diagnosis.remedy in shown
    assert all(cause in shown for cause in diagnosis.causes)
    assert f"Diagnosis code: {code}" in shown
    assert diagnosis.summary in h.view.status.text()
    # the steps after the failure were skipped, and say so
    names = list(h.view.steps.rows)
    for later in names[names.index(failing_step) + 1:]:
        assert h.view.steps.rows[later].word.text() == "Skipped"
        assert h.view.steps.rows[later].duration.text() == ""  # nothing ran: no duration shown
    # only this row is expanded
    assert [n for n, r in h.view.steps.rows.items() if r.diagnosis.isVisible()] == [failing_step]

    assert not h.page.isComplete() and not h.next_enabled()
    assert h.view.test_again_button.isEnabled() and h.view.copy_button.isEnabled()
    assert h.view.policies_button.isEnabled()  # on demand after any finished test
    assert h.view.policies_highlighted() == (code in ("assume-role-denied", "service-denied"))
    assert h.view.policies_button.font().bold() == h.view.policies_highlighted()


def test_show_the_policies_after_a_denied_service(host, aws_emulator):
    conn, secrets = denied_connection(aws_emulator, "s3")
    h = host(conn, secrets)
    h.wait_finished()
    requested = []
    h.view.policies_requested.connect(requested.append)
    h.click(h.view.policies_button)
    dialog = h.view.policy_dialog
    h.qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    assert requested == [h.view.report]
    texts = "\n".join(doc.text for doc in dialog.documents)
    assert "s3:ListAllMyBuckets" in texts  # the refused action of the default S3 probe is allowed by the offered policy
    assert h.view.report.failure.diagnosis.refused_action in texts
    dialog.close()


def test_show_the_policies_after_a_wrong_external_id_offers_the_trust_policy(host, aws_emulator):
    conn, secrets, options = _wrong_external_id(aws_emulator)
    h = host(conn, secrets, **options)
    h.wait_finished()
    dialog = h.view.show_policies()
    titles = [doc.title for doc in dialog.documents]
    assert "Trust policy of the role" in titles
    trust = dialog.documents[titles.index("Trust policy of the role")].text
    assert aws_emulator.practice.user_arn in trust and conn.external_id in trust
    dialog.close()


def test_policies_for_a_role_given_by_name_name_the_full_role_arn(host, aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "assume-role", role="UntrustingRole")
    h = host(conn, secrets)
    h.wait_finished()
    assert h.view.failure_code() == "assume-role-denied"
    dialog = h.view.show_policies()
    role_arn = f"arn:aws:iam::{aws_emulator.practice.account_id}:role/UntrustingRole"
    caller = next(doc for doc in dialog.documents if doc.title == "Permission to assume the role")
    assert role_arn in caller.text
    dialog.close()


def test_policies_on_demand_after_a_successful_test(host, aws_emulator):
    """Not only after a denial: after any finished test the button opens every policy the connection needs."""
    conn, secrets = practice_connection(aws_emulator, "assume-role", "s3")
    h = host(conn, secrets)
    assert not h.view.policies_button.isEnabled()  # nothing to base them on while the test runs
    h.wait_finished()
    assert h.view.report.ok and h.view.policies_button.isEnabled() and not h.view.policies_highlighted()
    h.click(h.view.policies_button)
    dialog = h.view.policy_dialog
    h.qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    titles = [doc.title for doc in dialog.documents]
    assert titles == ["Trust policy of the role", "Permission to assume the role", "Permissions policy"]
    trust = json.loads(dialog.documents[0].text)
    assert trust["Statement"][0]["Principal"]["AWS"] == aws_emulator.practice.user_arn
    assert json.loads(dialog.documents[2].text)["Statement"][0]["Action"] == ["s3:ListAllMyBuckets"]
    dialog.close()


def test_policies_copy_and_save(host, aws_emulator, tmp_path):
    conn, secrets = denied_connection(aws_emulator, "s3")
    h = host(conn, secrets)
    h.wait_finished()
    assert h.view.policies_highlighted()
    dialog = h.view.show_policies()
    page = dialog.pages[0]
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    h.click(page.copy_button)
    assert clipboard.text() == page.document.text
    assert "Copied" in page.status.text()
    clipboard.clear()

    h.click(page.save_button)
    chooser = page.save_dialog
    h.qtbot.waitUntil(chooser.isVisible, timeout=TIMEOUT)
    assert chooser.acceptMode() == chooser.AcceptMode.AcceptSave
    assert chooser.selectedFiles()[0].endswith("s3-permissions-policy.json")  # a suggested name
    target = tmp_path / "permissions.json"
    chooser.selectFile(str(target))
    chooser.accept()
    h.qtbot.waitUntil(target.exists, timeout=TIMEOUT)
    assert target.read_text(encoding="utf-8") == page.document.text + "\n"
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(page.document.text)
    assert str(target) in page.status.text()
    assert not page.write(str(tmp_path / "missing-dir" / "p.json"))  # a failure is said, not raised
    assert "Could not save" in page.status.text()
    dialog.close()


def test_settings_the_engine_cannot_plan_for_are_reported_not_crashed(host, aws_emulator):
    conn, secrets = practice_connection(aws_emulator, service="not-a-service")
    h = host(conn, secrets)
    assert h.view.state == ERROR
    assert "can't be tested" in h.view.status.text()
    assert h.view.test_again_button.isEnabled() and not h.view.cancel_button.isEnabled()
    assert not h.page.isComplete() and not h.next_enabled()


# --- responsiveness and Cancel ---------------------------------------------------------------------------------------


def test_event_loop_never_stalls_during_a_test_against_a_silent_endpoint(host, aws_emulator, silent):
    """The GUI thread never waits: a 5 ms timer keeps ticking while the test waits on a silent endpoint.

    Up to three runs: a stall the program causes repeats in every run; the load of a shared machine doesn't.
    """
    conn, secrets = silent_connection(aws_emulator, silent, read_timeout=1.0)
    h = host(conn, secrets)
    h.view.cancel()  # the automatic first run, before it reached the engine: the measured runs start from a click
    h.qtbot.waitExposed(h.wizard)
    warm_up = warm_up_in_background()  # started when the view was made, as in the app: botocore's data parsed once
    h.qtbot.waitUntil(warm_up.done, timeout=TIMEOUT)
    h.qtbot.wait(100)  # first paint done
    probes = []
    for _attempt in range(3):
        probe = LoopProbe().start()
        h.click(h.view.test_again_button)
        h.wait_finished()
        probe.stop()
        probes.append(probe)
        assert h.view.report.failure.diagnosis.code == "timeout"
        assert probe.ticks > 100  # the probe really ran for the whole test (>= 1 s at 5 ms)
        print(probe.summary())
        if probe.max_own_gap < MAX_LOOP_GAP_S:
            break
    # the program's own stalls: wall-clock gaps minus the time the machine gave the GUI thread no CPU (see LoopProbe)
    assert min(p.max_own_gap for p in probes) < MAX_LOOP_GAP_S


def test_cancel_gives_control_back_at_once_and_drops_late_results(host, aws_emulator, silent):
    conn, secrets = silent_connection(aws_emulator, silent, read_timeout=1.5)
    h = host(conn, secrets)
    h.qtbot.waitUntil(lambda: h.statuses().get("identity") == "running", timeout=TIMEOUT)
    h.qtbot.wait(200)  # the call is now waiting on the silent endpoint
    finished = []
    h.view.finished.connect(finished.append)
    back: list[float] = []

    started = time.perf_counter()
    h.click(h.view.cancel_button)
    QTimer.singleShot(0, lambda: back.append(time.perf_counter()))  # the first event-loop turn after Cancel
    shown = time.perf_counter()  # the click handler returned: the UI is updated synchronously
    assert set(h.statuses().values()) == {"cancelled"}
    assert h.view.state == CANCELLED
    assert h.view.test_again_button.isEnabled() and not h.view.cancel_button.isEnabled()
    h.qtbot.waitUntil(lambda: bool(back), timeout=TIMEOUT)
    print(f"cancel: steps shown cancelled after {(shown - started) * 1000:.1f} ms, "
          f"event loop free after {(back[0] - started) * 1000:.1f} ms")
    assert shown - started < MAX_CANCEL_LATENCY_S
    assert back[0] - started < MAX_CANCEL_LATENCY_S
    assert not h.page.isComplete() and not h.next_enabled()
    assert h.view.steps.rows["identity"].word.text() == "Cancelled"

    # the engine's call times out later (read timeout 1.5 s): its result must not reach the page
    h.qtbot.wait(2500)
    assert finished == []
    assert set(h.statuses().values()) == {"cancelled"}
    assert h.view.report is None and not h.view.copy_button.isEnabled()

    # Test again starts a fresh run
    h.click(h.view.test_again_button)
    assert h.view.state == RUNNING
    h.click(h.view.cancel_button)


def test_a_standalone_view_deleted_mid_test_ends_quietly(qtbot, qloop, aws_emulator, silent):
    """The profile manager's use: a view without a wizard; its window may close while the engine still waits."""
    view = ConnectionTestView()
    conn, secrets = silent_connection(aws_emulator, silent, read_timeout=1.0)
    task = view.start(conn, secrets)
    qtbot.waitUntil(lambda: view.steps.statuses().get("identity") == "running", timeout=TIMEOUT)
    view.deleteLater()
    qtbot.waitUntil(lambda: not isValid(view), timeout=TIMEOUT)
    qtbot.waitUntil(task.done, timeout=TIMEOUT)  # the engine's late result arrives after the read timeout
    assert task.exception() is None and task.result() is None


# --- Copy report, Save without testing -------------------------------------------------------------------------------


def test_copy_report_puts_redacted_text_on_the_clipboard(host, aws_emulator):
    conn, secrets = practice_connection(aws_emulator)
    h = host(conn, secrets)
    h.wait_finished()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    h.click(h.view.copy_button)
    text = clipboard.text()
    assert text != "before"
    assert mask_access_key_id(conn.access_key_id) in text
    assert conn.access_key_id not in text
    assert secrets.secret_access_key not in text
    assert "identity" in text.lower() and "OK" in text
    clipboard.clear()


def test_save_without_testing_after_a_failed_test_makes_next_available(host, aws_emulator):
    conn, secrets, _ = _wrong_secret(aws_emulator)
    h = host(conn, secrets)
    h.wait_finished()
    assert not h.next_enabled()
    h.click(h.page.save_untested_button)
    assert h.page.isComplete() and h.next_enabled()
    assert h.wizard.property("untested") is True
    assert h.page.report() is None
    assert "not tested" in h.page.untested_note.text()
    # testing again means the result is no longer "untested": Next waits for the new test
    h.click(h.view.test_again_button)
    assert h.wizard.property("untested") is False and not h.next_enabled()
    h.wait_finished()
    assert not h.next_enabled()


def test_save_without_testing_while_a_test_hangs_cancels_it(host, aws_emulator, silent):
    conn, secrets = silent_connection(aws_emulator, silent)
    h = host(conn, secrets)
    h.qtbot.waitUntil(lambda: h.statuses().get("identity") == "running", timeout=TIMEOUT)
    h.click(h.page.save_untested_button)
    assert h.view.state == CANCELLED
    assert h.next_enabled() and h.wizard.property("untested") is True


# --- in the real connection wizard -----------------------------------------------------------------------------------


def test_connection_wizard_runs_the_test_on_its_test_page(qtbot, qloop, aws_emulator):
    from wizard.ui.wizard import ConnectionWizard, PageId

    conn, secrets = practice_connection(aws_emulator, "access-key", "s3")
    wizard = ConnectionWizard(connection=conn, secrets=secrets)
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    while wizard.currentId() != PageId.TEST:
        current = wizard.currentId()
        qtbot.waitUntil(next_button.isEnabled, timeout=TIMEOUT)
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.currentId() != current, timeout=TIMEOUT)
    page = wizard.currentPage()
    assert isinstance(page, TestPage)
    qtbot.waitUntil(lambda: page.view.state == FINISHED, timeout=TIMEOUT)
    assert page.view.report.ok, page.view.status.text()
    assert next_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.SUMMARY, timeout=TIMEOUT)
    wizard.close()
