"""Small widgets the wizard pages share: a field's message line, a masked secret editor, mnemonics for labels.

Status is always an icon and a word ("Error:", "Warning:", "Note:"), never colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontDatabase,
    QIcon,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.ui.translator import translate

# Letters QWizard's own buttons use (< &Back, &Next >, &Finish, &Help, &Commit): labels must not take them.
RESERVED_MNEMONICS = frozenset("bnfhc")
WIZARD_BUTTON_TEXTS = ("< &Back", "&Next >", "&Finish", "&Help")  # QWizard's own texts, as Qt's catalogue has them

LEVEL_WORDS = {
    "error": QT_TRANSLATE_NOOP("widgets", "Error"),
    "warning": QT_TRANSLATE_NOOP("widgets", "Warning"),
    "info": QT_TRANSLATE_NOOP("widgets", "Note"),
}
_LEVEL_ICONS = {
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
}
ICON_SIZE = 16
REVEAL_SHORTCUT = "Ctrl+Shift+H"


def level_icon(widget: QWidget, level: str) -> QIcon:
    """The standard icon for a message level ("error", "warning", "info")."""
    return widget.style().standardIcon(_LEVEL_ICONS.get(level, _LEVEL_ICONS["info"]))


def fixed_font() -> QFont:
    """The system's monospace font: keys and ARNs are easier to check character by character."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class PaletteFollower(QObject):
    """Derives a widget's own colours from the palette it inherits, now and again whenever that palette changes: the
    desktop switched between light and dark while the program runs (Qt then gives the application a new palette and
    every widget a PaletteChange), or the widget moved under another parent. Our own setPalette inside `derive` sends
    a PaletteChange too; that one is ignored."""

    def __init__(self, widget: QWidget, derive: Callable[[QWidget], None]):
        super().__init__(widget)
        self._derive = derive
        self._deriving = False
        widget.installEventFilter(self)
        self.derive(widget)

    def derive(self, widget: QWidget) -> None:
        if self._deriving:
            return
        self._deriving = True
        try:
            self._derive(widget)
        finally:
            self._deriving = False

    def eventFilter(self, watched, event) -> bool:  # Qt's virtual
        if event.type() == QEvent.Type.PaletteChange:  # sent after the widget's palette was resolved anew
            self.derive(watched)
        return False


def inherited_palette(widget: QWidget) -> QPalette:
    """The palette a widget would have without its own colours: its parent's, or the application's."""
    parent = widget.parentWidget()
    return parent.palette() if parent is not None else QApplication.palette(widget)


def muted_colour(palette: QPalette) -> QColor:
    """Secondary text: the text colour blended towards the background (dark grey on light, light grey on dark)."""
    fg, bg = palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
    return QColor(*(round(a * 0.68 + b * 0.32) for a, b in zip(fg.getRgb()[:3], bg.getRgb()[:3])))


def _mute(label: QWidget) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_colour(inherited_palette(label)))
    label.setPalette(palette)


def small_muted(label: QLabel) -> QLabel:
    """Style a label as secondary text: slightly smaller, text colour blended towards the background. The colour
    follows the desktop's light or dark scheme, also when it is switched while the program runs."""
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() * 0.92, 7.0))
    label.setFont(font)
    PaletteFollower(label, _mute)
    return label


def reserved_mnemonics() -> frozenset[str]:
    """The letters QWizard's own buttons take in the language in use (English: Back, Next, Finish, Help, and C)."""
    texts = [QCoreApplication.translate("QWizard", t) for t in WIZARD_BUTTON_TEXTS]
    if texts == list(WIZARD_BUTTON_TEXTS):
        return RESERVED_MNEMONICS
    return frozenset(t[t.index("&") + 1].lower() for t in texts if "&" in t[:-1])


