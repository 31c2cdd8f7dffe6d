"""How the profile manager's window is laid out: the table above the selected profile's tabs (the table keeps room for
its rows whatever a diagnosis below needs), the empty state in their place while there is no profile, and a status bar
with a progress indicator. No behaviour: the window (`wizard.ui.manager`) wires the parts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QSplitter, QStackedWidget

TABLE_ROWS = 8  # rows of profiles the table always has room for, whatever the details below need


def table_height(table, rows: int) -> int:
    """The height a table needs to show its header and `rows` rows, from its own row height and font."""
    header = table.horizontalHeader().sizeHint().height()
    return header + rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()


def central_pages(table, details, empty) -> QStackedWidget:
    """Page 0: the table over the details (a vertical splitter); page 1: the empty state."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.setObjectName("managerSplitter")
    splitter.setChildrenCollapsible(False)
    splitter.addWidget(table)
    splitter.addWidget(details)
    splitter.setStretchFactor(0, 0)
    splitter.setStretchFactor(1, 1)
    table.setMinimumHeight(table_height(table, TABLE_ROWS))
    details.setMinimumHeight(table_height(table, 4))
    splitter.setSizes([table_height(table, TABLE_ROWS + 1), 10_000])
    pages = QStackedWidget()
    pages.addWidget(splitter)
    pages.addWidget(empty)
    return pages


def status_bar_parts(window) -> tuple[QLabel, QProgressBar]:
    """The status text and the busy indicator (hidden until work runs), placed in the window's status bar."""
    text = QLabel()
    progress = QProgressBar()
    progress.setRange(0, 0)
    progress.setMaximumWidth(160)
    progress.hide()
    window.statusBar().addWidget(text, 1)
    window.statusBar().addPermanentWidget(progress)
    return text, progress
