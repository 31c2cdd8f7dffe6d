"""The wizard's "Advanced: network" settings: HTTPS proxy (with an optional user name and password), CA bundle file,
endpoint URL, connect and read timeouts.

Every field but the password comes from the field catalogue (`wizard.core.fields`, page NETWORK), with its label, help
and check, so the dialog, `add`'s options and the profile import check them alike. The proxy password is not a setting:
it is kept in the keychain only (`wizard.core.proxy_auth`) and the dialog hands it to the wizard in memory. A proxy URL
pasted with user:password in it is split into the three fields, so the URL saved never carries a password.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.core import fields
from wizard.core.connection import NetworkSettings
from wizard.ui.field_form import FieldForm, line_edit
from wizard.ui.translator import translate
from wizard.ui.widgets import SecretLineEdit, field_holder, field_label, plain_label, small_muted, with_mnemonic

KEYS = ("proxy", "proxy_user", "ca_bundle", "endpoint_url", "connect_timeout", "read_timeout")
PASSWORD = "proxy_password"




def split_proxy_url(url: str) -> tuple[str, str, str]:
    """(URL without user:password, user name, password) of a proxy URL as typed; the URL as it is when it has none
    or can't be read."""
    try:
        parts = urlsplit(url.strip())
        user, password = parts.username, parts.password
    except ValueError:
        return url, "", ""
    if user is None and password is None:
        return url, "", ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host)), unquote(user or ""), unquote(password or "")


def network_summary(network: NetworkSettings, has_password: bool = False) -> str:
    """One line saying what the network settings are (the Region page shows it beside the button)."""
    from wizard.core.describe import public_url

    parts = []
    if network.proxy:
        proxy = public_url(network.proxy)
        if network.proxy_user:
            proxy += translate("network_dialog", " as {user}").format(user=network.proxy_user)
        parts.append(translate("network_dialog", "proxy {proxy}").format(proxy=proxy))
    else:
        parts.append(translate("network_dialog", "no proxy"))
    if network.ca_bundle:
        parts.append(translate("network_dialog", "CA bundle {path}").format(path=network.ca_bundle))
    if network.endpoint_url:
        parts.append(translate("network_dialog", "endpoint {url}").format(url=public_url(network.endpoint_url)))
    parts.append(translate("network_dialog", "timeouts {connect:g} s / {read:g} s").format(connect=network.connect_timeout,
                                                                  read=network.read_timeout))
    return translate("network_dialog", "Network: ") + ", ".join(parts)


