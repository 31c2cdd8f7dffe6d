"""Small dialogs of the profile manager, awaited without blocking the event loop.

`run_dialog` opens a dialog window-modally with `open()` and awaits its `finished` signal, so the qasync loop (and every
test driving the window) keeps running; no nested `exec()` loops.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.translator import translate


async def run_dialog(dialog: QDialog) -> int:
    """Open `dialog` (window-modal) and return its result code once it closes."""
    import asyncio  # loaded once the loop runs, after the first paint

    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await future
    finally:
        dialog.finished.disconnect(done)


def name_problem(name: str, taken) -> str:
    """Why `name` can't be a profile's name (empty, invalid characters, taken), or "" when it can."""
    from wizard.ui.summary_page import check_profile_name

    messages = check_profile_name(name.strip(), set(taken))
    return messages[0].localized(translate) if messages else ""


async def ask_name(parent: QWidget, title: str, label: str, text: str, taken) -> str | None:
    """A profile name, checked as it is typed: while it can't be saved, OK is disabled and the reason is shown below
    the field ("Error: ..."); None when cancelled. `taken`: the names of the other profiles."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("askName")
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    message = QLabel(dialog)
    message.setObjectName("nameProblem")
    message.setWordWrap(True)
    message.setAccessibleName(translate("manager_dialogs", "Problem with the name"))
    dialog.sizeHint()  # QInputDialog lays itself out on first need: now, so that the message can join its layout
    dialog.layout().insertWidget(dialog.layout().count() - 1, message)  # below the field, above the buttons
    editor = dialog.findChild(QLineEdit)
    editor.setAccessibleName(label.rstrip(":"))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)

    def check(value: str) -> None:
        problem = name_problem(value, taken)
        message.setText(translate("manager_dialogs", 'Error: {problem}').format(problem=problem) if problem else "")
        message.setVisible(bool(problem))
        editor.setAccessibleDescription(problem)
        ok.setEnabled(not problem)

    dialog.textValueChanged.connect(check)
    check(text)
    accepted = await run_dialog(dialog) == QDialog.DialogCode.Accepted
    value = dialog.textValue().strip()
    dialog.deleteLater()
    return value if accepted and not name_problem(value, taken) else None


async def confirm(parent: QWidget, title: str, text: str, action: str) -> bool:
    """A yes/no question whose default button is the safe 'Cancel'."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirm")
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    await run_dialog(box)
    confirmed = box.clickedButton() is yes
    box.deleteLater()
    return confirmed


def show_message(parent: QWidget, title: str, text: str, details: str = "", *, problem: bool = False) -> QMessageBox:
    """A non-blocking information (or warning) box; the caller may keep it to inspect it."""
    icon = QMessageBox.Icon.Warning if problem else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("problem" if problem else "information")
    if details:
        box.setInformativeText(details)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def show_problem(parent: QWidget, title: str, text: str, details: str = "") -> QMessageBox:
    return show_message(parent, title, text, details, problem=True)


def lay_out_form(dialog: QDialog, intro: QWidget, rows: list[tuple[str, QWidget]], below: QWidget,
                 buttons: QDialogButtonBox) -> None:
    """A dialog's usual shape: an introduction, a form of labelled fields, one more widget (a message, a choice) and
    the buttons, which accept or reject it."""
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form = QFormLayout()
    for label, field in rows:
        form.addRow(label, field)
    layout = QVBoxLayout(dialog)
    layout.addWidget(intro)
    layout.addLayout(form)
    layout.addWidget(below)
    layout.addWidget(buttons)


class RenewTokenDialog(QDialog):
    """Asks for the new temporary credentials of a profile: the session token (required, masked) and, when AWS STS also
    issued a new key pair, the new access key id and secret (masked). Each field is checked as the user types."""

    def __init__(self, profile_name: str, access_key_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renewToken")
        self.setWindowTitle(
            translate("manager_dialogs", "Renew session token: {profile_name}").format(profile_name=profile_name)
        )
        self._old_key_id = access_key_id
        intro = QLabel(
            translate(
                "manager_dialogs",
                "Paste the new temporary credentials issued by AWS STS. They are stored in the keychain only, and the "
                "session token's time left restarts now. Leave the secret access key empty to keep the stored one.",
            )
        )
        intro.setWordWrap(True)
        self.access_key_id = QLineEdit(access_key_id)
        self.access_key_id.setObjectName("accessKeyId")
        self.secret_access_key = self._masked(
            "secretAccessKey", translate("manager_dialogs", "New secret access key (optional)")
        )
        self.token = self._masked("sessionToken", translate("manager_dialogs", "New session token"))
        self.message = QLabel()
        self.message.setObjectName("renewMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        lay_out_form(self, intro, [(translate("manager_dialogs", "Access key ID:"), self.access_key_id),
                                   (translate("manager_dialogs", "Secret access key:"), self.secret_access_key),
                                   (translate("manager_dialogs", "Session token:"), self.token)],
                     self.message, self.buttons)
        for edit in (self.access_key_id, self.secret_access_key, self.token):
            edit.textChanged.connect(self._check)
        self.token.setFocus()
        self._check()

    @staticmethod
    def _masked(name: str, accessible: str) -> QLineEdit:
        """Masked, with the eye toggle; copying out is refused (wizard.ui.widgets.SecretLineEdit)."""
        from wizard.ui.widgets import SecretLineEdit

        edit = SecretLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        return edit

    def _checks(self) -> dict:
        from wizard.core.validation import check_field

        values = {
            "access_key_id": self.access_key_id.text(),
            "secret_access_key": self.secret_access_key.text(),
            "session_token": self.token.text(),
        }
        checks = {"access_key_id": check_field("access_key_id", values["access_key_id"], values)}
        if values["secret_access_key"]:
            checks["secret_access_key"] = check_field("secret_access_key", values["secret_access_key"], values)
        if values["session_token"]:
            checks["session_token"] = check_field("session_token", values["session_token"], values)
        return checks

    def _check(self) -> None:
        checks = self._checks()
        lines = [("✗ " if m.level == "error" else "⚠ ") + m.localized(translate) for c in checks.values()
                 for m in c.messages
                 if m.level != "info"]
        new_key = checks["access_key_id"].value != self._old_key_id
        if not self.token.text():
            lines.append(translate("manager_dialogs", "A session token is required."))
        if new_key and not self.secret_access_key.text():
            lines.append(
                translate("manager_dialogs", "A new access key ID comes with a new secret access key: paste it too.")
            )
        self.message.setText("\n".join(lines))
        ok = all(c.ok for c in checks.values()) and bool(self.token.text()) and not (
            new_key and not self.secret_access_key.text()
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def values(self) -> tuple[str, str, str]:
        """(access key id, secret access key or "" to keep the stored one, session token), cleaned."""
        checks = self._checks()
        secret = checks.get("secret_access_key")
        return checks["access_key_id"].value, secret.value if secret else "", checks["session_token"].value

    def forget(self) -> None:
        """Clear the masked fields once their values were taken."""
        self.secret_access_key.clear()
        self.token.clear()
