"""The installed Qt binding keeps Python's reference counts right.

PySide6 6.12.0's `SignalInstance.emit()` returned `True` without taking a reference. On Python < 3.12, where `True` is an
ordinary object, every emit from Python code took one reference away, until the interpreter aborted with "Fatal Python
error: bool_dealloc": at exit after every test had passed (pytest's status became 250), or in the middle of a long
session of the program. pyproject.toml keeps that version out; this test catches any binding with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

ROUNDS = 5
EMITS_PER_ROUND = 100  # of each of the three signals
TOLERANCE = 50


class _Sender(QObject):
    plain = Signal()
    flag = Signal(bool)
    text = Signal(str)


def _true_and_false_refs() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def test_emitting_signals_leaves_true_and_false_reference_counts_alone(qapp):
    sender = _Sender()
    received: list[object] = []
    sender.flag.connect(received.append)
    sender.text.connect(received.append)
    sender.plain.emit()  # first use: let the binding build whatever it caches
    before = _true_and_false_refs()
    # Checked after each round so that a faulty binding fails here, before it has taken enough references to abort the
    # interpreter. Other threads (executor workers) may hold a few references for a moment; the fault takes one per emit.
    for round_ in range(1, ROUNDS + 1):
        for _ in range(EMITS_PER_ROUND):
            sender.plain.emit()
            sender.flag.emit(False)
            sender.text.emit("x")
        after = _true_and_false_refs()
        emits = 3 * EMITS_PER_ROUND * round_
        assert after[0] >= before[0] - TOLERANCE, f"True lost {before[0] - after[0]} references over {emits} emits"
        assert after[1] >= before[1] - TOLERANCE, f"False lost {before[1] - after[1]} references over {emits} emits"
    assert len(received) == 2 * EMITS_PER_ROUND * ROUNDS
    received.clear()
