"""The profile manager window, driven like an administrator would: real keychain (gnome-keyring from the harness), real
profile file, the real engine against a moto server on 127.0.0.1 with request signing enforced, offscreen Qt.

After every step the test checks three places: the table, the profile file on disk, and the keychain.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import time

import keyring
import pytest
import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QWizard,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.support.aws import denied_connection, practice_connection
from tests.support.responders import SilentEndpoint
from tests.support.secrets_registry import register
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.keychain import SERVICE, SecretStore
from wizard.core.profiles import ProfileStore, save_connection
from wizard.ui import profile_table
from wizard.ui.manager import PRACTICE_UNAVAILABLE, ProfileManagerWindow
from wizard.ui.aws_files_dialogs import ExportDialog, ImportDialog
from wizard.ui.manager_dialogs import RenewTokenDialog
from wizard.ui.wizard import ConnectionWizard, PageId

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]

TIMEOUT = 20_000  # ms; generous: two cores are shared by many processes


# --- the local AWS: the session's emulator (moto on 127.0.0.1, signing enforced, behind the trust gate) ---------------


class LocalAws:
    """The practice user's keys and the emulator's URL, plus fresh temporary keys on demand."""

    def __init__(self, emulator) -> None:
        p = emulator.practice
        self.emulator, self.url, self.bucket = emulator, emulator.url, p.bucket
        self.key_id, self.secret = p.access_key_id, p.secret_access_key

    def temporary_credentials(self) -> tuple[str, str, str]:
        """Temporary keys (ASIA...) for the practice role, as an administrator would paste them."""
        sts = self.emulator.client("sts", self.key_id, self.secret)
        role_arn = self.emulator.practice.role_arn
        creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="renewal")["Credentials"]
        return creds["AccessKeyId"], register(creds["SecretAccessKey"]), register(creds["SessionToken"])


@pytest.fixture
def aws(aws_emulator):
    return LocalAws(aws_emulator)


# --- window and stores ----------------------------------------------------------------------------------------------


@pytest.fixture
def window(open_manager, aws):
    return open_manager(endpoint_url=aws.url)


def keychain(profile_id: str, field: str) -> str | None:
    return keyring.get_password(SERVICE, f"{profile_id}/{field}")


def stored(store) -> dict[str, dict]:
    """The profile file as written on disk, by name."""
    path = store.path
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"profiles": []}
    return {p["name"]: p for p in data["profiles"]}


def table(win) -> dict[str, list[str]]:
    """Each row of the table as its cell texts, keyed by the name cell."""
    model = win.model
    rows = {}
    for row in range(model.rowCount()):
        cells = [model.index(row, col).data() or "" for col in range(model.columnCount())]
        rows[cells[0]] = cells
    return rows


def visible_texts(root: QWidget) -> list[str]:
    """Everything a person could read in a window and its dialogs: labels, buttons, fields as displayed, text panes,
    table cells with their tool tips, window titles."""
    texts = [root.windowTitle()]
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        texts += [widget.toolTip(), widget.accessibleName(), widget.windowTitle()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.displayText())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QMessageBox):
            texts += [widget.text(), widget.informativeText(), widget.detailedText()]
    model = getattr(root, "model", None)
    if model is not None:
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                for role in (0, 3):  # display, tool tip
                    texts.append(str(model.index(row, col).data(role) or ""))
    return texts


def assert_no_secret_shown(win, *secrets: str) -> None:
    shown = "\n".join(visible_texts(win))
    for secret in secrets:
        assert secret and secret not in shown, "a secret value is visible in the manager window"


def open_dialog(qtbot, win, kind, timeout: int = TIMEOUT):
    """Wait for the window-modal dialog of `kind` that an action opened, and return it."""
    found: list = []

    def visible():
        found[:] = [d for d in win.findChildren(kind) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(visible, timeout=timeout)
    return found[-1]


def select(qtbot, win, name: str) -> None:
    """Click the profile's row in the table."""
    row = next(i for i, p in enumerate(win.model.profiles()) if p.name == name)
    rect = win.table.visualRect(win.model.index(row, 0))
    qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: win.selected_profile() is not None and win.selected_profile().name == name)


def rename(qtbot, win, old: str, new: str) -> None:
    """Select `old`, press Rename, type the new name, OK, and wait for the table."""
    select(qtbot, win, old)
    win.actions["rename"].trigger()
    ask = open_dialog(qtbot, win, QInputDialog)
    assert ask.textValue() == old
    ask.setTextValue(new)
    ask.accept()
    qtbot.waitUntil(lambda: new in table(win), timeout=TIMEOUT)


def details_rows(win) -> dict[str, str]:
    """The details panel's label -> value texts."""
    form = win.details.form
    return {
        form.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text():
        form.itemAt(i, QFormLayout.ItemRole.FieldRole).widget().text()
        for i in range(form.rowCount())
    }


def wait_idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: not win.is_busy() and win.active_dialog is None, timeout=TIMEOUT)


def run_test(qtbot, win, store, name: str) -> None:
    """Select `name`, press Test and wait until a new result is in the file and the table."""
    select(qtbot, win, name)
    before = stored(store)[name]["tested_at"] or 0
    win.actions["test"].trigger()
    qtbot.waitUntil(lambda: (stored(store)[name]["tested_at"] or 0) > before, timeout=TIMEOUT)
    wait_idle(qtbot, win)


def click_next(qtbot, wizard, expected: PageId) -> None:
    """Press Next once it is enabled (a page that is not complete keeps it disabled) and land on `expected`."""
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=TIMEOUT)
    button.click()
    assert wizard.currentId() == expected