class NetworkDialog(QDialog):
    """Edit a connection's network settings. `values()` gives them as field key -> text (to apply to the wizard's
    draft); `password()` the proxy password (in memory; the wizard keeps it in the keychain on save)."""

    def __init__(self, network: NetworkSettings, password: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("network-settings")
        self.setWindowTitle(translate("network_dialog", "Advanced: network"))
        self.setModal(True)
        taken: set[str] = {"o", "c"}  # OK and Cancel
        layout = QVBoxLayout(self)
        intro = small_muted(plain_label(translate(
            "network_dialog", "Only needed on networks with a proxy, a company certificate authority or a VPC "
            "endpoint. Empty fields mean a direct connection to AWS's usual endpoints."), self))
        layout.addWidget(intro)
        body = QWidget(self)
        form = QFormLayout(body)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addWidget(body, 1)
        self.form = FieldForm(form, body)
        for key in KEYS:
            f = fields.field(key)
            editor = line_edit(f, body, self._edited)
            row = self.form.add(f, editor)
            row.label.setText(with_mnemonic(translate("fields", f.label), taken) + ":")
            editor.setAccessibleDescription(translate("fields", f.help))
            if key == "proxy_user":  # the password's row follows its user name
                self._add_password_row(form, body, taken)
            if key == "ca_bundle":
                self.browse = QPushButton(with_mnemonic(translate("network_dialog", "Browse…"), taken), body)
                self.browse.setObjectName("ca_bundle-browse")
                self.browse.setAccessibleName(translate("network_dialog", "Choose the CA bundle file"))
                self.browse.clicked.connect(self.choose_ca_bundle)
                row.line.addWidget(self.browse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.file_dialog: QFileDialog | None = None
        self._load(network, password)
        width = max(640, self.sizeHint().width())
        self.resize(width, max(self.layout().totalHeightForWidth(width), self.minimumSizeHint().height()))

    def _add_password_row(self, form: QFormLayout, body: QWidget, taken: set[str]) -> None:
        self.password_edit = SecretLineEdit(body)
        self.password_edit.setObjectName(PASSWORD)
        self.password_edit.setAccessibleName(translate("network_dialog", "Proxy password"))
        self.password_edit.setPlaceholderText(translate("network_dialog", "hidden as you type (Ctrl+Shift+H shows it)"))
        help_text = translate("network_dialog", "Kept in the keychain only, never in the profile file.")
        self.password_edit.setAccessibleDescription(help_text)
        holder, _line, self.password_message = field_holder(self.password_edit, help_text, body)
        form.addRow(field_label(with_mnemonic(translate("network_dialog", "Proxy password"), taken) + ":", self.password_edit, body), holder)

    # ---- values -------------------------------------------------------------------------------------------------
    def _load(self, network: NetworkSettings, password: str) -> None:
        for key in KEYS:
            value = fields.value_of(_Holder(network), None, key)
            row = self.form.rows[key]
            shown = f"{value:g}" if isinstance(value, float) else fields.text_of(value)  # 10, not 10.0
            row.set_raw(shown)
            row.touched = bool(row.raw())
        self.password_edit.setText(password)
        self.refresh()

    def values(self) -> dict[str, str]:
        return {key: self.form.rows[key].raw().strip() for key in KEYS}

    def password(self) -> str:
        return self.password_edit.text() if self.form.rows["proxy_user"].raw().strip() else ""

    # ---- checking -----------------------------------------------------------------------------------------------
    def _edited(self, key: str) -> None:
        if key == "proxy":  # user:password pasted into the URL: each part goes to its own field
            row = self.form.rows["proxy"]
            url, user, password = split_proxy_url(row.raw())
            if user or password:
                row.editor.setText(url)
                if user:
                    self.form.rows["proxy_user"].editor.setText(user)
                    self.form.rows["proxy_user"].touched = True
                if password:
                    self.password_edit.setText(password)
        values = self.values()
        self.form.edited(key, fields.field(key).check(values[key], values))
        self.refresh()

    def refresh(self) -> None:
        values = self.values()
        errors = False
        for key in KEYS:
            check = fields.field(key).check(values[key], values)
            if not values[key] and fields.field(key).kind is float:
                check = fields.field(key).check(fields.text_of(fields.field(key).default), values)
            self.form.show_check(key, check)
            errors = errors or not check.ok
        has_user = bool(values["proxy_user"])
        self.password_edit.setEnabled(has_user)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not errors)

    def errors(self) -> dict[str, str]:
        return self.form.errors(KEYS)

    # ---- the CA bundle file -------------------------------------------------------------------------------------
    def choose_ca_bundle(self) -> QFileDialog:
        """Open a file chooser for the CA bundle (window-modal, not a nested event loop); the chosen file fills the
        field. Returns the chooser."""
        chooser = QFileDialog(self, translate("network_dialog", "Choose the CA bundle file"))
        chooser.setObjectName("ca_bundle-chooser")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.setNameFilters([translate("network_dialog", "PEM certificates (*.pem *.crt *.cer)"), translate("network_dialog", "All files (*)")])
        if not _native_wanted():
            chooser.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        current = self.form.rows["ca_bundle"].raw().strip()
        if current:
            chooser.selectFile(current)
        chooser.fileSelected.connect(self._ca_bundle_chosen)
        chooser.open()
        self.file_dialog = chooser
        return chooser

    def _ca_bundle_chosen(self, path: str) -> None:
        editor = self.form.rows["ca_bundle"].editor
        editor.setText(path)
        self._edited("ca_bundle")
        editor.setFocus(Qt.FocusReason.OtherFocusReason)


def _native_wanted() -> bool:
    """A desktop's own file chooser (through its portal) where there is one; Qt's own everywhere else."""
    import os

    return bool(os.environ.get("XDG_CURRENT_DESKTOP")) and QGuiApplication.platformName() not in ("offscreen",
                                                                                               "minimal")


class _Holder:
    """Lets `fields.value_of` read a NetworkSettings alone."""

    def __init__(self, network: NetworkSettings):
        self.network = network


def editor_of(dialog: NetworkDialog, key: str) -> QLineEdit:
    return dialog.password_edit if key == PASSWORD else dialog.form.rows[key].editor
