"""Python's cyclic garbage collected on the GUI thread only.

A Qt object that Python owns (a closed window, a dialog) and that sits in a reference cycle is freed by Python's cyclic
garbage collector, which runs in whichever thread happens to allocate when a threshold is crossed: often a worker
parsing botocore's data or waiting on the keychain. Qt objects must be destroyed in their own thread; destroyed in
another one, Qt warns "QObject::killTimer: Timers cannot be stopped from another thread" and the program may crash
later on the GUI thread. `collect_on_gui_thread()` turns automatic collection off and runs the same generational
collection from a timer on the GUI thread instead (the remedy PyQt and pyqtgraph users settled on).

Collections on the GUI thread stall its event loop for as long as they take, and a collection takes as long as the
objects it looks at: botocore's parsed data (~70,000 objects after the warm-up) made the first collection after the
warm-up take ~40 ms, often during the first test. `keep_what_is_loaded()`, called when the warm-up is done, has the
next tick collect once and then move every object left into the permanent generation (`gc.freeze`), which later
collections skip. Garbage is still freed as usual (by reference counting, and Qt objects by `deleteLater`); only a
reference cycle among objects alive at that moment would stay.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 200  # how often the thresholds are looked at: cheap (three counters) when nothing is due

_collector: Collector | None = None


class Collector(QObject):
    """Collects on its timer, on the thread it was made in, as automatic collection would have (same thresholds)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = 0  # how many times a generation was collected (tests)
        self.frozen = False  # whether keep_what_is_loaded() has been carried out (tests)
        self._keep_requested = False
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> None:
        """As the interpreter does at an allocation: once the youngest generation is over its threshold, collect the
        oldest generation over its own."""
        if self._keep_requested:
            self._keep_requested = False
            gc.collect()
            gc.freeze()
            self.collections += 1
            self.frozen = True
            return
        counts = gc.get_count()
        if not self.thresholds[0] or counts[0] <= self.thresholds[0]:  # a threshold of 0: collection off
            return
        gc.collect(max(level for level in range(3) if counts[level] > self.thresholds[level]))
        self.collections += 1


def collect_on_gui_thread() -> Collector:
    """Make the application's GUI thread the only one that collects cyclic garbage (once; call it on the GUI thread
    after the QApplication exists). Returns the collector."""
    global _collector
    if _collector is None:
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("collect_on_gui_thread needs the QApplication")
        _collector = Collector(app)
        gc.disable()
    return _collector


def keep_what_is_loaded() -> None:
    """From any thread, once a large structure that lives as long as the program has been built (botocore's data after
    the warm-up): the collector's next tick collects everything once, on the GUI thread, and freezes what is left so
    that no later collection looks at it again. Nothing happens without a collector."""
    if _collector is not None:
        _collector._keep_requested = True  # a plain assignment: read by the GUI thread's next tick


def collect_due() -> None:
    """On the GUI thread, between other work: collect what is due now (nothing when no collector was installed)."""
    if _collector is not None:
        _collector.collect_due()
