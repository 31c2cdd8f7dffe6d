"""The manager's actions on a connection's settings: New and Edit (the wizard, then a save) and Test.

Small objects with explicit dependencies: a `ManagerContext` and, for the wizard, a `WizardSettings` (practice mode,
the endpoint, the practice emulator). Saving goes through `wizard.core.profile_service.save_edit` (keychain first,
then the file; an edit that renamed the profile repoints its cross-account users), as the command line's does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QDialog

from wizard.core.connection import Secrets
from wizard.core.profiles import record_test
from wizard.ui.manager_context import FAILED, ManagerContext, ProfileAction
from wizard.ui.translator import translate


# --- the test's inputs: the one place the manager decides how a saved profile is tested ------------------------
def load_secrets(secret_store, profile) -> Secrets:
    """Blocking (run it off the GUI thread): the profile's secrets; none for a cross-account profile."""
    return secret_store.load(profile.id) if profile.connection.uses_keys else Secrets()


def load_for_edit(secret_store, profile) -> tuple[Secrets, str]:
    """Blocking: the profile's secrets and its proxy password (for the edit wizard)."""
    from wizard.core import proxy_auth  # the blocking helpers load what they use, in their worker thread

    return load_secrets(secret_store, profile), proxy_auth.load_password(secret_store, profile.id, profile.connection)


def save_with_proxy_password(store, secret_store, profile, name, conn, secrets, proxy_password: str, *,
                             mfa_memory=None, **kw):
    """Blocking: `profile_service.save_edit`, then the proxy's password into the keychain (removed when the proxy
    asks for none), and the MFA session (or MFA-assumed role) the wizard's test won, if still usable
    (`mfa_memory`, a `wizard.core.mfa_session.MfaMemory`), so the first use after saving needs no code."""
    from wizard.core import profile_service, proxy_auth

    saved = profile_service.save_edit(store, secret_store, profile, name, conn, secrets, **kw)
    proxy_auth.save_password(secret_store, saved.id, conn, proxy_password)
    if mfa_memory is not None:
        from wizard.core.keychain import KeychainError

        try:
            mfa_memory.copy_to(secret_store, saved.id)
        except KeychainError:  # saved all the same: the first use asks for a code instead
            pass
    return saved


