"""GUI test helpers: open the connection wizard for real (offscreen) and drive it with the keyboard only.

`Keyboard` sends every key to whatever widget has the focus, like a person typing: no clicks, no setText.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWizard

from wizard.ui.wizard import ConnectionWizard, PageId

WAIT_MS = 5000
MANAGER_LOAD_MS = 20_000  # generous: two cores are shared by many processes


class Keyboard:
    def __init__(self, qtbot, window: ConnectionWizard):
        self.qtbot = qtbot
        self.window = window

    def focus(self):
        return QApplication.focusWidget()

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focus() or self.window, key, modifier)

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(self.focus(), text)

    def alt(self, letter: str) -> None:
        self.press(getattr(Qt.Key, f"Key_{letter.upper()}"), Qt.KeyboardModifier.AltModifier)

    def mnemonic(self, label: QLabel | str) -> None:
        """Press Alt + the underlined letter of a label (or button text)."""
        text = label if isinstance(label, str) else label.text()
        self.alt(text[text.index("&") + 1])

    def select_all_and_type(self, text: str) -> None:
        self.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        if text:
            self.type(text)
        else:
            self.press(Qt.Key.Key_Delete)

    def wait_page(self, page_id: PageId) -> None:
        self.qtbot.waitUntil(lambda: self.window.currentId() == page_id, timeout=WAIT_MS)

    def next_with_enter(self, expected: PageId) -> None:
        self.press(Qt.Key.Key_Return)
        self.wait_page(expected)

    def next_with_alt_n(self, expected: PageId) -> None:
        self.alt("n")
        self.wait_page(expected)

    def next_enabled(self) -> bool:
        return self.window.button(QWizard.WizardButton.NextButton).isEnabled()


def show(qtbot, window: ConnectionWizard) -> ConnectionWizard:
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    return window


@pytest.fixture
def open_wizard(qtbot, qloop):
    """open_wizard(**ConnectionWizard kwargs) -> (wizard, Keyboard), shown, active and focused."""
    opened: list[ConnectionWizard] = []

    def factory(**kwargs):
        window = show(qtbot, ConnectionWizard(**kwargs))
        opened.append(window)
        return window, Keyboard(qtbot, window)

    yield factory
    for window in opened:
        window.close()


@pytest.fixture
def open_manager(qtbot, qloop, stores):
    """open_manager(secret_store=None, **ProfileManagerWindow kwargs) -> the profile manager on `stores`, shown, once it
    has read the profile file. `secret_store` stands in for the session's keychain (one with no backend, or locked)."""
    from wizard.ui.manager import ProfileManagerWindow

    def factory(secret_store=None, **kwargs) -> ProfileManagerWindow:
        store, session_keychain = stores
        window = ProfileManagerWindow(store, session_keychain if secret_store is None else secret_store, **kwargs)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.loaded, timeout=MANAGER_LOAD_MS)
        return window

    return factory


@pytest.fixture
def mfa_device(aws_emulator):
    """A new virtual MFA device of the practice user: its serial. Its seed, and afterwards the MFA sessions the
    emulator's gate issued, are registered for the final secret scan."""
    from tests.support.secrets_registry import register, register_gate_sessions

    serial, seed = aws_emulator.new_mfa_device("practice-user")
    register(seed)
    yield serial
    register_gate_sessions(aws_emulator)

