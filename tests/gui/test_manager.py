"""The profile manager window, driven like an administrator would: real keychain (gnome-keyring from the harness), real
profile file, the real engine against a moto server on 127.0.0.1 with request signing enforced, offscreen Qt.

After every step the test checks three places: the table, the profile file on disk, and the keychain.
"""

from __future__ import annotations

import json
import time

import boto3
import keyring
import pytest
import requests
import shiboken6
from botocore.config import Config
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
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

from tests.support.secrets_registry import register
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.keychain import SERVICE, SecretStore
from wizard.core.profiles import ProfileStore, save_connection
from wizard.ui import profile_table
from wizard.ui.manager import ProfileManagerWindow
from wizard.ui.manager_dialogs import RenewTokenDialog
from wizard.ui.wizard import ConnectionWizard, PageId

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]

TIMEOUT = 20_000  # ms; generous: two cores are shared by many processes
BUCKET = "reports-bucket"
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


# --- a local AWS: moto on loopback, signing enforced -----------------------------------------------------------------


class LocalAws:
    """A moto server with an IAM user (admin) and a role it may assume; signing enforced after seeding."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        seed = self._client("iam", "testing", "testing")
        seed.create_user(UserName="admin")
        seed.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=ALLOW_ALL)
        key = seed.create_access_key(UserName="admin")["AccessKey"]
        self.key_id, self.secret = key["AccessKeyId"], register(key["SecretAccessKey"])
        self.account = self._client("sts", "testing", "testing").get_caller_identity()["Account"]
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{self.account}:user/admin"},
                 "Action": "sts:AssumeRole"}
            ],
        }
        seed.create_role(RoleName="Robot", AssumeRolePolicyDocument=json.dumps(trust))
        seed.put_role_policy(RoleName="Robot", PolicyName="all", PolicyDocument=ALLOW_ALL)
        self._client("s3", "testing", "testing").create_bucket(Bucket=BUCKET)
        requests.post(f"{self.url}/moto-api/reset-auth", data=b"0", timeout=10).raise_for_status()

    def _client(self, service: str, key_id: str, secret: str, token: str | None = None):
        return boto3.client(
            service, endpoint_url=self.url, region_name="us-east-1", aws_access_key_id=key_id,
            aws_secret_access_key=secret, aws_session_token=token,
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=3, read_timeout=10),
        )

    def temporary_credentials(self) -> tuple[str, str, str]:
        """Fresh temporary keys (ASIA...) for the Robot role, as an administrator would paste them."""
        sts = self._client("sts", self.key_id, self.secret)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{self.account}:role/Robot", RoleSessionName="renewal")
        creds = creds["Credentials"]
        return creds["AccessKeyId"], register(creds["SecretAccessKey"]), register(creds["SessionToken"])

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture(scope="module")
def aws():
    local = LocalAws()
    yield local
    local.stop()


# --- window and stores ----------------------------------------------------------------------------------------------


@pytest.fixture
def stores(tmp_path):
    store, secret_store = ProfileStore(tmp_path / "wizard-home"), SecretStore()
    yield store, secret_store
    for profile in store.list():  # leave the session keychain clean for the next test
        secret_store.delete(profile.id)


@pytest.fixture
def window(qtbot, qloop, stores, aws):
    win = ProfileManagerWindow(*stores, endpoint_url=aws.url)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win._loaded, timeout=TIMEOUT)
    return win


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


def open_dialog(qtbot, win, kind):
    """Wait for the window-modal dialog of `kind` that an action opened, and return it."""
    found: list = []

    def visible():
        found[:] = [d for d in win.findChildren(kind) if d.isVisible()]
        return bool(found)

    qtbot.waitUntil(visible, timeout=TIMEOUT)
    return found[-1]


def select(qtbot, win, name: str) -> None:
    profile = next(p for p in win.model.profiles() if p.name == name)
    win.select_profile(profile.id)
    qtbot.waitUntil(lambda: win.selected_profile() is not None and win.selected_profile().name == name)


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


def create_through_wizard(qtbot, win, name: str, key_id: str, secret: str, *, test: bool = True) -> None:
    win.actions["new"].trigger()
    wizard = open_dialog(qtbot, win, ConnectionWizard)
    wizard.findChild(QRadioButton, "method-access-key").click()
    click_next(qtbot, wizard, PageId.CREDENTIALS)
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
    type_into(qtbot, wizard.findChild(QLineEdit, "bucket"), BUCKET)
    finish_wizard(qtbot, wizard, None)
    qtbot.waitUntil(lambda: stored(store)["build-robot"]["connection"]["bucket"] == BUCKET, timeout=TIMEOUT)
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
    select(qtbot, window, "build-robot-2")
    window.actions["rename"].trigger()
    ask = open_dialog(qtbot, window, QInputDialog)
    ask.setTextValue("deploy-robot")
    ask.accept()
    qtbot.waitUntil(lambda: "deploy-robot" in table(window), timeout=TIMEOUT)
    assert "build-robot-2" not in table(window)
    assert stored(store)["deploy-robot"]["id"] == copy["id"]
    assert keychain(copy["id"], "secret_access_key") == aws.secret

    # Renew token (Ctrl+R) on the original: new temporary keys, masked, into the keychain; the clock restarts
    wait_idle(qtbot, window)
    select(qtbot, window, "build-robot")
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
    assert "assumed-role/Robot" in window.details.report.toPlainText()
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


def test_no_keychain_means_nothing_saved(qtbot, qloop, stores, aws):
    """With no usable keychain (keyring's own "fail" backend), Save says so and writes nothing, untested or not."""
    from keyring.backends.fail import Keyring as NoKeyring

    store, _ = stores
    win = ProfileManagerWindow(store, SecretStore(backend=NoKeyring()), endpoint_url=aws.url)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win._loaded, timeout=TIMEOUT)
    create_through_wizard(qtbot, win, "offline-entry", aws.key_id, aws.secret, test=False)
    box = open_dialog(qtbot, win, QMessageBox)
    assert "No usable keychain" in box.text() and "plain text" in box.text()
    assert box is win.last_problem
    wait_idle(qtbot, win)
    assert not store.path.exists() or stored(store) == {}
    assert win.model.rowCount() == 0 and win.pages.currentWidget() is win.empty
    assert_no_secret_shown(win, aws.secret)


def test_saved_without_testing_says_untested(qtbot, window, stores, aws):
    store, _ = stores
    create_through_wizard(qtbot, window, "offline-entry", aws.key_id, aws.secret, test=False)
    qtbot.waitUntil(lambda: "offline-entry" in table(window), timeout=TIMEOUT)
    assert table(window)["offline-entry"][4] == "Untested"
    assert stored(store)["offline-entry"]["untested"] is True
    assert keychain(store.get("offline-entry").id, "secret_access_key") == aws.secret


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

