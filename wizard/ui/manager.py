"""The profile manager: the main window when profiles exist.

A table of profiles, a toolbar of actions, and the selected profile's details with its last test report. Every keychain
call, store read/write and connection test runs off the GUI thread (executor or the engine's own executor calls),
awaited on the qasync loop; while one runs, the actions that would conflict are disabled and a progress bar shows.
Dialogs are opened with `open()` and awaited (`manager_dialogs.run_dialog`), never with a nested `exec()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import subprocess
import sys

import qasync
import shiboken6
from PySide6.QtCore import QFileSystemWatcher, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wizard.core.connection import Secrets
from wizard.ui import manager_dialogs
from wizard.ui.aws_files_dialogs import ExportDialog, ImportDialog
from wizard.ui.profile_details import ProfileDetails
from wizard.ui.profile_table import ProfileRole, ProfileTableModel

KEYCHAIN_ADVICE = {
    "no-keyring": (
        "No usable keychain was found (a Secret Service such as GNOME Keyring or KWallet must be running). "
        "Nothing was saved: this program never stores secrets in plain text."
    ),
    "keyring-locked": (
        "The keychain is locked. Unlock it (usually your login keyring) and try again. Nothing was saved."
    ),
}

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
FAILED = object()  # what `_work` returns after showing a problem
NEEDS_SELECTION = frozenset({"test", "edit", "duplicate", "rename", "delete", "renew", "export"})


def dependents(profiles, name: str) -> list:
    """The cross-account profiles whose source identity is saved profile `name` ("profile:NAME")."""
    return [p for p in profiles if p.connection.method == "cross-account" and p.connection.source == f"profile:{name}"]


def _action(method):
    """An action: one at a time, started as a task on the qasync loop. From the call on (dialogs included) the actions
    are disabled and `is_busy()` is true until the table shows the outcome; `idle` is emitted at the end. Returns the
    task, or None when another action is running."""

    async def run(self, *args, **kwargs):
        try:
            await method(self, *args, **kwargs)
        except Exception:  # a bug, not a user problem (those are shown by _work): report it like qasync does
            sys.excepthook(*sys.exc_info())
        finally:
            if shiboken6.isValid(self):  # a closed window's tasks are cancelled; it may be gone by now
                self._action_running = False
                self._update_actions()
                self.idle.emit()

    @functools.wraps(method)
    def start(self, *args, **kwargs):
        if self.is_busy():
            return None
        self._action_running = True
        self._update_actions()
        return self._track(asyncio.ensure_future(run(self, *args, **kwargs)))

    return start


class EmptyState(QWidget):
    """Shown when there is no profile yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h2>No connections yet</h2>")
        text = QLabel(
            "A connection is a tested way to reach one AWS service in one Region. The wizard asks for the method, "
            "the credentials, the service and the Region, then tests it before saving. "
            "Practice mode lets you try everything against a local emulator: nothing reaches AWS."
        )
        text.setWordWrap(True)
        self.create_button = QPushButton("Create your first connection")
        self.create_button.setObjectName("createFirst")
        self.create_button.setDefault(True)
        self.practice_button = QPushButton("Try practice mode")
        self.practice_button.setObjectName("tryPractice")
        for button in (self.create_button, self.practice_button):
            button.setMinimumHeight(40)
        column = QWidget()
        column.setFixedWidth(520)  # a fixed width lets the wrapped text take the height it needs
        inner = QVBoxLayout(column)
        inner.setSpacing(12)
        for widget in (title, text, self.create_button, self.practice_button):
            inner.addWidget(widget)
        text.setMinimumHeight(text.heightForWidth(column.width() - 20))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class ProfileManagerWindow(QMainWindow):
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
        self.last_problem = None  # the last problem message box, kept for inspection
        self.last_message = None  # the last information box (import and export results)
        self.active_dialog: QDialog | None = None  # the wizard or dialog an action is waiting on
        self.test_view = None
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

        self.empty = EmptyState()
        self.empty.create_button.clicked.connect(lambda: self.new_profile())
        self.empty.practice_button.clicked.connect(self.try_practice)
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.empty)
        self.setCentralWidget(self.pages)

        self.actions: dict[str, QAction] = {}
        toolbar = self.addToolBar("Profiles")
        toolbar.setObjectName("profileActions")
        for name, text, shortcut, tip in ACTIONS:
            action = QAction(text, self)
            action.setObjectName(f"action-{name}")
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
            action.setStatusTip(tip)
            action.triggered.connect(self._runner(name))
            toolbar.addAction(action)
            self.actions[name] = action
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
        self.details.show_profile(profile, self.reports.get(profile.id, "") if profile else "", self.backend)
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

    def _problem(self, title: str, exc: BaseException) -> None:
        """Tell the user what went wrong, in words; never a secret (messages are redacted)."""
        from wizard.core.keychain import KeychainError
        from wizard.core.redact import redact_text

        if isinstance(exc, KeychainError):
            text = KEYCHAIN_ADVICE.get(exc.code, f"The keychain reported a problem ({exc.code}).")
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

    async def _work(self, busy_text: str, problem_title: str, fn, *args, **kwargs):
        """Run blocking `fn` off the GUI thread with the actions disabled and progress shown.

        Returns its result, or FAILED after telling the user what went wrong."""
        with self._busy_with(busy_text):
            try:
                return await self._off_thread(fn, *args, **kwargs)
            except Exception as exc:
                self._problem(problem_title, exc)
                return FAILED

    def _load_secrets(self, profile) -> Secrets:
        """Blocking (run it off the GUI thread): the profile's secrets; none for a cross-account profile."""
        return self.secret_store.load(profile.id) if profile.connection.uses_keys else Secrets()

    def _test_inputs(self, profile) -> tuple[Secrets, dict]:
        """Blocking: the secrets and extra engine arguments for testing `profile`. Cross-account from a saved profile
        ("profile:NAME"): that profile's keys call AssumeRole."""
        conn = profile.connection
        if conn.method != "cross-account" or not conn.source.startswith("profile:"):
            return self._load_secrets(profile), {}
        return Secrets(), {"source_credentials": self._source_credentials(conn.source.removeprefix("profile:"))}

    def _source_credentials(self, name: str) -> dict:
        """Blocking: the keys of saved profile `name`, as the engine's `source_credentials`."""
        source = self.store.get(name)
        secrets = self.secret_store.load(source.id)
        return {
            "access_key_id": source.connection.access_key_id,
            "secret_access_key": secrets.secret_access_key,
            "session_token": secrets.session_token,
        }

    def _supply_source_credentials(self, wizard) -> None:
        """A cross-account connection assumed from a saved profile ("profile:NAME") needs that profile's keys for the
        wizard's test. They are read from the keychain off the GUI thread as soon as the source is chosen (pages
        before the test), and added to the wizard's `test_options` when the test starts; a test that started before
        they arrived runs again."""
        cache: dict[str, dict] = {}
        combo = wizard.credentials_page.rows["source"].editor
        base_options = wizard.test_options

        async def fill(name: str) -> None:
            try:
                cache[name] = await self._off_thread(self._source_credentials, name)
            except Exception as exc:  # the wizard's test then reports the missing credentials itself
                self.status_text.setText(f"Could not read the keys of {name}: {type(exc).__name__}")
                return
            page = wizard.test_page
            if page is not None and wizard.currentPage() is page and wizard.connection().source == f"profile:{name}":
                page.start_test()  # the test started before the keys arrived: run it again with them

        def chosen(*_args) -> None:
            source = str(combo.currentData() or "")
            name = source.removeprefix("profile:")
            if source.startswith("profile:") and name not in cache:
                self._track(asyncio.ensure_future(fill(name)))

        def options() -> dict:
            result = dict(base_options())
            conn = wizard.connection()
            if conn.method == "cross-account" and conn.source.startswith("profile:"):
                credentials = cache.get(conn.source.removeprefix("profile:"))
                if credentials:
                    result["source_credentials"] = credentials
            return result

        wizard.test_options = options  # what the test page asks the wizard for (wizard.ui.test_page.test_options)
        combo.currentIndexChanged.connect(chosen)
        chosen()

    # --- loading -------------------------------------------------------------------------------------------------

    @qasync.asyncSlot()
    async def reload(self, select_id: str | None = None) -> None:
        """Read the store (off the GUI thread) and show it; keep or set the selection."""
        try:
            if not self._loaded:
                self.backend = await self._off_thread(self.secret_store.backend_name)
            profiles = await self._off_thread(self.store.list)
        except Exception as exc:  # an unreadable store: say so, keep the window usable
            if not self._closed:
                self._problem("Could not read the profiles", exc)
            return
        if self._closed:  # closed while reading
            return
        if not self._loaded:
            await self._watch_store()
        self._loaded = True
        if select_id is None and self.selected_profile() is not None:  # the selection as it is now, after the reads
            select_id = self.selected_profile().id
        self.model.set_profiles(profiles)
        self.pages.setCurrentIndex(1 if not profiles else 0)
        if select_id:
            self.select_profile(select_id)
        elif profiles:
            self.select_profile(self.model.profile_at(0).id)
        self._show_details()
        self._update_actions()
        self.profiles_loaded.emit()

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

    # --- actions -------------------------------------------------------------------------------------------------

    def try_practice(self) -> None:
        """In practice mode, a new practice connection. Otherwise open the program in practice mode, as its own process:
        practice mode redirects every AWS call of its process to the local emulator and keeps its profiles apart, so
        this window and the real profiles stay as they are."""
        if self.practice:
            self.new_profile(practice=True)
            return
        if self.practice_process is not None and self.practice_process.poll() is None:
            self.status_text.setText("Practice mode is already open in its own window.")
            return
        try:
            self.practice_process = subprocess.Popen(
                practice_command(), stdin=subprocess.DEVNULL, stdout=self.practice_output, stderr=subprocess.DEVNULL
            )
        except OSError as exc:
            self._problem("Could not start practice mode", exc)
            return
        self.status_text.setText("Practice mode opens in its own window; nothing there reaches AWS.")

    @_action
    async def new_profile(self, practice: bool = False) -> None:
        """Open the wizard; on Finish save the secrets to the keychain, then the profile file (off the GUI thread)."""
        practice = practice or self.practice
        wizard = await self._make_wizard(practice=practice)
        if wizard is None:
            return
        if await self._await_dialog(wizard) == QDialog.DialogCode.Accepted:
            await self._save_from_wizard(wizard, None, practice=practice)
        wizard.deleteLater()

    @_action
    async def edit_profile(self) -> None:
        """Open the wizard pre-filled (secrets read from the keychain off the GUI thread); save to the same id."""
        profile = self.selected_profile()
        if profile is None:
            return
        secrets = await self._work(f"Reading {profile.name} from the keychain…", "Could not read the profile's secrets",
                                   self._load_secrets, profile)
        if secrets is FAILED:
            return
        wizard = await self._make_wizard(connection=profile.connection, secrets=secrets, name=profile.name)
        if await self._await_dialog(wizard) == QDialog.DialogCode.Accepted:
            await self._save_from_wizard(wizard, profile, practice=profile.practice)
        wizard.deleteLater()

    async def _save_from_wizard(self, wizard, profile, *, practice: bool) -> None:
        """Keychain first, then the profile file: a new profile, or the edited one under the same id."""
        from wizard.core.profiles import save_connection

        name, conn, secrets, report, untested = self._wizard_result(wizard)
        name = name or (profile.name if profile else "")
        saved = await self._work(
            f"Saving {name}…", "Could not save the connection", save_connection, self.store, self.secret_store,
            name, conn, secrets, report=report, untested=untested, practice=practice,
            profile_id=profile.id if profile else None,
        )
        if saved is FAILED:
            return
        if report is not None:
            self.reports[saved.id] = report.to_text()
        self.status_text.setText(f"Saved {saved.name}.")
        await self.reload(saved.id)

    @_action
    async def test_profile(self) -> None:
        """Run the connection test live in the details area and record the result in the profile."""
        profile = self.selected_profile()
        if profile is None:
            return
        with self._busy_with(f"Testing {profile.name}…"):
            inputs = await self._work("Reading the secrets…", "Could not read the profile's secrets",
                                      self._test_inputs, profile)
            if inputs is FAILED:
                return
            secrets, options = inputs
            view = self._ensure_test_view()
            self._tested_id = profile.id
            view.show()
            report = await view.start(profile.connection, secrets, **options)
            if report is None:  # cancelled or stopped: nothing recorded
                return
            self.reports[profile.id] = report.to_text()
            await self._work("Recording the result…", "Could not record the test result", self._record, profile, report)
        await self.reload(profile.id)

    def _record(self, profile, report) -> None:
        from wizard.core.profiles import record_test

        self.store.update(record_test(self.store.get_by_id(profile.id), report))

    @_action
    async def duplicate_profile(self) -> None:
        """Copy the profile under a new name and id; its secrets are copied in the keychain."""
        from wizard.core.profiles import duplicate_profile

        profile = self.selected_profile()
        if profile is None:
            return
        name = await manager_dialogs.ask_text(self, "Duplicate profile", "Name of the copy:", self._free_name(profile))
        if not name:
            return
        copy = await self._work(f"Duplicating {profile.name}…", "Could not duplicate the profile",
                                duplicate_profile, self.store, self.secret_store, profile.name, name)
        if copy is not FAILED:
            await self.reload(copy.id)

    @_action
    async def rename_profile(self) -> None:
        """Rename: the id stays, so the keychain is untouched."""
        profile = self.selected_profile()
        if profile is None:
            return
        name = await manager_dialogs.ask_text(self, "Rename profile", "New name:", profile.name)
        if not name or name == profile.name:
            return
        renamed = await self._work(f"Renaming {profile.name}…", "Could not rename the profile",
                                   self._rename, profile.name, name)
        if renamed is not FAILED:
            await self.reload(profile.id)

    def _rename(self, old: str, new: str) -> None:
        """Blocking: rename, and keep cross-account profiles that assume their role from it ("profile:OLD") pointing
        at it."""
        self.store.rename(old, new)
        for dependent in dependents(self.store.list(), old):
            dependent.connection.source = f"profile:{new}"
            self.store.update(dependent)

    @_action
    async def delete_profile(self) -> None:
        """After confirmation, remove the keychain entries first, then the profile."""
        from wizard.core.profiles import remove_profile

        profile = self.selected_profile()
        if profile is None:
            return
        text = f"Delete the profile “{profile.name}”?"
        if profile.connection.uses_keys:
            text += f" Its secrets are removed from {self.backend} too."
        users = [p.name for p in dependents(self.model.profiles(), profile.name)]
        if users:
            text += f" These connections assume their role with its keys and will stop working: {', '.join(users)}."
        if not await manager_dialogs.confirm(self, "Delete profile", text, "Delete"):
            return
        removed = await self._work(f"Deleting {profile.name}…", "Could not delete the profile",
                                   remove_profile, self.store, self.secret_store, profile.name)
        if removed is FAILED:
            return
        self.reports.pop(profile.id, None)
        self.status_text.setText(f"Deleted {profile.name}.")
        await self.reload()

    @_action
    async def renew_token(self) -> None:
        """Ask for the new temporary credentials (masked), store them in the keychain and restart the token's clock."""
        profile = self.selected_profile()
        if profile is None or not profile.connection.uses_keys:
            return
        dialog = manager_dialogs.RenewTokenDialog(profile.name, profile.connection.access_key_id, self)
        accepted = await self._await_dialog(dialog) == QDialog.DialogCode.Accepted
        values = dialog.values() if accepted else None
        dialog.forget()
        dialog.deleteLater()
        if values is None:
            return
        key_id, secret, token = values
        renewed = await self._work(f"Storing the new session token of {profile.name}…",
                                   "Could not store the session token", self._renew, profile, key_id, secret, token)
        if renewed is FAILED:
            return
        self.status_text.setText(f"New session token stored for {profile.name}. Press Test (F5) to check it.")
        await self.reload(profile.id)

    def _renew(self, profile, key_id: str, secret: str, token: str):
        """Blocking: keep the stored secret access key when no new one was given."""
        from wizard.core.profiles import renew_session_token

        secret = secret or self._load_secrets(profile).secret_access_key
        secrets = Secrets(secret_access_key=secret, session_token=token)
        return renew_session_token(self.store, self.secret_store, profile.name, secrets, key_id)

    @_action
    async def import_profiles(self) -> None:
        """Read the AWS shared files (off the GUI thread), let the user choose, import as untested profiles."""
        from wizard.core import awsconfig

        paths = (awsconfig.config_path(), awsconfig.credentials_path())
        plans = await self._work("Reading the AWS shared files…", "Could not read the AWS shared files",
                                 lambda: awsconfig.plan_import(awsconfig.read_shared_files(*paths)))
        if plans is FAILED:
            return
        taken = {p.name for p in self.model.profiles()}
        dialog = ImportDialog(plans, taken, f"{paths[0]} and {paths[1]}", self)
        del plans  # holds secrets: keep them no longer than needed
        accepted = await self._await_dialog(dialog) == QDialog.DialogCode.Accepted
        chosen = dialog.chosen()
        dialog.deleteLater()
        if not accepted or not chosen:
            return
        items = await self._work("Importing…", "Could not import", awsconfig.import_profiles, self.store,
                                 self.secret_store, *paths, only=chosen)
        if items is FAILED:
            return
        imported = [i.aws_name for i in items if i.status == "imported"]
        skipped = [f"{i.aws_name}: {i.reason}" for i in items if i.status != "imported"]
        self.status_text.setText(f"Imported {len(imported)} profile(s).")
        self.last_message = manager_dialogs.show_message(
            self, "Import", f"Imported {len(imported)} profile(s) as untested: {', '.join(imported) or 'none'}.",
            ("Not imported:\n" + "\n".join(skipped)) if skipped else "Test them with Test (F5).",
        )
        first = next((i.profile for i in items if i.profile is not None), None)
        await self.reload(first.id if first else None)

    @_action
    async def export_profile(self) -> None:
        """Write the selected profile into the AWS config file (credential_process; practice profiles refused)."""
        from wizard.core import awsconfig

        profile = self.selected_profile()
        if profile is None:
            return
        if profile.practice:
            self._problem("Export", ValueError("Practice profiles talk to the local emulator; they are not exported."))
            return
        dialog = ExportDialog(profile.name, str(awsconfig.config_path()),
                              awsconfig.can_sdk_assume(profile.connection), self)
        accepted = await self._await_dialog(dialog) == QDialog.DialogCode.Accepted
        choices = dialog.choices()
        dialog.deleteLater()
        if not accepted:
            return
        result = await self._work(f"Exporting {profile.name}…", "Could not export the profile",
                                  awsconfig.export_profile, self.store, profile.name, **choices)
        if result is FAILED:
            return
        text = (f"Exported as the AWS profile “{result.aws_name}” into {result.path}. Try it with:\n"
                f"aws sts get-caller-identity --profile {result.aws_name}")
        details = [f"Previous file saved as {result.backup}."] if result.backup else []
        self.status_text.setText(f"Exported {profile.name} to {result.path}.")
        self.last_message = manager_dialogs.show_message(self, "Export", text, "\n".join(details + result.warnings))

    # --- pieces --------------------------------------------------------------------------------------------------

    def _ensure_test_view(self):
        if self.test_view is None:
            from wizard.ui.test_view import ConnectionTestView

            self.test_view = ConnectionTestView()
            self.test_view.setObjectName("liveTest")
            self.details.set_test_view(self.test_view)
        return self.test_view

    async def _make_wizard(self, *, practice: bool = False, connection=None, secrets=None, name: str = ""):
        """A wizard for a new connection (practice values when `practice`) or pre-filled to edit one; None when the
        practice emulator could not start."""
        from wizard.ui.wizard import ConnectionWizard

        names = [p.name for p in self.model.profiles()]  # taken names, and the cross-account sources offered
        if connection is not None:
            wizard = ConnectionWizard(self, connection=connection, secrets=secrets, saved_profiles=names,
                                      profile_name=name)
        elif not practice:
            wizard = ConnectionWizard(self, saved_profiles=names, endpoint_url=self.endpoint_url)
        else:
            emulator = await self._practice_emulator()
            if emulator is None:
                return None
            wizard = ConnectionWizard(self, practice=emulator.practice, endpoint_url=emulator.url,
                                      saved_profiles=names)
        self._supply_source_credentials(wizard)
        return wizard

    async def _practice_emulator(self):
        """The running practice emulator, started off the GUI thread on first need."""
        if self.emulator is None:
            from wizard.practice.aws_emulator import AwsEmulator

            started = await self._work("Starting the practice emulator on 127.0.0.1…", "Could not start practice mode",
                                       lambda: AwsEmulator().start())
            if started is FAILED:
                return None
            self.emulator, self._own_emulator = started, True
        return self.emulator

    def _track(self, task: asyncio.Task) -> asyncio.Task:
        """Remember a running task of this window, so that closing the window cancels it."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._closed = True
        self._settle.stop()
        self._clock.stop()
        for task in list(self._tasks):  # a running action (its dialogs, the test, the store writes) stops here
            task.cancel()
        if self.test_view is not None:
            self.test_view.cancel()
        if self._own_emulator and self.emulator is not None:
            self.emulator.stop()  # local threads only; nothing on the network
            self.emulator, self._own_emulator = None, False
        super().closeEvent(event)

    @staticmethod
    def _wizard_result(wizard):
        """(name, connection, secrets, report or None, untested) from a finished wizard."""
        name = wizard.profile_name()
        report = wizard.property("test_report")
        untested = bool(wizard.property("untested"))
        return str(name).strip(), wizard.connection(), wizard.secrets(), report, untested

    def _free_name(self, profile) -> str:
        taken = {p.name for p in self.model.profiles()}
        candidate, n = f"{profile.name}-copy", 2
        while candidate in taken:
            candidate, n = f"{profile.name}-copy-{n}", n + 1
        return candidate


def practice_command() -> list[str]:
    """This program with --practice: the bundled executable when frozen (PyInstaller), else `python -m wizard`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--practice"]
    return [sys.executable, "-m", "wizard", "--practice"]


def open_main_window(practice: bool = False) -> ProfileManagerWindow:
    """The window the program opens on (DESIGN §8): the profile manager, with the wizard opened over its empty state
    when there is no profile yet, so that Finish lands on the new profile. In practice mode the manager only: the
    practice session starts its emulators first (`wizard.ui.practice_panel.start_practice`). Call with the qasync loop
    set as asyncio's event loop; the wizard opens once it runs."""
    window = ProfileManagerWindow(practice=practice)
    window.show()
    if not practice and not window.store.list():  # a small local file, read once at start
        window.new_profile()
    return window
