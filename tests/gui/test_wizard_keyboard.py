"""The whole wizard, once per authentication method, by keyboard alone: Tab, arrows, Space, Return, Alt+letter.

Every value is typed into the focused widget; nothing is clicked and no field is set from code. Each run ends on the
summary, which must show the key id masked and never a secret.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.ui.wizard import PageId

pytestmark = pytest.mark.gui

KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example access key id
TEMP_KEY_ID = "ASIAIOSFODNN7EXAMPLE"
ROLE_ARN = "arn:aws:iam::123456789012:role/PartnerAccess"
MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
Key = Qt.Key


def after_region(kb) -> None:
    """From the region page to the summary: through the test page, if installed, with "Save without testing"."""
    window = kb.window
    if window.test_page is None:
        kb.next_with_enter(PageId.SUMMARY)
        return
    kb.next_with_enter(PageId.TEST)
    kb.mnemonic(window.test_page.save_untested_button.text())
    kb.qtbot.waitUntil(kb.next_enabled, timeout=5000)
    kb.next_with_alt_n(PageId.SUMMARY)


def all_label_text(window) -> str:
    """Everything a person can read in the window's labels and buttons."""
    texts = [w.text() for w in window.findChildren(QLabel)] + [b.text() for b in window.findChildren(QAbstractButton)]
    return "\n".join(texts)


def finish(kb):
    """Press Return on the summary page; returns what finished_connection carried."""
    with kb.qtbot.waitSignal(kb.window.finished_connection, timeout=5000) as signal:
        kb.press(Key.Key_Return)
    return signal.args


def test_access_key_by_keyboard(open_wizard):
    secret = fake_secret_access_key()
    window, kb = open_wizard()
    assert window.currentId() == PageId.METHOD
    assert kb.focus() is window.method_page.choices["access-key"].radio
    kb.next_with_enter(PageId.CREDENTIALS)

    rows = window.credentials_page.rows
    assert kb.focus() is rows["access_key_id"].editor
    kb.type(KEY_ID)
    assert not kb.next_enabled()  # the secret is still missing
    kb.press(Key.Key_Tab)
    assert kb.focus() is rows["secret_access_key"].editor
    kb.type(secret)
    assert kb.next_enabled()
    assert rows["secret_access_key"].editor.displayText() != secret  # masked while typing
    kb.next_with_enter(PageId.SERVICE)

    assert kb.focus() is window.service_page.list
    kb.press(Key.Key_Down)  # s3 -> ec2
    assert window.service_page.service() == "ec2"
    kb.next_with_enter(PageId.REGION)

    assert kb.focus() is window.region_page.search
    kb.type("frankfurt")
    kb.press(Key.Key_Down)
    assert kb.focus() is window.region_page.tree
    assert window.region_page.region() == "eu-central-1"
    after_region(kb)

    summary = window.summary_page
    assert summary.value_labels["Method"].text() == "Access key"
    assert summary.value_labels["Access key ID"].text() == "AKIA\u2026MPLE"
    assert summary.value_labels["Secret access key"].text() == (
        "\u2022\u2022\u2022\u2022 (40 characters, will be stored in the keychain)"
    )
    assert summary.value_labels["Session token"].text() == "none"
    assert summary.value_labels["Service"].text() == "Amazon EC2 (ec2)"
    assert summary.value_labels["Region"].text() == "eu-central-1 \u2014 Europe (Frankfurt)"
    assert summary.profile_name() == "ec2-eu-central-1"
    shown = all_label_text(window)
    assert secret not in shown and KEY_ID not in shown

    name, conn, secrets = finish(kb)
    assert name == "ec2-eu-central-1"
    assert (conn.method, conn.access_key_id, conn.service, conn.region) == ("access-key", KEY_ID, "ec2", "eu-central-1")
    assert secrets.secret_access_key == secret and secrets.session_token == ""


