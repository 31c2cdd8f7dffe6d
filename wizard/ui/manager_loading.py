"""Reading the profile file into the manager, off the GUI thread, and reading it again when it changes.

The manager's first read happens once its window is on screen (`start`); after it, what the first rows were not kept
waiting for runs (`after_rows`: botocore's warm-up, naming the keychain's backend). A change of the file by another
program (`StoreWatch`) reads it again unless an action runs: the action reloads when it ends.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.ui.first_paint import after_first_paint
from wizard.ui.manager_work import off_thread
from wizard.ui.store_watch import StoreWatch
from wizard.ui.translator import translate

if TYPE_CHECKING:
    import asyncio


class ProfileLoading:
    """The manager's reads of its store. `window` shows what was read (`show_profiles`) and answers whether it is
    closed or busy; `after_rows` runs once, after the first rows were painted."""

    def __init__(self, window, after_rows: Callable[[], None]) -> None:
        self.window = window
        self.loaded = False  # the table shows the store (at least once)
        self._after_rows, self._after_rows_started = after_rows, False
        self._first = None  # the task of the first read
        self._watch, self._watching = StoreWatch(window, self._reload_when_idle), False

    def reload(self, select_id: str | None = None) -> asyncio.Task:
        """Read the store and show it, keeping or setting the selection. The task (an error in it is reported through
        sys.excepthook, as a qasync slot's would be)."""
        import asyncio

        task = asyncio.ensure_future(self._reload(select_id))
        task.add_done_callback(_report_error)
        return task

    def start(self) -> None:
        """The first read, unless it runs already or is done."""
        if not self.loaded and (self._first is None or self._first.done()):
            self._first = self.window.track(self.reload())

    def stop(self) -> None:
        self._watch.stop()

    async def _reload(self, select_id: str | None) -> None:
        window = self.window
        try:
            profiles, saved_reports = await off_thread(self._read)
        except Exception as exc:  # an unreadable store: say so, keep the window usable
            if not window.is_closed():
                window.worker.problem(translate("manager", "Could not read the profiles"), exc)
            return
        if window.is_closed():  # closed (or deleted) while reading
            return
        if not self._watching:
            self._watching = True
            await self._watch.start(window.store.home)
        self.loaded = True
        window.show_profiles(profiles, saved_reports, select_id)
        if not self._after_rows_started:
            self._after_rows_started = True
            after_first_paint(self._after_rows)
        window.profiles_loaded.emit()

    def _read(self) -> tuple[list, dict[str, str]]:
        """Blocking: the profiles, and the text of each one's last report kept in the file (rebuilt by the engine,
        which is imported here, off the GUI thread, and only when a profile has a report)."""
        from wizard.core.last_report import report_text

        profiles = self.window.store.list()
        return profiles, {p.id: report_text(p) for p in profiles if p.last_report}

    def _reload_when_idle(self) -> bool:
        """The store changed: read it now, unless an action runs (it reloads when it ends). False: ask again later."""
        if self.window.is_closed():
            return True
        if self.window.is_busy():
            return False
        self.window.track(self.reload())
        return True


def store_is_empty(window) -> bool:
    """Whether the manager starts on no profile at all (and not in practice mode): the wizard then opens over it. A
    damaged file is not empty: the window's read shows why and how to recover; nothing is written."""
    from wizard.core.profiles import StoreError

    try:
        return not window.practice and not window.store.list()  # a small local file, read once at start
    except StoreError:
        return False


def _report_error(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        exc = task.exception()
        sys.excepthook(type(exc), exc, exc.__traceback__)
