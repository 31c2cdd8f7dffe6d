"""A first-time user's walk through the manager, mended: Rename checks the name as it is typed, the table and the
details say "when" alike, the status bar says what runs and how it ended, the edit wizard names its profile, and Escape
after work asks before discarding it.

Real parts: the session's local emulator (moto on 127.0.0.1, signing enforced), the real keychain, offscreen Qt.
"""

from __future__ import annotations

import time

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QInputDialog, QLabel, QLineEdit, QMessageBox, QRadioButton

from tests.gui.test_manager import (
    TIMEOUT,
    details_rows,
    open_dialog,
    seed,
    select,
    stored,
    table,
    type_into,
    wait_idle,
)
from tests.support.aws import practice_connection
from tests.support.responders import SilentEndpoint
from wizard.core.connection import Secrets
from wizard.core.profiles import save_connection
from wizard.ui.manager import ProfileManagerWindow
from wizard.ui.wizard import ConnectionWizard

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]


@pytest.fixture
def window(open_manager):
    return open_manager()


def test_rename_checks_the_name_as_it_is_typed(qtbot, window, stores, aws_emulator):
    store, secret_store = stores
    for name in ("prod", "staging"):
        conn, secrets = practice_connection(aws_emulator)
        seed(qtbot, window, store, secret_store, name, conn, secrets)
    select(qtbot, window, "prod")
    window.actions["rename"].trigger()
    ask = open_dialog(qtbot, window, QInputDialog)
    ok = ask.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    editor = ask.findChild(QLineEdit)
    message = ask.findChild(QLabel, "nameProblem")
    assert message is not None, "no message beside the field"
    for typed, says in (("", "Give the connection a name"), ("staging", "already exists"),
                        ("prod ction", "no spaces"), ("prod/x", "letters, digits")):
        type_into(qtbot, editor, typed)
        assert not ok.isEnabled(), f"OK accepts {typed!r}"
        assert message.isVisible() and says in message.text() and message.text().startswith("Error:")
        assert says in editor.accessibleDescription()
    type_into(qtbot, editor, "production")
    assert ok.isEnabled() and not message.isVisible()
    ok.click()
    qtbot.waitUntil(lambda: "production" in table(window), timeout=TIMEOUT)
    assert window.last_problem is None


def test_the_table_and_the_details_say_when_alike(qtbot, qloop, stores, aws_emulator, monkeypatch):
    store, secret_store = stores
    conn, secrets = practice_connection(aws_emulator)
    profile = save_connection(store, secret_store, "prod", conn, secrets, untested=True)
    tested = time.time() - 50
    profile.tested_at, profile.last_result, profile.untested = tested, "ok", False
    store.update(profile)  # before the window opens: from here on, only its clock changes what it shows
    window = ProfileManagerWindow(store, secret_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded and window.selected_profile() is not None, timeout=TIMEOUT)
    assert table(window)["prod"][4] == "✓ OK · just now"
    assert details_rows(window)["Status:"] == "✓ OK · just now"
    later = tested + 90
    monkeypatch.setattr(time, "time", lambda: later)
    window._clock.timeout.emit()  # the manager's 30 s clock
    assert table(window)["prod"][4] == "✓ OK · 1 min ago"
    assert details_rows(window)["Status:"] == "✓ OK · 1 min ago", "the details kept an older 'when'"


def test_the_status_bar_says_what_the_test_does_and_how_it_ended(qtbot, window, stores, aws_emulator):
    store, secret_store = stores
    with SilentEndpoint() as silent:
        conn, secrets = practice_connection(aws_emulator)
        conn.network.endpoint_url = silent.url
        seed(qtbot, window, store, secret_store, "behind-firewall", conn, secrets)
        select(qtbot, window, "behind-firewall")
        window.actions["test"].trigger()
        qtbot.waitUntil(lambda: window.test_view is not None and window.test_view.is_running(), timeout=TIMEOUT)
        assert window.status_text.text() == "Testing behind-firewall…"
        window.test_view.cancel()
        wait_idle(qtbot, window)
        assert window.status_text.text().startswith("behind-firewall: Test cancelled")
    conn, _ = practice_connection(aws_emulator)
    seed(qtbot, window, store, secret_store, "wrong-secret", conn, Secrets("y" * 40))
    select(qtbot, window, "wrong-secret")
    window.actions["test"].trigger()
    qtbot.waitUntil(lambda: stored(store)["wrong-secret"]["tested_at"] is not None, timeout=TIMEOUT)
    wait_idle(qtbot, window)
    assert window.status_text.text().startswith("wrong-secret: ✗ wrong-secret-key: ")


def test_the_edit_wizard_names_the_profile_it_edits(qtbot, window, stores, aws_emulator):
    store, secret_store = stores
    conn, secrets = practice_connection(aws_emulator)
    seed(qtbot, window, store, secret_store, "billing-reader", conn, secrets)
    select(qtbot, window, "billing-reader")
    window.actions["edit"].trigger()
    wizard = open_dialog(qtbot, window, ConnectionWizard)
    assert wizard.windowTitle() == "Edit connection — billing-reader"
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)  # nothing changed: closes without a question
    wait_idle(qtbot, window)
    assert not shiboken6.isValid(wizard) or not wizard.isVisible()


def test_escape_after_typing_asks_before_discarding(qtbot, window, stores):
    store, _ = stores
    window.actions["new"].trigger()
    wizard = open_dialog(qtbot, window, ConnectionWizard)
    wizard.findChild(QRadioButton, "method-access-key").click()
    wizard.next()
    type_into(qtbot, wizard.findChild(QLineEdit, "access_key_id"), "AKIAIOSFODNN7EXAMPLE")
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Escape)
    question = open_dialog(qtbot, wizard, QMessageBox)
    assert question.text() == "Discard this connection?"
    assert wizard.isVisible()
    keep = next(b for b in question.buttons() if "Keep" in b.text())
    keep.click()
    qtbot.waitUntil(lambda: not question.isVisible())
    assert wizard.isVisible() and window.active_dialog is wizard
    wizard.close()  # the window's close button asks too
    question = open_dialog(qtbot, wizard, QMessageBox)
    discard = next(b for b in question.buttons() if "Discard" in b.text())
    discard.click()
    wait_idle(qtbot, window)
    assert not shiboken6.isValid(wizard) or not wizard.isVisible()
    assert not store.path.exists()