def test_assume_role_by_keyboard(open_wizard):
    secret, token = fake_secret_access_key(), fake_session_token()
    window, kb = open_wizard()
    kb.press(Key.Key_Down)  # access-key -> assume-role
    assert window.method_page.method() == "assume-role"
    kb.next_with_enter(PageId.CREDENTIALS)

    page = window.credentials_page
    rows = page.rows
    kb.type(TEMP_KEY_ID)
    kb.press(Key.Key_Tab)
    kb.type(secret)
    kb.press(Key.Key_Tab)
    assert kb.focus() is rows["session_token"].editor
    assert "ASIA" in rows["session_token"].message.text()  # temporary key: the token is asked for
    assert not kb.next_enabled()
    kb.type(token)
    kb.press(Key.Key_Tab)
    assert kb.focus() is rows["role"].editor
    kb.type("ReadOnlyRobot")
    assert kb.next_enabled()
    kb.mnemonic(page.advanced.text())  # open "Advanced" (a button's mnemonic clicks it after a short animation)
    kb.qtbot.waitUntil(lambda: page.advanced_open, timeout=5000)
    assert rows["duration"].editor.isVisible()
    kb.mnemonic(rows["duration"].label)
    assert kb.focus() is rows["duration"].editor
    kb.select_all_and_type("7200")
    kb.next_with_enter(PageId.SERVICE)

    kb.next_with_enter(PageId.REGION)  # s3, the default
    kb.type("us-west-2")
    kb.press(Key.Key_Down)
    assert window.region_page.region() == "us-west-2"
    after_region(kb)

    labels = window.summary_page.value_labels
    assert labels["Method"].text() == "Access key + assume role"
    assert labels["Access key ID"].text() == "ASIA\u2026MPLE"
    assert labels["Session token"].text() == (
        f"\u2022\u2022\u2022\u2022 ({len(token)} characters, will be stored in the keychain)"
    )
    assert labels["IAM role"].text() == "ReadOnlyRobot"
    assert labels["Session"].text() == "aws-connection-wizard, 7200 seconds (2 h)"
    shown = all_label_text(window)
    assert secret not in shown and token not in shown and TEMP_KEY_ID not in shown

    name, conn, secrets = finish(kb)
    assert (name, conn.method, conn.role, conn.duration) == ("s3-us-west-2", "assume-role", "ReadOnlyRobot", 7200)
    assert secrets.session_token == token and conn.token_entered_at is not None


def test_cross_account_by_keyboard(open_wizard):
    window, kb = open_wizard(saved_profiles=["build-robot"])
    kb.press(Key.Key_Down)
    kb.press(Key.Key_Down)
    assert window.method_page.method() == "cross-account"
    kb.next_with_enter(PageId.CREDENTIALS)

    page = window.credentials_page
    rows = page.rows
    assert kb.focus() is rows["role_arn"].editor
    kb.type(ROLE_ARN)
    kb.press(Key.Key_Tab)
    assert kb.focus() is rows["external_id"].editor
    kb.press(Key.Key_Tab)
    assert kb.focus() is page.generate
    kb.press(Key.Key_Space)
    external_id = rows["external_id"].editor.text()
    assert len(external_id) >= 32 and "Error" not in rows["external_id"].message.text()
    kb.mnemonic(rows["source"].label)
    assert kb.focus() is rows["source"].editor
    kb.press(Key.Key_Down)  # default -> instance role
    assert rows["source"].raw() == "instance"
    kb.next_with_enter(PageId.SERVICE)

    service = window.service_page
    for _ in range(3):
        kb.press(Key.Key_Down)
    assert service.service() == "bedrock-runtime"
    assert service.bedrock_warning.isVisible()
    kb.press(Key.Key_Tab)
    assert kb.focus() is service.editors["model_id"]
    kb.type(MODEL_ID)
    kb.press(Key.Key_Tab)
    assert kb.focus() is service.invoke
    kb.press(Key.Key_Space)
    assert service.invoke.isChecked()
    kb.next_with_enter(PageId.REGION)

    kb.type("us-west-2")
    kb.press(Key.Key_Down)
    after_region(kb)

    labels = window.summary_page.value_labels
    assert labels["Method"].text() == "Cross-account role with External ID"
    assert labels["IAM role ARN"].text() == ROLE_ARN
    assert labels["External ID"].text() == external_id
    assert labels["Assume the role as"].text().startswith("The IAM role of this EC2 instance")
    assert labels["Model ID"].text() == MODEL_ID
    assert labels["Invoke the model"].text() == "yes, during the test (may cost a fraction of a cent)"
    assert labels["Stored"].text() == "settings in the profile file; this method keeps no secret on this computer"
    assert "Access key ID" not in labels and "Secret access key" not in labels

    name, conn, secrets = finish(kb)
    assert (conn.method, conn.role_arn, conn.external_id, conn.source) == (
        "cross-account", ROLE_ARN, external_id, "instance")
    assert (conn.service, conn.model_id, conn.invoke_model, conn.region) == (
        "bedrock-runtime", MODEL_ID, True, "us-west-2")
    assert name == "bedrock-runtime-us-west-2" and secrets.values() == []


