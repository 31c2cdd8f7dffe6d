"""A probe for "the GUI's event loop never stalls": a 5 ms Qt timer that records the largest gap between its ticks.

Two numbers per gap:
- `raw`: wall-clock time between two ticks.
- `own`: the same, minus the time the GUI thread was runnable but waiting for a CPU (Linux's per-thread run-queue wait,
  /proc/thread-self/schedstat). That time measures the machine's load (other processes on the shared cores), not the
  program. Everything the program causes still counts in `own`: work on the GUI thread, blocking calls, and a worker
  thread holding the GIL (a thread waiting for the GIL sleeps; it is not on the run queue).
Without schedstat (not Linux), `own` equals `raw`.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _run_queue_wait() -> float:
    """Seconds this thread has spent runnable but not running (0.0 when the kernel doesn't say)."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class LoopProbe:
    """start() on the GUI thread; stop(); then max_gap / max_own_gap (seconds), ticks, long_gaps."""

    def __init__(self, interval_ms: int = 5, report_over: float = 0.020):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.report_over = report_over
        self.ticks = 0
        self.max_gap = 0.0
        self.max_own_gap = 0.0
        self.long_gaps: list[tuple[float, float, float]] = []  # (at s since start, raw gap, own gap)
        self._started = self._last = self._last_wait = 0.0

    def start(self) -> LoopProbe:
        self._started = self._last = time.perf_counter()
        self._last_wait = _run_queue_wait()
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now, wait = time.perf_counter(), _run_queue_wait()
        gap = now - self._last
        own = max(0.0, gap - (wait - self._last_wait))
        self.max_gap = max(self.max_gap, gap)
        self.max_own_gap = max(self.max_own_gap, own)
        if gap > self.report_over:
            self.long_gaps.append((round(self._last - self._started, 3), round(gap, 3), round(own, 3)))
        self._last, self._last_wait = now, wait
        self.ticks += 1

    def summary(self) -> str:
        return (f"largest event-loop gap {self.max_gap * 1000:.1f} ms wall clock, {self.max_own_gap * 1000:.1f} ms "
                f"without CPU run-queue wait, over {self.ticks} ticks; gaps over {self.report_over * 1000:.0f} ms "
                f"(at s, raw s, own s): {self.long_gaps}")
