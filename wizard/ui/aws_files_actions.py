"""The manager's actions on the AWS shared files: Import (config and credentials files -> untested profiles) and Export
(a profile -> the AWS config file as credential_process). Small objects over `wizard.core.awsconfig` with their
dependencies in one `ManagerContext`; the files are read and written off the GUI thread."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from wizard.core.i18n import localized
from wizard.ui.aws_files_dialogs import ExportDialog, ImportDialog
from wizard.ui.manager_context import FAILED, ManagerContext, ProfileAction
from wizard.ui.translator import translate


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
        plans = await ctx.work(
            translate("aws_files_actions", "Reading the AWS shared files…"),
            translate("aws_files_actions", "Could not read the AWS shared files"),
            _read_plans,
            awsconfig,
            paths,
        )
        if plans is FAILED:
            return
        taken = {p.name for p in ctx.profiles()}
        dialog = ImportDialog(
            plans, taken, translate("aws_files_actions", "{0} and {1}").format(paths[0], paths[1]), ctx.parent
        )
        del plans  # holds secrets: keep them no longer than needed
        accepted = await ctx.await_dialog(dialog) == QDialog.DialogCode.Accepted
        chosen = dialog.chosen()
        dialog.deleteLater()
        if not accepted or not chosen:
            return
        items = await ctx.work(
            translate("aws_files_actions", "Importing…"),
            translate("aws_files_actions", "Could not import"),
            awsconfig.import_profiles,
            ctx.store,
            ctx.secret_store,
            *paths,
            only=chosen,
        )
        if items is FAILED:
            return
        imported = [i.aws_name for i in items if i.status == "imported"]
        skipped = [f"{i.aws_name}: {localized(i.reason, translate)}" for i in items if i.status != "imported"]
        ctx.status(translate("aws_files_actions", 'Imported {0} profile(s).').format(len(imported)))
        ctx.tell(
            translate("aws_files_actions", "Import"),
            translate("aws_files_actions", "Imported {0} profile(s) as untested: {1}.").format(
                len(imported), ", ".join(imported) or "none"
            ),
            (translate("aws_files_actions", "Not imported:\n") + "\n".join(skipped))
            if skipped
            else translate("aws_files_actions", "Test them with Test (F5)."),
        )
        first = next((i.profile for i in items if i.profile is not None), None)
        await ctx.reload(first.id if first else None)


class ExportAction(ProfileAction):
    """Write the selected profile into the AWS config file (credential_process; practice profiles refused)."""

    async def on(self, profile) -> None:
        from wizard.core import awsconfig

        ctx = self.ctx
        if profile.practice:
            ctx.problem(
                translate("aws_files_actions", "Export"),
                ValueError("Practice profiles talk to the local emulator; they are not exported."),
            )
            return
        dialog = ExportDialog(profile.name, str(awsconfig.config_path()),
                              awsconfig.can_sdk_assume(profile.connection), ctx.parent)
        accepted = await ctx.await_dialog(dialog) == QDialog.DialogCode.Accepted
        choices = dialog.choices()
        dialog.deleteLater()
        if not accepted:
            return
        result = await ctx.work(
            translate("aws_files_actions", "Exporting {name}…").format(name=profile.name),
            translate("aws_files_actions", "Could not export the profile"),
            awsconfig.export_profile, ctx.store, profile.name, **choices)
        if result is FAILED:
            return
        text = translate(
            "aws_files_actions",
            "Exported as the AWS profile “{aws_name}” into {path}. Try it with:\naws sts "
            "get-caller-identity --profile {aws_name}",
        ).format(aws_name=result.aws_name, path=result.path)
        details = (
            [translate("aws_files_actions", "Previous file saved as {backup}.").format(backup=result.backup)]
            if result.backup
            else []
        )
        ctx.status(
            translate("aws_files_actions", "Exported {name} to {path}.").format(name=profile.name, path=result.path)
        )
        warnings = [localized(w, translate) for w in result.warnings]
        ctx.tell(translate("aws_files_actions", "Export"), text, "\n".join(details + warnings))
