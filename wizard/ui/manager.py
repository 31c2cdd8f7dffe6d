"""The profile manager: the main window when profiles exist.

A table of profiles, a toolbar of actions, and the selected profile's details with its last test report. Every keychain
call, store read/write and connection test runs off the GUI thread (executor or the engine's own executor calls),
awaited on the qasync loop; while one runs, the actions that would conflict are disabled and a progress bar shows.
Dialogs are opened with `open()` and awaited (`manager_dialogs.run_dialog`), never with a nested `exec()`.
This module lays the window out and keeps its state; what each action does is in `wizard.ui.manager_actions`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import subprocess

import qasync
import shiboken6
from PySide6.QtCore import QEvent, QFileSystemWatcher, QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wizard.ui import manager_dialogs
from wizard.ui.manager_actions import FAILED, ProfileActions, practice_available
from wizard.ui.profile_details import ProfileDetails
from wizard.ui.profile_table import ProfileRole, ProfileTableModel
from wizard.ui.test_view import warm_up_in_background

KEYCHAIN_ADVICE = {
    "no-keyring": (
        "No usable keychain was found (a Secret Service such as GNOME Keyring or KWallet must be running). "
        "This program never keeps secrets in plain text."
    ),
    "keyring-locked": "The keychain is locked. Unlock it (usually your login keyring) and try again.",
}
NOTHING_SAVED = "Nothing was saved: the keychain comes first, the profile file only after it."

# (name, text, shortcut, tooltip)
ACTIONS = (
    ("new", "&New", QKeySequence.StandardKey.New, "Create a connection with the wizard"),
    ("test", "&Test", "F5", "Test the selected profile now, live"),
    ("edit", "&Edit", "Ctrl+E", "Open the wizard with the selected profile's settings"),
    ("duplicate", "&Duplicate", "Ctrl+D", "Copy the selected profile (its secrets too) under a new name"),
    ("rename", "&Rename", "F2", "Rename the selected profile"),
    ("delete", "De&lete", QKeySequence.StandardKey.Delete, "Delete the selected profile and its keychain entries"),
    ("renew", "Re&new token", "Ctrl+R", "Enter a new session token for the selected profile's temporary keys"),
    ("import", "&Import", "Ctrl+I", "Import profiles from the AWS shared config and credentials files"),
    ("export", "E&xport", "Ctrl+Shift+E", "Export the selected profile to the AWS config file (credential_process)"),
)
NEEDS_SELECTION = frozenset({"test", "edit", "duplicate", "rename", "delete", "renew", "export"})


class WrappedText(QLabel):
    """A word-wrapped label that always keeps the height its text needs at its current width.

    A QLabel's height-for-width is not seen by the layouts above it (a stacked widget, a main window), so a window
    made small enough would clip the wrapped lines; this label raises its minimum height to what its font and width
    need instead, and the window's minimum size follows."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _fit(self) -> None:
        minimum = self.minimumHeight()
        self.setMinimumHeight(0)  # QLabel's height-for-width is never below its minimum height: measure without it
        needed = self.heightForWidth(self.width())
        self.setMinimumHeight(needed if needed > 0 else minimum)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override): no taller than the text at the width it has
        return QSize(super().sizeHint().width(), max(self.minimumHeight(), self.heightForWidth(self.width())))

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


PRACTICE_UNAVAILABLE = (
    "Practice mode needs the local AWS emulator (moto), which this installation doesn't include: "
    "run it from source with ./dev run --practice"
)


