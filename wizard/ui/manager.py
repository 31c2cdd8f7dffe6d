"""The profile manager: the main window when profiles exist.

A table of profiles, a toolbar of actions, and the selected profile's details with its last test report. Every keychain
call, store read/write and connection test runs off the GUI thread (executor or the engine's own executor calls),
awaited on the qasync loop; while one runs, the actions that would conflict are disabled and a progress bar shows.
Dialogs are opened with `open()` and awaited (`manager_dialogs.run_dialog`), never with a nested `exec()`.

This module lays the window out and keeps its state. What each action does is a small object with its dependencies in
a `ManagerContext` (`wizard.ui.manager_context`): `connection_actions` (New, Edit, Test), `profile_actions`
(Duplicate, Rename, Delete, Renew token, over `wizard.core.profile_service`), `aws_files_actions` (Import, Export);
the toolbar and shortcuts are in `manager_toolbar`, the empty state in `empty_state`, practice mode in
`practice_launch`, reading the store (and following its changes) in `manager_loading`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QWidget,
)

from wizard.ui.connection_actions import TestAction, WizardAction, WizardSettings
from wizard.ui.empty_state import PRACTICE_UNAVAILABLE, EmptyState
from wizard.ui.manager_context import FAILED, ManagerContext
from wizard.ui.manager_layout import TABLE_ROWS, central_pages, status_bar_parts, table_height
from wizard.ui.manager_loading import ProfileLoading, store_is_empty
from wizard.ui.manager_toolbar import add_actions, is_enabled, label_renew
from wizard.ui.manager_work import ManagerWork, ask_in_worker
from wizard.ui.practice_launch import PracticeLauncher, practice_available, start_practice_emulator
from wizard.ui.profile_actions import DeleteAction, DuplicateAction, RenameAction, RenewAction
from wizard.ui.profile_details import ProfileDetails
from wizard.ui.profile_table import ProfileRole, ProfileTableModel, profile_table_view
from wizard.ui.translator import translate
from wizard.ui.warm_up import warm_up_in_background

if TYPE_CHECKING:  # asyncio loads after the first paint (it is used once the loop runs)
    import asyncio

__all__ = ["FAILED", "PRACTICE_UNAVAILABLE", "TABLE_ROWS", "ProfileManagerWindow", "open_main_window", "table_height"]



def _runner(name: str):
    """A window method that starts action `name` (`ProfileManagerWindow._runs`): the task, or None when busy."""

    def start(self):
        return self._start(self._runs[name])

    start.__name__ = f"start_{name}"
    return start



class ProfileManagerWindow(QMainWindow):
    """The main window: profiles, their actions, details and last test report."""

    profiles_loaded = Signal()  # after every reload of the table
    busy_changed = Signal(bool)
    idle = Signal()  # an action finished
    _backend_named = Signal(str)  # from the worker that asked the keychain which backend it uses

    def __init__(self, store=None, secret_store=None, *, practice: bool = False, emulator=None,
                 endpoint_url: str = "", load_on_show: bool = True, parent: QWidget | None = None):
        """`practice`: new connections go to practice mode's local emulator (`emulator`, a running
        wizard.practice.aws_emulator.AwsEmulator, or one started on first need and stopped with the window).
        `endpoint_url`: given to new connections (a VPC endpoint, or a local emulator in tests).
        `load_on_show`: read the store when first shown (needs asyncio's event loop set); False: the program shows the
        window before its loop exists and calls `start_loading()` once it does."""
        super().__init__(parent)
        from wizard.core.keychain import SecretStore
        from wizard.core.profiles import ProfileStore

        self.store = store if store is not None else ProfileStore()
        self.secret_store = secret_store if secret_store is not None else SecretStore()
        self.practice = practice or emulator is not None
        self.emulator, self._own_emulator, self.endpoint_url = emulator, False, endpoint_url
        self.backend = translate("manager", "the OS keychain")
        self.reports: dict[str, str] = {}  # profile id -> redacted text of the last report seen in this session
        self.saved_reports: dict[str, str] = {}  # profile id -> text of the last report kept in the profile file
        # botocore's data is parsed in a worker once the rows are on screen (not during the first Test: parsing holds
        # the GIL), and the keychain's backend is named in the details then too (asking imports keyring): `_after_rows`
        self._backend_named.connect(self._backend_known)
        self._load_on_show = load_on_show
        self._action_running, self._closed = False, False
        self._tasks: set[asyncio.Task] = set()

        self.setWindowTitle(
            translate("manager", "AWS Connection Wizard: profiles") + (" (practice)" if self.practice else "")
        )
        self.resize(980, 680)
        self.model = ProfileTableModel(self)
        self.table = profile_table_view(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(lambda _index: self.actions["edit"].trigger())

        self.details = ProfileDetails()
        self.empty = EmptyState(practice_available=self.practice or practice_available())
        self.empty.create_button.clicked.connect(lambda: self.new_profile())
        self.empty.practice_button.clicked.connect(self.try_practice)
        if self.practice:  # the banner saying that nothing reaches AWS comes from wizard.ui.practice_panel
            self.empty.practice_button.setText(translate("manager", "Create a practice connection"))
        self.pages = central_pages(self.table, self.details, self.empty)
        self.setCentralWidget(self.pages)
        self.status_text, self.progress = status_bar_parts(self)
        self.worker = ManagerWork(self, self.status_text, self.progress, self._busy_changed)
        self._work = self.worker.work  # also what practice mode's start shows its progress with

        ctx = ManagerContext(
            store=self.store, secret_store=self.secret_store, parent=self, selected=self.selected_profile,
            profiles=self.model.profiles, work=self.worker.work, busy=self.worker.busy, problem=self.worker.problem,
            await_dialog=self.worker.await_dialog, status=self.status_text.setText, reload=self.reload,
            track=self.track, reports=self.reports, backend=lambda: self.backend, tell=self.worker.tell,
        )
        self._wizard = WizardAction(ctx, WizardSettings(self.practice, endpoint_url, self._practice_emulator))
        self._test = TestAction(ctx, self._place_test_view, self.test_profile)
        self._practice_launcher = PracticeLauncher(self.status_text.setText, self.worker.problem, self)
        self._runs = {
            "new": self._wizard.run, "edit": self._wizard.edit, "test": self._test.run,
            "duplicate": DuplicateAction(ctx).run, "rename": RenameAction(ctx).run, "delete": DeleteAction(ctx).run,
            "renew": RenewAction(ctx).run, "import": _files_action(ctx, "ImportAction"),
            "export": _files_action(ctx, "ExportAction"),
        }
        self.actions = add_actions(self, lambda name: self._start(self._runs[name]))
        from wizard.ui.mfa_manager import MfaSessionWatch

        self.mfa_watch = MfaSessionWatch(self, self.details.mfa_countdown)

        self.loading = ProfileLoading(self, self._after_rows)
        self._clock = QTimer(self, interval=30_000)
        self._clock.timeout.connect(self.model.refresh_times)
        self._clock.timeout.connect(self.details.refresh_times)  # the same clock: the table and details agree
        self._clock.start()
        self._update_actions()
        self.pages.setCurrentWidget(self.empty)

    # --- the actions: one at a time, each a task on the qasync loop (None when another one runs) -------------------

    def new_profile(self, practice: bool = False):
        return self._start(self._wizard.run, practice)

    edit_profile, test_profile = _runner("edit"), _runner("test")
    duplicate_profile, rename_profile, delete_profile = _runner("duplicate"), _runner("rename"), _runner("delete")
    renew_token, import_profiles, export_profile = _runner("renew"), _runner("import"), _runner("export")

    def try_practice(self) -> None:
        """In practice mode, a new practice connection; otherwise the program in practice mode, as its own process."""
        if self.practice:
            self.new_profile(practice=True)
        else:
            self._practice_launcher.launch()

    @property
    def practice_process(self):
        return self._practice_launcher.process

    @property
    def practice_output(self):
        return self._practice_launcher.output

    @practice_output.setter
    def practice_output(self, value) -> None:
        self._practice_launcher.output = value

    def _start(self, run, *args):
        """From the call on (dialogs included) the actions are disabled and `is_busy()` is true until the table shows
        the outcome; `idle` is emitted at the end. Returns the task, or None when another action is running."""
        if self.is_busy():
            return None
        self._action_running = True
        self._update_actions()

        async def action():
            try:
                await run(*args)
            except Exception:  # a bug, not a user problem (those are shown by _work): report it like qasync does
                sys.excepthook(*sys.exc_info())
            finally:
                if shiboken6.isValid(self):  # a closed window's tasks are cancelled; it may be gone by now
                    self._action_running = False
                    self._update_actions()
                    self.idle.emit()

        import asyncio

        return self.track(asyncio.ensure_future(action()))

    # --- state -----------------------------------------------------------------------------------------------------

    def selected_profile(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], ProfileRole) if rows else None

    def is_busy(self) -> bool:
        return self.worker.count > 0 or self._action_running

    @property
    def active_dialog(self) -> QDialog | None:
        """The wizard or dialog an action is waiting on."""
        return self.worker.active_dialog

    @property
    def last_problem(self):
        return self.worker.last_problem  # the last problem message box, kept for inspection

    @property
    def last_message(self):
        return self.worker.last_message  # the last information box (import and export results)

    def _busy_changed(self) -> None:
        self._update_actions()
        self.busy_changed.emit(self.is_busy())

    def select_profile(self, profile_id: str) -> None:
        row = self.model.row_of(profile_id)
        if row >= 0:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().select(self.model.index(row, 0), flags)
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _update_actions(self) -> None:
        profile, busy = self.selected_profile(), self.is_busy()
        for name, action in self.actions.items():
            action.setEnabled(is_enabled(name, profile, busy))
        label_renew(self.actions["renew"], profile)  # "Renew MFA session…", "Renew session token…"
        self.empty.setEnabled(not busy)

    def _selection_changed(self, *_args) -> None:
        self._show_details()
        self._update_actions()

    def _show_details(self) -> None:
        profile = self.selected_profile()
        text = (self.reports.get(profile.id) or self.saved_reports.get(profile.id, "")) if profile else ""
        self.details.show_profile(profile, text, self.backend)
        self._follow_mfa_session()
        if self.test_view is not None:  # the live steps belong to the profile they tested
            tested = self.test_view.is_running() or (profile is not None and profile.id == self._test.tested_id)
            self.details.show_test_view(tested)

    def _place_test_view(self, view) -> None:
        """The live test view goes in the details' Test tab, which comes forward when a test starts or ends."""
        self.details.set_test_view(view)
        def reveal(*_args) -> None:
            self.details.show_test_view(True)
            self.details.show_test_tab()

        view.started.connect(reveal)
        view.finished.connect(reveal)
        view.finished.connect(lambda *_: self._follow_mfa_session())  # a test may have started an MFA session

    def _follow_mfa_session(self) -> None:
        """The selected profile's MFA session on the countdown (read from the keychain off the GUI thread)."""
        if getattr(self, "mfa_watch", None) is not None:
            self.mfa_watch.follow_selected(self.selected_profile(), self.track)

    @property
    def test_view(self):
        """The live test view (None before the first Test)."""
        return self._test.view

    async def _practice_emulator(self):
        """The running practice emulator, started off the GUI thread on first need; None if it could not start."""
        if self.emulator is None:
            self.emulator = await start_practice_emulator(self.worker.work)
            self._own_emulator = self.emulator is not None
        return self.emulator

    # --- reading the store (`wizard.ui.manager_loading`) ------------------------------------------------------------

    def reload(self, select_id: str | None = None) -> asyncio.Task:
        """Read the store (off the GUI thread) and show it; keep or set the selection."""
        return self.loading.reload(select_id)

    def start_loading(self) -> None:
        """Read the store now (the program calls it once its event loop is set, the window being on screen)."""
        self._load_on_show = True
        self.loading.start()

    @property
    def loaded(self) -> bool:
        return self.loading.loaded

    def show_profiles(self, profiles: list, saved_reports: dict[str, str], select_id: str | None) -> None:
        """What the store holds, in the table; the selection kept (or `select_id`, or the first row)."""
        if select_id is None and self.selected_profile() is not None:  # the selection as it is now, after the reads
            select_id = self.selected_profile().id
        self.saved_reports = saved_reports
        self.model.set_profiles(profiles)
        self.pages.setCurrentIndex(1 if not profiles else 0)
        if select_id or profiles:
            self.select_profile(select_id or self.model.profile_at(0).id)
        self._show_details()
        self._update_actions()

    def open_wizard_if_empty(self) -> None:
        """With no profile yet (and not in practice mode), the wizard over the empty manager (needs the loop set)."""
        if store_is_empty(self):
            self.new_profile()

    def is_closed(self) -> bool:
        return self._closed or not shiboken6.isValid(self) or not shiboken6.isValid(self.model)

    def _after_rows(self) -> None:
        """What the first rows on screen were not kept waiting for: botocore's warm-up, the keychain backend's name."""
        warm_up_in_background()
        ask_in_worker(self.secret_store.backend_name, self._backend_named.emit, lambda: shiboken6.isValid(self))

    def _backend_known(self, name: str) -> None:
        if not self._closed and name and name != self.backend:
            self.backend = name
            self._show_details()

    def track(self, task: asyncio.Task) -> asyncio.Task:
        """Remember a running task of this window, so that closing the window cancels it."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- Qt events ---------------------------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._closed = False
        self._clock.start()
        if self._load_on_show:
            self.loading.start()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._closed = True
        self.loading.stop()
        self._clock.stop()
        self._practice_launcher.stop_watching()
        if self.active_dialog is not None:  # the wizard or a question an action waits on goes with the window
            getattr(self.active_dialog, "discard", self.active_dialog.reject)()  # no question: the window goes
        for task in list(self._tasks):  # a running action (its dialogs, the test, the store writes) stops here
            task.cancel()
        if self.test_view is not None:
            self.test_view.cancel()
        if self._own_emulator and self.emulator is not None:
            self.emulator.stop()  # local threads only; nothing on the network
            self.emulator, self._own_emulator = None, False
        super().closeEvent(event)


def open_main_window(practice: bool = False) -> ProfileManagerWindow:
    """The window the program opens on: the profile manager, with the wizard opened over its empty state when there
    is no profile yet, so that Finish lands on the new profile. In practice mode the manager only: the practice session
    starts its emulators first (`wizard.ui.practice_panel.start_practice`). Call with the qasync loop set as asyncio's
    event loop; the wizard opens once it runs."""
    window = ProfileManagerWindow(practice=practice)
    window.show()
    window.open_wizard_if_empty()
    return window


def _files_action(ctx: ManagerContext, name: str):
    """Import or Export: its dialogs' module loads when first used, not before the window's first paint."""
    made = []

    async def run(*args):
        if not made:
            from wizard.ui import aws_files_actions

            made.append(getattr(aws_files_actions, name)(ctx))
        return await made[0].run(*args)

    return run

