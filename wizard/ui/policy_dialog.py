"""The IAM policies a connection needs: offered after `assume-role-denied` or `service-denied`, and on demand.

The policy documents come from `wizard.core.policies`; this dialog only shows them (read-only JSON), with one line on
where each one goes and Copy / Save buttons. After a denial it shows the policies that answer the denial; otherwise
(on demand, after any finished test) every policy the connection needs. Nothing here is secret: ARNs, actions and the
External ID. Saving writes a small local file (the JSON and a trailing newline) chosen with a file dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.core import arn as arns
from wizard.core import policies
from wizard.core.connection import Connection
from wizard.core.regions import partition_of
from wizard.ui.translator import translate
from wizard.ui.widgets import fixed_font, small_muted

ANSWERED_CODES = frozenset({"assume-role-denied", "service-denied"})  # denials a policy change answers


@dataclass(frozen=True)
class PolicyDocument:
    title: str
    where: str  # where the administrator installs it
    text: str  # JSON
    filename: str = "policy.json"  # suggested when saving


def role_arn_of(conn: Connection, identity_arn: str) -> str:
    """The role the connection assumes, as an ARN (a bare role name belongs to the caller's account)."""
    role = conn.role_arn if conn.method == "cross-account" else conn.role
    if role.startswith("arn:") or not arns.is_arn(identity_arn):
        return role
    return arns.role_arn(role, identity_arn)


def _trust_document(conn: Connection, identity_arn: str, role_arn: str) -> PolicyDocument:
    trust = policies.trust_policy(identity_arn, external_id=conn.external_id or None)
    return PolicyDocument(
        translate("policy_dialog", "Trust policy of the role"),
        translate(
            "policy_dialog", "IAM → Roles → {0} → Trust relationships: lets {identity_arn} assume the role"
        ).format(role_arn.rsplit("/", 1)[-1] or "the role", identity_arn=identity_arn)
        + (translate("policy_dialog", " with this External ID.") if conn.external_id else "."),
        policies.to_json(trust),
        "trust-policy.json",
    )


def _caller_document(role_arn: str) -> PolicyDocument:
    return PolicyDocument(
        translate("policy_dialog", "Permission to assume the role"),
        translate("policy_dialog", "Attach to the calling user or role: allows sts:AssumeRole on this role."),
        policies.to_json(policies.caller_policy(role_arn)), "assume-role-policy.json")


def _permissions_intro(conn: Connection, target: str) -> str:
    """Says what the permissions policy allows: the test's own calls, plus the everyday use it names (if any)."""
    extra = policies.USE_CASE_ACTIONS.get(conn.service, ()) if conn.service != "s3" or conn.bucket else ()
    text = translate("policy_dialog", "Attach to {target}: allows the calls the wizard's test makes").format(
        target=target
    )
    if extra:
        return text + translate("policy_dialog", ", plus {0} for the everyday use of {service}.").format(
            ", ".join(extra), service=conn.service
        )
    return text + translate("policy_dialog", ", and nothing else.")


def _permissions_document(conn: Connection, identity_arn: str) -> PolicyDocument:
    partition = arns.partition(identity_arn) or partition_of(conn.region) or "aws"
    permissions = policies.permissions_policy(
        conn.service, bucket=conn.bucket or None, model_id=conn.model_id or None,
        region=conn.region, partition=partition)
    target = (
        translate("policy_dialog", "the role")
        if conn.method != "access-key"
        else translate("policy_dialog", "the IAM user")
    )
    return PolicyDocument(
        translate("policy_dialog", "Permissions policy"),
        _permissions_intro(conn, target),
        policies.to_json(permissions), f"{conn.service}-permissions-policy.json")


def _role_documents(conn: Connection, identity_arn: str) -> list[PolicyDocument]:
    """The trust policy (when the test discovered who assumes the role) and the caller's sts:AssumeRole."""
    role_arn = role_arn_of(conn, identity_arn)
    docs = [_trust_document(conn, identity_arn, role_arn)] if identity_arn else []
    return docs + [_caller_document(role_arn)]


def policy_documents(code: str, conn: Connection, report) -> list[PolicyDocument]:
    """The policies that answer a diagnosis code (empty when none applies)."""
    identity_arn = getattr(report, "identity_arn", "") or ""
    if code == "assume-role-denied":
        return _role_documents(conn, identity_arn)
    if code == "service-denied":
        return [_permissions_document(conn, identity_arn)]
    return []


def connection_documents(conn: Connection, report) -> list[PolicyDocument]:
    """Every policy the connection needs (on demand): for a role, its trust policy (once a test has discovered the
    identity that assumes it) and the caller's permission; then the service's permissions policy."""
    identity_arn = getattr(report, "identity_arn", "") or ""
    docs = _role_documents(conn, identity_arn) if conn.method != "access-key" and role_arn_of(conn, identity_arn) \
        else []
    try:
        docs.append(_permissions_document(conn, identity_arn))
    except ValueError:  # a service the wizard doesn't know (hand-edited profile): no permissions policy to offer
        pass
    return docs


class PolicyPage(QWidget):
    """One policy: where it goes, its JSON (read-only), Copy (to the clipboard) and Save (a JSON file)."""

    def __init__(self, document: PolicyDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.save_dialog: QFileDialog | None = None
        where = QLabel(document.where)
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        self.text = QPlainTextEdit(document.text)
        self.text.setReadOnly(True)
        self.text.setFont(fixed_font())
        self.copy_button = QPushButton(translate("policy_dialog", "&Copy"))
        self.copy_button.setToolTip(translate("policy_dialog", "Copy this policy's JSON to the clipboard."))
        self.copy_button.clicked.connect(self.copy)
        self.copy_button.setAutoDefault(False)
        self.save_button = QPushButton(translate("policy_dialog", "&Save\u2026"))
        self.save_button.setToolTip(translate("policy_dialog", "Save this policy as a JSON file."))
        self.save_button.clicked.connect(self.save)
        self.save_button.setAutoDefault(False)
        self.status = small_muted(QLabel(""))
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.status, 1)
        actions.addWidget(self.copy_button)
        actions.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.text, 1)
        layout.addLayout(actions)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.document.text)
        self.status.setText(translate("policy_dialog", "Copied to the clipboard."))

    def save(self) -> QFileDialog:
        """Ask where to save (a window-modal file dialog, not a nested event loop); the file is written when the user
        accepts. Returns the file dialog."""
        dialog = QFileDialog(self, translate("policy_dialog", 'Save the {0}').format(self.document.title.lower()),
                             str(Path(QDir.homePath()) / self.document.filename))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilters(
            [translate("policy_dialog", "JSON files (*.json)"), translate("policy_dialog", "All files (*)")]
        )
        dialog.setDefaultSuffix("json")
        dialog.fileSelected.connect(self.write)
        self.save_dialog = dialog
        dialog.open()
        return dialog

    def write(self, path: str) -> bool:
        """Write the policy to `path` (the JSON and a trailing newline); say where, or why not."""
        try:
            Path(path).write_text(self.document.text + "\n", encoding="utf-8")
        except OSError as exc:
            self.status.setText(
                translate("policy_dialog", "Could not save to {path}: {0}").format(
                    exc.strerror or type(exc).__name__, path=path
                )
            )
            return False
        self.status.setText(translate("policy_dialog", 'Saved to {path}').format(path=path))
        return True


