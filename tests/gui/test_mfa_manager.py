"""MFA in the profile manager, driven as a person would: Test asks for the code in a dialog naming the device (the test
types it), the MFA session is reused by the next Test without a code, and after it expires the next Test asks again.
Real keychain, the emulator on 127.0.0.1 whose trust gate checks the codes, offscreen Qt.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.test_manager import TIMEOUT, seed, select, stored, wait_idle
from tests.support.aws import practice_connection
from tests.support.mfa_codes import fresh_code as code
from tests.support.secrets_registry import fake_session_token, register, register_gate_sessions, register_mfa_code
from wizard.core.connection import Secrets
from wizard.core.profiles import save_connection
from wizard.ui.mfa_prompt import MfaCodeDialog

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]


@pytest.fixture
def window(open_manager, stores, aws_emulator):
    win = open_manager(endpoint_url=aws_emulator.url)
    yield win
    register_gate_sessions(aws_emulator)
    aws_emulator.gate.session_seconds = None
    for profile in stores[0].list():
        stores[1].delete_entries(profile.id)


@pytest.fixture
def device(aws_emulator):
    serial, seed_value = aws_emulator.new_mfa_device("practice-user")
    register(seed_value)
    return serial


def code_dialog() -> MfaCodeDialog | None:
    found = [w for w in QApplication.allWidgets() if isinstance(w, MfaCodeDialog) and w.isVisible()]
    return found[-1] if found else None


def answer(qtbot, value: str, device: str) -> MfaCodeDialog:
    qtbot.waitUntil(lambda: code_dialog() is not None, timeout=TIMEOUT)
    dialog = code_dialog()
    assert device in dialog.device.text()
    qtbot.keyClicks(dialog.code, value)
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    return dialog


def press_test(qtbot, win, store, name: str, *, code_value: str | None, device: str) -> dict:
    select(qtbot, win, name)
    before = stored(store)[name]["tested_at"] or 0
    win.actions["test"].trigger()
    if code_value is not None:
        answer(qtbot, code_value, device)
    qtbot.waitUntil(lambda: (stored(store)[name]["tested_at"] or 0) > before, timeout=TIMEOUT)
    wait_idle(qtbot, win)
    assert code_dialog() is None
    return stored(store)[name]


def mfa_profile(win, qtbot, stores, emulator, method: str, device: str) -> str:
    p = emulator.practice
    store, secret_store = stores
    extra = {}
    if method == "assume-role":
        extra["role"] = p.mfa_role_arn
    if method == "cross-account":
        save_connection(store, secret_store, "practice", *practice_connection(emulator, "access-key"), untested=True)
        extra.update(role_arn=p.mfa_role_arn)
    conn, secrets = practice_connection(emulator, method, mfa_serial=device, **extra)
    seed(qtbot, win, store, secret_store, "mfa", conn, secrets if conn.uses_keys else Secrets())
    return "mfa"


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_each_method_with_mfa_passes_in_the_manager(qtbot, window, stores, aws_emulator, device, method):
    name = mfa_profile(window, qtbot, stores, aws_emulator, method, device)
    assert press_test(qtbot, window, stores[0], name, code_value=code(aws_emulator, device),
                      device=device)["last_result"] == "ok"
    # the MFA session (cross-account: the role assumed with the code) is kept: the second Test asks for no code
    assert press_test(qtbot, window, stores[0], name, code_value=None, device=device)["last_result"] == "ok"


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_after_the_session_expires_the_next_test_asks_again(qtbot, window, stores, aws_emulator, device, method):
    aws_emulator.gate.session_seconds = 62  # one minute is the margin: the session is over two seconds later
    name = mfa_profile(window, qtbot, stores, aws_emulator, method, device)
    assert press_test(qtbot, window, stores[0], name, code_value=code(aws_emulator, device),
                      device=device)["last_result"] == "ok"
    time.sleep(2.5)
    assert press_test(qtbot, window, stores[0], name, code_value=code(aws_emulator, device),
                      device=device)["last_result"] == "ok"


def test_a_wrong_code_shows_the_diagnosis_and_its_remedy(qtbot, window, stores, aws_emulator, device):
    name = mfa_profile(window, qtbot, stores, aws_emulator, "access-key", device)
    right = code(aws_emulator, device)
    wrong = register_mfa_code(f"{(int(right) + 500_000) % 1_000_000:06d}")
    assert press_test(qtbot, window, stores[0], name, code_value=wrong, device=device)["last_result"] \
        == "mfa-code-invalid"
    shown = window.reports[stored(stores[0])[name]["id"]]
    assert "mfa-code-invalid" in shown and "30-second window" in shown and "Wait for your authenticator" in shown
    assert wrong not in shown


@pytest.mark.parametrize("method", ["access-key", "cross-account"])
def test_the_countdown_renew_and_the_notice(qtbot, window, stores, aws_emulator, device, method):
    name = mfa_profile(window, qtbot, stores, aws_emulator, method, device)
    countdown = window.details.mfa_countdown
    select(qtbot, window, name)
    qtbot.waitUntil(lambda: countdown.isVisible() and "none" in countdown.text(), timeout=TIMEOUT)
    assert window.actions["renew"].isEnabled()
    aws_emulator.gate.session_seconds = 3600
    window.actions["renew"].trigger()
    answer(qtbot, code(aws_emulator, device), device)
    qtbot.waitUntil(lambda: "59 min" in countdown.text() or "1 h" in countdown.text(), timeout=TIMEOUT)
    wait_idle(qtbot, window)
    first = countdown.text()
    qtbot.waitUntil(lambda: countdown.text() != first, timeout=5000)  # live: it counts down every second
    assert press_test(qtbot, window, stores[0], name, code_value=None, device=device)["last_result"] == "ok"
    countdown.warn_before = 3700  # the notice a few minutes before the end, brought forward
    qtbot.waitUntil(lambda: "MFA session of mfa ends in" in window.mfa_watch.last_notice, timeout=5000)
    assert "Renew" in window.mfa_watch.last_notice


def test_renew_is_named_by_what_it_renews(qtbot, window, stores, aws_emulator, device):
    """The toolbar's and the Profiles menu's Renew says what it renews for the selected profile."""
    store, secret_store = stores
    mfa_profile(window, qtbot, stores, aws_emulator, "cross-account", device)  # "mfa" and its source "practice"
    conn, secrets = practice_connection(aws_emulator, "access-key", access_key_id="ASIAIOSFODNN7EXAMPLE")
    seed(qtbot, window, store, secret_store, "temporary", conn,
         Secrets(secrets.secret_access_key, fake_session_token()))
    conn, secrets = practice_connection(aws_emulator, "access-key", mfa_serial=device)
    seed(qtbot, window, store, secret_store, "mfa-keys", conn, secrets)
    action = window.actions["renew"]
    expected = {"mfa": "Re&new MFA session…", "mfa-keys": "Re&new MFA session…",
                "temporary": "Re&new session token…", "practice": "Re&new token"}
    for name, text in expected.items():
        select(qtbot, window, name)
        qtbot.waitUntil(lambda text=text: action.text() == text, timeout=TIMEOUT)
        assert action.isEnabled() is (name != "practice")
    select(qtbot, window, "mfa")
    assert "code from the MFA device" in action.toolTip() and "Ctrl+R" in action.toolTip()
    assert action.statusTip().startswith("Enter a code from the MFA device")