def test_inputs(secret_store, profile):
    """Blocking: the profile's connection as the test needs it (its proxy password from the keychain, in memory
    only) and its own secrets. Everything else (a source profile's keys, the instance role) is read by the test."""
    from wizard.core import proxy_auth

    return proxy_auth.for_test(secret_store, profile.id, profile.connection), load_secrets(secret_store, profile)


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
        with ctx.busy(translate("connection_actions", "Testing {name}…").format(name=profile.name)):
            inputs = await ctx.work(translate("connection_actions", "Reading the secrets…"),
                                    translate("connection_actions", "Could not read the profile's secrets"),
                                    test_inputs, ctx.secret_store, profile)
            if inputs is FAILED:
                return
            conn, secrets = inputs
            ctx.status(f"Testing {profile.name}…")
            view = self.ensure_view()
            self.tested_id = profile.id
            view.show()
            # the same path as the wizard and the CLI: wizard.core.credentials.plan_test (a source profile's keys
            # and the instance role are read by the test's own worker thread)
            from wizard.ui.mfa_code_prompter import gui_code_prompter

            report = await view.start(conn, secrets, profile_store=ctx.store, secret_store=ctx.secret_store,
                                      mfa_profile_id=profile.id,
                                      mfa_code=gui_code_prompter(view, profile_name=profile.name))
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
        await self._until_saved(wizard, None, practice=practice)
        wizard.deleteLater()

    async def edit(self) -> None:
        """The wizard pre-filled (secrets and the proxy password read from the keychain off the GUI thread); saved
        under the same id."""
        ctx = self.ctx
        profile = ctx.selected()
        if profile is None:
            return
        found = await ctx.work(
            translate("connection_actions", "Reading {name} from the keychain…").format(name=profile.name),
            translate("connection_actions", "Could not read the profile's secrets"),
            load_for_edit, ctx.secret_store, profile)
        if found is FAILED:
            return
        secrets, proxy_password = found
        wizard = await self._make_wizard(connection=profile.connection, secrets=secrets, name=profile.name,
                                         proxy_password=proxy_password)
        wizard.setWindowTitle(translate("connection_actions", "Edit connection — {name}").format(name=profile.name))
        await self._until_saved(wizard, profile, practice=profile.practice)
        wizard.deleteLater()

    async def _until_saved(self, wizard, profile, *, practice: bool) -> None:
        """Run the wizard; on Finish save. A save that fails shows the wizard again on its summary page with all that
        was typed, the reason, and Retry (Finish) or Cancel."""
        while await self.ctx.await_dialog(wizard) == QDialog.DialogCode.Accepted:
            problem = await self._save(wizard, profile, practice=practice)
            if not problem:
                return
            wizard.offer_retry(problem)

    async def _save(self, wizard, profile, *, practice: bool) -> str:
        """Save what the wizard holds; "" when saved, else what went wrong (in words, redacted)."""
        from wizard.ui.manager_work import off_thread, problem_text

        ctx = self.ctx
        name, conn, secrets, report, untested = wizard_result(wizard)
        name = name or (profile.name if profile else "")
        with ctx.busy(translate("connection_actions", "Saving {name}…").format(name=name)):
            try:
                saved = await off_thread(save_with_proxy_password, ctx.store, ctx.secret_store, profile, name, conn,
                                         secrets, wizard.proxy_password, report=report, untested=untested,
                                         practice=practice, mfa_memory=getattr(wizard, "mfa_memory", None))
            except Exception as exc:  # noqa: BLE001 - told to the user in the wizard, which keeps what was typed
                text, details = problem_text(exc, saves=True)
                ctx.status(translate("connection_actions", "Could not save {name}: the wizard keeps what you typed.")
                           .format(name=name))
                return translate("connection_actions", "Could not save the connection. {text}").format(text=text) + (
                    f" ({details})" if details else "")
        if report is not None:
            ctx.reports[saved.id] = report.to_text()
        ctx.status(translate("connection_actions", 'Saved {name}.').format(name=saved.name))
        await ctx.reload(saved.id)
        return ""

    async def _make_wizard(self, *, practice: bool = False, connection=None, secrets=None, name: str = "",
                           proxy_password: str = ""):
        """A wizard for a new connection (practice values when `practice`) or pre-filled to edit one; None when the
        practice emulator could not start."""
        from wizard.ui.discard_guard import guarded
        from wizard.ui.wizard import ConnectionWizard as Plain

        ConnectionWizard = guarded(Plain)  # noqa: N806 - Escape after work asks "Discard this connection?"
        parent = self.ctx.parent
        names = [p.name for p in self.ctx.profiles()]  # taken names, and the cross-account sources offered
        # the stores let the wizard's test read a saved source profile's keys itself (wizard.core.credentials)
        stores = {"profile_store": self.ctx.store, "secret_store": self.ctx.secret_store}
        if connection is not None:
            wizard = ConnectionWizard(parent, connection=connection, secrets=secrets, saved_profiles=names,
                                      profile_name=name, proxy_password=proxy_password, **stores)
        elif not practice:
            wizard = ConnectionWizard(parent, saved_profiles=names, endpoint_url=self.settings.endpoint_url, **stores)
        else:
            emulator = await self.settings.practice_emulator()
            if emulator is None:
                return None
            wizard = ConnectionWizard(parent, practice=emulator.practice, endpoint_url=emulator.url,
                                      saved_profiles=names, **stores)
        wizard.remember_start()
        import asyncio  # loaded once the loop runs, after the first paint

        self.ctx.track(asyncio.ensure_future(check_keychain(self.ctx, wizard)))
        return wizard


async def check_keychain(ctx: ManagerContext, wizard) -> None:
    """Ask the keychain, off the GUI thread, whether it can be used now (a locked one gets its unlock prompt); if not,
    the wizard says so at once on its first and last pages, while everything can still be typed and tested."""
    from wizard.core.keychain import KeychainError
    from wizard.ui.manager_work import off_thread, problem_text

    try:
        await off_thread(ctx.secret_store.check)
    except KeychainError as exc:
        text, _details = problem_text(exc)
        wizard.set_keychain_problem(translate(
            "connection_actions",
            "{text} You can still fill in and test this connection; saving it needs the keychain.").format(text=text))
        return
    wizard.set_keychain_problem("")

