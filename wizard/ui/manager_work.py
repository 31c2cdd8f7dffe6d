"""Blocking work for the profile manager, run off the GUI thread with the user kept informed.

`ManagerWork` runs keychain and file work in the default executor and awaits it on the qasync loop, while the status
bar says what is happening and a progress bar moves; a failure becomes a message box in words (never a secret: texts
are redacted). It also opens the dialogs actions wait on (`open()` and awaited, never a nested `exec()`), remembering
the one open so that closing the window can reject it.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QWidget

from wizard.core.i18n import QT_TRANSLATE_NOOP, localized, shown
from wizard.ui import manager_dialogs
from wizard.ui.manager_context import FAILED
from wizard.ui.translator import translate

KEYCHAIN_ADVICE = {
    "no-keyring": (
        QT_TRANSLATE_NOOP("manager_work", "No usable keychain was found (a Secret Service such as GNOME Keyring or "
                                          "KWallet must be running). "
        "This program never keeps secrets in plain text.")
    ),
    "keyring-locked": QT_TRANSLATE_NOOP("manager_work", "The keychain is locked. Unlock it (usually your login "
                                                        "keyring) and try again."),
}
NOTHING_SAVED = QT_TRANSLATE_NOOP("manager_work", "Nothing was saved: the keychain comes first, the profile file only "
                                                  "after it.")


def problem_text(exc: BaseException, *, saves: bool = False) -> tuple[str, str]:
    """(text, details) telling what went wrong, redacted. `saves`: the failed work was a save, which writes the
    keychain first, so a keychain failure means nothing was saved."""
    from wizard.core.keychain import KeychainError
    from wizard.core.redact import redact_text

    if isinstance(exc, KeychainError):
        text = translate("manager_work", KEYCHAIN_ADVICE.get(exc.code, "")) or translate(
            "manager_work", "The keychain reported a problem ({code}).").format(code=exc.code)
        return text + (" " + translate("manager_work", NOTHING_SAVED) if saves else ""), redact_text(
            localized(getattr(exc, "message", "") or exc, translate)
        )
    return redact_text(shown(exc, translate) or type(exc).__name__), ""


async def off_thread(fn, *args, **kwargs):
    """Run blocking work (keychain, files) in the default executor and await it on the loop."""
    import asyncio  # loaded once the loop runs, after the first paint

    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))


class ManagerWork:
    """The busy state, problems, messages and dialogs of one window. `changed()` is called when the busy state
    changes (the window then enables or disables its actions)."""

    def __init__(self, window: QWidget, status: QLabel, progress: QProgressBar, changed: Callable[[], None]) -> None:
        self.window, self.status, self.progress, self.changed = window, status, progress, changed
        self.count = 0  # how many pieces of work run now
        self.active_dialog: QDialog | None = None  # the wizard or dialog an action is waiting on
        self.last_problem = None  # the last problem message box, kept for inspection
        self.last_message = None  # the last information box (import and export results)

    @contextlib.contextmanager
    def busy(self, text: str):
        """The status bar says `text` while the work runs; nested work ("Reading the secrets…" inside "Testing
        NAME…") says its own text, then gives the outer text back."""
        self.count += 1
        outer = self.status.text()
        self.status.setText(text)
        self.progress.show()
        self.changed()
        try:
            yield
        finally:
            self.count -= 1
            if not self.count:
                self.progress.hide()
                if self.status.text() == text:  # an outcome said meanwhile stays
                    self.status.setText("")
            elif self.status.text() == text:
                self.status.setText(outer)
            self.changed()

    async def work(self, busy_text: str, problem_title: str, fn, *args, saves: bool = False, **kwargs):
        """Run blocking `fn` off the GUI thread while busy. Its result, or FAILED after telling the user why."""
        with self.busy(busy_text):
            try:
                return await off_thread(fn, *args, **kwargs)
            except Exception as exc:
                self.problem(problem_title, exc, saves=saves)
                return FAILED

    def problem(self, title: str, exc: BaseException, *, saves: bool = False) -> None:
        text, details = problem_text(exc, saves=saves)
        self.status.setText(translate("manager_work", '{title}: failed').format(title=title))
        self.last_problem = manager_dialogs.show_problem(self.window, title, text, details)

    def tell(self, title: str, text: str, details: str = ""):
        self.last_message = manager_dialogs.show_message(self.window, title, text, details)
        return self.last_message

    async def await_dialog(self, dialog: QDialog) -> int:
        self.active_dialog = dialog
        try:
            return await manager_dialogs.run_dialog(dialog)
        finally:
            self.active_dialog = None


def ask_in_worker(ask, answer, alive) -> None:
    """Call `ask()` in a worker thread of its own and pass its result to `answer` (a Qt signal's emit, so that it
    arrives on the GUI thread) while `alive()`; a failure answers nothing."""
    from concurrent.futures import ThreadPoolExecutor

    def done(future) -> None:
        result = future.result() if not future.exception() else None
        if result and alive():
            answer(result)

    pool = ThreadPoolExecutor(1, thread_name_prefix="ask")
    pool.submit(ask).add_done_callback(done)
    pool.shutdown(wait=False)
