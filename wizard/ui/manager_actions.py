"""What the profile manager's actions do: New, Edit, Test, Duplicate, Rename, Delete, Renew token, Import, Export.

`ProfileActions` is mixed into `wizard.ui.manager.ProfileManagerWindow`, which provides the state these methods use:
`store`, `secret_store`, the table `model`, `_work` (blocking work off the GUI thread with the actions disabled and
progress shown; FAILED after telling the user), `_await_dialog`, `_track` and `reload`. Each action runs as one task
(`_action`); blocking helpers (`_renew`, `_rename`, ...) run in the executor, never on the GUI thread.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import subprocess
import sys

import shiboken6
from PySide6.QtWidgets import QDialog

from wizard.core.connection import Secrets
from wizard.core.tokens import can_renew
from wizard.ui import manager_dialogs
from wizard.ui.aws_files_dialogs import ExportDialog, ImportDialog
from wizard.ui.engine_options import engine_options

FAILED = object()  # what `_work` returns after showing a problem


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


def practice_available() -> bool:
    """Whether practice mode can run in this installation: it needs the local AWS emulator (moto), which an installed
    (frozen) build may leave out. Only looks the module up (cheap); doesn't import it."""
    return importlib.util.find_spec("moto") is not None


def practice_command() -> list[str]:
    """This program with --practice: the bundled executable when frozen (PyInstaller), else `python -m wizard`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--practice"]
    return [sys.executable, "-m", "wizard", "--practice"]


class ProfileActions:
    """The actions of the profile manager window (a mixin: see the module docstring)."""

    def _load_secrets(self, profile) -> Secrets:
        """Blocking (run it off the GUI thread): the profile's secrets; none for a cross-account profile."""
        return self.secret_store.load(profile.id) if profile.connection.uses_keys else Secrets()

    def _test_inputs(self, profile) -> tuple[Secrets, dict]:
        """Blocking: the secrets and extra engine arguments for testing `profile`. Cross-account from a saved profile
        ("profile:NAME"): that profile's keys call AssumeRole."""
        conn = profile.connection
        if conn.method != "cross-account" or not conn.source.startswith("profile:"):
            return self._load_secrets(profile), engine_options(conn)  # the instance step for assume-role
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
        name, conn, secrets, report, untested = self._wizard_result(wizard)
        name = name or (profile.name if profile else "")
        saved = await self._work(
            f"Saving {name}…", "Could not save the connection", self._save, profile, name, conn, secrets,
            report=report, untested=untested, practice=practice, saves=True,
        )
        if saved is FAILED:
            return
        if report is not None:
            self.reports[saved.id] = report.to_text()
        self.status_text.setText(f"Saved {saved.name}.")
        await self.reload(saved.id)

    def _save(self, previous, name: str, conn, secrets, **kw):
        """Blocking: save_connection (new, or `previous` edited under its id); an edit that renamed the profile keeps
        the cross-account profiles that assume their role from it pointing at it."""
        from wizard.core.profiles import save_connection

        saved = save_connection(self.store, self.secret_store, name, conn, secrets,
                                profile_id=previous.id if previous else None, **kw)
        if previous is not None and saved.name != previous.name:
            self._repoint(previous.name, saved.name)
        return saved

    def _repoint(self, old: str, new: str) -> None:
        """Blocking: cross-account profiles assumed from profile `old` now name `new`."""
        for dependent in dependents(self.store.list(), old):
            dependent.connection.source = f"profile:{new}"
            self.store.update(dependent)

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
                                duplicate_profile, self.store, self.secret_store, profile.name, name, saves=True)
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
        self._repoint(old, new)

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
        if not can_renew(profile):  # session tokens only: long-term keys (AKIA...) have nothing to renew
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
                                   "Could not store the session token", self._renew, profile, key_id, secret, token,
                                   saves=True)
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

            view = ConnectionTestView()
            view.setObjectName("liveTest")
            # "Test again" is the manager's Test, so that its result is recorded in the profile like F5's
            view.test_again_button.clicked.disconnect(view.test_again)
            view.test_again_button.clicked.connect(lambda *_: self.test_profile())
            self.details.set_test_view(view)
            self.test_view = view
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