def with_mnemonic(text: str, taken: set[str]) -> str:
    """`text` with an "&" before the first letter not yet taken (nor used by QWizard's buttons); adds it to `taken`."""
    words_first = [i for i, ch in enumerate(text) if ch.isalpha() and (i == 0 or not text[i - 1].isalnum())]
    others = [i for i, ch in enumerate(text) if ch.isalpha() and i not in words_first]
    for i in words_first + others:
        letter = text[i].lower()
        if letter not in taken and letter not in reserved_mnemonics():
            taken.add(letter)
            return text[:i] + "&" + text[i:]
    return text


class MessageRow(QWidget):
    """One message: its level's icon, then "Word: text"."""

    def __init__(self, level: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.icon = QLabel(self)
        self.icon.setPixmap(level_icon(self, level).pixmap(ICON_SIZE, ICON_SIZE))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.icon.setFixedWidth(ICON_SIZE)
        self.label = QLabel(translate("widgets", "{level}: {text}").format(
            level=translate("widgets", LEVEL_WORDS.get(level, LEVEL_WORDS["info"])), text=text), self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # a word-wrapped label's height depends on its width
        self.label.setSizePolicy(policy)
        layout.addWidget(self.icon)
        layout.addWidget(self.label, 1)
        self.level = level


class FieldMessage(QWidget):
    """The messages of one field, shown right beneath it; when there are none, the field's help in muted text."""

    def __init__(self, help_text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._help = small_muted(QLabel(help_text, self))
        self._help.setWordWrap(True)
        self._help.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._help.setVisible(bool(help_text))
        self._layout.addWidget(self._help)
        self._rows: list[MessageRow] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setVisible(bool(help_text))  # nothing to say: take no room

    def set_help(self, text: str) -> None:
        self._help.setText(text)
        self._help.setVisible(bool(text) and not self._rows)
        self.setVisible(bool(self._rows) or bool(text))

    def set_messages(self, messages: Iterable) -> None:
        """Show these messages (objects with .level and .text), replacing the previous ones."""
        for row in self._rows:
            self._layout.removeWidget(row)
            row.hide()  # at once: deleteLater alone leaves it painted under the new rows until the next event loop
            row.deleteLater()
        self._rows = [MessageRow(m.level, _in_language(m), self) for m in messages]
        for row in self._rows:
            self._layout.addWidget(row)
        self._help.setVisible(bool(self._help.text()) and not self._rows)
        self.setVisible(bool(self._rows) or bool(self._help.text()))

    def text(self) -> str:
        """Everything the field's message area says, one message a line (the help when there is no message)."""
        if self._rows:
            return "\n".join(row.label.text() for row in self._rows)
        return self._help.text() if not self._help.isHidden() else ""

    def levels(self) -> list[str]:
        return [row.level for row in self._rows]


def _in_language(message) -> str:
    """A message's text in the window's language (a validation message made with values is translated as one text)."""
    localized = getattr(message, "localized", None)
    return localized(translate) if localized is not None else translate("validation", message.text)


def eye_icon(slashed: bool, colour: QColor) -> QIcon:
    """An eye (show the value), or a struck-through eye (hide it), drawn in `colour`: no icon theme is needed."""
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2.4))
    outline = QPainterPath(QPointF(3, 16))
    outline.quadTo(16, 2, 29, 16)
    outline.quadTo(16, 30, 3, 16)
    painter.drawPath(outline)
    painter.setBrush(colour)
    painter.drawEllipse(QPointF(16, 16), 4.5, 4.5)
    if slashed:
        painter.drawLine(QPointF(6, 27), QPointF(26, 5))
    painter.end()
    return QIcon(pixmap)


class SecretLineEdit(QLineEdit):
    """A masked line edit with an eye toggle inside it (mouse) and Ctrl+Shift+H while it has focus (keyboard).

    Copying and cutting are refused even while the value is shown, so a secret never reaches the clipboard from here.
    """

    revealed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setFont(fixed_font())
        self.reveal_action = QAction(self)
        self.reveal_action.setCheckable(True)
        self.reveal_action.setShortcut(QKeySequence(REVEAL_SHORTCUT))
        self.reveal_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.reveal_action.toggled.connect(self._set_revealed)
        self.addAction(self.reveal_action, QLineEdit.ActionPosition.TrailingPosition)
        self._set_revealed(False)

    def is_revealed(self) -> bool:
        return self.echoMode() == QLineEdit.EchoMode.Normal

    def _set_revealed(self, shown: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self._draw_eye()
        verb = translate("widgets", "Hide") if shown else translate("widgets", "Show")
        self.reveal_action.setText(translate("widgets", '{verb} the value').format(verb=verb))
        self.reveal_action.setToolTip(
            translate("widgets", "{verb} the value ({REVEAL_SHORTCUT})").format(
                verb=verb, REVEAL_SHORTCUT=REVEAL_SHORTCUT
            )
        )
        self.revealed.emit(shown)

    def _draw_eye(self) -> None:
        """The eye in the text's colour (drawn again when the desktop switches between light and dark)."""
        shown = self.is_revealed()
        self.eye_colour = self.palette().color(QPalette.ColorRole.Text)
        self.reveal_action.setIcon(QIcon.fromTheme("view-hidden" if shown else "view-visible",
                                                   eye_icon(shown, self.eye_colour)))

    def changeEvent(self, event) -> None:  # Qt's virtual
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._draw_eye()

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) or event.matches(QKeySequence.StandardKey.Cut):
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:
        menu = self.createStandardContextMenu()
        for action in menu.actions():
            if action.objectName() in ("edit-copy", "edit-cut"):
                action.setEnabled(False)
        menu.exec(event.globalPos())
        menu.deleteLater()


def field_label(text: str, buddy: QWidget, parent: QWidget | None = None) -> QLabel:
    """A form label for `buddy` (its mnemonic focuses the buddy), top-aligned with the editor's text line, so that it
    stays level with the editor when a message below the editor makes the row taller."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(0, max(0, (buddy.sizeHint().height() - label.sizeHint().height()) // 2), 0, 0)
    return label


def field_holder(editor: QWidget, help_text: str, parent: QWidget) -> tuple[QWidget, QHBoxLayout, FieldMessage]:
    """The field column of a form row: the editor's line (add buttons to the returned layout), its message beneath."""
    holder = QWidget(parent)
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(3)
    line = QHBoxLayout()
    line.setSpacing(6)
    editor.setParent(holder)
    line.addWidget(editor, 1)
    column.addLayout(line)
    message = FieldMessage(help_text, holder)
    column.addWidget(message)
    return holder, line, message


def search_line(parent: QWidget, label: str, name: str, accessible_name: str, placeholder: str):
    """A search field with its label (`label`, with its mnemonic) on one line, over a list it filters: the line's
    layout and the field."""
    line, field = QHBoxLayout(), QLineEdit(parent)
    field.setObjectName(name)
    field.setAccessibleName(accessible_name)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    caption = QLabel(label, parent)
    caption.setBuddy(field)
    line.addWidget(caption)
    line.addWidget(field, 1)
    return line, field


def plain_label(text: str, parent: QWidget | None = None, *, selectable: bool = False) -> QLabel:
    """A word-wrapped plain-text label (never interprets markup from user values)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def has_error(messages: Sequence) -> bool:
    """True when any of these messages is an error."""
    return any(m.level == "error" for m in messages)


class Notice(MessageRow):
    """A message row shown only while it has something to say (e.g. "the keychain can't be used now")."""

    def __init__(self, level: str, parent: QWidget | None = None):
        super().__init__(level, "", parent)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVisible(False)

    def set_text(self, text: str) -> None:
        self.label.setText(f"{LEVEL_WORDS.get(self.level, 'Note')}: {text}" if text else "")
        self.setVisible(bool(text))

    def text(self) -> str:
        return self.label.text() if not self.isHidden() else ""
