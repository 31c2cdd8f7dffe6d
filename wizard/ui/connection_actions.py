"""The manager's actions on a connection's settings: New and Edit (the wizard, then a save) and Test.

Small objects with explicit dependencies: a `ManagerContext` and, for the wizard, a `WizardSettings` (practice mode,
the endpoint, the practice emulator). Saving goes through `wizard.core.profile_service.save_edit` (keychain first,
then the file; an edit that renamed the profile repoints its cross-account users), as the command line's does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QDialog

from wizard.core import profile_service
from wizard.core.connection import Secrets
from wizard.core.profiles import record_test
from wizard.ui.engine_options import engine_options
from wizard.ui.manager_context import FAILED, ManagerContext, ProfileAction
from wizard.ui.translator import translate


# --- the test's inputs: the one place the manager decides how a saved profile is tested ------------------------
def load_secrets(secret_store, profile) -> Secrets:
    """Blocking (run it off the GUI thread): the profile's secrets; none for a cross-account profile."""
    return secret_store.load(profile.id) if profile.connection.uses_keys else Secrets()


def source_credentials(store, secret_store, name: str) -> dict:
    """Blocking: the keys of saved profile `name`, as the engine's `source_credentials`."""
    source = store.get(name)
    secrets = secret_store.load(source.id)
    return {
        "access_key_id": source.connection.access_key_id,
        "secret_access_key": secrets.secret_access_key,
        "session_token": secrets.session_token,
    }


def test_inputs(store, secret_store, profile) -> tuple[Secrets, dict]:
    """Blocking: the secrets and extra engine arguments for testing `profile` (`ConnectionTest(conn, secrets,
    **options)`). Cross-account from a saved profile ("profile:NAME"): that profile's keys call AssumeRole; otherwise
    the profile's own secrets and `engine_options` (the EC2 instance step for assume-role)."""
    source = profile_service.source_name(profile.connection)
    if source is None:
        return load_secrets(secret_store, profile), engine_options(profile.connection)
    return Secrets(), {"source_credentials": source_credentials(store, secret_store, source)}


def record(store, profile, report) -> None:
    """Blocking: the test's outcome into the stored profile."""
    store.update(record_test(store.get_by_id(profile.id), report))


class TestAction(ProfileAction):
    """Run the connection test live in the details area and record the result in the profile. The live view
    (`ConnectionTestView`) is made on first use and placed with `place(view)`; its "Test again" runs `again()` (the
    manager's Test, so that the result is recorded like F5's). `tested_id`: the profile the view shows."""

    __test__ = False  # not a pytest test class

    def __init__(self, ctx: ManagerContext, place: Callable[[Any], None], again: Callable[[], Any]) -> None:
        super().__init__(ctx)
        self.place, self.again = place, again
        self.view = None
        self.tested_id: str | None = None

    def ensure_view(self):
        if self.view is None:
            from wizard.ui.test_view import ConnectionTestView

            view = ConnectionTestView()
            view.setObjectName("liveTest")
            view.test_again_button.clicked.disconnect(view.test_again)
            view.test_again_button.clicked.connect(lambda *_: self.again())
            self.place(view)
            self.view = view
        return self.view

    async def on(self, profile) -> None:
        ctx = self.ctx
        with ctx.busy(translate("connection_actions", 'Testing {name}…').format(name=profile.name)):
            inputs = await ctx.work(
                translate("connection_actions", "Reading the secrets…"),
                translate("connection_actions", "Could not read the profile's secrets"),
                test_inputs,
                ctx.store,
                ctx.secret_store,
                profile,
            )
            if inputs is FAILED:
                return
            secrets, options = inputs
            view = self.ensure_view()
            self.tested_id = profile.id
            view.show()
            report = await view.start(profile.connection, secrets, **options)
            if report is None:  # cancelled or stopped: nothing recorded
                ctx.status(f"{profile.name}: {view.status.text()}")
                return
            ctx.reports[profile.id] = report.to_text()
            await ctx.work(
                translate("connection_actions", "Recording the result…"),
                translate("connection_actions", "Could not record the test result"),
                record,
                ctx.store,
                profile,
                report,
            )
        ctx.status(test_outcome(profile.name, report))
        await ctx.reload(profile.id)


def test_outcome(name: str, report) -> str:
    """The status bar after a test: 'NAME: ✓ the connection works.' or 'NAME: ✗ wrong-secret-key: summary'."""
    if report.ok:
        return translate("connection_actions", '{name}: ✓ the connection works (tested just now).').format(name=name)
    failure = report.failure
    diagnosis = failure.diagnosis if failure is not None else None
    if diagnosis is None:
        return translate("connection_actions", '{name}: ✗ the test failed.').format(name=name)
    return f"{name}: ✗ {diagnosis.code}: {translate('diagnoses', diagnosis.summary)}"


# --- the wizard -----------------------------------------------------------------------------------------------------
@dataclass
class WizardSettings:
    """How new connections are made: `practice` (against the local emulator), `endpoint_url` (a VPC endpoint, or an
    emulator in tests), and `practice_emulator()`, which awaits the running practice emulator (None if it failed)."""

    practice: bool
    endpoint_url: str
    practice_emulator: Callable[[], Awaitable[Any]]


def wizard_result(wizard):
    """(name, connection, secrets, report or None, untested) from a finished wizard."""
    name = wizard.profile_name()
    report = wizard.property("test_report")
    untested = bool(wizard.property("untested"))
    return str(name).strip(), wizard.connection(), wizard.secrets(), report, untested


