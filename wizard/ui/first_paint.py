"""Work that waits for the first paint: `after_first_paint(then)` runs `then` on the GUI thread once the application's
first window has been exposed (painted), or after FIRST_PAINT_WAIT_MS when no window is. What starts the program (the
botocore warm-up, the keychain's backend check, the last reports' texts, the qasync loop itself) waits for it, so the
first window is on screen before any of that loads."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication

FIRST_PAINT_WAIT_MS = 1000
_painted = False  # a window of this process has been exposed: later calls run at once (on the next loop turn)


class _FirstExpose(QObject):
    """Runs `then` once, on the first Expose event of any window of the application (or after a time limit)."""

    def __init__(self, app, then) -> None:
        super().__init__(app)
        self._then = then
        app.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self._fire)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
        if self._then is not None and event.type() == QEvent.Type.Expose:
            QTimer.singleShot(0, self._fire)  # after this paint
        return False

    def _fire(self) -> None:
        global _painted
        if self._then is None:
            return
        _painted = True
        then, self._then = self._then, None
        app = self.parent()
        if app is not None:
            app.removeEventFilter(self)
        then()


def after_first_paint(then) -> None:
    """Run `then()` after the first paint of this process (at once without an application; on the next turn of the
    event loop once a window has been painted)."""
    app = QGuiApplication.instance()
    if app is None:
        then()
    elif _painted:
        QTimer.singleShot(0, then)
    else:
        _FirstExpose(app, then)