class EmptyState(QWidget):
    """Shown when there is no profile yet. `practice_available`: practice mode can run in this installation (an
    installed build may leave the emulator out); when not, its button is disabled and says why."""

    def __init__(self, parent: QWidget | None = None, *, practice_available: bool = True) -> None:
        super().__init__(parent)
        title = QLabel("<h2>No connections yet</h2>")
        self.text = WrappedText(
            "A connection is a tested way to reach one AWS service in one Region. The wizard asks for the method, "
            "the credentials, the service and the Region, then tests it before saving. "
            "Practice mode lets you try everything against a local emulator: nothing reaches AWS."
        )
        self.create_button = QPushButton("Create your first connection")
        self.create_button.setObjectName("createFirst")
        self.create_button.setDefault(True)
        self.practice_button = QPushButton("Try practice mode")
        self.practice_button.setObjectName("tryPractice")
        command = " ./dev run --practice"  # on a line of its own, unbroken, so that it can be read and typed as it is
        self.practice_note = WrappedText(PRACTICE_UNAVAILABLE.replace(command, f"<br><nobr>{command[1:]}</nobr>"))
        self.practice_note.setObjectName("practiceUnavailable")
        self.practice_note.setVisible(not practice_available)
        if not practice_available:
            self.practice_button.setEnabled(False)  # stays disabled when the whole state is enabled again
            self.practice_button.setToolTip(PRACTICE_UNAVAILABLE)
            self.practice_button.setAccessibleDescription(PRACTICE_UNAVAILABLE)
        self.column = QWidget()
        self.column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        inner = QVBoxLayout(self.column)
        inner.setSpacing(12)
        for widget in (title, self.text, self.create_button, self.practice_button, self.practice_note):
            inner.addWidget(widget)
        row = QHBoxLayout()  # the column centred, as wide as the window allows up to a comfortable line length
        row.addStretch(1)
        row.addWidget(self.column, 20)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self._fit_to_font()

    def _fit_to_font(self) -> None:
        """Sizes from the font, not pixels: a line of 36 to 84 average characters, buttons with room around the text."""
        metrics = self.fontMetrics()
        self.column.setMinimumWidth(36 * metrics.averageCharWidth())
        self.column.setMaximumWidth(84 * metrics.averageCharWidth())
        for button in (self.create_button, self.practice_button):
            button.setMinimumHeight(round(2.5 * metrics.height()))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_to_font()


