"""The time left on an MFA session, live: a label updated every second, and a signal a few minutes before the end.

`format_time_left(seconds)` is the text ("11 h 58 min left", "4 min 05 s left", "expired"); the label shows it with
the word "MFA session"; `ending_soon` is emitted once when the time left passes `warn_before` seconds (the manager
turns it into a tray message or a notice in the window), `expired` once at the end (Renew asks for a new code).
"""

from __future__ import annotations

import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from wizard.ui.translator import translate

DEFAULT_WARN_BEFORE = 300.0  # seconds: "a few minutes before the session ends"


def format_time_left(seconds: float) -> str:
    if seconds <= 0:
        return translate("session_countdown", "expired")
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return translate("session_countdown", '{hours} h {minutes:02d} min left').format(hours=hours, minutes=minutes)
    if minutes:
        return translate("session_countdown", '{minutes} min {secs:02d} s left').format(minutes=minutes, secs=secs)
    return translate("session_countdown", '{secs} s left').format(secs=secs)


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class SessionCountdown(QLabel):
    ending_soon = Signal()
    expired = Signal()

    def __init__(self, parent: QWidget | None = None, *, warn_before: float = DEFAULT_WARN_BEFORE,
                 interval_ms: int = 1000, clock=_utc_now):
        super().__init__(parent)
        self.warn_before = warn_before
        self._clock = clock
        self._expiration: datetime.datetime | None = None
        self._warned = self._ended = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)
        self.setAccessibleName(translate("session_countdown", "MFA session time left"))
        self.refresh()

    def set_expiration(self, expiration: datetime.datetime | None) -> None:
        """Follow a new session (None: no session). Warnings fire again for a new session."""
        if expiration is not None and expiration.tzinfo is None:
            expiration = expiration.replace(tzinfo=datetime.timezone.utc)
        self._expiration = expiration
        self._warned = self._ended = False
        if expiration is None:
            self._timer.stop()
        else:
            self._timer.start()
        self.refresh()

    def seconds_left(self) -> float | None:
        if self._expiration is None:
            return None
        return (self._expiration - self._clock()).total_seconds()

    def refresh(self) -> None:
        left = self.seconds_left()
        if left is None:
            self.setText(translate("session_countdown", "MFA session: none (a code is needed)"))
            return
        self.setText(translate("session_countdown", 'MFA session: {0}').format(format_time_left(left)))
        if left <= self.warn_before and left > 0 and not self._warned:
            self._warned = True
            self.ending_soon.emit()
        if left <= 0 and not self._ended:
            self._ended = self._warned = True
            self._timer.stop()
            self.expired.emit()