def type_into(qtbot, editor: QLineEdit, text: str) -> None:
    editor.selectAll()
    editor.del_()
    qtbot.keyClicks(editor, text)


def finish_wizard(qtbot, wizard, name: str | None, *, test: bool = True) -> None:
    """From the current page on: the other pages as they are, the live test (or Save without testing), then the name on
    the summary page and Finish."""
    while wizard.currentId() < PageId.TEST:
        click_next(qtbot, wizard, PageId(wizard.currentId() + 1))
    if test:
        qtbot.waitUntil(lambda: wizard.test_page.isComplete(), timeout=TIMEOUT)
        assert wizard.property("test_report").ok
    else:
        wizard.test_page.save_untested_button.click()
    click_next(qtbot, wizard, PageId.SUMMARY)
    if name is not None:
        type_into(qtbot, wizard.summary_page.name, name)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(finish.isEnabled, timeout=TIMEOUT)
    finish.click()


def new_connection(qtbot, win, method: str) -> ConnectionWizard:
    """New in the manager: the wizard it opens, `method` chosen (e.g. "access-key"), on the credentials page."""
    win.actions["new"].trigger()
    wizard = open_dialog(qtbot, win, ConnectionWizard)
    wizard.findChild(QRadioButton, f"method-{method}").click()
    click_next(qtbot, wizard, PageId.CREDENTIALS)
    return wizard


def create_through_wizard(qtbot, win, name: str, key_id: str, secret: str, *, test: bool = True) -> None:
    wizard = new_connection(qtbot, win, "access-key")
    type_into(qtbot, wizard.findChild(QLineEdit, "access_key_id"), key_id)
    type_into(qtbot, wizard.findChild(QLineEdit, "secret_access_key"), secret)
    finish_wizard(qtbot, wizard, name, test=test)


def s3_connection(aws, **kw) -> Connection:
    return Connection(method="access-key", region="us-east-1", service="s3", access_key_id=aws.key_id,
                      network=NetworkSettings(endpoint_url=aws.url), **kw)


# --- tests ----------------------------------------------------------------------------------------------------------


def test_empty_state_offers_a_first_connection_and_practice_mode(window):
    assert window.pages.currentWidget() is window.empty
    buttons = {b.text() for b in window.empty.findChildren(QAbstractButton) if b.isVisible()}
    assert buttons == {"Create your first connection", "Try practice mode"}
    assert window.model.rowCount() == 0
    # nothing is selected, so only New and Import can be used
    enabled = {name for name, action in window.actions.items() if action.isEnabled()}
    assert enabled == {"new", "import"}


def _needed_height(label: QLabel) -> int:
    reference = QLabel(label.text())
    reference.setWordWrap(True)
    reference.setFont(label.font())
    return reference.heightForWidth(label.width())


def _clipped_text(window) -> list[str]:
    """What of the empty state's text is cut off, measured against plain word-wrapped labels of the same text and font
    (an independent reference) and against the page the state is shown in."""
    problems = []
    page = window.empty
    for label in page.findChildren(QLabel):
        if not label.isVisible() or not label.wordWrap():
            continue
        needed = _needed_height(label)
        if label.height() < needed:
            problems.append(f"{label.text()[:30]!r}: {label.height()} px high, needs {needed}")
    for widget in page.findChildren(QWidget):
        if widget.isVisible() and widget.parentWidget() is page.column:
            bottom = widget.mapTo(page, widget.rect().bottomLeft()).y()
            wrapped = isinstance(widget, QLabel) and widget.wordWrap()  # measured above
            if bottom >= page.height() or (not wrapped and widget.height() < widget.minimumSizeHint().height()):
                problems.append(f"{type(widget).__name__} {widget.objectName()!r} cut off by the window")
    return problems


@pytest.mark.parametrize("point_size", [None, 15])
def test_empty_state_text_is_not_clipped_at_the_default_and_minimum_size(qtbot, window, point_size):
    """The description wraps and keeps the height it needs, at the default size and at the smallest the window can
    be made, with the default font and a large one."""
    if point_size:
        font = window.empty.font()
        font.setPointSize(point_size)
        window.empty.setFont(font)
    assert window.size().toTuple() == (980, 680)
    qtbot.waitUntil(lambda: not _clipped_text(window), timeout=TIMEOUT)
    window.resize(window.minimumSizeHint())  # the smallest size a user can drag the window to
    qtbot.waitUntil(lambda: window.size() == window.minimumSizeHint() and not _clipped_text(window),
                    timeout=TIMEOUT)
    assert window.empty.text.width() < 400, "the minimum size wraps the description onto more lines"
    window.resize(980, 680)
    text = window.empty.text
    qtbot.waitUntil(lambda: text.width() > 400 and text.height() == _needed_height(text), timeout=TIMEOUT)
    assert not _clipped_text(window), "and no gap is left over from the narrow size"


def test_try_practice_mode_is_disabled_with_the_reason_without_the_emulator(qtbot, open_manager, monkeypatch):
    """An installed build without moto: the button can't start a practice program that would only exit; it says why."""
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "moto" else real_find_spec(name, *args))
    window = open_manager()
    button, note = window.empty.practice_button, window.empty.practice_note
    assert not button.isEnabled() and button.text() == "Try practice mode"
    assert button.toolTip() == PRACTICE_UNAVAILABLE
    assert "moto" in PRACTICE_UNAVAILABLE and "./dev run --practice" in PRACTICE_UNAVAILABLE
    assert note.isVisible() and "./dev run --practice" in note.text()
    assert window.empty.create_button.isEnabled()
    window._update_actions()  # the state is enabled again after every action: the button stays off
    assert not button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.practice_process is None
    qtbot.waitUntil(lambda: not _clipped_text(window), timeout=TIMEOUT)