class ProfileManagerWindow(ProfileActions, QMainWindow):
    """The main window: profiles, their actions, details and last test report."""

    profiles_loaded = Signal()  # after every reload of the table
    busy_changed = Signal(bool)
    idle = Signal()  # an action finished

    def __init__(
        self,
        store=None,
        secret_store=None,
        *,
        practice: bool = False,
        emulator=None,
        endpoint_url: str = "",
        parent: QWidget | None = None,
    ):
        """`practice`: new connections go to practice mode's local emulator (`emulator`, a running
        wizard.practice.aws_emulator.AwsEmulator, or one started on first need and stopped with the window).
        `endpoint_url`: given to new connections (a VPC endpoint, or a local emulator in tests)."""
        super().__init__(parent)
        from wizard.core.keychain import SecretStore
        from wizard.core.profiles import ProfileStore

        self.store = store if store is not None else ProfileStore()
        self.secret_store = secret_store if secret_store is not None else SecretStore()
        self.practice = practice or emulator is not None
        self.emulator = emulator
        self._own_emulator = False
        self.endpoint_url = endpoint_url
        self.practice_process: subprocess.Popen | None = None  # the practice-mode program "Try practice mode" started
        self.practice_output = subprocess.DEVNULL  # where that program's output goes
        self.backend = "the OS keychain"
        self.reports: dict[str, str] = {}  # profile id -> redacted text of the last report seen in this session
        self.saved_reports: dict[str, str] = {}  # profile id -> text of the last report kept in the profile file
        self.last_problem = None  # the last problem message box, kept for inspection
        self.last_message = None  # the last information box (import and export results)
        self.active_dialog: QDialog | None = None  # the wizard or dialog an action is waiting on
        self.test_view = None
        # botocore's data parsed in a worker as soon as the loop runs, not during the first Test (parsing holds the GIL)
        QTimer.singleShot(0, warm_up_in_background)
        self._busy = 0
        self._action_running = False
        self._tasks: set[asyncio.Task] = set()
        self._tested_id: str | None = None  # the profile the live test view shows
        self._loaded = False
        self._closed = False

        self.setWindowTitle("AWS Connection Wizard: profiles" + (" (practice)" if self.practice else ""))
        self.resize(980, 680)
        self.model = ProfileTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("profiles")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Saved profiles")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _index: self.actions["edit"].trigger())

        self.details = ProfileDetails()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(1, 1)

        self.empty = EmptyState(practice_available=self.practice or practice_available())
        self.empty.create_button.clicked.connect(lambda: self.new_profile())
        self.empty.practice_button.clicked.connect(self.try_practice)
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.empty)
        self.setCentralWidget(self.pages)

        self.actions: dict[str, QAction] = {}
        toolbar = self.addToolBar("Profiles")
        toolbar.setObjectName("profileActions")
        menu = self.menuBar().addMenu("&Profiles")  # the same actions, reachable with Alt+P
        for name, text, shortcut, tip in ACTIONS:
            action = QAction(text, self)
            action.setObjectName(f"action-{name}")
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
            action.setStatusTip(tip)
            action.triggered.connect(self._runner(name))
            toolbar.addAction(action)
            menu.addAction(action)
            if name in ("new", "renew"):
                menu.addSeparator()
            self.actions[name] = action
        menu.addSeparator()
        menu.addAction("&Close window", QKeySequence.StandardKey.Close, self.close)
        if self.practice:  # the banner saying that nothing reaches AWS comes from wizard.ui.practice_panel
            self.empty.practice_button.setText("Create a practice connection")

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.status_text = QLabel()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.progress)

        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._store_changed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(300)
        self._settle.timeout.connect(self._reload_when_idle)
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._update_actions()
        self.pages.setCurrentWidget(self.empty)

    # Each action calls the method of the same name in SLOTS, without the `checked` argument of QAction.triggered.
    SLOTS = {
        "new": "new_profile", "test": "test_profile", "edit": "edit_profile", "duplicate": "duplicate_profile",
        "rename": "rename_profile", "delete": "delete_profile", "renew": "renew_token",
        "import": "import_profiles", "export": "export_profile",
    }

    def _runner(self, name: str):
        return lambda *_args: getattr(self, self.SLOTS[name])()

    # --- state ---------------------------------------------------------------------------------------------------

    def selected_profile(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], ProfileRole) if rows else None

    def is_busy(self) -> bool:
        return self._busy > 0 or self._action_running

    def select_profile(self, profile_id: str) -> None:
        row = self.model.row_of(profile_id)
        if row >= 0:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().select(self.model.index(row, 0), flags)
            self.table.setCurrentIndex(self.model.index(row, 0))

    @contextlib.contextmanager
    def _busy_with(self, text: str):
        self._busy += 1
        self.status_text.setText(text)
        self.progress.show()
        self._update_actions()
        self.busy_changed.emit(True)
        try:
            yield
        finally:
            self._busy -= 1
            if not self._busy:
                self.progress.hide()
                self.status_text.setText("")
            self._update_actions()
            self.busy_changed.emit(self.is_busy())

    def _update_actions(self) -> None:
        profile = self.selected_profile()
        free = not self.is_busy()
        for name, action in self.actions.items():
            enabled = free and (profile is not None or name not in NEEDS_SELECTION)
            if name == "renew":
                enabled = enabled and profile.connection.uses_keys
            if name == "export":
                enabled = enabled and not profile.practice
            action.setEnabled(enabled)
        self.empty.setEnabled(free)

    def _selection_changed(self, *_args) -> None:
        self._show_details()
        self._update_actions()

    def _show_details(self) -> None:
        profile = self.selected_profile()
        text = (self.reports.get(profile.id) or self.saved_reports.get(profile.id, "")) if profile else ""
        self.details.show_profile(profile, text, self.backend)
        if self.test_view is not None:  # the live steps belong to the profile they tested
            tested = self.test_view.is_running() or (profile is not None and profile.id == self._tested_id)
            self.test_view.setVisible(tested)

    def _tick(self) -> None:
        self.model.refresh_times()

    # --- helpers -------------------------------------------------------------------------------------------------

    @staticmethod
    async def _off_thread(fn, *args, **kwargs):
        """Run blocking work (keychain, files) in the default executor and await it on the loop."""
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))

    def _problem(self, title: str, exc: BaseException, *, saves: bool = False) -> None:
        """Tell the user what went wrong, in words; never a secret (messages are redacted). `saves`: the failed work
        was a save, which writes the keychain first, so a keychain failure means nothing was saved."""
        from wizard.core.keychain import KeychainError
        from wizard.core.redact import redact_text

        if isinstance(exc, KeychainError):
            text = KEYCHAIN_ADVICE.get(exc.code, f"The keychain reported a problem ({exc.code}).")
            if saves:
                text += " " + NOTHING_SAVED
            details = redact_text(str(getattr(exc, "message", "") or exc))
        else:
            text = redact_text(str(exc) or type(exc).__name__)
            details = ""
        self.status_text.setText(f"{title}: failed")
        self.last_problem = manager_dialogs.show_problem(self, title, text, details)

    async def _await_dialog(self, dialog: QDialog) -> int:
        self.active_dialog = dialog
        try:
            return await manager_dialogs.run_dialog(dialog)
        finally:
            self.active_dialog = None

    async def _work(self, busy_text: str, problem_title: str, fn, *args, saves: bool = False, **kwargs):
        """Run blocking `fn` off the GUI thread with the actions disabled and progress shown. `saves`: see _problem.

        Returns its result, or FAILED after telling the user what went wrong."""
        with self._busy_with(busy_text):
            try:
                return await self._off_thread(fn, *args, **kwargs)
            except Exception as exc:
                self._problem(problem_title, exc, saves=saves)
                return FAILED

    @qasync.asyncSlot()
    async def reload(self, select_id: str | None = None) -> None:
        """Read the store (off the GUI thread) and show it; keep or set the selection."""
        try:
            if not self._loaded:
                self.backend = await self._off_thread(self.secret_store.backend_name)
            profiles, saved_reports = await self._off_thread(self._read_profiles)
        except Exception as exc:  # an unreadable store: say so, keep the window usable
            if not self._closed and shiboken6.isValid(self):
                self._problem("Could not read the profiles", exc)
            return
        if self._closed or not shiboken6.isValid(self.model):  # closed (or deleted) while reading
            return
        if not self._loaded:
            await self._watch_store()
        self._loaded = True
        if select_id is None and self.selected_profile() is not None:  # the selection as it is now, after the reads
            select_id = self.selected_profile().id
        self.saved_reports = saved_reports
        self.model.set_profiles(profiles)
        self.pages.setCurrentIndex(1 if not profiles else 0)
        if select_id:
            self.select_profile(select_id)
        elif profiles:
            self.select_profile(self.model.profile_at(0).id)
        self._show_details()
        self._update_actions()
        self.profiles_loaded.emit()

    def _read_profiles(self) -> tuple[list, dict[str, str]]:
        """Blocking: the profiles, and the text of each one's last report kept in the file (rebuilt by the engine,
        which is imported here, off the GUI thread)."""
        from wizard.core.last_report import report_text

        profiles = self.store.list()
        return profiles, {p.id: report_text(p) for p in profiles if p.last_report}

    async def _watch_store(self) -> None:
        """Follow changes other programs make (the command line, another window): watch the store's directory (the
        file itself is replaced on every write) and reload shortly after it changes."""
        try:
            await self._off_thread(self.store.home.mkdir, mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return  # no live refresh; the store's own errors are reported when it is used
        self._watcher.addPath(str(self.store.home))

    def _store_changed(self, *_args) -> None:
        self._settle.start()  # several files change per write (lock, backup, file): reload once, when it settles

    def _reload_when_idle(self) -> None:
        if self._closed:
            return
        if self.is_busy():  # a running action reloads when it ends; look again after it
            self._settle.start()
        else:
            self._track(self.reload())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._closed = False
        self._clock.start()
        if not self._loaded:
            self._track(self.reload())

    def _track(self, task: asyncio.Task) -> asyncio.Task:
        """Remember a running task of this window, so that closing the window cancels it."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._closed = True
        self._settle.stop()
        self._clock.stop()
        if self.active_dialog is not None:  # the wizard or a question an action waits on goes with the window
            self.active_dialog.reject()
        for task in list(self._tasks):  # a running action (its dialogs, the test, the store writes) stops here
            task.cancel()
        if self.test_view is not None:
            self.test_view.cancel()
        if self._own_emulator and self.emulator is not None:
            self.emulator.stop()  # local threads only; nothing on the network
            self.emulator, self._own_emulator = None, False
        super().closeEvent(event)

def open_main_window(practice: bool = False) -> ProfileManagerWindow:
    """The window the program opens on (DESIGN §8): the profile manager, with the wizard opened over its empty state
    when there is no profile yet, so that Finish lands on the new profile. In practice mode the manager only: the
    practice session starts its emulators first (`wizard.ui.practice_panel.start_practice`). Call with the qasync loop
    set as asyncio's event loop; the wizard opens once it runs."""
    window = ProfileManagerWindow(practice=practice)
    window.show()
    from wizard.core.profiles import StoreError

    try:
        empty = not practice and not window.store.list()  # a small local file, read once at start
    except StoreError:  # a damaged file: the window's reload shows why and how to recover; nothing is written
        empty = False
    if empty:
        window.new_profile()
    return window
