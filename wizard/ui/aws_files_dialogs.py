"""The manager's dialogs for the AWS shared files: choose what to import, and how to export.

Both only collect choices; the window runs `wizard.core.awsconfig` off the GUI thread. Nothing secret is shown: the
import list names each AWS profile with its method and masked access key id, or the reason it cannot be imported.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.describe import method_title
from wizard.core.i18n import QT_TRANSLATE_NOOP, localized
from wizard.ui.manager_dialogs import lay_out_form
from wizard.ui.translator import translate

STYLE_CHOICES = (
    ("process", QT_TRANSLATE_NOOP("aws_files_dialogs", "credential_process: this program hands out the credentials "
                                                       "(works for every connection)")),
    ("sdk", QT_TRANSLATE_NOOP("aws_files_dialogs", "role_arn + source_profile: the AWS SDK assumes the role itself (it "
                                                   "caches the role's credentials)")),
)


def plan_label(aws_name: str, conn, reason: str) -> str:
    """One import line: 'dev: Access key, AKIA…MPLE, us-east-1' or 'sso-admin: not imported: <reason>'."""
    from wizard.core.redact import mask_access_key_id

    if conn is None:
        return translate("aws_files_dialogs", "{aws_name}: not imported: {reason}").format(
            aws_name=aws_name, reason=localized(reason, translate)
        )
    parts = [method_title(conn.method)]
    if conn.access_key_id:
        parts.append(mask_access_key_id(conn.access_key_id))
    if conn.role_arn or conn.role:
        parts.append(conn.role_arn or conn.role)
    parts.append(conn.region)
    return f"{aws_name}: " + ", ".join(parts)


class ImportDialog(QDialog):
    """Lists the AWS profiles found; the importable ones are checked, the others say why they are not."""

    def __init__(self, plans, taken: set[str], sources: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importProfiles")
        self.setWindowTitle(translate("aws_files_dialogs", "Import from the AWS shared files"))
        intro = QLabel(
            translate(
                "aws_files_dialogs",
                "Profiles found in {sources}. Imported profiles are saved as untested; their "
                "secrets go to the keychain only. The AWS files are not changed.",
            ).format(sources=sources)
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("importList")
        self.list.setAccessibleName(translate("aws_files_dialogs", "AWS profiles to import"))
        for aws_name, conn, _secrets, reason in plans:
            if conn is not None and aws_name in taken:
                conn, reason = None, translate("aws_files_dialogs", "a profile with this name already exists")
            item = QListWidgetItem(plan_label(aws_name, conn, reason))
            item.setData(Qt.ItemDataRole.UserRole, aws_name)
            if conn is None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsUserCheckable)
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        if not plans:
            self.list.addItem(QListWidgetItem(translate("aws_files_dialogs", "No profiles were found.")))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            translate("aws_files_dialogs", "Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 400)
        self._update()

    def chosen(self) -> set[str]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return {
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked
        }

    def _update(self, *_args) -> None:
        self.import_button.setEnabled(bool(self.chosen()))


class ExportDialog(QDialog):
    """The AWS profile name, the kind of section, and whether a foreign section of that name may be replaced."""

    def __init__(self, profile_name: str, config_path: str, sdk_possible: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportProfile")
        self.setWindowTitle(
            translate("aws_files_dialogs", "Export {profile_name} to the AWS config file").format(
                profile_name=profile_name
            )
        )
        intro = QLabel(
            translate(
                "aws_files_dialogs",
                "Adds a profile to {config_path} so that the AWS CLI and every AWS SDK can use "
                "this connection, while its secret stays in the keychain. Other profiles and "
                "comments in the file stay exactly as they are; a backup copy is written first.",
            ).format(config_path=config_path)
        )
        intro.setWordWrap(True)
        self.aws_name = QLineEdit(profile_name)
        self.aws_name.setObjectName("awsName")
        self.style = QComboBox()
        self.style.setObjectName("exportStyle")
        for value, text in STYLE_CHOICES:
            text = translate("aws_files_dialogs", text)
            self.style.addItem(text, value)
        if not sdk_possible:  # access keys, a role named without its account, or the default chain as source
            self.style.model().item(1).setEnabled(False)
            self.style.setItemData(
                1,
                translate(
                    "aws_files_dialogs",
                    "Only for roles the SDK can assume by itself from a saved profile's keys or the instance role",
                ),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.replace = QCheckBox(
            translate("aws_files_dialogs", "Replace a profile of this name that was not written by this program")
        )
        self.replace.setObjectName("replaceForeign")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(
            translate("aws_files_dialogs", "Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        lay_out_form(self, intro, [(translate("aws_files_dialogs", "AWS profile name:"), self.aws_name),
                                   (translate("aws_files_dialogs", "Kind:"), self.style)], self.replace, self.buttons)
        self.aws_name.textChanged.connect(self._update)
        self._update()

    def choices(self) -> dict:
        """Keyword arguments for awsconfig.export_profile."""
        return {"aws_name": self.aws_name.text().strip(), "style": self.style.currentData(),
                "replace": self.replace.isChecked()}

    def _update(self, *_args) -> None:
        from wizard.core.profiles import NAME_PATTERN

        self.export_button.setEnabled(bool(NAME_PATTERN.match(self.aws_name.text().strip())))