def test_try_practice_mode_is_enabled_when_the_emulator_is_installed(open_manager, monkeypatch):
    real_find_spec = importlib.util.find_spec
    looked_up = []
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: looked_up.append(name) or real_find_spec(name, *args))
    window = open_manager()
    assert looked_up.count("moto") == 1, "decided once, when the window is made"
    assert window.empty.practice_button.isEnabled() and not window.empty.practice_button.toolTip()
    assert not window.empty.practice_note.isVisible()


def test_empty_state_create_opens_the_wizard_and_cancel_saves_nothing(qtbot, window, stores):
    store, _ = stores
    qtbot.mouseClick(window.empty.create_button, Qt.MouseButton.LeftButton)
    wizard = open_dialog(qtbot, window, ConnectionWizard)
    assert not window.actions["new"].isEnabled(), "actions wait while the wizard is open"
    wizard.reject()
    wait_idle(qtbot, window)
    assert window.actions["new"].isEnabled()
    assert window.pages.currentWidget() is window.empty and not store.path.exists()


def test_try_practice_mode_opens_the_program_in_practice_mode(qtbot, window, tmp_path, monkeypatch):
    """From the empty state: the program in practice mode, as its own process (its window shows, its emulators start,
    it quits by itself here); this window and its profiles are untouched."""
    monkeypatch.setenv("AWS_CONNECTION_WIZARD_HOME", str(tmp_path / "real-home"))
    monkeypatch.setenv("AWSCW_QUIT_AFTER_SHOW", "1")
    window.practice_output = subprocess.PIPE
    qtbot.mouseClick(window.empty.practice_button, Qt.MouseButton.LeftButton)
    process = window.practice_process
    assert process is not None and process.args[-1] == "--practice"
    assert "own window" in window.status_text.text()
    assert not window.isVisible(), "two windows, one real and one practice, side by side"
    output, _ = process.communicate(timeout=150)
    assert process.returncode == 0
    assert output.decode().split() == ["window-shown", "practice-ready"]
    qtbot.waitUntil(window.isVisible, timeout=TIMEOUT)  # back when practice mode ends
    assert "practice profiles were deleted" in window.status_text.text()
    assert window.pages.currentWidget() is window.empty and window.model.rowCount() == 0


def test_new_in_practice_mode_saves_a_practice_profile(qtbot, open_manager, stores, aws_emulator):
    store, _secret_store = stores
    window = open_manager(emulator=aws_emulator)
    assert window.empty.practice_button.text() == "Create a practice connection"
    qtbot.mouseClick(window.empty.practice_button, Qt.MouseButton.LeftButton)
    wizard = open_dialog(qtbot, window, ConnectionWizard)
    emulator = window.emulator
    assert emulator is aws_emulator and emulator.url.startswith("http://127.0.0.1:")
    assert "practice" in wizard.windowTitle()
    assert wizard.connection().access_key_id == emulator.practice.access_key_id
    finish_wizard(qtbot, wizard, "practice-s3")
    qtbot.waitUntil(lambda: "practice-s3 (practice)" in table(window), timeout=TIMEOUT)
    assert table(window)["practice-s3 (practice)"][4].startswith("✓ OK")
    assert stored(store)["practice-s3"]["practice"] is True
    assert keychain(store.get("practice-s3").id, "secret_access_key") == emulator.practice.secret_access_key
    wait_idle(qtbot, window)
    select(qtbot, window, "practice-s3")
    assert not window.actions["export"].isEnabled()
    window.close()
    assert window.emulator is aws_emulator  # not the window's to stop