class WizardAction:
    """New (`run()`, or `run(practice=True)`) and Edit (`edit()`): open the wizard, and on Finish save the secrets to
    the keychain, then the profile file (off the GUI thread)."""

    def __init__(self, ctx: ManagerContext, settings: WizardSettings) -> None:
        self.ctx, self.settings = ctx, settings

    async def run(self, practice: bool = False) -> None:
        practice = practice or self.settings.practice
        wizard = await self._make_wizard(practice=practice)
        if wizard is None:
            return
        if await self.ctx.await_dialog(wizard) == QDialog.DialogCode.Accepted:
            await self._save(wizard, None, practice=practice)
        wizard.deleteLater()

    async def edit(self) -> None:
        """The wizard pre-filled (secrets read from the keychain off the GUI thread); saved under the same id."""
        ctx = self.ctx
        profile = ctx.selected()
        if profile is None:
            return
        secrets = await ctx.work(
            translate("connection_actions", "Reading {name} from the keychain…").format(name=profile.name),
            translate("connection_actions", "Could not read the profile's secrets"),
            load_secrets,
            ctx.secret_store,
            profile,
        )
        if secrets is FAILED:
            return
        wizard = await self._make_wizard(connection=profile.connection, secrets=secrets, name=profile.name)
        wizard.setWindowTitle(translate("connection_actions", 'Edit connection — {name}').format(name=profile.name))
        if await ctx.await_dialog(wizard) == QDialog.DialogCode.Accepted:
            await self._save(wizard, profile, practice=profile.practice)
        wizard.deleteLater()

    async def _save(self, wizard, profile, *, practice: bool) -> None:
        ctx = self.ctx
        name, conn, secrets, report, untested = wizard_result(wizard)
        name = name or (profile.name if profile else "")
        saved = await ctx.work(
            translate("connection_actions", "Saving {name}…").format(name=name),
            translate("connection_actions", "Could not save the connection"),
            profile_service.save_edit,
            ctx.store,
            ctx.secret_store,
            profile,
            name,
            conn,
            secrets,
            report=report,
            untested=untested,
            practice=practice,
            saves=True,
        )
        if saved is FAILED:
            return
        if report is not None:
            ctx.reports[saved.id] = report.to_text()
        ctx.status(translate("connection_actions", 'Saved {name}.').format(name=saved.name))
        await ctx.reload(saved.id)

    async def _make_wizard(self, *, practice: bool = False, connection=None, secrets=None, name: str = ""):
        """A wizard for a new connection (practice values when `practice`) or pre-filled to edit one; None when the
        practice emulator could not start."""
        from wizard.ui.discard_guard import guarded
        from wizard.ui.wizard import ConnectionWizard as Plain

        ConnectionWizard = guarded(Plain)  # noqa: N806 - Escape after work asks "Discard this connection?"
        parent = self.ctx.parent
        names = [p.name for p in self.ctx.profiles()]  # taken names, and the cross-account sources offered
        if connection is not None:
            wizard = ConnectionWizard(parent, connection=connection, secrets=secrets, saved_profiles=names,
                                      profile_name=name)
        elif not practice:
            wizard = ConnectionWizard(parent, saved_profiles=names, endpoint_url=self.settings.endpoint_url)
        else:
            emulator = await self.settings.practice_emulator()
            if emulator is None:
                return None
            wizard = ConnectionWizard(parent, practice=emulator.practice, endpoint_url=emulator.url,
                                      saved_profiles=names)
        supply_source_credentials(self.ctx, wizard)
        wizard.remember_start()
        return wizard


def supply_source_credentials(ctx: ManagerContext, wizard) -> None:
    """A cross-account connection assumed from a saved profile ("profile:NAME") needs that profile's keys for the
    wizard's test. They are read from the keychain off the GUI thread as soon as the source is chosen (pages before
    the test), and added to the wizard's `test_options` when the test starts; a test that started before they arrived
    runs again."""
    cache: dict[str, dict] = {}
    combo = wizard.credentials_page.rows["source"].editor
    base_options = wizard.test_options

    async def fill(name: str) -> None:
        try:
            cache[name] = await asyncio.get_running_loop().run_in_executor(
                None, source_credentials, ctx.store, ctx.secret_store, name)
        except Exception as exc:  # the wizard's test then reports the missing credentials itself
            ctx.status(
                translate("connection_actions", "Could not read the keys of {name}: {__name__}").format(
                    name=name, __name__=type(exc).__name__
                )
            )
            return
        page = wizard.test_page
        if page is not None and wizard.currentPage() is page and wizard.connection().source == f"profile:{name}":
            page.start_test()  # the test started before the keys arrived: run it again with them

    def chosen(*_args) -> None:
        source = str(combo.currentData() or "")
        name = source.removeprefix("profile:")
        if source.startswith("profile:") and name not in cache:
            ctx.track(asyncio.ensure_future(fill(name)))

    def options() -> dict:
        result = dict(base_options())
        name = profile_service.source_name(wizard.connection())
        if name is not None and cache.get(name):
            result["source_credentials"] = cache[name]
        return result

    wizard.test_options = options  # what the test page asks the wizard for (wizard.ui.test_page.test_options)
    combo.currentIndexChanged.connect(chosen)
    chosen()
