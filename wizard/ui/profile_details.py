"""The selected profile's settings and its last test report, under the manager's table.

Shows only non-secret values (`wizard.core.describe`: the access key id masked, secrets named by where they live, "in
GNOME Keyring", a proxy without its password), and report text that the engine already redacted (redacted again here with the profile's known values as a second guard).
A live test view (`ConnectionTestView`) is placed in this panel by the window while a test runs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from wizard.core.describe import profile_rows, status_text


NO_REPORT = "No test report yet: press Test (F5)."


def describe(profile, backend: str) -> list[tuple[str, str]]:
    """(label, value) rows describing a profile, without any secret (`wizard.core.describe.profile_rows`)."""
    if backend == "none":  # SecretStore.backend_name() when no usable keychain is running now
        backend = "the OS keychain (not available at the moment)"
    return profile_rows(profile, keychain=backend)


class ProfileDetails(QWidget):
    """Settings of one profile, the live test area, and the last report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings_box = QGroupBox("Profile")
        self.form = QFormLayout(self.settings_box)
        self.test_area = QVBoxLayout()
        self.report = QPlainTextEdit()
        self.report.setObjectName("lastReport")
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Last test report")
        self.report.setPlaceholderText(NO_REPORT)
        report_box = QGroupBox("Last test report")
        QVBoxLayout(report_box).addWidget(self.report)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.settings_box)
        layout.addLayout(self.test_area)
        layout.addWidget(report_box, 1)
        self.show_profile(None)

    def show_profile(self, profile, report_text: str = "", backend: str = "the OS keychain") -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        if profile is None:
            self.settings_box.setTitle("Profile")
            self.form.addRow(QLabel("Select a profile to see its settings."))
            self.report.setPlainText("")
            return
        self.settings_box.setTitle(f"Profile: {profile.name}")
        for label, value in describe(profile, backend):
            field = QLabel(value)
            field.setWordWrap(True)
            field.setAccessibleName(label)
            self.form.addRow(label + ":", field)
        self.report.setPlainText(report_text)
        if not report_text and profile.tested_at is not None:
            self.report.setPlaceholderText(
                f"Last test: {status_text(profile)}. Its full report was not kept (saved by an older version): press "
                "Test (F5) for a new one."
            )
        else:
            self.report.setPlaceholderText(NO_REPORT)

    def set_test_view(self, view: QWidget) -> None:
        """Place the live test widget between the settings and the report."""
        self.test_area.addWidget(view)