class PolicyDialog(QDialog):
    """One tab per policy document (see PolicyPage). After a denial a policy change answers (`code` in
    ANSWERED_CODES), the policies that answer it; otherwise every policy the connection needs."""

    def __init__(self, code: str, conn: Connection, report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("policy_dialog", "Policies for this connection"))
        answers = policy_documents(code, conn, report) if code in ANSWERED_CODES else []
        self.documents: list[PolicyDocument] = answers or connection_documents(conn, report)
        layout = QVBoxLayout(self)
        intro = QLabel(self._intro(code, conn, report, bool(answers)))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.pages = [PolicyPage(document) for document in self.documents]
        tabs = QTabWidget()
        for page in self.pages:
            tabs.addTab(page, page.document.title)
        if self.pages:
            layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def _intro(self, code: str, conn: Connection, report, answered: bool) -> str:
        if not self.documents:
            return translate("policy_dialog", "No policy applies to this connection's settings.")
        if answered:
            return translate(
                "policy_dialog",
                "AWS refused the test. An administrator installs these policies to allow this connection:",
            )
        text = translate("policy_dialog", "The policies an administrator installs for this connection to work.")
        if conn.method != "access-key" and not getattr(report, "identity_arn", ""):
            text += translate(
                "policy_dialog",
                " The role's trust policy names the identity that assumes the role, which the test discovers: "
                "it is shown after a test that gets past its first step.",
            )
        return text
