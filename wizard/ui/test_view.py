"""Run a connection test and show it live: the reusable part of the wizard's test page (the profile manager uses it too).

The test is the one `wizard.core.credentials.plan_test()` builds (the same for the wizard, the manager and the CLI),
its `run()` awaited in an asyncio task on the qasync loop; the engine runs each blocking
boto3 call in an executor, so the GUI thread never waits. Cancel cancels the task and updates the view at once, without
waiting for the engine: every run has a generation number, and results from a run that is no longer current are dropped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget
from shiboken6 import isValid

from wizard.core.connection import Connection, Secrets
from wizard.ui.policy_dialog import ANSWERED_CODES, PolicyDialog
from wizard.ui.step_list import StepList
from wizard.ui.translator import translate
from wizard.ui.warm_up import warm_up_in_background

if TYPE_CHECKING:  # annotations only: the engine (botocore) loads when a test first runs
    from wizard.core import engine

log = logging.getLogger(__name__)

POLICY_CODES = ANSWERED_CODES  # failures the policies answer: "Show the policies" is highlighted after them

IDLE, RUNNING, FINISHED, CANCELLED, ERROR = "idle", "running", "finished", "cancelled", "error"

class ConnectionTestView(QWidget):
    """Steps with live status, the failing step's diagnosis, and Test again / Cancel / Copy report / Show the policies.

    `start(conn, secrets)` returns the asyncio task (awaitable: it yields the TestReport, or None when cancelled).
    """

    started = Signal()
    finished = Signal(object)  # the TestReport
    cancelled = Signal()
    policies_requested = Signal(object)  # the TestReport the policies are shown for

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = IDLE
        self.report: engine.TestReport | None = None
        self._generation = 0
        self._task: asyncio.Task | None = None
        self._last_args: tuple | None = None
        self.policy_dialog: PolicyDialog | None = None
        warm_up_in_background()

        self.status = QLabel(translate("test_view", "The test has not run yet."))
        self.status.setWordWrap(True)
        self.steps = StepList()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.steps)
        scroll.setAccessibleName(translate("test_view", "Test steps"))
        scroll.setAccessibleDescription(translate("test_view", "Each step of the connection test with its status; a "
                                                               "failed step's diagnosis "
                                        "below it."))
        self.status.setAccessibleName(translate("test_view", "Test status"))

        self.test_again_button = QPushButton(translate("test_view", "&Test again"))
        self.cancel_button = QPushButton(translate("test_view", "&Cancel test"))
        self.copy_button = QPushButton(translate("test_view", "C&opy report"))
        self.copy_button.setToolTip(translate("test_view", "Copy the test report as plain text; secrets are left out."))
        self.policies_button = QPushButton(translate("test_view", "Show the po&licies"))
        self.policies_button.setToolTip(translate("test_view", "The IAM policies this connection needs, ready to copy "
                                                               "or save."))
        self.test_again_button.clicked.connect(self.test_again)
        self.cancel_button.clicked.connect(self.cancel)
        self.copy_button.clicked.connect(self.copy_report)
        self.policies_button.clicked.connect(self.show_policies)

        buttons = QHBoxLayout()
        for button in (self.test_again_button, self.cancel_button, self.copy_button, self.policies_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # --- running -------------------------------------------------------------------------------------------------

    def start(self, conn: Connection, secrets: Secrets, **test_options) -> asyncio.Future:
        """Start a test (cancelling one that runs) of `conn` with `secrets`; `test_options` are `plan_test`'s
        (profile_store, secret_store, environ, timeout, source_credentials). Returns the task; awaiting it gives the
        report, or None when the test was cancelled or could not run. Doesn't block: a source profile's keys are read
        by the test, in its worker thread."""
        self.cancel()
        self._generation += 1
        generation = self._generation
        self._last_args = (conn, secrets, test_options)
        self.report = None
        try:
            from wizard.core import credentials  # the engine (botocore) loads when a test first runs

            if "mfa_code" not in test_options:  # a code, when one is needed, is asked in a dialog over this view
                from wizard.ui.mfa_code_prompter import gui_code_prompter

                test_options = {**test_options, "mfa_code": gui_code_prompter(self)}
            test = credentials.plan_test(conn, secrets, **test_options)
            planned = test.planned_steps()
        except Exception as exc:  # settings the engine can't plan for (e.g. a hand-edited profile): say so, don't crash
            log.error("connection test not started: %s", type(exc).__name__)
            self.steps.set_steps([])
            self._set_state(
                ERROR,
                translate(
                    "test_view", "This connection can't be tested as it is ({__name__}). Check its method and service."
                ).format(__name__=type(exc).__name__),
            )
            nothing = asyncio.get_event_loop().create_future()
            nothing.set_result(None)
            return nothing
        self.steps.set_steps(planned)
        self._set_state(RUNNING, translate("test_view", "Testing the connection…"))
        self._task = asyncio.ensure_future(self._run(test, generation))
        self.started.emit()
        return self._task

    def test_again(self) -> asyncio.Future | None:
        if self._last_args is None:
            return None
        conn, secrets, options = self._last_args
        return self.start(conn, secrets, **options)

    def cancel(self) -> None:
        """Stop listening to the running test and give control back now; the engine's late results are dropped."""
        if self.state != RUNNING:
            return
        self._generation += 1
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        self.steps.mark_cancelled()
        self._set_state(CANCELLED, translate("test_view", "Test cancelled. Press Test again to run it again."))
        self.cancelled.emit()

    def is_running(self) -> bool:
        return self.state == RUNNING

    def _is_current(self, generation: int) -> bool:
        """True while `generation` is the run on show (and the widget still exists: a window may close mid-test)."""
        return isValid(self) and generation == self._generation

    async def _run(self, test, generation: int):
        def on_step(step) -> None:
            if self._is_current(generation):
                self.steps.show_step(step)

        try:
            report = await test.run(on_step=on_step)
        except asyncio.CancelledError:
            return None
        except Exception as exc:  # the engine turns failures into diagnoses; this is a bug, shown without details
            log.error("connection test stopped: %s", type(exc).__name__)
            if self._is_current(generation):
                self.steps.mark_cancelled()
                self._set_state(
                    ERROR,
                    translate("test_view", "The test stopped unexpectedly ({__name__}). Press Test again.").format(
                        __name__=type(exc).__name__
                    ),
                )
            return None
        if not self._is_current(generation):
            return None
        self._task = None
        self.report = report
        for step in report.steps:
            self.steps.show_step(step)
        self._set_state(FINISHED, self._summary(report))
        self.finished.emit(report)
        return report

    @staticmethod
    def _summary(report) -> str:
        if report.ok:
            return translate("test_view", "✓ The connection works: every step passed.")
        failure = report.failure
        if failure is not None and failure.diagnosis is not None:
            from wizard.core.diagnoses import shown

            return translate("test_view", '✗ The test found a problem: {summary}').format(
                summary=shown(failure.diagnosis.summary, translate))
        return translate("test_view", "✗ The test found a problem.")

    # --- actions -------------------------------------------------------------------------------------------------

    def copy_report(self) -> None:
        """Put the redacted plain-text report on the clipboard (only when the user asks)."""
        if self.report is not None:
            QGuiApplication.clipboard().setText(self.report.to_text())
            self.status.setText(self._summary(self.report) + translate("test_view", "  (Report copied.)"))

    def failure_code(self) -> str:
        failure = self.report.failure if self.report is not None else None
        return failure.diagnosis.code if failure is not None and failure.diagnosis is not None else ""

    def show_policies(self) -> PolicyDialog | None:
        """Open (without blocking) the policies: after a denial, those that answer it; after any other finished test,
        every policy the connection needs (on demand). Also emitted as `policies_requested`."""
        if self.report is None or self._last_args is None:
            return None
        self.policies_requested.emit(self.report)
        self.policy_dialog = PolicyDialog(self.failure_code(), self._last_args[0], self.report, self)
        self.policy_dialog.open()
        return self.policy_dialog

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        self.status.setText(message)
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.state == RUNNING
        self.cancel_button.setEnabled(running)
        self.test_again_button.setEnabled(not running and self._last_args is not None)
        self.copy_button.setEnabled(self.state == FINISHED and self.report is not None)
        finished = self.state == FINISHED and self.report is not None
        self.policies_button.setEnabled(finished)  # on demand after any finished test
        self._highlight(self.policies_button, finished and self.failure_code() in POLICY_CODES)

    def policies_highlighted(self) -> bool:
        """True when the last test ended in a denial that the policies answer."""
        return bool(self.policies_button.property("highlighted"))

    @staticmethod
    def _highlight(button: QPushButton, on: bool) -> None:
        """Bold text (and a `highlighted` property for styles and tests): the button is the way forward."""
        font = button.font()
        font.setBold(on)
        button.setFont(font)
        button.setProperty("highlighted", on)
