"""Run by tests/gui/test_collector.py in a fresh process (no other test's windows or state): a window caught in a
reference cycle is dropped while a worker thread allocates; prints, as JSON, which thread destroyed it and when.
With `keep`: a large structure is built, `keep_what_is_loaded()` is called, and then a window in a cycle is dropped;
prints whether the structure left the generations that collections look at, and which thread destroyed the window.

    python -m tests.support.collector_probe [keep]
"""

from __future__ import annotations

import json
import sys
import threading
import time


def main(argv: list[str]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

    app = QApplication([])
    from wizard.ui.collector import collect_on_gui_thread

    made = collect_on_gui_thread()
    destroyed_on: list[str] = []

    def drop_a_window_in_a_cycle() -> None:
        window = QWidget()
        window.field = QLineEdit(window)
        window.timer = QTimer(window, interval=50)
        window.timer.start()
        window.itself = window  # only the cyclic collector can free it
        window.destroyed.connect(lambda: destroyed_on.append(threading.current_thread().name))

    if argv == ["keep"]:
        return _keep(app, made, drop_a_window_in_a_cycle, destroyed_on)
    kept: list = []

    def allocate() -> None:  # far more allocations than the youngest generation's threshold; the last 1,000 stay
        for i in range(200_000):
            if len(kept) >= 1000:
                kept.clear()
            kept.append([i])

    import gc

    gc.collect()  # the youngest generation empty: only the worker allocates enough to make a collection due
    drop_a_window_in_a_cycle()
    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    during_the_worker = list(destroyed_on)
    deadline = time.monotonic() + 10
    while not destroyed_on and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps({"during_the_worker": during_the_worker, "destroyed_on": destroyed_on,
                      "main": threading.main_thread().name}))
    return 0


def _keep(app, made, drop_a_window_in_a_cycle, destroyed_on: list[str]) -> int:
    import gc

    from wizard.ui.collector import keep_what_is_loaded

    loaded = [[i] for i in range(50_000)]  # as botocore's parsed data: many small containers, alive for good
    keep_what_is_loaded()
    deadline = time.monotonic() + 10
    while not made.frozen and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    tracked = sum(len(gc.get_objects(generation)) for generation in range(3))
    drop_a_window_in_a_cycle()  # garbage made after the freeze is still collected, on this thread
    more = [[] for _ in range(1000)]  # enough new containers to make a collection due
    while not destroyed_on and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    more.clear()
    print(json.dumps({"frozen": made.frozen, "frozen_objects": gc.get_freeze_count(), "tracked": tracked,
                      "loaded": len(loaded), "destroyed_on": destroyed_on, "main": threading.main_thread().name}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
