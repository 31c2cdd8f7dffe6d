"""Third page: which AWS service the connection is for, with the reference guide's Bedrock warning shown inline.

Only `bedrock-runtime` is offered for Bedrock; a pre-filled connection naming another service (say "bedrock") shows the
validator's message and keeps Next disabled until one of the four is chosen. S3 takes an optional bucket (for roles
limited to one bucket), Bedrock an optional model id with an explicit opt-in to invoke it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from wizard.core import fields, validation
from wizard.core.connection import SERVICE_IDS, Connection
from wizard.core.services import BEDROCK_WARNING, SERVICES
from wizard.ui.translator import translate
from wizard.ui.widgets import (
    FieldMessage,
    MessageRow,
    field_holder,
    field_label,
    fixed_font,
    has_error,
    level_icon,
    plain_label,
    small_muted,
    with_mnemonic,
)

OPTIONAL_KEYS = {"s3": "bucket", "bedrock-runtime": "model_id"}


class ServicePage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("service_page", "Which AWS service is this connection for?"))
        self.setSubTitle(translate("service_page", "The connection test proves access to this service without changing "
                                                   "anything."))
        taken: set[str] = set()
        self._errors: dict[str, str] = {}
        self._service_error = False
        layout = QVBoxLayout(self)
        layout.setSpacing(6)

        service_field = fields.field("service")
        heading = QLabel(with_mnemonic(translate("fields", service_field.label) + ":", taken), self)
        self.list = QListWidget(self)
        self.list.setObjectName("services")
        self.list.setAccessibleName(translate("fields", service_field.label))
        self.list.setSpacing(2)
        heading.setBuddy(self.list)
        for sid in SERVICE_IDS:
            service = SERVICES[sid]
            item = QListWidgetItem(
                f"{translate('services', service.title)} ({sid}) \u2014 {translate('services', service.description)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, sid)
            item.setToolTip(
                translate("service_page", "The test: {default_probe}").format(
                    default_probe=translate("services", service.default_probe)
                )
            )
            self.list.addItem(item)
        self._fit_list_height()
        self.list.currentItemChanged.connect(self._service_changed)
        self.service_message = FieldMessage("", self)
        self.probe = small_muted(plain_label("", self))
        self.bedrock_warning = MessageRow("warning", translate("services", BEDROCK_WARNING), self)

        layout.addWidget(heading)
        layout.addWidget(self.list)
        layout.addWidget(self.service_message)
        layout.addWidget(self.probe)
        layout.addSpacing(6)
        layout.addWidget(self.bedrock_warning)
        layout.addSpacing(10)

        form_holder = QWidget(self)
        self.form = QFormLayout(form_holder)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors: dict[str, QLineEdit] = {}
        self.messages: dict[str, FieldMessage] = {}
        self.touched: set[str] = set()
        for key in OPTIONAL_KEYS.values():
            self._add_optional(fields.field(key), taken)
        self.invoke = QCheckBox(with_mnemonic(translate("fields", fields.field("invoke_model").label), taken), self)
        self.invoke.setToolTip(translate("fields", fields.field("invoke_model").help))
        self.invoke.setObjectName("invoke_model")
        self.invoke.toggled.connect(lambda *_: self.refresh())
        self.form.addRow("", self.invoke)
        layout.addWidget(form_holder)
        layout.addStretch(1)
        self.list.setCurrentRow(0)

    def _fit_list_height(self) -> None:
        """Tall enough for every entry: the list never needs a scroll bar."""
        row = self.list.sizeHintForRow(0) + 2 * self.list.spacing()
        self.list.setFixedHeight(row * self.list.count() + 2 * self.list.frameWidth() + 2)

    def _add_optional(self, f: fields.Field, taken: set[str]) -> None:
        editor = QLineEdit(self)
        editor.setObjectName(f.key)
        editor.setFont(fixed_font())
        editor.setPlaceholderText(
            translate("field_form", "e.g. {placeholder}").format(placeholder=translate("fields", f.placeholder))
        )
        editor.setAccessibleName(translate("fields", f.label))
        editor.textEdited.connect(lambda _t, k=f.key: self._edited(k))
        holder, _line, message = field_holder(editor, translate("fields", f.help), self)
        label = field_label(
            with_mnemonic(
                translate("service_page", "{label} (optional):").format(label=translate("fields", f.label)), taken
            ),
            editor,
            self,
        )
        self.form.addRow(label, holder)
        label.setBuddy(editor)  # addRow made the holder its buddy (Alt+letter must reach the field itself)
        editor.setAccessibleDescription(
            translate("fields", f.help)
        )  # the label is not its sibling: Qt would not find it for a reader
        self.editors[f.key] = editor
        self.messages[f.key] = message

    # ---- state --------------------------------------------------------------------------------------------------
    def service(self) -> str:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def load(self, conn: Connection) -> None:
        if conn.service in SERVICE_IDS:
            self.list.setCurrentRow(SERVICE_IDS.index(conn.service))
        elif conn.service:  # e.g. an imported profile naming "bedrock": shown, flagged, and refused until changed
            item = QListWidgetItem(
                level_icon(self, "error"),
                translate("service_page", "{service} — not a service this program offers").format(service=conn.service),
            )
            item.setData(Qt.ItemDataRole.UserRole, conn.service)
            self.list.addItem(item)
            self._fit_list_height()
            self.list.setCurrentItem(item)
        self.editors["bucket"].setText(conn.bucket)
        self.editors["model_id"].setText(conn.model_id)
        self.invoke.setChecked(conn.invoke_model)
        self.touched.update(k for k in self.editors if self.editors[k].text())
        self.refresh()

    def values(self) -> dict:
        """The service and its optional fields, cleaned (fields of other services are left out by the draft)."""
        model_id = self._clean("model_id")
        return {"service": self.service(), "bucket": self._clean("bucket"), "model_id": model_id,
                "invoke_model": bool(model_id) and self.invoke.isChecked()}

    def apply(self, draft) -> None:
        draft.apply(self.values())

    def _clean(self, key: str) -> str:
        return validation.check_field(key, self.editors[key].text(), {"service": self.service()}).value

    # ---- checking -----------------------------------------------------------------------------------------------
    def _service_changed(self, _current, _previous) -> None:
        self.refresh()

    def _edited(self, key: str) -> None:
        self.touched.add(key)
        editor = self.editors[key]
        check = validation.check_field(key, editor.text(), {"service": self.service()})
        if check.value != editor.text() and any(m.code == "whitespace-removed" for m in check.messages):
            editor.setText(check.value)
        self.refresh(notes={key: [m for m in check.messages if m.code == "whitespace-removed"]})

    def refresh(self, notes: dict | None = None) -> None:
        sid = self.service()
        check = validation.check_field("service", sid, {"service": sid})
        self.service_message.set_messages([m for m in check.messages if sid or m.code != "required"])
        self._service_error = not check.ok
        service = SERVICES.get(sid)
        self.probe.setText(self._probe_text(service))
        self._errors = {}
        for key, editor in self.editors.items():
            relevant = OPTIONAL_KEYS.get(sid) == key
            self.form.setRowVisible(editor.parentWidget(), relevant)
            if not relevant:
                continue
            result = validation.check_field(key, editor.text(), {"service": sid})
            shown = list(result.messages) + [n for n in (notes or {}).get(key, []) if n not in result.messages]
            self.messages[key].set_messages(shown)
            if has_error(result.messages):
                self._errors[key] = self.messages[key].text()
        self.form.setRowVisible(self.invoke, sid == "bedrock-runtime")
        self.invoke.setEnabled(bool(self.editors["model_id"].text().strip()))
        self.completeChanged.emit()

    def _probe_text(self, service) -> str:
        if service is None:
            return ""
        narrow = (service.id == "s3" and self.editors["bucket"].text().strip()) or (
            service.id == "bedrock-runtime" and self.invoke.isChecked() and self.invoke.isEnabled())
        probe = service.narrow_probe if narrow and service.narrow_probe else service.default_probe
        # one call: the narrow probe replaces the default (probes.select)
        return translate("service_page", "The test will run: {probe}.").format(probe=translate("services", probe))

    def errors(self) -> dict[str, str]:
        errors = dict(self._errors)
        if self._service_error:
            errors["service"] = self.service_message.text()
        return errors

    # ---- QWizardPage ------------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.refresh()
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def cleanupPage(self) -> None:
        pass

    def isComplete(self) -> bool:
        return not self.errors()
