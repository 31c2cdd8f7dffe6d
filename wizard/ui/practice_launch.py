"""Practice mode from the profile manager: whether this installation has it, and "Try practice mode", which opens the
program in practice mode as its own process (practice mode redirects every AWS call of its process to the local
emulator and keeps its profiles apart, so the window that asked and the real profiles stay as they are).

One window at a time: while the practice window is open, the window that opened it steps aside (hidden), and comes
back when practice mode ends, saying that the practice profiles went with it. Two windows side by side, one real and
one practice, looked alike and invited typing a real key into the practice one or the other way round."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.ui.translator import translate

ENDED = QT_TRANSLATE_NOOP("practice_launch", "Practice mode ended; its practice profiles were deleted with it. Your "
                                             "own profiles are as they were.")


def practice_available() -> bool:
    """Whether practice mode can run in this installation: it needs the local AWS emulator (moto), which an installed
    (frozen) build may leave out. Only looks the module up (cheap); doesn't import it."""
    return importlib.util.find_spec("moto") is not None


def practice_command() -> list[str]:
    """This program with --practice: the bundled executable when frozen (PyInstaller), else `python -m wizard`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--practice"]
    return [sys.executable, "-m", "wizard", "--practice"]


class PracticeLauncher:
    """Starts the practice-mode program once at a time. `process`: the one it started (None before); `output`: where
    that program's output goes (None: nowhere; tests give a file and read it)."""

    def __init__(self, status: Callable[[str], None], problem: Callable[[str, BaseException], None],
                 window=None) -> None:
        """`window`: the window that steps aside while practice mode runs (None: it stays)."""
        self.status, self.problem, self.window = status, problem, window
        self.process = None  # the practice program's subprocess.Popen once launched
        self.output = None  # where its output goes: None for nowhere (tests give a file)
        self._watch = QTimer(window, interval=300) if window is not None else QTimer(interval=300)
        self._watch.timeout.connect(self._check_ended)

    def launch(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.status(translate("practice_launch", "Practice mode is already open in its own window."))
            return
        import subprocess  # loaded when practice mode is launched, not before the window's first paint

        try:
            self.process = subprocess.Popen(
                practice_command(), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL if self.output is None else self.output, stderr=subprocess.DEVNULL
            )
        except OSError as exc:
            self.problem(translate("practice_launch", "Could not start practice mode"), exc)
            return
        self.status(translate("practice_launch", "Practice mode opens in its own window; nothing there reaches AWS. "
                                                 "This window comes back when "
                    "you close it."))
        if self.window is not None:
            self.window.hide()
        self._watch.start()

    def _check_ended(self) -> None:
        if self.process is None or self.process.poll() is None:
            return
        self._watch.stop()
        self.status(translate("practice_launch", ENDED))
        if self.window is not None:
            self.window.show()
            self.window.raise_()
            self.window.activateWindow()

    def stop_watching(self) -> None:
        self._watch.stop()


async def start_practice_emulator(work):
    """Practice mode's local AWS emulator, started off the GUI thread with `work` (the manager's progress and worded
    failure); None when it could not start."""
    from wizard.ui.manager_context import FAILED

    def start():
        from wizard.practice.aws_emulator import AwsEmulator

        return AwsEmulator().start()

    started = await work(translate("manager", "Starting the practice emulator on 127.0.0.1…"),
                         translate("manager", "Could not start practice mode"), start)
    return None if started is FAILED else started
