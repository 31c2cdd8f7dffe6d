"""The profile manager's table: one row per saved profile, read-only.

The model only presents `wizard.core.profiles.Profile` objects; the window decides when to reload them. Status is an
icon and a word (never colour alone), with when the profile was last tested; time-sensitive cells are recomputed by
`refresh_times()`, which the window calls on a timer.

Rows reach the view in batches of FETCH_BATCH (Qt's canFetchMore/fetchMore, asked for as the list scrolls): a view that
sizes its columns to their contents measures the rows it has, not a thousand, so a long list shows as fast as a short
one. `profiles()`, `profile_at()` and `row_of()` still cover every profile (row_of fetches up to the row it names).
Nothing here reads the keychain.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.core.tokens import TokenTime, profile_time_left
from wizard.ui.translator import translate

__all__ = ["COLUMNS", "ProfileRole", "ProfileTableModel", "method_title", "profile_table_view", "service_title",
           "status_text", "time_left"]

COLUMNS = (
    QT_TRANSLATE_NOOP("profile_table", "Name"),
    QT_TRANSLATE_NOOP("profile_table", "Method"),
    QT_TRANSLATE_NOOP("profile_table", "Service"),
    QT_TRANSLATE_NOOP("profile_table", "Region"),
    QT_TRANSLATE_NOOP("profile_table", "Status"),
    QT_TRANSLATE_NOOP("profile_table", "Token time left"),
)
NAME, METHOD, SERVICE, REGION, STATUS, TIME_LEFT = range(len(COLUMNS))

ProfileRole = Qt.ItemDataRole.UserRole + 1
FETCH_BATCH = 100


# The cells' words come from wizard.core.describe (with the catalogue of fields and methods), loaded with the first row
# shown: the rows arrive after the window's first paint.
def method_title(method: str) -> str:
    from wizard.core import describe

    return describe.method_title(method)


def service_title(service: str) -> str:
    from wizard.core import describe

    return describe.service_title(service)


def status_text(profile, now: float | None = None) -> str:
    from wizard.core import describe

    return describe.status_text(profile, now)


def time_left(profile, now: float | None = None) -> TokenTime:
    """What expires in the profile and when: its entered session token (the same function the CLI's `list` reads)."""
    return profile_time_left(profile, now)


class ProfileTableModel(QAbstractTableModel):
    """Profiles as rows; `ProfileRole` gives the Profile itself."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._profiles: list = []
        self._fetched = 0  # rows the views have (the first _fetched profiles)

    # --- data access -------------------------------------------------------------------------------------------------
    def set_profiles(self, profiles) -> None:
        self.beginResetModel()
        self._profiles = sorted(profiles, key=lambda p: p.name.lower())
        self._fetched = min(len(self._profiles), max(self._fetched, FETCH_BATCH))
        self.endResetModel()

    def profiles(self) -> list:
        return list(self._profiles)

    def profile_at(self, row: int):
        return self._profiles[row] if 0 <= row < len(self._profiles) else None

    def row_of(self, profile_id: str) -> int:
        """The row of the profile with this id (fetched into the views if it was not yet), or -1."""
        row = next((i for i, p in enumerate(self._profiles) if p.id == profile_id), -1)
        if row >= self._fetched:
            self._fetch_to(row + 1)
        return row

    def refresh_times(self) -> None:
        """Recompute the 'ago' and 'time left' cells (called on a timer)."""
        if self._fetched:
            self.dataChanged.emit(self.index(0, STATUS), self.index(self._fetched - 1, TIME_LEFT))

    def _fetch_to(self, rows: int) -> None:
        rows = min(rows, len(self._profiles))
        if rows > self._fetched:
            self.beginInsertRows(QModelIndex(), self._fetched, rows - 1)
            self._fetched = rows
            self.endInsertRows()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._fetched < len(self._profiles)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not parent.isValid():
            self._fetch_to(self._fetched + FETCH_BATCH)

    # --- Qt model ----------------------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._fetched

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate("profile_table", COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        profile = self.profile_at(index.row()) if index.isValid() else None
        if profile is None:
            return None
        if role == ProfileRole:
            return profile
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(profile, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(profile, index.column())
        return None

    def _text(self, profile, column: int) -> str:
        conn = profile.connection
        if column == NAME:
            return profile.name + (" (practice)" if profile.practice else "")
        if column == METHOD:
            return method_title(conn.method)
        if column == SERVICE:
            return service_title(conn.service)
        if column == REGION:
            return conn.region
        if column == STATUS:
            return status_text(profile)
        return time_left(profile).describe()

    def _tooltip(self, profile, column: int) -> str | None:
        if column == STATUS and profile.tested_at is not None:
            return translate("profile_table", "Last tested ") + time.strftime(
                "%Y-%m-%d %H:%M", time.localtime(profile.tested_at)
            )
        left = time_left(profile)
        if column == TIME_LEFT and left.expires_at is not None:
            prefix = (
                translate("profile_table", "Expires at the latest ")
                if left.kind == "session-token"
                else translate("profile_table", "Expires ")
            )
            return prefix + time.strftime("%Y-%m-%d %H:%M", time.localtime(left.expires_at))
        return None


def profile_table_view(model: ProfileTableModel) -> QTableView:
    """The manager's read-only table over `model`: whole rows, one at a time, columns sized to their contents."""
    table = QTableView()
    table.setObjectName("profiles")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAccessibleName(translate("profile_table", "Saved profiles"))
    return table
