"""The manager's actions on a saved profile as a whole: Duplicate, Rename, Delete, Renew token.

Each is a small object over `wizard.core.profile_service` (what the command line calls too) with its dependencies in
one `ManagerContext`: it asks the user (dialogs awaited, never a nested exec()), runs the service off the GUI thread
through `ctx.work`, and shows the outcome.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from wizard.core.tokens import can_renew
from wizard.ui import manager_dialogs
from wizard.ui.manager_context import FAILED, ProfileAction
from wizard.ui.translator import translate


def _profile_service():
    """wizard.core.profile_service, loaded with the first action (not before the window's first paint)."""
    from wizard.core import profile_service

    return profile_service


class DuplicateAction(ProfileAction):
    """Copy the selected profile under a new name and id; its secrets are copied in the keychain."""

    async def on(self, profile) -> None:
        ctx, names = self.ctx, [p.name for p in self.ctx.profiles()]
        question = (translate("profile_actions", "Duplicate profile"),
                    translate("profile_actions", "Name of the copy:"),
                    _profile_service().free_name(names, profile.name), names)
        copy = await self.under_new_name(
            question, translate("profile_actions", "Duplicating {name}…").format(name=profile.name),
            translate("profile_actions", "Could not duplicate the profile"),
            lambda name: _profile_service().duplicate(ctx.store, ctx.secret_store, profile.name, name), saves=True)
        if copy not in (None, FAILED):
            await ctx.reload(copy.id)


class RenameAction(ProfileAction):
    """Rename the selected profile: the id stays, so the keychain is untouched; cross-account profiles that assume
    their role with it follow the new name."""

    async def on(self, profile) -> None:
        ctx = self.ctx
        question = (translate("profile_actions", "Rename profile"), translate("profile_actions", "New name:"),
                    profile.name, [p.name for p in ctx.profiles() if p.id != profile.id])
        renamed = await self.under_new_name(
            question, translate("profile_actions", "Renaming {name}…").format(name=profile.name),
            translate("profile_actions", "Could not rename the profile"),
            lambda name: _profile_service().rename(ctx.store, profile.name, name), unchanged=profile.name)
        if renamed not in (None, FAILED):
            await ctx.reload(profile.id)


def delete_question(profile, backend: str, users: list[str]) -> str:
    """The confirmation's text: what goes, and which connections stop working."""
    text = translate("profile_actions", 'Delete the profile “{name}”?').format(name=profile.name)
    if profile.connection.uses_keys:
        text += translate("profile_actions", ' Its secrets are removed from {backend} too.').format(backend=backend)
    if users:
        text += translate(
            "profile_actions", " These connections assume their role with its keys and will stop working: {0}."
        ).format(", ".join(users))
    return text


class DeleteAction(ProfileAction):
    """After confirmation (naming the cross-account profiles that use it), delete the profile, then its keychain
    entries."""

    async def on(self, profile) -> None:
        ctx = self.ctx
        users = [p.name for p in _profile_service().dependents(ctx.profiles(), profile.name)]
        text = delete_question(profile, ctx.backend(), users)
        if not await manager_dialogs.confirm(
            ctx.parent, translate("profile_actions", "Delete profile"), text, translate("profile_actions", "Delete")
        ):
            return
        deleted = await ctx.work(
            translate("profile_actions", "Deleting {name}…").format(name=profile.name),
            translate("profile_actions", "Could not delete the profile"),
            _profile_service().delete, ctx.store, ctx.secret_store, profile.name, force=True)  # the user was told
        if deleted is FAILED:
            return
        ctx.reports.pop(profile.id, None)
        ctx.status(translate("profile_actions", 'Deleted {name}.').format(name=profile.name))
        await ctx.reload()


class RenewAction(ProfileAction):
    """Ask for new temporary credentials (masked), store them in the keychain and restart the token's clock. Only for
    profiles holding a session token (`can_renew`): long-term keys have nothing to renew."""

    async def on(self, profile) -> None:
        ctx = self.ctx
        from wizard.ui.mfa_manager import has_mfa_device, renew_mfa_session

        if has_mfa_device(profile):  # a new MFA session: a new code (a session token can't be renewed with MFA)
            await renew_mfa_session(ctx, getattr(ctx.parent, "mfa_watch", None), profile)
            return
        if not can_renew(profile):
            return
        dialog = manager_dialogs.RenewTokenDialog(profile.name, profile.connection.access_key_id, ctx.parent)
        accepted = await ctx.await_dialog(dialog) == QDialog.DialogCode.Accepted
        values = dialog.values() if accepted else None
        dialog.forget()
        dialog.deleteLater()
        if values is None:
            return
        key_id, secret, token = values
        renewed = await ctx.work(
            translate("profile_actions", "Storing the new session token of {name}…").format(name=profile.name),
            translate("profile_actions", "Could not store the session token"),
            _profile_service().renew, ctx.store, ctx.secret_store, profile.name, token,
            secret_access_key=secret, access_key_id=key_id, saves=True)
        if renewed is FAILED:
            return
        ctx.status(
            translate("profile_actions", "New session token stored for {name}. Press Test (F5) to check it.").format(
                name=profile.name
            )
        )
        await ctx.reload(profile.id)
