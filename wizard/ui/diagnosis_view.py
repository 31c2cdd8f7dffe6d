"""A diagnosis as an administrator reads it: what happened, the likely causes, what to do, and the AWS error in small print.

Displays a `wizard.core.diagnoses.Diagnosis`; every text is shown as plain text (server messages are never HTML).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from wizard.ui.translator import translate


def _label(text: str = "", *, bold: bool = False, small: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = label.font()
    if bold:
        font.setBold(True)
    if small:
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 6.0))
    label.setFont(font)
    return label


class DiagnosisView(QFrame):
    """Summary, likely causes (bullets), what to do, refused IAM action and AWS error code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diagnosis")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.code = ""
        self.summary = _label(bold=True)
        self.causes_heading = _label(translate("diagnosis_view", "Likely causes:"))
        self.causes = _label()
        self.remedy_heading = _label(translate("diagnosis_view", "What to do:"))
        self.remedy = _label()
        self.refused_action = _label()
        self.aws_error = _label(small=True)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.causes_heading, self.causes, self.remedy_heading, self.remedy,
                       self.refused_action, self.aws_error):
            layout.addWidget(widget)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        """Once shown wider than Qt's guess for wrapped text, the height the text needs at the width it has (Qt's own
        hint is for a narrow column, several times taller than the diagnosis needs in a wide window)."""
        hint = super().sizeHint()
        if self.isVisible() and self.width() > hint.width():
            return QSize(hint.width(), self.heightForWidth(self.width()))
        return hint

    def show_diagnosis(self, diagnosis) -> None:
        from wizard.core.diagnoses import shown

        self.code = diagnosis.code
        self.summary.setText(shown(diagnosis.summary, translate))
        causes = tuple(shown(cause, translate) for cause in diagnosis.causes or ())
        self.causes.setText("\n".join(f"• {cause}" for cause in causes))
        self.causes_heading.setVisible(bool(causes))
        self.causes.setVisible(bool(causes))
        self.remedy.setText(shown(diagnosis.remedy or "", translate))
        self.remedy_heading.setVisible(bool(diagnosis.remedy))
        self.remedy.setVisible(bool(diagnosis.remedy))
        refused = getattr(diagnosis, "refused_action", "")
        self.refused_action.setText(
            translate("diagnosis_view", "Refused IAM action: {refused}").format(refused=refused) if refused else ""
        )
        self.refused_action.setVisible(bool(refused))
        aws_error = getattr(diagnosis, "aws_error", "")
        small_print = translate("diagnosis_view", 'Diagnosis code: {code}').format(code=diagnosis.code)
        if aws_error:
            small_print += translate("diagnosis_view", ' · AWS error: {aws_error}').format(aws_error=aws_error)
        self.aws_error.setText(small_print)

    def text(self) -> str:
        """Everything shown, as plain text (for tests and screen readers)."""
        parts = [self.summary.text()]
        if self.causes.isVisibleTo(self):
            parts += [self.causes_heading.text(), self.causes.text()]
        if self.remedy.isVisibleTo(self):
            parts += [self.remedy_heading.text(), self.remedy.text()]
        if self.refused_action.isVisibleTo(self):
            parts.append(self.refused_action.text())
        parts.append(self.aws_error.text())
        return "\n".join(p for p in parts if p)
