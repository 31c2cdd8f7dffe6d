"""A form of fields from the field catalogue (`wizard.core.fields`): one row per field with its label, editor, help and
message area, checked as the user types.

The label, help, placeholder and whether a value is masked all come from the catalogue; the messages from the field's
check. Pasted values are cleaned (surrounding whitespace and line breaks), the cleaned value is put back into the editor,
and the user is told. A message saying a field is required waits until the user has touched that field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from wizard.core.fields import Field
from wizard.ui.translator import translate
from wizard.ui.widgets import FieldMessage, SecretLineEdit, field_holder, field_label, fixed_font, with_mnemonic

MONOSPACE_KEYS = {"access_key_id", "role", "role_arn", "external_id", "bucket", "model_id"}
CLEANED = "whitespace-removed"


@dataclass
class FieldRow:
    """One field on a form: its label, editor, and message area, and what the user has done with it."""

    field: Field
    label: QLabel
    editor: QWidget
    holder: QWidget  # the editor's line (editor plus buttons) and the message beneath it
    line: object  # the QHBoxLayout of the editor's line (for buttons beside it)
    message: FieldMessage
    touched: bool = False
    notes: list = dc_field(default_factory=list)  # sticky notes (e.g. whitespace removed) until the next edit
    has_error: bool = False

    def raw(self) -> str:
        if isinstance(self.editor, QComboBox):
            return str(self.editor.currentData() or "")
        return self.editor.text()

    def set_raw(self, value: str) -> None:
        if isinstance(self.editor, QComboBox):
            i = self.editor.findData(value)
            if i < 0 and value:
                self.editor.addItem(value, value)
                i = self.editor.count() - 1
            self.editor.setCurrentIndex(max(i, 0))
        else:
            self.editor.setText(value)


def line_edit(f: Field, parent: QWidget, edited: Callable[[str], None]) -> QLineEdit:
    """The editor of a text field: masked for a secret, with the catalogue's placeholder and accessible name."""
    editor = SecretLineEdit(parent) if f.secret else QLineEdit(parent)
    editor.setObjectName(f.key)
    if f.key in MONOSPACE_KEYS:
        editor.setFont(fixed_font())
    if f.secret:
        editor.setPlaceholderText(translate("field_form", "hidden as you type (Ctrl+Shift+H shows it)"))
    elif f.placeholder:
        editor.setPlaceholderText(f.placeholder if f.kind is not str or f.placeholder == f.default
                                  else translate("field_form", "e.g. {placeholder}").format(
                                      placeholder=translate("fields", f.placeholder)))
    editor.textEdited.connect(lambda _text, key=f.key: edited(key))
    editor.setAccessibleName(translate("fields", f.label))
    return editor


class FieldForm:
    """The rows of a QFormLayout, keyed by field key."""

    def __init__(self, form: QFormLayout, body: QWidget):
        self.form = form
        self.body = body
        self.rows: dict[str, FieldRow] = {}

    def add(self, f: Field, editor: QWidget, suffix: str = ":") -> FieldRow:
        holder, line, message = field_holder(editor, translate("fields", f.help), self.body)
        label = field_label(translate("fields", f.label) + suffix, editor, self.body)
        row = FieldRow(f, label, editor, holder, line, message)
        self.rows[f.key] = row
        self.form.addRow(label, holder)
        return row

    def raw_values(self) -> dict[str, str]:
        return {key: row.raw() for key, row in self.rows.items()}

    def show_rows(self, keys: Iterable[str]) -> None:
        shown = set(keys)
        for key, row in self.rows.items():
            self.form.setRowVisible(row.holder, key in shown)

    def edited(self, key: str, check) -> None:
        """After the user changed a field: put a cleaned paste back and keep the note saying what was removed."""
        row = self.rows[key]
        row.touched = True
        row.notes = []
        cleaned = [m for m in check.messages if m.code == CLEANED]
        if cleaned and check.value != row.raw() and isinstance(row.editor, QLineEdit):
            row.editor.setText(check.value)
            row.notes = cleaned

    def show_check(self, key: str, check) -> list:
        """Show a field's check under it; returns the messages shown."""
        row = self.rows[key]
        shown = [m for m in check.messages if row.touched or m.code != "required"]
        shown += [n for n in row.notes if all(n.code != m.code for m in shown)]
        row.message.set_messages(shown)
        row.has_error = not check.ok
        row.editor.setAccessibleDescription(row.message.text())
        return shown

    def label_mnemonic(self, key: str, taken: set[str]) -> None:
        row = self.rows[key]
        row.label.setText(with_mnemonic(translate("fields", row.field.label), taken) + ":")

    def errors(self, keys: Iterable[str]) -> dict[str, str]:
        return {k: self.rows[k].message.text() for k in keys if self.rows[k].has_error}


def set_values(rows: Mapping[str, FieldRow], values: Mapping[str, str]) -> None:
    """Pre-fill rows (editing a saved profile, practice mode); a pre-filled row counts as touched."""
    for key, value in values.items():
        if key in rows:
            rows[key].set_raw(value)
            rows[key].touched = bool(value)

