"""A small dialog asking for the six-digit code of one MFA device (test, renew, first use after the session expired).

It names the device, accepts only digits (at most six), enables OK once six are typed, and returns the code or None
(Cancel, Escape, closing the window). The code lives only in the line edit and the return value: never logged.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from wizard.ui.translator import translate

CODE_PATTERN = r"[0-9]{0,6}"


class MfaCodeDialog(QDialog):
    def __init__(self, device: str, parent: QWidget | None = None, *, profile_name: str = ""):
        super().__init__(parent)
        self.setWindowTitle(translate("mfa_prompt", "MFA code"))
        self.setModal(True)
        what = translate("mfa_prompt", ' for {profile_name}').format(profile_name=profile_name) if profile_name else ""
        self.intro = QLabel(
            translate("mfa_prompt", "Enter the six-digit code your authenticator shows now{what}.").format(what=what)
        )
        self.intro.setWordWrap(True)
        self.device = QLabel(translate("mfa_prompt", 'MFA device: {device}').format(device=device))
        self.device.setWordWrap(True)
        self.device.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = QLineEdit()
        self.code.setObjectName("mfa_code")
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(CODE_PATTERN), self.code))
        self.code.setMaxLength(6)
        self.code.setPlaceholderText("123456")
        self.code.setAccessibleName(translate("mfa_prompt", "Six-digit MFA code"))
        label = QLabel(translate("mfa_prompt", "&Code:"))
        label.setBuddy(self.code)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.device, label, self.code, self.buttons):
            layout.addWidget(widget)
        metrics = self.fontMetrics()  # room for the device's ARN on one line (a long one still wraps, up to a limit)
        wanted = max(metrics.horizontalAdvance(self.device.text()), metrics.averageCharWidth() * 60) + 40
        self.setMinimumWidth(min(wanted, metrics.averageCharWidth() * 110))
        self.code.textChanged.connect(self._update_ok)
        self._update_ok()
        self.code.setFocus()

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.is_complete())

    def is_complete(self) -> bool:
        text = self.code.text()
        return len(text) == 6 and text.isdigit()

    def accept(self) -> None:
        if self.is_complete():  # Enter with fewer digits does nothing
            super().accept()

    def result_code(self) -> str | None:
        """The code when the dialog was accepted, else None."""
        return self.code.text() if self.result() == QDialog.DialogCode.Accepted and self.is_complete() else None


def ask_mfa_code(device: str, parent: QWidget | None = None, *, profile_name: str = "") -> str | None:
    """Show the dialog (modal) and return the six digits, or None when cancelled."""
    dialog = MfaCodeDialog(device, parent, profile_name=profile_name)
    try:
        dialog.exec()
        return dialog.result_code()
    finally:
        dialog.deleteLater()