def test_create_test_edit_duplicate_rename_renew_delete(qtbot, window, stores, aws):
    store, secret_store = stores

    # New (Ctrl+N): the wizard, tested live against the local AWS, then saved: keychain first, then the file
    create_through_wizard(qtbot, window, "build-robot", aws.key_id, aws.secret)
    qtbot.waitUntil(lambda: "build-robot" in table(window), timeout=TIMEOUT)
    row = table(window)["build-robot"]
    assert row[1:4] == ["Access key", "Amazon S3", "us-east-1"]
    assert row[4].startswith("✓ OK · just now")
    assert window.pages.currentWidget() is not window.empty
    created = store.get("build-robot")
    on_disk = stored(store)["build-robot"]
    assert on_disk["connection"]["access_key_id"] == aws.key_id and on_disk["last_result"] == "ok"
    assert aws.secret not in store.path.read_text(encoding="utf-8")
    assert keychain(created.id, "secret_access_key") == aws.secret
    assert keychain(created.id, "session_token") is None
    assert_no_secret_shown(window, aws.secret)

    # Edit (Ctrl+E): the wizard opens pre-filled (secret from the keychain, masked); saved under the same id
    wait_idle(qtbot, window)
    select(qtbot, window, "build-robot")
    window.actions["edit"].trigger()
    wizard = open_dialog(qtbot, window, ConnectionWizard)
    assert wizard.connection().access_key_id == aws.key_id
    assert wizard.secrets().secret_access_key == aws.secret
    click_next(qtbot, wizard, PageId.CREDENTIALS)
    secret_edit = wizard.findChild(QLineEdit, "secret_access_key")
    assert secret_edit.echoMode() == QLineEdit.EchoMode.Password and aws.secret not in secret_edit.displayText()
    click_next(qtbot, wizard, PageId.SERVICE)
    type_into(qtbot, wizard.findChild(QLineEdit, "bucket"), aws.bucket)
    finish_wizard(qtbot, wizard, None)
    qtbot.waitUntil(lambda: stored(store)["build-robot"]["connection"]["bucket"] == aws.bucket, timeout=TIMEOUT)
    assert stored(store)["build-robot"]["id"] == created.id
    assert len(stored(store)) == 1
    assert keychain(created.id, "secret_access_key") == aws.secret
    qtbot.waitUntil(lambda: table(window)["build-robot"][4].startswith("✓ OK"), timeout=TIMEOUT)

    # Test (F5): the engine runs live in the details area; the result is recorded in the profile
    wait_idle(qtbot, window)
    run_test(qtbot, window, store, "build-robot")
    assert table(window)["build-robot"][4].startswith("✓ OK")
    assert stored(store)["build-robot"]["last_result"] == "ok"
    assert stored(store)["build-robot"]["untested"] is False
    before = stored(store)["build-robot"]["tested_at"]
    qtbot.mouseClick(window.test_view.test_again_button, Qt.MouseButton.LeftButton)  # the view's own button
    qtbot.waitUntil(lambda: stored(store)["build-robot"]["tested_at"] > before, timeout=TIMEOUT)
    wait_idle(qtbot, window)
    assert "✓" in window.test_view.status.text()
    assert "arn:aws:iam::" in window.details.report.toPlainText()
    assert_no_secret_shown(window, aws.secret)

    # Duplicate (Ctrl+D): new id, secrets copied in the keychain
    wait_idle(qtbot, window)
    window.actions["duplicate"].trigger()
    ask = open_dialog(qtbot, window, QInputDialog)
    assert ask.textValue() == "build-robot-copy"
    ask.setTextValue("build-robot-2")
    ask.accept()
    qtbot.waitUntil(lambda: "build-robot-2" in table(window), timeout=TIMEOUT)
    copy = stored(store)["build-robot-2"]
    assert copy["id"] != created.id
    assert keychain(copy["id"], "secret_access_key") == aws.secret
    assert keychain(created.id, "secret_access_key") == aws.secret

    # Rename (F2) the copy: same id, so the keychain entry is untouched
    wait_idle(qtbot, window)
    rename(qtbot, window, "build-robot-2", "deploy-robot")
    assert "build-robot-2" not in table(window)
    assert stored(store)["deploy-robot"]["id"] == copy["id"]
    assert keychain(copy["id"], "secret_access_key") == aws.secret

    # Renew token (Ctrl+R) belongs to session tokens only: not offered for the original's long-term key (AKIA...)
    wait_idle(qtbot, window)
    select(qtbot, window, "build-robot")
    assert not window.actions["renew"].isEnabled()
    # ... the original now holds temporary keys (as the CLI's `add` saves them): new ones, masked, into the keychain;
    # the clock restarts
    first_key_id, first_secret, first_token = aws.temporary_credentials()
    temporary = s3_connection(aws, bucket=aws.bucket)
    temporary.access_key_id = first_key_id
    save_connection(store, secret_store, "build-robot", temporary, Secrets(first_secret, first_token), untested=True,
                    profile_id=created.id)
    window.reload()
    qtbot.waitUntil(lambda: window.actions["renew"].isEnabled(), timeout=TIMEOUT)
    key_id, secret, token = aws.temporary_credentials()
    before = time.time()
    window.actions["renew"].trigger()
    renew = open_dialog(qtbot, window, RenewTokenDialog)
    save = renew.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert renew.token.echoMode() == QLineEdit.EchoMode.Password
    assert renew.secret_access_key.echoMode() == QLineEdit.EchoMode.Password
    renew.access_key_id.setText(key_id)
    renew.token.setText(token)
    assert not save.isEnabled(), "a new key id without its secret must not be accepted"
    renew.secret_access_key.setText(secret)
    assert save.isEnabled(), renew.message.text()
    assert_no_secret_shown(window, aws.secret, secret, token)
    save.click()
    qtbot.waitUntil(lambda: stored(store)["build-robot"]["connection"]["access_key_id"] == key_id, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "left" in table(window)["build-robot"][5], timeout=TIMEOUT)
    assert keychain(created.id, "session_token") == token
    assert keychain(created.id, "secret_access_key") == secret
    on_disk = stored(store)["build-robot"]
    assert on_disk["connection"]["access_key_id"] == key_id
    assert on_disk["connection"]["token_entered_at"] >= before
    assert table(window)["build-robot"][4] == "Untested"
    qtbot.waitUntil(lambda: not shiboken6.isValid(renew), timeout=TIMEOUT)  # the dialog and its fields are gone

    # ... and the renewed keys work: test again
    wait_idle(qtbot, window)
    run_test(qtbot, window, store, "build-robot")
    assert table(window)["build-robot"][4].startswith("✓ OK")
    role_name = aws.emulator.practice.role_arn.rsplit("/", 1)[1]
    assert f"assumed-role/{role_name}/" in window.details.report.toPlainText()
    assert_no_secret_shown(window, aws.secret, secret, token)

    # Delete (Del): confirm; keychain entries go too
    wait_idle(qtbot, window)
    window.actions["delete"].trigger()
    box = open_dialog(qtbot, window, QMessageBox)
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    delete.click()
    qtbot.waitUntil(lambda: "build-robot" not in table(window), timeout=TIMEOUT)
    assert "build-robot" not in stored(store)
    assert keychain(created.id, "secret_access_key") is None
    assert keychain(created.id, "session_token") is None
    assert keychain(copy["id"], "secret_access_key") == aws.secret

    wait_idle(qtbot, window)
    select(qtbot, window, "deploy-robot")
    window.actions["delete"].trigger()
    box = open_dialog(qtbot, window, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Delete").click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.empty, timeout=TIMEOUT)
    assert stored(store) == {}
    assert keychain(copy["id"], "secret_access_key") is None


def test_no_keychain_means_nothing_saved(qtbot, open_manager, stores, aws):
    """With no usable keychain (keyring's own "fail" backend), Save says so and writes nothing, untested or not."""
    from keyring.backends.fail import Keyring as NoKeyring

    store, _ = stores
    win = open_manager(secret_store=SecretStore(backend=NoKeyring()), endpoint_url=aws.url)
    create_through_wizard(qtbot, win, "offline-entry", aws.key_id, aws.secret, test=False)
    wizard = retry_offered(qtbot, win)  # the wizard is back with what was typed, the reason and Retry
    problem = wizard.summary_page.save_problem.text()
    assert "No usable keychain" in problem and "plain text" in problem and "Nothing was saved" in problem
    assert wizard.connection().access_key_id == aws.key_id and wizard.secrets().secret_access_key == aws.secret
    assert "No usable keychain" in wizard.method_page.keychain_notice.text()  # said when the wizard opened
    discard_wizard(qtbot, wizard)
    wait_idle(qtbot, win)
    assert not store.path.exists() or stored(store) == {}
    assert win.model.rowCount() == 0 and win.pages.currentWidget() is win.empty
    assert_no_secret_shown(win, aws.secret)


def test_locked_keychain_means_nothing_saved(qtbot, open_manager, stores, aws):
    """A locked keychain whose unlock prompt cannot be shown: Save says so (keyring-locked) and writes nothing."""
    from tests.support.keychain_lock import locked_keychain

    store, _ = stores
    win = open_manager(secret_store=SecretStore(unlock_timeout=10), endpoint_url=aws.url)
    with locked_keychain():
        create_through_wizard(qtbot, win, "while-locked", aws.key_id, aws.secret, test=False)
        wizard = retry_offered(qtbot, win)
        problem = wizard.summary_page.save_problem.text()
        assert "keychain is locked" in problem and "Nothing was saved" in problem
        assert "keychain is locked" in wizard.summary_page.keychain_notice.text()  # said when the wizard opened
        assert not store.path.exists() or stored(store) == {}
        assert win.model.rowCount() == 0
        assert_no_secret_shown(win, aws.secret)
    # unlocked again: Retry saves what was typed before, nothing typed again
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "while-locked" in table(win), timeout=TIMEOUT)
    assert not shiboken6.isValid(wizard) or not wizard.isVisible()  # closed (and maybe deleted already)
    assert keychain(store.get("while-locked").id, "secret_access_key") == aws.secret


