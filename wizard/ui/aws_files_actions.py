"""The manager's actions on the AWS shared files: Import (config and credentials files -> untested profiles) and Export
(a profile -> the AWS config file as credential_process). Small objects over `wizard.core.awsconfig` with their
dependencies in one `ManagerContext`; the files are read and written off the GUI thread."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from wizard.ui.aws_files_dialogs import ExportDialog, ImportDialog
from wizard.ui.manager_context import FAILED, ManagerContext, ProfileAction


def _read_plans(awsconfig, paths):
    return awsconfig.plan_import(awsconfig.read_shared_files(*paths))


class ImportAction:
    """Read the AWS shared files, let the user choose, import as untested profiles."""

    def __init__(self, ctx: ManagerContext) -> None:
        self.ctx = ctx

    async def run(self) -> None:
        from wizard.core import awsconfig

        ctx = self.ctx
        paths = (awsconfig.config_path(), awsconfig.credentials_path())
        plans = await ctx.work("Reading the AWS shared files…", "Could not read the AWS shared files",
                               _read_plans, awsconfig, paths)
        if plans is FAILED:
            return
        taken = {p.name for p in ctx.profiles()}
        dialog = ImportDialog(plans, taken, f"{paths[0]} and {paths[1]}", ctx.parent)
        del plans  # holds secrets: keep them no longer than needed
        accepted = await ctx.await_dialog(dialog) == QDialog.DialogCode.Accepted
        chosen = dialog.chosen()
        dialog.deleteLater()
        if not accepted or not chosen:
            return
        items = await ctx.work("Importing…", "Could not import", awsconfig.import_profiles, ctx.store,
                               ctx.secret_store, *paths, only=chosen)
        if items is FAILED:
            return
        imported = [i.aws_name for i in items if i.status == "imported"]
        skipped = [f"{i.aws_name}: {i.reason}" for i in items if i.status != "imported"]
        ctx.status(f"Imported {len(imported)} profile(s).")
        ctx.tell("Import", f"Imported {len(imported)} profile(s) as untested: {', '.join(imported) or 'none'}.",
                 ("Not imported:\n" + "\n".join(skipped)) if skipped else "Test them with Test (F5).")
        first = next((i.profile for i in items if i.profile is not None), None)
        await ctx.reload(first.id if first else None)


class ExportAction(ProfileAction):
    """Write the selected profile into the AWS config file (credential_process; practice profiles refused)."""

    async def on(self, profile) -> None:
        from wizard.core import awsconfig

        ctx = self.ctx
        if profile.practice:
            ctx.problem("Export", ValueError("Practice profiles talk to the local emulator; they are not exported."))
            return
        dialog = ExportDialog(profile.name, str(awsconfig.config_path()),
                              awsconfig.can_sdk_assume(profile.connection), ctx.parent)
        accepted = await ctx.await_dialog(dialog) == QDialog.DialogCode.Accepted
        choices = dialog.choices()
        dialog.deleteLater()
        if not accepted:
            return
        result = await ctx.work(f"Exporting {profile.name}…", "Could not export the profile",
                                awsconfig.export_profile, ctx.store, profile.name, **choices)
        if result is FAILED:
            return
        text = (f"Exported as the AWS profile “{result.aws_name}” into {result.path}. Try it with:\n"
                f"aws sts get-caller-identity --profile {result.aws_name}")
        details = [f"Previous file saved as {result.backup}."] if result.backup else []
        ctx.status(f"Exported {profile.name} to {result.path}.")
        ctx.tell("Export", text, "\n".join(details + result.warnings))
