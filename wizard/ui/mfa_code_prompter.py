"""The GUI's MFA code prompter (`wizard.core.credentials.MfaCode`): the connection test calls it in its worker thread
when a code is needed; it opens the code dialog (`wizard.ui.mfa_prompt`) on the GUI thread, without blocking that
thread (the dialog is opened with `open()`, not `exec()`), and the worker waits for the answer.

The code travels only from the dialog's line edit to the waiting worker: never logged, never stored.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

ANSWER_TIMEOUT = 600.0  # seconds the worker waits for the user before giving up (then: no code)


class _Opener(QObject):
    """Lives on the GUI thread; a queued signal carries the request there from a worker thread."""

    requested = Signal(str, object)  # device, the concurrent future to answer

    def __init__(self, parent: QWidget | None, profile_name: str):
        super().__init__()
        self._parent = parent
        self._profile_name = profile_name
        self.dialog = None  # the dialog on show (tests answer it)
        self.requested.connect(self._open, Qt.ConnectionType.QueuedConnection)

    @Slot(str, object)
    def _open(self, device: str, answer: concurrent.futures.Future) -> None:
        from shiboken6 import isValid

        from wizard.ui.mfa_prompt import MfaCodeDialog

        parent = self._parent if self._parent is not None and isValid(self._parent) else None
        dialog = MfaCodeDialog(device, parent, profile_name=self._profile_name)
        self.dialog = dialog

        def finished(_result: int) -> None:
            code = dialog.result_code()
            self.dialog = None
            dialog.deleteLater()
            if not answer.done():
                answer.set_result(code)

        dialog.finished.connect(finished)
        dialog.open()


def gui_code_prompter(parent: QWidget | None = None, *, profile_name: str = "") -> Callable[[str], str | None]:
    """A code prompter for a test or a renewal started from the GUI. Create it on the GUI thread; call it from a
    worker thread (calling it on the GUI thread would wait for itself)."""
    opener = _Opener(parent, profile_name)

    def ask(device: str) -> str | None:
        answer: concurrent.futures.Future = concurrent.futures.Future()
        opener.requested.emit(device, answer)
        try:
            return answer.result(timeout=ANSWER_TIMEOUT)
        except concurrent.futures.TimeoutError:
            return None

    ask.opener = opener  # keeps the QObject alive as long as the prompter
    return ask