def retry_offered(qtbot, win):
    """The wizard shown again after a failed save, on its summary page, with Finish renamed Retry."""
    found = []

    def shown():
        found[:] = [w for w in win.findChildren(ConnectionWizard)
                    if w.isVisible() and w.summary_page.save_problem.text()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=TIMEOUT)
    wizard = found[-1]
    assert wizard.currentId() == PageId.SUMMARY
    assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "&Retry"
    return wizard


def discard_wizard(qtbot, wizard) -> None:
    """Cancel the wizard and answer its question with Discard."""
    wizard.reject()
    qtbot.waitUntil(lambda: wizard.discard_question is not None, timeout=TIMEOUT)
    box = wizard.discard_question
    next(b for b in box.buttons() if b.text() == "&Discard").click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=TIMEOUT)


def test_no_keychain_when_testing_says_so_and_changes_nothing(qtbot, qloop, stores, aws):
    from keyring.backends.fail import Keyring as NoKeyring

    store, secret_store = stores
    save_connection(store, secret_store, "saved-earlier", s3_connection(aws), Secrets(aws.secret), untested=True)
    win = ProfileManagerWindow(store, SecretStore(backend=NoKeyring()))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: "saved-earlier" in table(win), timeout=TIMEOUT)
    select(qtbot, win, "saved-earlier")
    win.actions["test"].trigger()
    box = open_dialog(qtbot, win, QMessageBox)
    assert "No usable keychain" in box.text() and "Nothing was saved" not in box.text()
    assert box.windowTitle() == "Could not read the profile's secrets"
    wait_idle(qtbot, win)
    assert stored(store)["saved-earlier"]["tested_at"] is None
    rows = details_rows(win)
    assert rows["Secret access key:"] == "in the OS keychain (not available at the moment)"


def test_saved_without_testing_says_untested(qtbot, window, stores, aws):
    store, _ = stores
    create_through_wizard(qtbot, window, "offline-entry", aws.key_id, aws.secret, test=False)
    qtbot.waitUntil(lambda: "offline-entry" in table(window), timeout=TIMEOUT)
    assert table(window)["offline-entry"][4] == "Untested"
    assert stored(store)["offline-entry"]["untested"] is True
    assert keychain(store.get("offline-entry").id, "secret_access_key") == aws.secret


CONFIG_BEFORE = (
    "# team settings: keep this comment\n"
    "[default]\nregion = eu-west-1\n\n"
    "[profile   odd-spacing ]\n  region=us-west-2   \n\n"
    "[profile sso-admin]\nsso_start_url = https://example.invalid/start\nsso_region = us-east-1\n"
)


