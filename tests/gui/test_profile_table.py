"""The manager's table model with many profiles: rows reach the view in batches (so columns sized to their contents
measure a batch, not a thousand rows), while every profile stays reachable by id and in `profiles()`."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QTableView

from wizard.core.connection import Connection
from wizard.core.profiles import Profile
from wizard.ui.profile_table import FETCH_BATCH, NAME, ProfileRole, ProfileTableModel


def _profiles(count: int) -> list[Profile]:
    return [Profile.new(f"p{i:04d}", Connection(method="access-key", access_key_id="AKIAIOSFODNN7EXAMPLE"))
            for i in range(count)]


def test_a_thousand_profiles_reach_the_view_in_batches(qtbot):
    model = ProfileTableModel()
    profiles = _profiles(1000)
    model.set_profiles(reversed(profiles))
    assert model.rowCount() == FETCH_BATCH < 1000
    assert len(model.profiles()) == 1000 and model.profiles()[0].name == "p0000"
    assert model.data(model.index(FETCH_BATCH - 1, NAME)) == f"p{FETCH_BATCH - 1:04d}"
    assert model.row_of(profiles[999].id) == 999  # selecting the last one fetches up to it
    assert model.rowCount() == 1000 and model.data(model.index(999, 0), ProfileRole) is profiles[999]
    model.set_profiles(profiles[:10])
    assert model.rowCount() == 10


def test_the_view_fetches_more_as_it_scrolls(qtbot):
    model = ProfileTableModel()
    model.set_profiles(_profiles(3 * FETCH_BATCH))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == FETCH_BATCH
    for _ in range(3):
        view.scrollToBottom()
        qtbot.wait(10)
    qtbot.waitUntil(lambda: model.rowCount() == 3 * FETCH_BATCH, timeout=5000)
