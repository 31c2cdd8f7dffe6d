"""The connection test's steps as a vertical list: one row per step, live while the test runs.

Each row shows a status glyph and a status word (never colour alone), the step's title, its duration and one line of
detail. A running step shows a timer-driven spinner and the time elapsed so far. A failed or denied step expands to its
diagnosis (`DiagnosisView`) right below the row. The widget only displays `engine.StepResult` values; it decides nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wizard.core.i18n import QT_TRANSLATE_NOOP, localized
from wizard.ui.diagnosis_view import DiagnosisView
from wizard.ui.translator import translate

SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPINNER_INTERVAL_MS = 100


@dataclass(frozen=True)
class StatusLook:
    glyph: str
    word: str
    fallback: str = ""  # when the font has no glyph for `glyph` (e.g. no emoji font installed)


STATUS_LOOKS = {
    "pending": StatusLook("○", QT_TRANSLATE_NOOP("step_list", "Waiting")),
    "running": StatusLook(SPINNER_FRAMES[0], QT_TRANSLATE_NOOP("step_list", "Running…")),
    "ok": StatusLook("✓", "OK"),
    "failed": StatusLook("✗", QT_TRANSLATE_NOOP("step_list", "Failed")),
    "denied": StatusLook("🔒", QT_TRANSLATE_NOOP("step_list", "Denied"), fallback="⚠"),
    "skipped": StatusLook("–", QT_TRANSLATE_NOOP("step_list", "Skipped")),
    "cancelled": StatusLook("⊘", QT_TRANSLATE_NOOP("step_list", "Cancelled")),
}
FINAL_STATUSES = frozenset({"ok", "failed", "denied", "skipped", "cancelled"})
EXPANDING_STATUSES = frozenset({"failed", "denied"})
TIMED_STATUSES = frozenset({"ok", "failed", "denied"})  # a skipped or cancelled step has no duration to show


def format_duration(ms: float | None) -> str:
    """'85 ms', '1.2 s', '14 s'; empty when there is no duration."""
    if ms is None:
        return ""
    if ms < 1000:
        return translate("step_list", '{ms:.0f} ms').format(ms=ms)
    seconds = ms / 1000
    return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"


def _glyph_for(look: StatusLook, label: QLabel) -> str:
    if look.fallback and not all(label.fontMetrics().inFontUcs4(ord(c)) for c in look.glyph):
        return look.fallback
    return look.glyph


def _fix_size(label: QLabel, widest: str) -> None:
    metrics = label.fontMetrics()
    label.setFixedSize(metrics.horizontalAdvance(widest) + 4, metrics.height() + 2)


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # messages from servers must never be read as HTML
    return label


class StepRow(QFrame):
    """One step: glyph, title, status word, duration; the detail below; the diagnosis when it failed."""

    def __init__(self, step, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"step-{step.name}")
        self.name = step.name
        self.status = ""
        self._started_at: float | None = None
        self._frame = 0

        self.glyph = _plain_label()
        self.glyph.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _plain_label(step.title)
        self.word = _plain_label()
        bold = self.word.font()
        bold.setBold(True)
        self.word.setFont(bold)
        self.duration = _plain_label()
        self.duration.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Fixed sizes: the spinner and the running time change ten times a second; a label of fixed size doesn't ask its
        # parent for a new layout on each change (word-wrapped rows make layouts costly).
        _fix_size(self.glyph, "🔒✓" + SPINNER_FRAMES[0])
        _fix_size(self.word, max((translate("step_list", look.word) for look in STATUS_LOOKS.values()), key=len) + "  ")
        _fix_size(self.duration, "00.0 s…  ")
        self.detail = _plain_label()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        small = self.detail.font()
        small.setPointSizeF(max(small.pointSizeF() * 0.9, 6.0))
        self.detail.setFont(small)
        self.diagnosis = DiagnosisView()
        self.diagnosis.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.glyph)
        top.addWidget(self.title, 1)
        top.addWidget(self.word)
        top.addWidget(self.duration)
        indented = QVBoxLayout()
        indented.setContentsMargins(self.glyph.width() + top.spacing(), 0, 0, 0)
        indented.addWidget(self.detail)
        indented.addWidget(self.diagnosis)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(indented)
        self.show_step(step)

    def show_step(self, step) -> None:
        """Display a StepResult (any status)."""
        if step.status == "running" and self.status != "running":
            self._started_at = time.monotonic()
        self.status = step.status
        look = STATUS_LOOKS.get(step.status, StatusLook("?", step.status))
        self.glyph.setText(_glyph_for(look, self.glyph))
        self.word.setText(translate("step_list", look.word))
        self.title.setText(step.title)
        if step.status in TIMED_STATUSES:
            self.duration.setText(format_duration(step.duration_ms))
        elif step.status != "running":
            self.duration.setText("")
        self.detail.setText(localized(step.detail or "", translate))
        self.detail.setVisible(bool(step.detail))
        if step.status in EXPANDING_STATUSES and step.diagnosis is not None:
            self.diagnosis.show_diagnosis(step.diagnosis)
            self.diagnosis.show()
        else:
            self.diagnosis.hide()
        self._update_accessible_text()
        if step.status == "running":
            self.tick()

    def mark_cancelled(self) -> None:
        """Show an unfinished step as cancelled (the caller has stopped listening to the engine)."""
        if self.status in FINAL_STATUSES:
            return
        self.status = "cancelled"
        look = STATUS_LOOKS["cancelled"]
        self.glyph.setText(look.glyph)
        self.word.setText(translate("step_list", look.word))
        self.duration.setText("")
        self._update_accessible_text()

    def tick(self) -> None:
        """Advance the spinner and the elapsed time of a running step."""
        if self.status != "running":
            return
        self._frame = (self._frame + 1) % len(SPINNER_FRAMES)
        self.glyph.setText(SPINNER_FRAMES[self._frame])
        if self._started_at is not None:
            elapsed = (time.monotonic() - self._started_at) * 1000
            self.duration.setText(format_duration(elapsed) + "…")

    def status_text(self) -> str:
        """The row as one line, e.g. 'Identity: OK, 85 ms' (also the accessible name)."""
        parts = [self.word.text()]
        if self.duration.text():
            parts.append(self.duration.text())
        return f"{self.title.text()}: {', '.join(parts)}"

    def _update_accessible_text(self) -> None:
        self.setAccessibleName(self.status_text())


class StepList(QWidget):
    """The rows of one test, in order. `set_steps` starts over; `show_step` updates one row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, StepRow] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self._spinner = QTimer(self)
        self._spinner.setInterval(SPINNER_INTERVAL_MS)
        self._spinner.timeout.connect(self._tick)

    def set_steps(self, steps) -> None:
        """Replace every row with the given (usually pending) steps."""
        for row in self.rows.values():
            self._layout.removeWidget(row)
            row.deleteLater()
        self.rows = {}
        for index, step in enumerate(steps):
            row = StepRow(step, self)
            self.rows[step.name] = row
            self._layout.insertWidget(index, row)
        self._sync_spinner()

    def show_step(self, step) -> None:
        row = self.rows.get(step.name)
        if row is None:  # a step the plan didn't announce: append it rather than lose it
            row = StepRow(step, self)
            self.rows[step.name] = row
            self._layout.insertWidget(len(self.rows) - 1, row)
        else:
            row.show_step(step)
        self._sync_spinner()

    def mark_cancelled(self) -> None:
        for row in self.rows.values():
            row.mark_cancelled()
        self._sync_spinner()

    def statuses(self) -> dict[str, str]:
        return {name: row.status for name, row in self.rows.items()}

    def _tick(self) -> None:
        for row in self.rows.values():
            row.tick()

    def _sync_spinner(self) -> None:
        running = any(row.status == "running" for row in self.rows.values())
        if running and not self._spinner.isActive():
            self._spinner.start()
        elif not running:
            self._spinner.stop()