@pytest.fixture
def aws_files(tmp_path, monkeypatch):
    """A config and a credentials file of the user's, in a temporary ~/.aws; the credentials file (it holds a plain
    secret) is removed afterwards whatever happens, so the final secret scan does not find it."""
    config, credentials = tmp_path / "aws" / "config", tmp_path / "aws" / "credentials"
    config.parent.mkdir()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    yield config, credentials
    credentials.unlink(missing_ok=True)


def test_import_then_export_to_the_aws_files(qtbot, window, stores, aws, aws_files):
    """Import a key profile from ~/.aws/credentials (secret to the keychain), then export it back into ~/.aws/config as
    a credential_process profile: the rest of the file stays byte for byte."""
    store, _ = stores
    config, credentials = aws_files
    config.write_text(CONFIG_BEFORE, encoding="utf-8")
    credentials.write_text(
        f"[ci-user]\naws_access_key_id = {aws.key_id}\naws_secret_access_key = {aws.secret}\n", encoding="utf-8"
    )

    window.actions["import"].trigger()
    dialog = open_dialog(qtbot, window, ImportDialog)
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert any(line.startswith("ci-user: Access key, ") and aws.key_id[-4:] in line for line in lines)
    assert any(line.startswith("sso-admin: not imported: ") for line in lines)
    assert dialog.chosen() == {"ci-user"}
    assert_no_secret_shown(window, aws.secret)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "ci-user" in table(window), timeout=TIMEOUT)
    assert table(window)["ci-user"][4] == "Untested"
    imported = store.get("ci-user")
    assert keychain(imported.id, "secret_access_key") == aws.secret
    assert aws.secret not in store.path.read_text(encoding="utf-8")
    assert credentials.read_text(encoding="utf-8").count(aws.secret) == 1  # import leaves the AWS files alone
    credentials.unlink()  # the user's plaintext file, stood in for here: the final secret scan must not find it
    assert "Imported 1 profile(s)" in window.last_message.text()

    wait_idle(qtbot, window)
    select(qtbot, window, "ci-user")
    window.actions["export"].trigger()
    dialog = open_dialog(qtbot, window, ExportDialog)
    assert dialog.style.currentData() == "process"
    assert not dialog.style.model().item(1).isEnabled(), "the SDK cannot assume anything for plain access keys"
    dialog.aws_name.setText("wizard-ci")
    dialog.export_button.click()
    qtbot.waitUntil(lambda: "[profile wizard-ci]" in config.read_text(encoding="utf-8"), timeout=TIMEOUT)
    after = config.read_text(encoding="utf-8")
    assert after.startswith(CONFIG_BEFORE)
    assert "credential_process" in after and "credential-process" in after and "ci-user" in after
    assert aws.secret not in after
    assert [p.read_text(encoding="utf-8") for p in config.parent.glob("config.bak-*")] == [CONFIG_BEFORE]
    qtbot.waitUntil(lambda: window.last_message is not None and "wizard-ci" in window.last_message.text())
    assert "aws sts get-caller-identity --profile wizard-ci" in window.last_message.text()


def test_practice_profiles_are_not_exported(qtbot, window, stores, aws):
    store, secret_store = stores
    save_connection(store, secret_store, "practice-s3", s3_connection(aws), Secrets(aws.secret), untested=True,
                    practice=True)
    window.reload()
    qtbot.waitUntil(lambda: "practice-s3 (practice)" in table(window), timeout=TIMEOUT)
    select(qtbot, window, "practice-s3")
    assert not window.actions["export"].isEnabled()
    assert window.actions["test"].isEnabled() and window.actions["edit"].isEnabled()


def test_delete_can_be_cancelled(qtbot, window, stores, aws):
    store, secret_store = stores
    created = save_connection(store, secret_store, "keep-me", s3_connection(aws), Secrets(aws.secret), untested=True)
    window.reload()
    qtbot.waitUntil(lambda: "keep-me" in table(window), timeout=TIMEOUT)
    select(qtbot, window, "keep-me")
    window.actions["delete"].trigger()
    box = open_dialog(qtbot, window, QMessageBox)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    wait_idle(qtbot, window)
    assert "keep-me" in table(window) and "keep-me" in stored(store)
    assert keychain(created.id, "secret_access_key") == aws.secret


def test_status_and_time_left_are_words_not_colours():
    from wizard.core.profiles import Profile

    now = time.time()
    profile = Profile.new("p", Connection(token_entered_at=now - 20 * 60), untested=False,
                          tested_at=now - 5 * 60, last_result="ok")
    assert profile_table.status_text(profile, now) == "✓ OK · 5 min ago"
    profile.last_result = "access-denied"
    assert profile_table.status_text(profile, now) == "✗ Failed: access-denied · 5 min ago"
    profile.untested = True
    assert profile_table.status_text(profile, now) == "Untested"
    assert profile_table.time_left(profile, now).describe() == "up to 11 h 40 min left (entered 20 min ago)"



def seed(qtbot, win, store, secret_store, name: str, conn: Connection, secrets: Secrets):
    """A profile saved the way the CLI's `add` would, then shown in the window."""
    profile = save_connection(store, secret_store, name, conn, secrets, untested=True)
    win.reload()
    qtbot.waitUntil(lambda: name in table(win), timeout=TIMEOUT)
    return profile


