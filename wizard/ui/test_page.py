"""The wizard's test page: runs the connection test as soon as the page is shown, live, and decides when Next is allowed.

Next is allowed after a successful test, or after the user explicitly chose "Save without testing" (offline entry; the
profile is then saved as untested). After a failed or cancelled test Next stays disabled. The page sets the wizard's
dynamic properties `untested` (bool) and `test_report` (the last TestReport, or None) for the summary page.

Standalone use (e.g. re-testing a saved profile): pass `connection` and `secrets` getters instead of relying on the
wizard's `connection()` / `secrets()`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, QWizardPage

from wizard.core.connection import Connection, Secrets
from wizard.ui.test_view import FINISHED, ConnectionTestView
from wizard.ui.translator import translate


class TestPage(QWizardPage):
    """Runs the test on entry; Test again, Cancel, Copy report, Show the policies; Save without testing."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        connection: Callable[[], Connection] | None = None,
        secrets: Callable[[], Secrets] | None = None,
        test_options: Callable[[], dict] | None = None,
    ) -> None:
        super().__init__(parent)
        self._get_connection = connection
        self._get_secrets = secrets
        self._get_test_options = test_options
        self.untested = False
        self._watching_wizard = False
        self.setTitle(translate("test_page", "Test the connection"))
        self.setSubTitle(translate("test_page", "The wizard signs in and makes one harmless call to the service, step "
                                                "by step."))

        self.view = ConnectionTestView()
        self.view.started.connect(self._test_started)
        self.view.finished.connect(self._test_ended)
        self.view.cancelled.connect(self._test_ended)

        self.save_untested_button = QPushButton(translate("test_page", "Save &without testing"))
        self.save_untested_button.setFlat(True)
        self.save_untested_button.setToolTip(
            translate("test_page", "For connections entered offline: the profile is saved and marked as not tested."))
        self.save_untested_button.clicked.connect(self.save_without_testing)
        self.untested_note = QLabel("")
        self.untested_note.setWordWrap(True)
        secondary = QHBoxLayout()
        secondary.addWidget(self.save_untested_button)
        secondary.addWidget(self.untested_note, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(secondary)

    # --- QWizardPage ---------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        self._watch_wizard()
        self.start_test()

    def cleanupPage(self) -> None:
        """Back: stop the test; the settings may change before the page is shown again."""
        self.view.cancel()

    def isComplete(self) -> bool:
        if self.untested:
            return True
        report = self.view.report
        return self.view.state == FINISHED and report is not None and bool(report.ok)

    # --- actions -------------------------------------------------------------------------------------------------

    def start_test(self):
        """Start a test of the current settings; returns the asyncio task."""
        return self.view.start(self.connection(), self.secrets(), **self.test_options())

    def save_without_testing(self) -> None:
        """Offline entry: stop any test, mark the result untested and allow Next."""
        self.view.cancel()
        self._set_untested(True)
        self.untested_note.setText(translate("test_page", "The profile will be saved as not tested. You can test it "
                                                          "later."))
        self.completeChanged.emit()

    def connection(self) -> Connection:
        """What is tested: the wizard's `connection_for_test()` (its proxy password in memory) when it has one."""
        if self._get_connection:
            return self._get_connection()
        wizard = self.wizard()
        return getattr(wizard, "connection_for_test", wizard.connection)()

    def secrets(self) -> Secrets:
        return self._get_secrets() if self._get_secrets else self.wizard().secrets()

    def test_options(self) -> dict:
        """`wizard.core.credentials.plan_test`'s options (environ, stores, source_credentials), if the wizard provides
        them."""
        if self._get_test_options:
            return dict(self._get_test_options())
        provider = getattr(self.wizard(), "test_options", None)
        return dict(provider()) if callable(provider) else {}

    def report(self):
        """The last finished test's report (None before a test, after a cancel, or when not tested)."""
        return None if self.untested else self.view.report

    # --- internals -----------------------------------------------------------------------------------------------

    def _test_started(self) -> None:
        self._set_untested(False)
        self.untested_note.setText("")
        self.completeChanged.emit()

    def _test_ended(self, *_args) -> None:
        wizard = self.wizard()
        if wizard is not None:
            wizard.setProperty("test_report", self.view.report)
        self.completeChanged.emit()

    def _set_untested(self, value: bool) -> None:
        self.untested = value
        wizard = self.wizard()
        if wizard is not None:
            wizard.setProperty("untested", value)

    def _watch_wizard(self) -> None:
        """Stop a running test when the wizard closes."""
        wizard = self.wizard()
        if wizard is not None and not self._watching_wizard:
            wizard.finished.connect(lambda _result: self.view.cancel())
            self._watching_wizard = True
