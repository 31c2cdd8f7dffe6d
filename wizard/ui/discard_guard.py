"""Escape, Cancel or closing the wizard after work was done asks first: "Discard this connection?".

Work is done once a test has run or a value differs from what the wizard opened with. The question is a window-modal
message box opened with `open()` (no nested event loop); the wizard closes only on "Discard". `guarded(cls)` gives a
wizard class with this behaviour (a mixin over its `reject`); `discard()` closes without asking (the manager closing).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.ui.translator import translate

QUESTION = QT_TRANSLATE_NOOP("discard_guard", "Discard this connection?")


class DiscardGuard:
    """Mixin for a `ConnectionWizard` (before it in the bases)."""

    discard_question: QMessageBox | None = None

    def remember_start(self) -> None:
        """What the wizard holds now counts as untouched (call once it is filled)."""
        self._start_values = self._values()

    def _values(self):
        return self.connection(), self.secrets(), self.profile_name()

    def has_work(self) -> bool:
        """True after a test ran or once something was typed or chosen."""
        if self.property("test_report") is not None:
            return True
        view = getattr(getattr(self, "test_page", None), "view", None)
        if view is not None and getattr(view, "report", None) is not None:
            return True
        return self._values() != getattr(self, "_start_values", None)

    def discard(self) -> None:
        QDialog.reject(self)

    def reject(self) -> None:
        if self.discard_question is not None:  # already asking
            return
        if not self.isVisible() or not self.has_work():
            QDialog.reject(self)
            return
        box = QMessageBox(QMessageBox.Icon.Question, translate("discard_guard", "Discard the connection"),
                          translate("discard_guard", QUESTION),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("discardQuestion")
        box.setInformativeText(translate("discard_guard", "What you entered and the test's result are lost; nothing "
                                                          "has been saved yet."))
        discard = box.addButton(translate("discard_guard", "&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(translate("discard_guard", "&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.discard_question = box

        def answered(_result: int) -> None:
            self.discard_question = None
            box.deleteLater()
            if box.clickedButton() is discard:
                QDialog.reject(self)

        box.finished.connect(answered)
        box.open()


def guarded(wizard_class):
    """`wizard_class` with the question before discarding work (a subclass made once per class)."""
    cached = _GUARDED.get(wizard_class)
    if cached is None:
        cached = _GUARDED[wizard_class] = type(f"Guarded{wizard_class.__name__}", (DiscardGuard, wizard_class), {})
    return cached


_GUARDED: dict[type, type] = {}
