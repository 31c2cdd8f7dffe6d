"""The wizard's test page with an MFA device: the code is asked for in a dialog naming the device (the test types it),
each method passes against the emulator whose gate checks the code, and Cancel in the dialog fails the test with the
"a code is needed" diagnosis, the window responsive throughout."""

from __future__ import annotations

import pytest

from tests.gui.test_mfa_manager import answer, code, code_dialog
from tests.gui.test_test_page import TIMEOUT, Host
from tests.support.aws import practice_connection
from wizard.core.connection import Secrets
from wizard.ui.test_view import FINISHED

pytestmark = [pytest.mark.gui, pytest.mark.integration]


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_each_method_with_mfa_passes_on_the_test_page(qtbot, qloop, aws_emulator, mfa_device, method):
    p = aws_emulator.practice
    extra = {"role": p.mfa_role_arn} if method == "assume-role" else {}
    if method == "cross-account":
        extra = {"role_arn": p.mfa_role_arn, "source": "default"}
    conn, secrets = practice_connection(aws_emulator, method, mfa_serial=mfa_device, **extra)
    options = {}
    if method == "cross-account":  # the source's keys handed over, as the wizard does for a source profile
        from tests.support.aws import practice_source

        options["source_credentials"] = practice_source(aws_emulator)
    host = Host(qtbot, conn, secrets if conn.uses_keys else Secrets(), **options)
    answer(qtbot, code(aws_emulator, mfa_device), mfa_device)
    qtbot.waitUntil(lambda: host.view.state == FINISHED, timeout=TIMEOUT)
    report = host.view.report
    assert report.ok, report.to_text()
    host.wizard.close()


def test_cancelling_the_code_dialog_fails_with_a_code_needed(qtbot, qloop, aws_emulator, mfa_device):
    conn, secrets = practice_connection(aws_emulator, "access-key", mfa_serial=mfa_device)
    host = Host(qtbot, conn, secrets)
    qtbot.waitUntil(lambda: code_dialog() is not None, timeout=TIMEOUT)
    code_dialog().reject()
    qtbot.waitUntil(lambda: host.view.state == FINISHED, timeout=TIMEOUT)
    failure = host.view.report.failure
    assert failure.name == "identity" and failure.diagnosis.code == "invalid-input"
    assert mfa_device in failure.diagnosis.summary
    host.wizard.close()
