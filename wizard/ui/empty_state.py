"""The profile manager's empty state: shown when there is no profile yet, with "Create your first connection" and "Try
practice mode"; and the word-wrapped label it is made of."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.ui.translator import translate


class WrappedText(QLabel):
    """A word-wrapped label that always keeps the height its text needs at its current width.

    A QLabel's height-for-width is not seen by the layouts above it (a stacked widget, a main window), so a window
    made small enough would clip the wrapped lines; this label raises its minimum height to what its font and width
    need instead, and the window's minimum size follows."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _fit(self) -> None:
        minimum = self.minimumHeight()
        self.setMinimumHeight(0)  # QLabel's height-for-width is never below its minimum height: measure without it
        needed = self.heightForWidth(self.width())
        self.setMinimumHeight(needed if needed > 0 else minimum)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override): no taller than the text at the width it has
        return QSize(super().sizeHint().width(), max(self.minimumHeight(), self.heightForWidth(self.width())))

    def setText(self, text: str) -> None:  # noqa: N802 (Qt override)
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


PRACTICE_UNAVAILABLE = (
    QT_TRANSLATE_NOOP("empty_state", "Practice mode needs the local AWS emulator (moto), which this installation "
                                     "doesn't include: "
    "run it from source with ./dev run --practice")
)


class EmptyState(QWidget):
    """Shown when there is no profile yet. `practice_available`: practice mode can run in this installation (an
    installed build may leave the emulator out); when not, its button is disabled and says why."""

    def __init__(self, parent: QWidget | None = None, *, practice_available: bool = True) -> None:
        super().__init__(parent)
        title = QLabel(translate("empty_state", "<h2>No connections yet</h2>"))
        self.text = WrappedText(
            translate("empty_state", "A connection is a tested way to reach one AWS service in one Region. The wizard "
                                     "asks for the method, "
            "the credentials, the service and the Region, then tests it before saving. "
            "Practice mode lets you try everything against a local emulator: nothing reaches AWS.")
        )
        self.create_button = QPushButton(translate("empty_state", "Create your first connection"))
        self.create_button.setObjectName("createFirst")
        self.create_button.setDefault(True)
        self.practice_button = QPushButton(translate("empty_state", "Try practice mode"))
        self.practice_button.setObjectName("tryPractice")
        command = " ./dev run --practice"  # on a line of its own, unbroken, so that it can be read and typed as it is
        self.practice_note = WrappedText(
            translate("empty_state", PRACTICE_UNAVAILABLE).replace(command, f"<br><nobr>{command[1:]}</nobr>")
        )
        self.practice_note.setObjectName("practiceUnavailable")
        self.practice_note.setVisible(not practice_available)
        if not practice_available:
            self.practice_button.setEnabled(False)  # stays disabled when the whole state is enabled again
            self.practice_button.setToolTip(translate("empty_state", PRACTICE_UNAVAILABLE))
            self.practice_button.setAccessibleDescription(translate("empty_state", PRACTICE_UNAVAILABLE))
        self.column = QWidget()
        self.column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        inner = QVBoxLayout(self.column)
        inner.setSpacing(12)
        for widget in (title, self.text, self.create_button, self.practice_button, self.practice_note):
            inner.addWidget(widget)
        row = QHBoxLayout()  # the column centred, as wide as the window allows up to a comfortable line length
        row.addStretch(1)
        row.addWidget(self.column, 20)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self._fit_to_font()

    def _fit_to_font(self) -> None:
        """Sizes from the font, not pixels: a line of 36 to 84 average characters, buttons with room around the text."""
        metrics = self.fontMetrics()
        self.column.setMinimumWidth(36 * metrics.averageCharWidth())
        self.column.setMaximumWidth(84 * metrics.averageCharWidth())
        for button in (self.create_button, self.practice_button):
            button.setMinimumHeight(round(2.5 * metrics.height()))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_to_font()
