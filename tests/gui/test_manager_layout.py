"""The manager laid out for its work: the table keeps room for its rows, and a failed test's diagnosis is readable
whole (not clipped, no scrolling) at 1366x768, in the details' Test tab, which comes forward when a test runs.

Real parts: the session's local emulator (moto on 127.0.0.1, signing enforced), the real keychain, offscreen Qt.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.test_manager import TIMEOUT, run_test, seed, stored, table
from tests.support.aws import practice_connection
from wizard.core.connection import Secrets
from wizard.ui.manager import ProfileManagerWindow

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]

SCREEN = (1366, 768)


def visible_height(widget: QWidget) -> int:
    """How many pixel rows of `widget` are on screen: its rectangle cut by every ancestor's rectangle (scroll areas'
    viewports, tabs, splitters, the window)."""
    window = widget.window()
    top_left = widget.mapTo(window, QPoint(0, 0))
    visible = QRect(top_left, widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        visible = visible.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        if parent is window:
            break
        parent = parent.parentWidget()
    return max(visible.height(), 0)


def rows_with_room(win) -> float:
    """How many rows of the table's height fit below its header."""
    table = win.table
    room = table.viewport().height()
    return room / table.verticalHeader().defaultSectionSize()


@pytest.mark.parametrize("size", [None, SCREEN], ids=["default-size", "1366x768"])
def test_the_table_keeps_room_for_eight_rows(qtbot, qloop, stores, size):
    win = ProfileManagerWindow(*stores)
    qtbot.addWidget(win)
    if size:
        win.resize(*size)
    win.show()
    qtbot.waitUntil(lambda: win.loaded, timeout=TIMEOUT)
    win.pages.setCurrentIndex(0)  # the table page, even without profiles: its room doesn't depend on them
    QApplication.processEvents()
    assert rows_with_room(win) >= 8


@pytest.mark.parametrize("size", [None, SCREEN], ids=["default-size", "1366x768"])
def test_a_failed_test_s_diagnosis_is_readable_whole_and_the_table_keeps_its_rows(qtbot, qloop, stores, aws_emulator,
                                                                                 size):
    """At 1366x768 the whole diagnosis is on screen; at both sizes the table still has room for eight rows."""
    store, secret_store = stores
    win = ProfileManagerWindow(store, secret_store)
    qtbot.addWidget(win)
    if size:
        win.resize(*size)
    win.show()
    qtbot.waitUntil(lambda: win.loaded, timeout=TIMEOUT)
    for index in range(9):
        conn, secrets = practice_connection(aws_emulator)
        seed(qtbot, win, store, secret_store, f"working-{index}", conn, secrets)
    conn, _ = practice_connection(aws_emulator)
    seed(qtbot, win, store, secret_store, "wrong-secret", conn, Secrets("x" * 40))
    if hasattr(win.details, "setCurrentIndex"):
        win.details.setCurrentIndex(0)  # the Details tab in front: the test must bring its own tab forward
    run_test(qtbot, win, store, "wrong-secret")
    assert stored(store)["wrong-secret"]["last_result"] == "wrong-secret-key"
    assert table(win)["wrong-secret"][4].startswith("✗ Failed: wrong-secret-key")
    QApplication.processEvents()
    failed = [row for row in win.test_view.steps.rows.values() if row.diagnosis.isVisible()]
    assert len(failed) == 1
    diagnosis = failed[0].diagnosis
    assert diagnosis.code == "wrong-secret-key"
    assert "Likely causes:" in diagnosis.text() and "What to do:" in diagnosis.text()
    assert rows_with_room(win) >= 8
    assert win.details.currentWidget().isAncestorOf(win.test_view), "the test's tab did not come forward"
    if size != SCREEN:
        return
    needed = diagnosis.heightForWidth(diagnosis.width())  # its wrapped text at the width it has
    assert visible_height(diagnosis) >= needed > 0, f"{visible_height(diagnosis)} of {needed} px visible"
    assert diagnosis.sizeHint().height() >= needed
    assert diagnosis.height() >= diagnosis.sizeHint().height(), "the diagnosis is squeezed"
    assert visible_height(diagnosis) >= diagnosis.sizeHint().height(), (
        f"only {visible_height(diagnosis)} of the diagnosis' {diagnosis.sizeHint().height()} px are visible"
    )
