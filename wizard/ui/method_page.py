"""First page: how to authenticate. Three large choices, each saying what it is best for, its limits, and when to pick it.

Keyboard: arrow keys move between the choices (they are one exclusive radio group), Tab leaves the group, Enter = Next.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QButtonGroup, QFrame, QGridLayout, QLabel, QRadioButton, QVBoxLayout, QWizardPage

from wizard.core import fields
from wizard.core.connection import METHOD_IDS
from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.core.methods import METHODS
from wizard.ui.translator import translate
from wizard.ui.widgets import MessageRow, Notice, plain_label, small_muted

# The reference guide's note on session tokens, which is what most often decides between the methods.
TOKEN_NOTE = (
    QT_TRANSLATE_NOOP("method_page", "Session tokens are issued by AWS STS and last 15 minutes to 12 hours; when one "
                                     "expires the connection must be "
    "renewed. For automations that run longer, use a cross-account role: it needs no session token on this computer.")
)

# The mnemonic letter of each choice (QWizard's buttons already use B, N, F).
MNEMONICS = {"access-key": "A", "assume-role": "r", "cross-account": "C", "sso": "I"}


def _title_with_mnemonic(method_id: str) -> str:
    title, letter = METHODS[method_id].title, MNEMONICS[method_id]
    i = title.find(letter)
    return title if i < 0 else title[:i] + "&" + title[i:]


class MethodRadio(QRadioButton):
    """A method's radio button that is chosen the moment its Alt+letter is pressed.

    Qt's buttons answer their mnemonic with a click animated for 100 ms and are checked only at its end: Enter pressed
    within that time took Next with the previous method while the page then switched to the new one."""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.Shortcut and not getattr(event, "isAmbiguous", lambda: False)():
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.setChecked(True)
            return True
        return super().event(event)


class MethodChoice(QFrame):
    """One method: a radio button with its title, then best for / limitations / recommended for beneath it."""

    def __init__(self, method_id: str, parent=None):
        super().__init__(parent)
        method = METHODS[method_id]
        self.method_id = method_id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.radio = MethodRadio(translate("method_page", _title_with_mnemonic(method_id)), self)
        font = self.radio.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.radio.setFont(font)
        self.radio.setObjectName(f"method-{method_id}")
        self.recommended = small_muted(plain_label(translate("methods", method.recommended_for), self))
        self.recommended.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.recommended.setWordWrap(False)
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 10)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        grid.addWidget(self.radio, 0, 0, 1, 2)
        grid.addWidget(self.recommended, 0, 2)
        indent = self.radio.style().pixelMetric(self.radio.style().PixelMetric.PM_ExclusiveIndicatorWidth) + 8
        self.details: list[QLabel] = []
        best_for, limitations = translate("methods", method.best_for), translate("methods", method.limitations)
        words = (
            (translate("method_page", "Best for"), best_for),
            (translate("method_page", "Limitations"), limitations),
        )
        for row, (word, text) in enumerate(words, 1):
            heading = QLabel(f"{word}:", self)
            heading.setIndent(indent)
            body = plain_label(text, self)
            grid.addWidget(heading, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(body, row, 1, 1, 2)
            self.details.append(body)
        grid.setColumnStretch(1, 1)
        self.radio.setToolTip(f"{best_for}\n{limitations}")
        self.setAccessibleName(translate("methods", method.title))
        self.setAccessibleDescription(
            translate("method_page", "Best for: {best_for} Limitations: {limitations}").format(
                best_for=best_for, limitations=limitations
            )
        )

    def mousePressEvent(self, event) -> None:  # a click anywhere on the card selects it
        self.radio.setChecked(True)
        self.radio.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)


class MethodPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("method_page", "How will this computer sign in to AWS?"))
        self.setSubTitle(
            translate(
                "method_page", "Choose an authentication method. You can change it later by editing the connection."
            )
        )
        self.group = QButtonGroup(self)
        self.setAccessibleName(translate("fields", fields.field("method").label))
        self.choices: dict[str, MethodChoice] = {}
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.keychain_notice = Notice("warning", self)  # the keychain can't be used now (checked when the wizard opens)
        self.keychain_notice.setObjectName("keychain-notice")
        layout.addWidget(self.keychain_notice)
        for method_id in METHOD_IDS:
            choice = MethodChoice(method_id, self)
            self.group.addButton(choice.radio)
            self.choices[method_id] = choice
            layout.addWidget(choice)
        layout.addStretch(1)
        layout.addWidget(MessageRow("info", translate("method_page", TOKEN_NOTE), self))
        self.group.buttonToggled.connect(lambda *_: self.completeChanged.emit())
        self.set_method("access-key")

    def set_keychain_notice(self, text: str) -> None:
        self.keychain_notice.set_text(text)

    def method(self) -> str:
        return next((mid for mid, c in self.choices.items() if c.radio.isChecked()), "")

    def set_method(self, method_id: str) -> None:
        self.choices.get(method_id, self.choices["access-key"]).radio.setChecked(True)

    def values(self) -> dict[str, str]:
        return {"method": self.method()}

    def apply(self, draft) -> None:
        """Write the chosen method into the draft (when Next is taken: the pages after follow the draft)."""
        draft.apply(self.values())

    def preferred_focus(self):
        """The checked choice (the arrow keys then move from it), as in any radio group."""
        return self.choices[self.method() or "access-key"].radio

    def isComplete(self) -> bool:
        return bool(self.method())
