"""Second page: the chosen method's fields, checked offline as the user types.

The form is built from `wizard.core.methods` (the region has its own page). Every field has its message area right
beneath it; messages come from `wizard.core.validation.check_field`. Pasted values are cleaned (surrounding whitespace
and line breaks), the cleaned value is put back into the field, and the user is told. Next stays disabled while any
visible field has an error.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from dataclasses import field as dc_field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.core import validation
from wizard.core.connection import DEFAULT_DURATION, DEFAULT_SESSION_NAME, Connection, Secrets
from wizard.core.methods import METHODS, Field
from wizard.ui.machine_check import SOURCE_INTRO, MachineCheckPanel, source_messages
from wizard.ui.widgets import (
    FieldMessage,
    SecretLineEdit,
    field_holder,
    field_label,
    fixed_font,
    has_error,
    with_mnemonic,
)

SESSION_NAME = Field(
    "session_name",
    "Session name",
    "Appears in the role's CloudTrail entries so you can tell this program's sessions apart.",
    placeholder=DEFAULT_SESSION_NAME,
)
DURATION = Field(
    "duration",
    "Session duration",
    "How long the role's temporary credentials last: 900 to 43200 seconds (15 minutes to 12 hours).",
    placeholder=str(DEFAULT_DURATION),
)
ADVANCED_KEYS = ("session_name", "duration")
ADVANCED_TEXT = "Advanced: session name and duration"
MONOSPACE_KEYS = {"access_key_id", "role", "role_arn", "external_id"}


def _all_fields() -> list[Field]:
    """Every field of every method (first appearance wins), without the region, then the advanced ones."""
    seen: dict[str, Field] = {}
    for method in METHODS.values():
        for f in method.fields:
            if f.key != "region":
                seen.setdefault(f.key, f)
    return [*seen.values(), SESSION_NAME, DURATION]


def method_keys(method_id: str) -> tuple[str, ...]:
    """The keys this page shows for a method: its fields (not the region), plus session name and duration when a
    role is assumed."""
    keys = tuple(f.key for f in METHODS[method_id].fields if f.key != "region")
    return keys + ADVANCED_KEYS if method_id != "access-key" else keys


SOURCE_CHOICES = (
    ("default", "This computer's default AWS credentials (environment, ~/.aws, SSO)"),
    ("instance", "The IAM role of this EC2 instance (instance metadata)"),
)
INSTANCE_ROLE_TEXT = "EC2 instance role ({role})"  # the "instance" choice once a check found the attached role
NO_INSTANCE_ROLE_TEXT = "EC2 instance role (none attached to this instance)"


@dataclass
class FieldRow:
    """One field on the form: its label, editor, and message area, and what the user has done with it."""

    field: Field
    label: QLabel
    editor: QWidget
    holder: QWidget  # the editor's line (editor plus buttons) and the message beneath it
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


class CredentialsPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle("Credentials")
        self.rows: dict[str, FieldRow] = {}
        self._method = "access-key"
        self.token_entered_at: float | None = None
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
        for f in _all_fields():
            if f.key == ADVANCED_KEYS[0]:
                self._add_advanced_toggle(body)
            self._add_row(f, body)
            if f.key == "role":
                self.machine = MachineCheckPanel(lambda: self.rows["role"].raw(), self._instance_environ, body)
                self.form.addRow("", self.machine)
            if f.key == "source":
                self.source_machine = MachineCheckPanel(lambda: "", self._instance_environ, body, intro=SOURCE_INTRO,
                                                        describe=source_messages)
                self.source_machine.checked.connect(self._offer_instance_role)
                self.form.addRow("", self.source_machine)

    def _add_advanced_toggle(self, body: QWidget) -> None:
        self.advanced = QToolButton(body)
        self.advanced.setText(ADVANCED_TEXT)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setAutoRaise(True)
        self.advanced.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.advanced.setAccessibleDescription("collapsed")
        self.advanced.clicked.connect(lambda: self.show_advanced(not self.advanced_open))
        self.advanced_open = False
        self.form.addRow("", self.advanced)

    def _add_row(self, f: Field, body: QWidget) -> None:
        editor = self._make_editor(f, body)
        holder, line, message = field_holder(editor, f.help, body)
        label = field_label(f.label + ":", editor, body)
        row = FieldRow(f, label, editor, holder, message)
        self.rows[f.key] = row
        if f.key == "external_id":
            self.generate = QPushButton("Generate", holder)
            self.generate.setAutoDefault(False)
            self.generate.setToolTip("Fill in a new random External ID (at least 128 bits from a secure source)")
            self.generate.clicked.connect(self._generate_external_id)
            line.addWidget(self.generate)
        if f.key == "duration":
            line.addWidget(QLabel("seconds", holder))
            line.addStretch(1)
            editor.setMaximumWidth(editor.fontMetrics().horizontalAdvance("0" * 10) + 24)
        self.form.addRow(label, holder)

    def _make_editor(self, f: Field, parent: QWidget) -> QWidget:
        if f.key == "source":
            combo = QComboBox(parent)
            for value, text in SOURCE_CHOICES:
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(lambda *_: self._edited("source"))
            return combo
        editor = SecretLineEdit(parent) if f.secret else QLineEdit(parent)
        editor.setObjectName(f.key)
        if f.key in MONOSPACE_KEYS:
            editor.setFont(fixed_font())
        if f.placeholder:
            editor.setPlaceholderText(f"e.g. {f.placeholder}" if f.key not in ADVANCED_KEYS else f.placeholder)
        if f.secret:
            editor.setPlaceholderText("hidden as you type (Ctrl+Shift+H shows it)")
        editor.textEdited.connect(lambda _text, key=f.key: self._edited(key))
        editor.setAccessibleName(f.label)
        return editor

    # ---- state --------------------------------------------------------------------------------------------------
    def _instance_environ(self):
        """Where the instance check looks (the wizard's `instance_environ`: os.environ unless a test changes it)."""
        wizard = self.wizard()
        return getattr(wizard, "instance_environ", None) or os.environ

    def _offer_instance_role(self, report) -> None:
        """After "Check this machine" beside the source choice: name the attached role in the "instance" choice, and
        choose it when the choice was still the default credentials (a saved profile the user picked is kept)."""
        row = self.rows["source"]
        combo = row.editor
        index = combo.findData("instance")
        if report.on_ec2 and report.role:
            combo.setItemText(index, INSTANCE_ROLE_TEXT.format(role=report.role))
            if row.raw() == "default":
                combo.setCurrentIndex(index)
        elif report.on_ec2:
            combo.setItemText(index, NO_INSTANCE_ROLE_TEXT)
        else:
            combo.setItemText(index, dict(SOURCE_CHOICES)["instance"])

    def set_saved_profiles(self, names) -> None:
        """Offer these saved profiles as the identity that assumes a cross-account role."""
        combo = self.rows["source"].editor
        current = self.rows["source"].raw()
        while combo.count() > len(SOURCE_CHOICES):
            combo.removeItem(combo.count() - 1)
        for name in names:
            combo.addItem(f"Saved profile: {name}", f"profile:{name}")
        self.rows["source"].set_raw(current)

    def set_method(self, method_id: str) -> None:
        """Show only the rows of this method."""
        self._method = method_id
        shown = set(method_keys(method_id))
        for key, row in self.rows.items():
            visible = key in shown and (key not in ADVANCED_KEYS or self.advanced_open)
            self.form.setRowVisible(row.holder, visible)
        self.form.setRowVisible(self.advanced, bool(shown & set(ADVANCED_KEYS)))
        self.form.setRowVisible(self.machine, method_id == "assume-role")
        self.form.setRowVisible(self.source_machine, method_id == "cross-account")
        self._assign_mnemonics()
        method = METHODS[method_id]
        self.setTitle(method.title)
        self.setSubTitle(
            "Enter the access key of the IAM user this computer will sign in as."
            if method_id == "access-key"
            else "Enter the access key that will assume the role, and the role."
            if method_id == "assume-role"
            else "Enter the role in the other account, its External ID, and who assumes it."
        )
        self.refresh()

    def _assign_mnemonics(self) -> None:
        """Alt+letter for every label and button of the current method (fields of other methods are hidden, so
        letters are shared between methods)."""
        taken: set[str] = set()
        keys = self.visible_keys()
        for key in keys:
            if key == ADVANCED_KEYS[0]:
                self.advanced.setText(with_mnemonic(ADVANCED_TEXT, taken))
            row = self.rows[key]
            row.label.setText(with_mnemonic(row.field.label, taken) + ":")
            if key == "external_id":
                self.generate.setText(with_mnemonic("Generate", taken))
            if key == "role":
                self.machine.button.setText(with_mnemonic("Check this machine", taken))
            if key == "source":
                self.source_machine.button.setText(with_mnemonic("Check this machine", taken))

    def visible_keys(self) -> tuple[str, ...]:
        return method_keys(self._method)

    def raw_values(self) -> dict[str, str]:
        values = {key: row.raw() for key, row in self.rows.items()}
        values["method"] = self._method
        wizard = self.wizard()
        if wizard is not None and hasattr(wizard, "region_page"):
            values["region"] = wizard.region_page.region()  # a role ARN's partition must match the region's
        return values

    def load(self, conn: Connection, secrets: Secrets) -> None:
        """Pre-fill from an existing connection (editing a saved profile, practice mode)."""
        for key, row in self.rows.items():
            if hasattr(secrets, key) and row.field.secret:
                value = getattr(secrets, key)
            else:
                value = getattr(conn, key, "")
            value = "" if value is None else str(value)
            row.set_raw(value)
            row.touched = bool(value)
        self.token_entered_at = conn.token_entered_at
        self.set_method(conn.method)

    def apply_to(self, conn: Connection, secrets: Secrets) -> None:
        """Write this page's cleaned values into `conn` and `secrets`: only the fields of `conn.method`."""
        shown = set(method_keys(conn.method))
        for key, row in self.rows.items():
            if key not in shown:
                continue
            value = validation.check_field(key, row.raw(), self.raw_values()).value
            if key == "duration":
                conn.duration = int(value) if value.strip().isdigit() else DEFAULT_DURATION
            elif key == "session_name":
                conn.session_name = value or DEFAULT_SESSION_NAME
            elif row.field.secret:
                setattr(secrets, key, value)
            else:
                setattr(conn, key, value)
        conn.token_entered_at = self.token_entered_at if secrets.session_token else None

    # ---- checking -----------------------------------------------------------------------------------------------
    def _edited(self, key: str) -> None:
        row = self.rows[key]
        row.touched = True
        row.notes = []
        raw = row.raw()
        check = validation.check_field(key, raw, self.raw_values())
        cleaned = [m for m in check.messages if m.code == "whitespace-removed"]
        if cleaned and check.value != raw and isinstance(row.editor, QLineEdit):
            row.editor.setText(check.value)
            row.notes = cleaned
        if key == "session_token":
            self.token_entered_at = time.time() if row.raw() else None
        self.refresh()

    def _generate_external_id(self) -> None:
        row = self.rows["external_id"]
        row.editor.setText(validation.generate_external_id())
        row.touched = True
        row.notes = [
            validation.Message(
                "info", "generated", "A new random External ID. Put this exact value in the role's trust policy."
            )
        ]
        self.refresh()

    def refresh(self) -> None:
        """Re-check every visible field (some depend on others: the session token on the key) and show the results."""
        values = self.raw_values()
        for key in self.visible_keys():
            row = self.rows[key]
            check = validation.check_field(key, row.raw(), values)
            shown = [m for m in check.messages if row.touched or m.code != "required"]
            shown += [n for n in row.notes if all(n.code != m.code for m in shown)]
            row.message.set_messages(shown)
            row.has_error = not check.ok
            row.editor.setAccessibleDescription(row.message.text())
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
        return {k: self.rows[k].message.text() for k in self.visible_keys() if self.rows[k].has_error}

    # ---- QWizardPage ------------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.set_method(self.wizard().method_page.method())
        first = self.rows[self.visible_keys()[0]].editor
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def cleanupPage(self) -> None:  # keep what was typed when going Back
        pass

    def isComplete(self) -> bool:
        return not any(self.rows[k].has_error for k in self.visible_keys())