def test_back_keeps_what_was_typed(open_wizard):
    window, kb = open_wizard()
    kb.next_with_enter(PageId.CREDENTIALS)
    kb.type(KEY_ID)
    kb.alt("b")
    kb.wait_page(PageId.METHOD)
    kb.press(Key.Key_Down)  # assume-role shares the key fields
    kb.next_with_enter(PageId.CREDENTIALS)
    assert window.credentials_page.rows["access_key_id"].editor.text() == KEY_ID
    assert window.credentials_page.rows["role"].editor.isVisible()


def test_secret_reveal_toggle_and_no_copy(open_wizard, qapp):
    secret = fake_secret_access_key()
    window, kb = open_wizard()
    kb.next_with_enter(PageId.CREDENTIALS)
    kb.press(Key.Key_Tab)
    editor = window.credentials_page.rows["secret_access_key"].editor
    assert kb.focus() is editor
    kb.type(secret)
    assert editor.displayText() != secret
    kb.press(Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert editor.is_revealed() and editor.displayText() == secret
    qapp.clipboard().setText("unchanged")
    kb.press(Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    kb.press(Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == "unchanged"
    kb.press(Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not editor.is_revealed() and editor.displayText() != secret


def test_edit_existing_connection_prefills_every_page(open_wizard):
    from wizard.core.connection import Connection, Secrets

    secret = fake_secret_access_key()
    conn = Connection(method="assume-role", access_key_id=KEY_ID, role="ReadOnlyRobot", service="workspaces",
                      region="eu-west-1")
    window, kb = open_wizard(connection=conn, secrets=Secrets(secret), profile_name="desktops",
                             saved_profiles=["desktops", "other"])
    assert window.method_page.method() == "assume-role"
    kb.next_with_enter(PageId.CREDENTIALS)
    assert kb.next_enabled()
    kb.next_with_enter(PageId.SERVICE)
    kb.next_with_enter(PageId.REGION)
    assert window.region_page.region() == "eu-west-1"
    assert window.connection().role == "ReadOnlyRobot" and window.secrets().secret_access_key == secret
    after_region(kb)
    assert window.summary_page.profile_name() == "desktops"  # its own name is not "taken"
    assert kb.next_enabled() or window.button(window.WizardButton.FinishButton).isEnabled()


@pytest.mark.parametrize(("letter", "method", "its_field"), [("r", "assume-role", "role"),
                                                             ("c", "cross-account", "role_arn")])
def test_method_mnemonic_then_enter_at_once(open_wizard, qtbot, letter, method, its_field):
    """Alt+letter then Enter with no pause: the credentials page shows the chosen method's fields, and the connection
    that would be tested and saved is that method (version 0.1 showed the access-key fields, then saved a role the user
    never saw, because the radio's mnemonic checked it only after a click animation)."""
    from wizard.core.connection import Connection

    edited = Connection(method="access-key", access_key_id=KEY_ID, role="NeverSeenRole", role_arn=ROLE_ARN)
    for _ in range(5):
        window, kb = open_wizard(connection=edited)
        kb.alt(letter)
        kb.press(Key.Key_Return)
        kb.wait_page(PageId.CREDENTIALS)
        qtbot.wait(250)  # longer than a button's click animation (100 ms)
        page = window.credentials_page
        shown = {key for key, row in page.rows.items() if page.form.isRowVisible(row.holder)}
        assert its_field in shown
        assert window.connection().method == method
        assert window.method_page.method() == method
        window.close()


def test_a_page_left_behind_cannot_change_the_connection(open_wizard):
    """Whatever happens on the method page after Next (a late click animation ending, say), the connection tested and
    saved is the one whose fields the user sees: the draft's."""
    from wizard.core.connection import Connection

    window, kb = open_wizard(connection=Connection(method="access-key", access_key_id=KEY_ID, role="NeverSeenRole"))
    kb.next_with_enter(PageId.CREDENTIALS)
    window.method_page.choices["assume-role"].radio.setChecked(True)
    page = window.credentials_page
    assert not page.form.isRowVisible(page.rows["role"].holder)
    assert (window.connection().method, window.connection().role) == ("access-key", "")
    kb.alt("b")
    kb.wait_page(PageId.METHOD)  # going back shows the choice as it now is; Next then takes it
    kb.next_with_enter(PageId.CREDENTIALS)
    assert page.form.isRowVisible(page.rows["role"].holder)
    assert (window.connection().method, window.connection().role) == ("assume-role", "NeverSeenRole")
