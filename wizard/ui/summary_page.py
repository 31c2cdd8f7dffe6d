"""Last page: everything entered, secrets redacted, and the name the connection will be saved under.

The description is `wizard.core.describe.connection_rows` (the one the details pane, `show` and the report use): secret
values are never put into a label, only their length and where they will be kept; the access key id is masked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget, QWizardPage

from wizard.core import profiles, validation
from wizard.core.connection import Connection, Secrets
from wizard.core.describe import connection_rows
from wizard.ui.translator import translate
from wizard.ui.widgets import Notice, field_holder, field_label, fixed_font, plain_label, with_mnemonic


def check_profile_name(name: str, taken: set[str]) -> list[validation.Message]:
    """Messages for a profile name: the profile store's rule (wizard.core.profiles.NAME_PATTERN), and unique."""
    if not name:
        return [validation.Message("error", "required", translate("summary_page", "Give the connection a name."))]
    if not profiles.NAME_PATTERN.match(name):
        return [
            validation.Message(
                "error",
                "bad-characters",
                translate("summary_page", "Use {NAME_RULE}; no spaces.").format(NAME_RULE=profiles.NAME_RULE),
            )
        ]
    if name in taken:
        return [validation.Message("error", "name-taken", translate("summary_page", 'A connection named {name} already '
                                                                                    'exists.').format(name=name))]
    return []


def describe(conn: Connection, secrets: Secrets) -> list[tuple[str, str]]:
    """(label, value) rows summarising the draft connection, secrets redacted (`wizard.core.describe`)."""
    return connection_rows(conn, secrets)


def test_status(untested, report) -> str:
    """The summary's "Test" line: what the test page found ("" when there is no test page)."""
    if untested:
        return translate("summary_page", "not tested (will be saved as untested)")
    if report is not None:
        return "passed" if getattr(report, "ok", False) else "failed"
    return ""


class SummaryPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("summary_page", "Summary"))
        self.setSubTitle(translate("summary_page", "Check the connection and give it a name. Settings go to the "
                                                   "profile file; secrets only to the "
                         "keychain."))
        self.taken_names: set[str] = set()
        self._name_edited = False
        taken: set[str] = set()
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.keychain_notice = Notice("warning", self)  # the keychain can't be used now: saving will fail
        self.keychain_notice.setObjectName("keychain-notice")
        self.save_problem = Notice("error", self)  # the last save failed: what was typed is kept, Finish is Retry
        self.save_problem.setObjectName("save-problem")
        layout.addWidget(self.keychain_notice)
        layout.addWidget(self.save_problem)

        scroll = QScrollArea(self)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus goes to the first field, not the scroll area
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)
        # one form for the name and the details, so that all labels line up
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        self.details = QFormLayout()
        column.addLayout(self.details)
        column.addStretch(1)  # spare height goes below the form, not between its rows
        self.details.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.details.setContentsMargins(0, 0, 0, 0)

        self.name = QLineEdit(body)
        self.name.setObjectName("profile_name")
        self.name.setAccessibleName(self.tr("Profile name"))  # its label sits beside the holder: name it here
        self.name.textEdited.connect(self._name_changed)
        holder, _line, self.name_message = field_holder(
            self.name, translate("summary_page", "The name you will see in the list of connections."), body
        )
        label = field_label(with_mnemonic(translate("summary_page", "Profile name:"), taken), self.name, body)
        self.details.addRow(label, holder)
        line = QFrame(body)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.details.addRow(line)
        self._fixed_rows = self.details.rowCount()
        self.value_labels: dict[str, QLabel] = {}

    # ---- content ------------------------------------------------------------------------------------------------
    def show_connection(self, conn: Connection, secrets: Secrets, tested: str = "") -> None:
        while self.details.rowCount() > self._fixed_rows:
            self.details.removeRow(self._fixed_rows)
        self.value_labels = {}
        rows = describe(conn, secrets)
        if tested:
            rows.append((translate("summary_page", "Test"), tested))
        for title, value in rows:
            label = plain_label(value, selectable=True)
            if title in ("Access key ID", "IAM role ARN", "IAM role", "External ID", "Model ID", "S3 bucket"):
                label.setFont(fixed_font())
            self.value_labels[title] = label
            self.details.addRow(QLabel(f"{translate('describe', title)}:"), label)

    def set_keychain_notice(self, text: str) -> None:
        self.keychain_notice.set_text(text)

    def set_save_problem(self, text: str) -> None:
        self.save_problem.set_text(text)

    def default_name(self, conn: Connection) -> str:
        base = f"{conn.service}-{conn.region}"
        name, n = base, 2
        while name in self.taken_names:
            name, n = f"{base}-{n}", n + 1
        return name

    def profile_name(self) -> str:
        return self.name.text().strip()

    def set_profile_name(self, name: str) -> None:
        self.name.setText(name)
        self._name_edited = bool(name)
        self._check_name()

    def _name_changed(self, _text: str) -> None:
        self._name_edited = True
        self._check_name()

    def _check_name(self) -> None:
        self._name_messages = check_profile_name(self.profile_name(), self.taken_names)
        self.name_message.set_messages(self._name_messages)
        self.completeChanged.emit()

    def summary_text(self) -> str:
        """Every label's text on the page (what a user can read), for checks that no secret is shown."""
        texts = [w.text() for w in self.findChildren(QLabel)]
        return "\n".join(texts)

    # ---- QWizardPage ------------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        wizard = self.wizard()
        conn, secrets = wizard.connection(), wizard.secrets()
        self.show_connection(conn, secrets, test_status(wizard.property("untested"), wizard.property("test_report")))
        if not self._name_edited:
            self.name.setText(self.default_name(conn))
        self._check_name()
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)
        self.name.selectAll()

    def cleanupPage(self) -> None:
        pass

    def isComplete(self) -> bool:
        return not getattr(self, "_name_messages", [True])
