"""What a screen reader gets: every visible widget that takes the keyboard focus has an accessible name, read through
Qt's accessibility interface (what the AT-SPI bridge hands to Orca), in the manager (empty, with profiles, after a
failed test) and on every page of the wizard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.test_manager import TIMEOUT, run_test, seed
from tests.support.aws import practice_connection
from wizard.core.connection import Secrets
from wizard.ui.wizard import PageId

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]


def unnamed(root: QWidget) -> list[str]:
    """The visible, focusable widgets under `root` whose accessible name is empty."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        name = face.text(QAccessible.Text.Name) if face is not None else ""
        if not name.strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} under "
                           f"{type(widget.parentWidget()).__name__} {widget.parentWidget().objectName()!r}")
    return missing


def test_the_manager_names_every_focusable_widget(qtbot, open_manager, stores, aws_emulator):
    QAccessible.setActive(True)
    store, secret_store = stores
    win = open_manager()
    assert unnamed(win) == [], "empty state"
    conn, secrets = practice_connection(aws_emulator)
    seed(qtbot, win, store, secret_store, "working", conn, secrets)
    seed(qtbot, win, store, secret_store, "wrong-secret", conn, Secrets("z" * 40))
    assert unnamed(win) == [], "with profiles"
    run_test(qtbot, win, store, "wrong-secret")
    QApplication.processEvents()
    assert unnamed(win) == [], "after a failed test"
    for index in range(win.details.count()):
        win.details.setCurrentIndex(index)
        assert unnamed(win) == [], f"tab {win.details.tabText(index)}"


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_every_wizard_page_names_every_focusable_widget(open_wizard, qtbot, method):
    QAccessible.setActive(True)
    wizard, _keys = open_wizard()
    wizard.method_page.set_method(method)
    seen = {}
    for page_id in (PageId.METHOD, PageId.CREDENTIALS, PageId.SERVICE, PageId.REGION):
        qtbot.waitUntil(lambda page_id=page_id: wizard.currentId() == page_id, timeout=TIMEOUT)
        if page_id == PageId.SERVICE:  # the optional fields show with their service
            for service, field in (("s3", "bucket"), ("bedrock-runtime", "model_id")):
                wizard.service_page.load(type(wizard.connection())(service=service))
                QApplication.processEvents()
                seen[f"{page_id.name}/{service}"] = unnamed(wizard)
        seen[page_id.name] = unnamed(wizard)
        wizard.next()
    assert all(not missing for missing in seen.values()), seen
