"""Second page: the fields the draft's sign-in method asks for, checked offline as the user types.

Which fields, their labels, help and checks come from the field catalogue (`wizard.core.fields`); the rows are built by
`wizard.ui.field_form`, the cross-account source choice by `wizard.ui.source_chooser`, the "Check this machine" panels by
`wizard.ui.machine_check`. The page shows the method the wizard's draft holds when it is entered, and Next stays
disabled while any shown field has an error.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.core import fields, validation
from wizard.core.connection import Connection, Secrets
from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.core.methods import METHODS
from wizard.ui.field_form import FieldForm, FieldRow, line_edit, set_values
from wizard.ui.machine_check import SOURCE_INTRO, MachineCheckPanel, source_messages
from wizard.ui.source_chooser import (  # noqa: F401  (SOURCE_CHOICES: re-exported for the summary page)
    SOURCE_CHOICES,
    offer_instance_role,
    set_saved_profiles,
    source_combo,
)
from wizard.ui.translator import translate
from wizard.ui.widgets import has_error, with_mnemonic

ADVANCED_KEYS = ("session_name", "duration")
ADVANCED_TEXT = QT_TRANSLATE_NOOP("credentials_page", "Advanced: session name and duration")
PAGE = "credentials"


def _page_fields() -> list[fields.Field]:
    """Every field any method asks for on this page, in the catalogue's order."""
    return [f for f in fields.CATALOGUE if f.page == PAGE]


def method_keys(method_id: str) -> tuple[str, ...]:
    """The keys this page shows for a method (from the field catalogue)."""
    return fields.method_keys(method_id, PAGE)


class CredentialsPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("credentials_page", "Credentials"))
        self._method = "access-key"
        self.token_entered_at: float | None = None
        self._region = ""  # the draft's region: a role ARN's partition must match it
        self._build()

    # ---- layout -------------------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # focus goes to the first field, not the scroll area
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget(scroll)
        scroll.setWidget(body)
        column = QVBoxLayout(body)
        self.form = QFormLayout()
        column.addLayout(self.form)
        column.addStretch(1)  # spare height goes below the form, not between its rows
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setVerticalSpacing(8)
        self.fields = FieldForm(self.form, body)
        self.rows: dict[str, FieldRow] = self.fields.rows
        for f in _page_fields():
            if f.key == ADVANCED_KEYS[0]:
                self._add_advanced_toggle(body)
            editor = source_combo(f, body, self._edited) if f.key == "source" else line_edit(f, body, self._edited)
            row = self.fields.add(f, editor)
            self._decorate(row, body)

    def _decorate(self, row: FieldRow, body: QWidget) -> None:
        """What some rows have beside or beneath them: Generate, "seconds", a machine check."""
        key = row.field.key
        if key == "external_id":
            self.generate = QPushButton(translate("credentials_page", "Generate"), row.holder)
            self.generate.setAutoDefault(False)
            self.generate.setToolTip(translate("credentials_page", "Fill in a new random External ID (at least 128 "
                                                                   "bits from a secure source)"))
            self.generate.clicked.connect(self._generate_external_id)
            row.line.addWidget(self.generate)
        elif key == "duration":
            row.line.addWidget(QLabel("seconds", row.holder))
            row.line.addStretch(1)
            row.editor.setMaximumWidth(row.editor.fontMetrics().horizontalAdvance("0" * 10) + 24)
        elif key == "role":
            self.machine = MachineCheckPanel(lambda: self.rows["role"].raw(), self._instance_environ, body)
            self.form.addRow("", self.machine)
        elif key == "source":
            self.source_machine = MachineCheckPanel(lambda: "", self._instance_environ, body, intro=SOURCE_INTRO,
                                                    describe=source_messages)
            self.source_machine.checked.connect(lambda report: offer_instance_role(self.rows["source"].editor, report))
            self.form.addRow("", self.source_machine)

    def _add_advanced_toggle(self, body: QWidget) -> None:
        self.advanced = QToolButton(body)
        self.advanced.setText(translate("credentials_page", ADVANCED_TEXT))
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setAutoRaise(True)
        self.advanced.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.advanced.setAccessibleDescription("collapsed")
        self.advanced.clicked.connect(lambda: self.show_advanced(not self.advanced_open))
        self.advanced_open = False
        self.form.addRow("", self.advanced)

    # ---- state --------------------------------------------------------------------------------------------------
    def _instance_environ(self):
        """Where the instance check looks (the wizard's `instance_environ`: os.environ unless a test changes it)."""
        wizard = self.wizard()
        return getattr(wizard, "instance_environ", None) or os.environ

    def set_saved_profiles(self, names) -> None:
        """Offer these saved profiles as the identity that assumes a cross-account role."""
        set_saved_profiles(self.rows["source"].editor, names)

    def set_method(self, method_id: str) -> None:
        """Show only the rows of this method."""
        self._method = method_id
        shown = set(method_keys(method_id))
        self.fields.show_rows(k for k in shown if k not in ADVANCED_KEYS or self.advanced_open)
        self.form.setRowVisible(self.advanced, bool(shown & set(ADVANCED_KEYS)))
        self.form.setRowVisible(self.machine, "role" in shown)
        self.form.setRowVisible(self.source_machine, "source" in shown)
        self._assign_mnemonics()
        method = METHODS[method_id]
        self.setTitle(translate("methods", method.title))
        self.setSubTitle(translate("methods", method.credentials_intro))
        self.refresh()

    def _assign_mnemonics(self) -> None:
        """Alt+letter for every label and button of the current method (fields of other methods are hidden, so
        letters are shared between methods)."""
        taken: set[str] = set()
        for key in self.visible_keys():
            if key == ADVANCED_KEYS[0]:
                self.advanced.setText(with_mnemonic(translate("credentials_page", ADVANCED_TEXT), taken))
            self.fields.label_mnemonic(key, taken)
            if key == "external_id":
                self.generate.setText(with_mnemonic(translate("credentials_page", "Generate"), taken))
            if key == "role":
                self.machine.button.setText(with_mnemonic(translate("credentials_page", "Check this machine"), taken))
            if key == "source":
                self.source_machine.button.setText(
                    with_mnemonic(translate("credentials_page", "Check this machine"), taken)
                )

    def visible_keys(self) -> tuple[str, ...]:
        return method_keys(self._method)

    def raw_values(self) -> dict[str, str]:
        """What the checks read as the other fields' values: this page's, the method and the draft's region."""
        values = self.fields.raw_values()
        values["method"] = self._method
        wizard = self.wizard()
        draft = getattr(wizard, "draft", None)
        values["region"] = draft.connection.region if draft is not None else self._region
        return values

    def load(self, conn: Connection, secrets: Secrets) -> None:
        """Pre-fill from an existing connection (editing a saved profile, practice mode)."""
        set_values(self.rows, {key: fields.text_of(fields.value_of(conn, secrets, key)) for key in self.rows})
        self.token_entered_at = conn.token_entered_at
        self._region = conn.region
        self.set_method(conn.method)

    def values(self) -> dict[str, str]:
        """The cleaned values of the shown method's fields (what `apply` writes into the draft)."""
        raw = self.raw_values()
        return {key: validation.check_field(key, raw[key], raw).value for key in self.visible_keys()}

    def apply(self, draft) -> None:
        """Write this page's cleaned values into the draft (only the fields of the method shown)."""
        draft.apply(self.values())
        draft.connection.token_entered_at = self.token_entered_at if draft.secrets.session_token else None

    # ---- checking -----------------------------------------------------------------------------------------------
    def _edited(self, key: str) -> None:
        raw = self.rows[key].raw()
        self.fields.edited(key, validation.check_field(key, raw, self.raw_values()))
        if key == "session_token":
            self.token_entered_at = time.time() if self.rows[key].raw() else None
        self.refresh()

    def _generate_external_id(self) -> None:
        row = self.rows["external_id"]
        row.editor.setText(validation.generate_external_id())
        row.touched = True
        row.notes = [validation.Message("info", "generated", translate("credentials_page", "A new random External ID. "
                                                                                           "Put this exact value in "
                                                                                           "the "
                                        "role's trust policy."))]
        self.refresh()

    def refresh(self) -> None:
        """Re-check every visible field (some depend on others: the session token on the key) and show the results."""
        values = self.raw_values()
        for key in self.visible_keys():
            shown = self.fields.show_check(key, validation.check_field(key, values[key], values))
            if key in ADVANCED_KEYS and has_error(shown) and not self.advanced_open:
                self.show_advanced(True)
        self.completeChanged.emit()

    def show_advanced(self, shown: bool) -> None:
        """Expand (or collapse) the advanced settings; the arrow shows which."""
        self.advanced_open = shown
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.advanced.setAccessibleDescription("expanded" if shown else "collapsed")
        self.set_method(self._method)

    def errors(self) -> dict[str, str]:
        """Visible fields that have an error, with their message text (for tests and the summary)."""
        return self.fields.errors(self.visible_keys())

    # ---- QWizardPage ------------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.set_method(self.wizard().draft.connection.method)  # the method the draft holds, as Next was taken
        self.rows[self.visible_keys()[0]].editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def cleanupPage(self) -> None:  # keep what was typed when going Back
        pass

    def isComplete(self) -> bool:
        return not any(self.rows[k].has_error for k in self.visible_keys())
