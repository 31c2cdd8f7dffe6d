"""The selected profile, under the manager's table: its settings, its live or last test, and its last report, in tabs.

Shows only non-secret values (`wizard.core.describe`: the access key id masked, secrets named by where they live, "in
GNOME Keyring", a proxy without its password), and report text that the engine already redacted (redacted again here
with the profile's known values as a second guard). The live test view (`ConnectionTestView`) gets a tab of its own,
placed there by the window, so that a failed step's diagnosis has the whole height of the tabs, not a share of a column.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.ui.translator import translate

NO_REPORT = QT_TRANSLATE_NOOP("profile_details", "No test report yet: press Test (F5).")
NO_TEST = QT_TRANSLATE_NOOP("profile_details", "No test in this window yet: select a profile and press Test (F5) to "
                                               "watch its steps here.")
SETTINGS_TAB, TEST_TAB, REPORT_TAB = range(3)


def describe(profile, backend: str, now: float | None = None) -> list[tuple[str, str]]:
    """(label, value) rows describing a profile, without any secret (`wizard.core.describe.profile_rows`)."""
    from wizard.core.describe import profile_rows  # with the first profile shown, after the window's first paint

    if backend == "none":  # SecretStore.backend_name() when no usable keychain is running now
        backend = translate("profile_details", "the OS keychain (not available at the moment)")
    return profile_rows(profile, keychain=backend, now=now)


class ProfileDetails(QTabWidget):
    """Tabs: "Details" (the settings) of one profile, "Test" (the live test view, or a note before the first test),
    "Last report"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileDetails")
        self.setAccessibleName(translate("profile_details", "Selected profile"))
        self.setDocumentMode(True)
        self._profile, self._backend = None, translate("profile_details", "the OS keychain")

        self.settings_box = QWidget()  # the form, scrolled when the window is small
        self.settings_box.setObjectName("profileSettings")
        self.form = QFormLayout(self.settings_box)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        settings = QScrollArea()
        settings.setObjectName("settingsScroll")
        settings.setWidgetResizable(True)
        settings.setFrameShape(QFrame.Shape.NoFrame)
        settings.setWidget(self.settings_box)
        settings.setAccessibleName(translate("profile_details", "Profile settings"))
        settings.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing in it to type into; its labels are read in order

        self.test_page = QWidget()
        self.test_page.setObjectName("testTab")
        self.test_area = QVBoxLayout(self.test_page)
        self.no_test = QLabel(translate("profile_details", NO_TEST))
        self.no_test.setWordWrap(True)
        self.no_test.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.test_area.addWidget(self.no_test, 1)

        self.report = QPlainTextEdit()
        self.report.setObjectName("lastReport")
        self.report.setReadOnly(True)
        self.report.setAccessibleName(translate("profile_details", "Last test report"))
        self.report.setAccessibleDescription(translate("profile_details", "The text of the profile's last test, "
                                                                          "without secrets."))
        self.report.setPlaceholderText(translate("profile_details", NO_REPORT))

        from wizard.ui.session_countdown import SessionCountdown

        details_page = QWidget()  # the MFA session's countdown (profiles with an MFA device) above the settings
        details_page.setObjectName("detailsTab")
        column = QVBoxLayout(details_page)
        column.setContentsMargins(0, 0, 0, 0)
        self.mfa_countdown = SessionCountdown(details_page)
        self.mfa_countdown.setObjectName("mfaCountdown")
        self.mfa_countdown.setContentsMargins(6, 4, 6, 0)
        column.addWidget(self.mfa_countdown)
        column.addWidget(settings, 1)
        self.addTab(details_page, translate("profile_details", "&Details"))
        self.addTab(self.test_page, translate("profile_details", "Te&st"))
        self.addTab(self.report, translate("profile_details", "Last &report"))
        self.show_profile(None)

    def show_profile(
        self, profile, report_text: str = "", backend: str = translate("profile_details", "the OS keychain")
    ) -> None:
        self._profile, self._backend = profile, backend
        self._fill_form()
        if profile is None:
            self.setTabText(SETTINGS_TAB, translate("profile_details", "&Details"))
            self.report.setPlainText("")
            return
        self.setTabText(SETTINGS_TAB, translate("profile_details", "&Details of ") + profile.name.replace("&", "&&"))
        self.report.setPlainText(report_text)
        if not report_text and profile.tested_at is not None:
            from wizard.core.describe import status_text

            self.report.setPlaceholderText(
                translate("profile_details", 'Last test: {0}. Its full report was not kept (saved by an older '
                                             'version): press '
                                             'Test (F5) for a new one.').format(status_text(profile))
            )
        else:
            self.report.setPlaceholderText(translate("profile_details", NO_REPORT))

    def refresh_times(self, now: float | None = None) -> None:
        """Recompute the rows that depend on the time ("tested 5 min ago"), as the table does on the same clock."""
        if self._profile is not None:
            self._fill_form(now)

    def _fill_form(self, now: float | None = None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        if self._profile is None:
            self.form.addRow(QLabel(translate("profile_details", "Select a profile to see its settings.")))
            return
        for label, value in describe(self._profile, self._backend, now):
            label = translate("describe", label)
            field = QLabel(value)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setAccessibleName(label)
            self.form.addRow(label + ":", field)

    def set_test_view(self, view: QWidget) -> None:
        """Place the live test widget in the Test tab (instead of the note shown before the first test)."""
        self.no_test.hide()
        self.test_area.setContentsMargins(6, 6, 6, 0)
        self.test_area.addWidget(view, 1)

    def show_test_view(self, shown: bool) -> None:
        """Show the live test view (it belongs to the profile it tested) or, for another profile, the note."""
        views = [self.test_area.itemAt(i).widget() for i in range(self.test_area.count())]
        views = [view for view in views if view is not None and view is not self.no_test]
        for view in views:
            view.setVisible(shown)
        self.no_test.setVisible(not shown or not views)

    def show_test_tab(self) -> None:
        """Bring the Test tab forward (a test started or finished)."""
        self.setCurrentIndex(TEST_TAB)
