"""The practice banner and panel on the wizard and the manager: what they say, what Copy puts on the clipboard."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QDockWidget, QLineEdit

from wizard.ui import practice_panel
from wizard.ui.practice_panel import BANNER_TEXT, PracticeBanner, PracticePanel

pytestmark = [pytest.mark.gui, pytest.mark.integration]
TIMEOUT = 20_000


def _show(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_wizard_has_the_banner_across_the_top_and_the_panel_beside_the_pages(qtbot, qloop, decorated):
    from wizard.ui.wizard import ConnectionWizard

    wizard = _show(qtbot, ConnectionWizard(practice=decorated.practice, endpoint_url=decorated.url))
    banner = wizard.practice_banner
    assert isinstance(banner, PracticeBanner) and BANNER_TEXT in banner.text.text()
    qtbot.waitUntil(lambda: banner.geometry().width() == wizard.width(), timeout=TIMEOUT)
    assert banner.geometry().topLeft().toTuple() == (0, 0) and banner.isVisible()
    content = next(c for c in wizard.children() if c is not banner and c.isWidgetType())
    qtbot.waitUntil(lambda: content.geometry().top() == banner.height(), timeout=TIMEOUT)
    assert content.geometry().bottom() == wizard.height() - 1  # the buttons are not pushed out
    panel = wizard.practice_panel
    assert wizard.sideWidget() is panel and panel.isVisible()


def test_panel_lists_the_practice_values_and_the_three_mistakes(qtbot, qloop, practice):
    panel = _show(qtbot, PracticePanel(practice))
    p = practice.practice
    shown = {key: row.value for key, row in panel.rows.items()}
    assert shown["access_key_id"] == p.access_key_id
    assert shown["secret_access_key"] == p.secret_access_key
    assert shown["role_name"] == p.role_name and shown["role_arn"] == p.cross_role_arn
    assert shown["external_id"] == p.external_id and shown["bucket"] == p.bucket
    # made as the wizard's Generate makes one: 40 hex digits (a token starting with "-" broke `--external-id VALUE`)
    assert len(p.external_id) == 40 and set(p.external_id) <= set("0123456789abcdef")
    assert set(panel.mistakes) == {"wrong-secret", "wrong-external-id", "untrusting-role", "expired-token",
                                   "no-mfa-code", "wrong-mfa-code"}
    assert shown["mfa_serial"] == p.mfa_serial and shown["mfa_role_arn"] == p.mfa_role_arn
    texts = " ".join(label.text() for label in panel.findChildren(type(panel.rows["bucket"].label)))
    for code in ("wrong-secret-key", "assume-role-denied", "expired-token"):
        assert code in texts
    assert {"expired_access_key_id", "expired_secret_access_key", "expired_session_token"} <= set(panel.rows)
    for key in ("secret_access_key", "wrong_secret", "expired_secret_access_key", "expired_session_token"):
        assert panel.rows[key].secret
    secret_field = panel.rows["secret_access_key"].field
    assert secret_field.echoMode() == QLineEdit.EchoMode.Password  # masked on screen
    assert p.secret_access_key not in texts


def test_copy_puts_the_value_on_the_clipboard_and_a_secret_is_taken_back(qtbot, qloop, practice, monkeypatch):
    monkeypatch.setattr(practice_panel, "CLIPBOARD_SECONDS", 0.2)
    panel = _show(qtbot, PracticePanel(practice))
    clipboard = QApplication.clipboard()
    panel.rows["role_arn"].copy_button.click()
    assert clipboard.text() == practice.practice.cross_role_arn
    panel.rows["secret_access_key"].copy_button.click()
    assert clipboard.text() == practice.practice.secret_access_key
    qtbot.waitUntil(lambda: clipboard.text() == "", timeout=TIMEOUT)


def test_manager_in_practice_has_the_banner_on_top_and_the_panel_docked(qtbot, qloop, decorated):
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore
    from wizard.ui.manager import ProfileManagerWindow

    window = _show(qtbot, ProfileManagerWindow(ProfileStore(), SecretStore(), practice=True, emulator=decorated.aws))
    qtbot.waitUntil(lambda: window.loaded, timeout=TIMEOUT)
    banner = window.practice_banner
    assert banner.isVisible() and banner.mapTo(window, banner.rect().topLeft()).y() <= window.centralWidget().y()
    assert banner.width() == window.centralWidget().width()
    dock = window.findChild(QDockWidget, "practiceDock")
    assert dock is not None and dock.isVisible() and dock.widget() is window.practice_panel
    assert ProfileStore().path.parent == decorated.store_home  # the practice store, apart from real profiles
    window.close()


def test_a_wizard_editing_a_practice_profile_is_decorated_too(qtbot, qloop, decorated):
    from wizard.core.connection import Connection, Secrets
    from wizard.ui.wizard import ConnectionWizard

    p = decorated.practice
    wizard = _show(qtbot, ConnectionWizard(connection=Connection(access_key_id=p.access_key_id),
                                           secrets=Secrets(p.secret_access_key), profile_name="practice-keys"))
    assert wizard.practice is None  # opened for editing, without practice values
    assert wizard.practice_banner.isVisible() and wizard.sideWidget() is wizard.practice_panel


def test_outside_practice_mode_nothing_is_decorated(qtbot, qloop):
    from wizard.ui.wizard import ConnectionWizard

    wizard = _show(qtbot, ConnectionWizard())
    assert wizard.sideWidget() is None and not wizard.property(practice_panel.DECORATED)
    assert not wizard.findChildren(PracticeBanner)


def test_panel_shows_the_virtual_devices_code_live(qtbot, qloop, practice):
    from wizard.core import totp

    panel = _show(qtbot, PracticePanel(practice))
    row = panel.rows["mfa_code"]
    now = totp.current_code(practice.practice.mfa_totp_secret)
    assert row.value == now.code and row.field.text().startswith(now.code) and " s left)" in row.field.text()
    first = row.field.text()
    qtbot.waitUntil(lambda: row.field.text() != first, timeout=3000)  # the seconds left tick every second
    assert "mfa-required" in " ".join(w.text() for w in panel.mistakes["no-mfa-code"].findChildren(type(row.label)))