def test_cancel_a_silent_test_at_once_with_the_window_responsive(qtbot, window, stores, aws):
    """A firewall that swallows traffic: the test hangs, the window keeps running its event loop, and Cancel gives
    control back at once; nothing is recorded."""
    store, secret_store = stores
    with SilentEndpoint() as silent:
        conn = s3_connection(aws)
        conn.network.endpoint_url = silent.url
        seed(qtbot, window, store, secret_store, "behind-firewall", conn, Secrets(aws.secret))
        select(qtbot, window, "behind-firewall")
        ticks: list[float] = []
        clock = QTimer(window)
        clock.timeout.connect(lambda: ticks.append(time.monotonic()))
        clock.start(20)
        window.actions["test"].trigger()
        qtbot.waitUntil(lambda: window.test_view is not None and window.test_view.is_running(), timeout=TIMEOUT)
        assert window.progress.isVisible()
        assert not any(window.actions[name].isEnabled() for name in ("test", "edit", "delete", "renew", "new"))
        ticks.clear()
        qtbot.wait(1500)
        clock.stop()
        assert window.test_view.is_running(), "the silent endpoint answered?"
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert len(ticks) > 10 and max(gaps) < 1.0, f"the event loop stalled for {max(gaps):.2f} s"
        cancelled_at = time.monotonic()
        qtbot.mouseClick(window.test_view.cancel_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window)
        assert time.monotonic() - cancelled_at < 3.0  # not the 10 s read timeout
    assert window.actions["test"].isEnabled()
    assert stored(store)["behind-firewall"]["tested_at"] is None
    assert table(window)["behind-firewall"][4] == "Untested"


def test_closing_the_window_stops_a_running_test(qtbot, open_manager, stores, aws):
    store, secret_store = stores
    win = open_manager()
    with SilentEndpoint() as silent:
        conn = s3_connection(aws)
        conn.network.endpoint_url = silent.url
        seed(qtbot, win, store, secret_store, "closing", conn, Secrets(aws.secret))
        select(qtbot, win, "closing")
        task = win.test_profile()  # what the Test action (F5) starts
        qtbot.waitUntil(lambda: win.test_view is not None and win.test_view.is_running(), timeout=TIMEOUT)
        win.close()
        qtbot.waitUntil(task.done, timeout=5000)
        assert task.cancelled() or task.exception() is None
        assert not win.test_view.is_running()
    assert stored(store)["closing"]["tested_at"] is None


def test_a_failed_test_shows_its_diagnosis(qtbot, window, stores, aws_emulator):
    store, secret_store = stores
    conn, secrets = denied_connection(aws_emulator)
    seed(qtbot, window, store, secret_store, "no-permissions", conn, secrets)
    run_test(qtbot, window, store, "no-permissions")
    code = stored(store)["no-permissions"]["last_result"]
    assert code not in (None, "ok")
    assert table(window)["no-permissions"][4].startswith(f"✗ Failed: {code} · ")
    report = window.details.report.toPlainText()
    assert f"Diagnosis: {code}" in report and "What to do:" in report
    assert_no_secret_shown(window, secrets.secret_access_key)


def test_cross_account_from_a_saved_profile_in_the_wizard_and_the_manager(qtbot, window, stores, aws_emulator):
    """Source "profile:practice": its keys are read from the keychain off the GUI thread, for the wizard's test and for
    the manager's; the role's real expiration is kept (in the report), not shown as time left."""
    store, secret_store = stores
    p = aws_emulator.practice
    keys, key_secrets = practice_connection(aws_emulator)
    seed(qtbot, window, store, secret_store, "practice", keys, key_secrets)

    wizard = new_connection(qtbot, window, "cross-account")
    type_into(qtbot, wizard.findChild(QLineEdit, "role_arn"), p.cross_role_arn)
    type_into(qtbot, wizard.findChild(QLineEdit, "external_id"), p.external_id)
    source = wizard.credentials_page.rows["source"].editor
    source.setCurrentIndex(source.findData("profile:practice"))
    finish_wizard(qtbot, wizard, "partner")  # the wizard's own test passes: it got the saved profile's keys
    qtbot.waitUntil(lambda: "partner" in table(window), timeout=TIMEOUT)
    on_disk = stored(store)["partner"]
    assert on_disk["connection"]["source"] == "profile:practice" and on_disk["last_result"] == "ok"
    assert keychain(on_disk["id"], "secret_access_key") is None  # a cross-account profile carries no keys

    wait_idle(qtbot, window)
    run_test(qtbot, window, store, "partner")
    assert stored(store)["partner"]["last_result"] == "ok"
    assert stored(store)["partner"]["expiration"] > time.time()
    assert table(window)["partner"][5] == ""  # the role's credentials are fetched afresh on every use: no time left
    assert "Assumed role identity: arn:aws:sts::" in window.details.report.toPlainText()
    assert_no_secret_shown(window, key_secrets.secret_access_key)

    # renaming the source keeps the cross-account profile pointing at it; deleting it warns
    wait_idle(qtbot, window)
    rename(qtbot, window, "practice", "practice-keys")
    assert stored(store)["partner"]["connection"]["source"] == "profile:practice-keys"
    wait_idle(qtbot, window)
    select(qtbot, window, "practice-keys")
    assert not window.test_view.isVisible(), "the live steps shown belong to another profile"
    window.actions["delete"].trigger()
    box = open_dialog(qtbot, window, QMessageBox)
    assert "will stop working: partner" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    wait_idle(qtbot, window)

    # renaming it on the wizard's summary page (Edit) does the same
    select(qtbot, window, "practice-keys")
    window.actions["edit"].trigger()
    wizard = open_dialog(qtbot, window, ConnectionWizard)
    finish_wizard(qtbot, wizard, "practice-user")
    qtbot.waitUntil(lambda: "practice-user" in table(window), timeout=TIMEOUT)
    assert stored(store)["partner"]["connection"]["source"] == "profile:practice-user"
    wait_idle(qtbot, window)


