"""The MFA code prompt and the MFA session countdown, offscreen, driven with the keyboard."""

from __future__ import annotations

import datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from wizard.ui.mfa_prompt import MfaCodeDialog, ask_mfa_code
from wizard.ui.session_countdown import SessionCountdown, format_time_left

pytestmark = pytest.mark.gui
DEVICE = "arn:aws:iam::123456789012:mfa/practice-user"


@pytest.fixture()
def dialog(qtbot):
    found = MfaCodeDialog(DEVICE, profile_name="prod")
    qtbot.addWidget(found)
    found.show()
    qtbot.waitExposed(found)
    found.code.setFocus()
    return found


def test_the_prompt_names_the_device(dialog):
    assert DEVICE in dialog.device.text() and "prod" in dialog.intro.text()
    assert not dialog.ok_button.isEnabled()


def test_letters_are_refused(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "12a3b-4 ")
    assert dialog.code.text() == "1234"
    assert not dialog.ok_button.isEnabled()


def test_five_digits_disable_ok_six_enable_it(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "12345")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)  # Enter with five digits does nothing
    assert dialog.isVisible() and dialog.result_code() is None
    qtbot.keyClicks(dialog.code, "6")
    assert dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.code, "7")  # a seventh digit is refused
    assert dialog.code.text() == "123456"
    qtbot.keyClick(dialog.code, Qt.Key.Key_Backspace)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.code, "0")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.result_code() == "123450"


def test_escape_cancels(qtbot, dialog):
    qtbot.keyClicks(dialog.code, "123456")
    qtbot.keyClick(dialog.code, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.result_code() is None


@pytest.mark.parametrize("keys, expected", [("654321", "654321"), (None, None)])
def test_ask_mfa_code_returns_the_code_or_none(qtbot, keys, expected):
    def answer():
        from PySide6.QtWidgets import QApplication

        found = QApplication.activeModalWidget()
        assert isinstance(found, MfaCodeDialog)
        if keys:
            qtbot.keyClicks(found.code, keys)
            qtbot.keyClick(found.code, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(found.code, Qt.Key.Key_Escape)

    QTimer.singleShot(50, answer)
    assert ask_mfa_code(DEVICE) == expected


@pytest.mark.parametrize("seconds, text", [(43200, "12 h 00 min left"), (43079.9, "11 h 57 min left"),
                                           (245, "4 min 05 s left"), (59.5, "59 s left"), (0, "expired"),
                                           (-3, "expired")])
def test_format_time_left(seconds, text):
    assert format_time_left(seconds) == text


def test_the_countdown_changes_live_and_warns_before_the_end(qtbot):
    now = datetime.datetime.now(datetime.timezone.utc)
    label = SessionCountdown(warn_before=1.0, interval_ms=100)
    qtbot.addWidget(label)
    assert "a code is needed" in label.text()
    label.set_expiration(now + datetime.timedelta(seconds=2.5))
    first = label.text()
    assert first.startswith("MFA session: ") and "s left" in first
    qtbot.waitUntil(lambda: label.text() != first, timeout=3000)  # the text changes by itself
    with qtbot.waitSignal(label.ending_soon, timeout=3000):
        pass
    assert label.seconds_left() <= 1.0
    with qtbot.waitSignal(label.expired, timeout=3000):
        pass
    assert label.text() == "MFA session: expired"


def test_the_warning_fires_once_per_session(qtbot):
    now = [datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)]
    label = SessionCountdown(warn_before=300, clock=lambda: now[0])
    qtbot.addWidget(label)
    warnings = []
    label.ending_soon.connect(lambda: warnings.append(1))
    label.set_expiration(now[0] + datetime.timedelta(minutes=10))
    label.refresh()
    assert warnings == [] and label.text() == "MFA session: 10 min 00 s left"
    now[0] += datetime.timedelta(minutes=5, seconds=1)
    label.refresh()
    label.refresh()
    assert warnings == [1]
    label.set_expiration(now[0] + datetime.timedelta(minutes=4))  # a renewed session that is already short
    assert warnings == [1, 1]
    label.set_expiration(None)
    assert "a code is needed" in label.text()
