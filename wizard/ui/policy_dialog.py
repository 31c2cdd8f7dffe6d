"""The IAM policies that would let a denied connection work, offered after `assume-role-denied` or `service-denied`.

The policy documents come from `wizard.core.policies`; this dialog only shows them (read-only JSON, each with a Copy
button) with one line on where each one goes. Nothing here is secret: ARNs, actions and the External ID.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.core import policies
from wizard.core.connection import Connection
from wizard.core.engine import role_arn_for
from wizard.core.regions import partition_of


@dataclass(frozen=True)
class PolicyDocument:
    title: str
    where: str  # where the administrator installs it
    text: str  # JSON


def _partition_of_arn(arn: str) -> str:
    parts = (arn or "").split(":")
    return parts[1] if len(parts) >= 6 and parts[0] == "arn" else ""


def role_arn_of(conn: Connection, identity_arn: str) -> str:
    """The role the connection assumes, as an ARN (a bare role name belongs to the caller's account)."""
    role = conn.role_arn if conn.method == "cross-account" else conn.role
    if role.startswith("arn:") or not _partition_of_arn(identity_arn):
        return role
    return role_arn_for(role, identity_arn)


def policy_documents(code: str, conn: Connection, report) -> list[PolicyDocument]:
    """The policies that answer a diagnosis code (empty when none applies)."""
    identity_arn = getattr(report, "identity_arn", "") or ""
    if code == "assume-role-denied":
        role_arn = role_arn_of(conn, identity_arn)
        docs = []
        if identity_arn:
            trust = policies.trust_policy(identity_arn, external_id=conn.external_id or None)
            docs.append(PolicyDocument(
                "Trust policy of the role",
                f"IAM → Roles → {role_arn.rsplit('/', 1)[-1] or 'the role'} → Trust relationships: lets "
                f"{identity_arn} assume the role" + (" with this External ID." if conn.external_id else "."),
                policies.to_json(trust)))
        docs.append(PolicyDocument(
            "Permission to assume the role",
            "Attach to the calling user or role: allows sts:AssumeRole on this role.",
            policies.to_json(policies.caller_policy(role_arn))))
        return docs
    if code == "service-denied":
        partition = _partition_of_arn(identity_arn) or partition_of(conn.region) or "aws"
        permissions = policies.permissions_policy(
            conn.service, bucket=conn.bucket or None, model_id=conn.model_id or None,
            region=conn.region, partition=partition)
        target = "the role" if conn.method != "access-key" else "the IAM user"
        return [PolicyDocument(
            "Permissions policy",
            f"Attach to {target}: allows exactly the calls the wizard's test makes.",
            policies.to_json(permissions))]
    return []


class PolicyDialog(QDialog):
    """One tab per policy document: where it goes, the JSON, a Copy button."""

    def __init__(self, code: str, conn: Connection, report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Policies for this connection")
        self.documents: list[PolicyDocument] = []
        layout = QVBoxLayout(self)
        self.documents = policy_documents(code, conn, report)
        if not self.documents:
            layout.addWidget(QLabel("No policy change answers this result."))
        tabs = QTabWidget()
        for document in self.documents:
            tabs.addTab(self._page(document), document.title)
        if self.documents:
            layout.addWidget(tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 480)

    @staticmethod
    def _page(document: PolicyDocument) -> QWidget:
        page = QWidget()
        where = QLabel(document.where)
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        text = QPlainTextEdit(document.text)
        text.setReadOnly(True)
        text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        copy = QPushButton("Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(document.text))
        layout = QVBoxLayout(page)
        layout.addWidget(where)
        layout.addWidget(text, 1)
        layout.addWidget(copy, 0, Qt.AlignmentFlag.AlignRight)
        return page