def test_details_name_where_the_secret_lives_and_mask_the_key(qtbot, window, stores, aws):
    from wizard.core.redact import mask_access_key_id

    store, secret_store = stores
    seed(qtbot, window, store, secret_store, "shown", s3_connection(aws), Secrets(aws.secret))
    select(qtbot, window, "shown")
    rows = details_rows(window)
    assert rows["Access key ID:"] == mask_access_key_id(aws.key_id)
    assert rows["Secret access key:"] == "in GNOME Keyring"
    assert rows["Status:"] == "Untested"
    assert aws.key_id not in "\n".join(visible_texts(window))


def test_keyboard_shortcuts(qtbot, window, stores, aws):
    """F2 rename, Del delete, Ctrl+N new, Enter edit, F5 test: each opens its dialog or runs; Escape backs out."""
    store, secret_store = stores
    seed(qtbot, window, store, secret_store, "keys", s3_connection(aws), Secrets(aws.secret))
    select(qtbot, window, "keys")

    def focus_table():
        window.activateWindow()  # offscreen, a closed dialog does not hand activation back by itself
        window.table.setFocus()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)

    for key, modifier, kind in (
        (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier, QInputDialog),
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier, QMessageBox),
        (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, ConnectionWizard),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, ConnectionWizard),
    ):
        focus_table()
        qtbot.keyClick(window.table, key, modifier)
        dialog = open_dialog(qtbot, window, kind)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        wait_idle(qtbot, window)
    assert "keys" in stored(store), "Escape on the delete question must keep the profile"
    # Ctrl+R renews a session token: on a profile holding temporary keys (ASIA...)
    key_id, secret, token = aws.temporary_credentials()
    temporary = s3_connection(aws)
    temporary.access_key_id = key_id
    seed(qtbot, window, store, secret_store, "temporary", temporary, Secrets(secret, token))
    select(qtbot, window, "temporary")
    focus_table()
    qtbot.keyClick(window.table, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(open_dialog(qtbot, window, RenewTokenDialog), Qt.Key.Key_Escape)
    wait_idle(qtbot, window)
    select(qtbot, window, "keys")
    focus_table()
    qtbot.keyClick(window.table, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: stored(store)["keys"]["last_result"] == "ok", timeout=TIMEOUT)
    wait_idle(qtbot, window)


def test_open_main_window_opens_the_wizard_when_there_is_no_profile(qtbot, qloop, tmp_path, monkeypatch, aws):
    from wizard.ui.manager import open_main_window

    monkeypatch.setenv("AWS_CONNECTION_WIZARD_HOME", str(tmp_path / "home"))
    first = open_main_window()
    qtbot.addWidget(first)
    wizard = open_dialog(qtbot, first, ConnectionWizard)
    wizard.reject()
    wait_idle(qtbot, first)
    assert first.pages.currentWidget() is first.empty
    first.new_profile()
    wizard = open_dialog(qtbot, first, ConnectionWizard)
    first.close()  # closing the window closes the wizard it opened
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=TIMEOUT)

    store = ProfileStore(tmp_path / "home")
    created = save_connection(store, SecretStore(), "existing", s3_connection(aws), Secrets(aws.secret), untested=True)
    try:
        second = open_main_window()
        qtbot.addWidget(second)
        qtbot.waitUntil(lambda: "existing" in table(second), timeout=TIMEOUT)
        qtbot.wait(200)
        assert not [w for w in second.findChildren(ConnectionWizard) if w.isVisible()]
        assert second.isVisible() and second.pages.currentWidget() is not second.empty
    finally:
        SecretStore().delete(created.id)


def test_profiles_added_by_another_program_appear(qtbot, window, stores, aws):
    """The command line (or another window) saves a profile: the table follows without any action here."""
    store, secret_store = stores
    assert window.model.rowCount() == 0
    save_connection(ProfileStore(store.home), secret_store, "from-cli", s3_connection(aws), Secrets(aws.secret),
                    untested=True)
    qtbot.waitUntil(lambda: "from-cli" in table(window), timeout=TIMEOUT)
    assert window.pages.currentWidget() is not window.empty
    ProfileStore(store.home).rename("from-cli", "renamed-by-cli")
    qtbot.waitUntil(lambda: "renamed-by-cli" in table(window) and "from-cli" not in table(window), timeout=TIMEOUT)
def test_retest_of_an_assume_role_profile_checks_the_instance(qtbot, window, stores, aws_emulator, monkeypatch):
    """The manager's Test runs the same steps as the wizard's: the instance step for assume-role."""
    from wizard.practice.imds_emulator import ImdsEmulator

    store, secret_store = stores
    conn, secrets = practice_connection(aws_emulator, "assume-role", "s3")
    with ImdsEmulator("role", role="OtherRole", account=aws_emulator.practice.account_id) as imds:
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
        seed(qtbot, window, store, secret_store, "on-the-instance", conn, secrets)
        run_test(qtbot, window, store, "on-the-instance")
    assert window.test_view.steps.statuses()["instance"] == "failed"
    assert stored(store)["on-the-instance"]["last_result"] == "role-mismatch"
    assert "this instance has the role 'OtherRole'" in window.details.report.toPlainText()
