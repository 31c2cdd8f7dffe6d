"""Every offline rule of the sign-in methods' fields (wizard/core/validation.py), as the user meets it in the wizard.

Each case opens the wizard with valid values for its method, moves to the field with its Alt+letter, replaces the
value by typing (or pasting, for values a person would paste), and checks that the validator's message for that rule
appears right beneath that field with its level word, and that Next is disabled for an error (and stays enabled for a
warning or a note, since every other field is valid).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token, register
from wizard.core import validation
from wizard.core.connection import Connection, Secrets
from wizard.core.regions import all_region_ids
from wizard.core.services import BEDROCK_WARNING, availability
from wizard.ui.region_page import service_short_name
from wizard.ui.widgets import LEVEL_WORDS
from wizard.ui.wizard import PageId

pytestmark = pytest.mark.gui

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROLE_ARN = "arn:aws:iam::123456789012:role/PartnerAccess"
EXTERNAL_ID = "7f3c9a1e5b2d4f608a9c1e3b5d7f9a2c"
TOKEN = fake_session_token()
BAD_SECRET = register("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE!")  # 40 characters, one AWS never issues


def valid_connection(method: str) -> tuple[Connection, Secrets]:
    conn = Connection(method=method, access_key_id=KEY_ID, role="ReadOnlyRobot", role_arn=ROLE_ARN,
                      external_id=EXTERNAL_ID)
    if method == "cross-account":
        conn.access_key_id = ""
        return conn, Secrets()
    return conn, Secrets(fake_secret_access_key())


# (method, field typed into, value, how: type | paste, field whose message shows it, expected code)
CASES = [
    ("access-key", "access_key_id", "", "type", "access_key_id", "required"),
    ("access-key", "access_key_id", "AKIA12345", "type", "access_key_id", "too-short"),
    ("access-key", "access_key_id", "AKIA" + "X" * 130, "paste", "access_key_id", "too-long"),
    ("access-key", "access_key_id", "AKIAIOSFODNN7EXAMPL!", "type", "access_key_id", "bad-characters"),
    ("access-key", "access_key_id", "AIDAIOSFODNN7EXAMPLE", "type", "access_key_id", "unusual-prefix"),
    ("access-key", "access_key_id", "XKIAIOSFODNN7EXAMPLE", "type", "access_key_id", "unusual-prefix"),
    ("access-key", "access_key_id", "  AKIAIOSFODNN7EXAMPLE \n", "paste", "access_key_id", "whitespace-removed"),
    ("access-key", "secret_access_key", "tooShortSecret", "type", "secret_access_key", "secret-length"),
    ("access-key", "secret_access_key", BAD_SECRET, "type", "secret_access_key", "bad-characters"),
    ("access-key", "session_token", TOKEN, "type", "session_token", "token-not-expected"),
    ("access-key", "access_key_id", "ASIAIOSFODNN7EXAMPLE", "type", "session_token", "token-missing"),
    ("assume-role", "role", "ReadOnly!", "type", "role", "bad-characters"),
    ("assume-role", "role", "R" * 65, "paste", "role", "too-long"),
    ("assume-role", "role", "team/ReadOnly", "type", "role", "role-name"),
    ("assume-role", "role", "arn:aws:iam::12345:role/ReadOnly", "type", "role", "bad-arn"),
    ("assume-role", "role", "arn:aws-moon:iam::123456789012:role/ReadOnly", "type", "role", "unknown-partition"),
    ("cross-account", "role_arn", "PartnerAccess", "type", "role_arn", "bad-arn"),
    ("cross-account", "role_arn", "arn:aws:iam::123456789012:user/Bob", "type", "role_arn", "bad-arn"),
    ("cross-account", "role_arn", "arn:aws-moon:iam::123456789012:role/X", "type", "role_arn", "unknown-partition"),
    ("cross-account", "role_arn", "arn:aws-cn:iam::123456789012:role/X", "type", "role_arn", "partition-mismatch"),
    ("cross-account", "external_id", "x", "type", "external_id", "too-short"),
    ("cross-account", "external_id", "x" * 1225, "paste", "external_id", "too-long"),
    ("cross-account", "external_id", "abc#def$ghi", "type", "external_id", "bad-characters"),
    ("cross-account", "external_id", "company123", "type", "external_id", "weak-external-id"),
    ("cross-account", "session_name", "a", "type", "session_name", "too-short"),
    ("cross-account", "session_name", "my robot!", "type", "session_name", "bad-characters"),
    ("assume-role", "session_name", "s" * 65, "paste", "session_name", "too-long"),
    ("cross-account", "duration", "600", "type", "duration", "duration-range"),
    ("assume-role", "duration", "50000", "type", "duration", "duration-range"),
    ("assume-role", "duration", "1h", "type", "duration", "duration-range"),
]


def assert_beneath(row) -> None:
    """The message area is visible, right under the field's editor, in the same column."""
    page = row.editor.window()
    editor_top = row.editor.mapTo(page, QPoint(0, 0))
    message_top = row.message.mapTo(page, QPoint(0, 0))
    assert row.message.isVisible()
    assert 0 <= message_top.y() - (editor_top.y() + row.editor.height()) <= 12
    assert message_top.x() == editor_top.x()


def enter(kb, qapp, value: str, how: str) -> None:
    if how == "paste":
        qapp.clipboard().setText(value)  # never a secret: only key ids, names and External IDs are pasted here
        kb.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        kb.press(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        qapp.clipboard().clear()
    else:
        kb.select_all_and_type(value)


@pytest.mark.parametrize(("method", "key", "value", "how", "where", "code"), CASES,
                         ids=[f"{c[1]}-{c[5]}-{i}" for i, c in enumerate(CASES)])
def test_rule_message_beside_field(open_wizard, qapp, method, key, value, how, where, code):
    conn, secrets = valid_connection(method)
    window, kb = open_wizard(connection=conn, secrets=secrets)
    kb.next_with_enter(PageId.CREDENTIALS)
    page = window.credentials_page
    assert kb.next_enabled(), page.errors()  # the starting point is valid
    if key in ("session_name", "duration"):
        kb.mnemonic(page.advanced.text())
        kb.qtbot.waitUntil(lambda: page.advanced_open, timeout=5000)
    row = page.rows[key]
    kb.mnemonic(row.label)
    assert kb.focus() is row.editor
    enter(kb, qapp, value, how)

    expected = [m for m in validation.check_field(where, page.rows[where].raw(), page.raw_values()).messages
                if m.code == code]
    if code == "whitespace-removed":  # the cleaned value went back into the field; the note stays until next edit
        assert row.editor.text() == value.strip()
        expected = [m for m in validation.check_field(key, value, page.raw_values()).messages if m.code == code]
    assert expected, f"{value!r} does not trigger {code}"
    message = expected[0]
    shown = page.rows[where].message.text()
    assert f"{LEVEL_WORDS[message.level]}: {message.text}" in shown
    assert_beneath(page.rows[where])
    assert page.rows[where].message.levels().count(message.level) >= 1
    assert kb.next_enabled() is (message.level != "error")
    if where == "secret_access_key":
        assert value not in shown


def go_to_region(kb, service_keys=()) -> None:
    kb.next_with_enter(PageId.CREDENTIALS)
    kb.next_with_enter(PageId.SERVICE)
    for key in service_keys:
        kb.press(key)
    kb.next_with_enter(PageId.REGION)


def choose_region(kb, text: str) -> None:
    kb.type(text)
    kb.press(Qt.Key.Key_Down)


def region_where(service: str, state: str) -> str:
    return next(r for r in all_region_ids() if availability(service, r) == state)


def test_unknown_region_is_an_error(open_wizard):
    window, kb = open_wizard(connection=valid_connection("access-key")[0], secrets=valid_connection("access-key")[1])
    go_to_region(kb)
    choose_region(kb, "xx-moon-1")
    page = window.region_page
    assert page.region() == "xx-moon-1"
    assert page.tree.currentItem().text(0).startswith("xx-moon-1")
    assert 'Error: Unknown region "xx-moon-1".' in page.message.text()
    assert not kb.next_enabled()
    kb.press(Qt.Key.Key_Up)  # the first entry: Up goes back to the search box, the choice stays
    assert kb.focus() is page.search and page.region() == "xx-moon-1"
    assert not kb.next_enabled()


def test_region_newer_than_the_list_is_a_warning(open_wizard):
    conn, secrets = valid_connection("access-key")
    window, kb = open_wizard(connection=conn, secrets=secrets)
    go_to_region(kb)
    choose_region(kb, "us-moon-1")
    assert "Warning: us-moon-1 is not in this program's list of regions" in window.region_page.message.text()
    assert kb.next_enabled()


def test_region_where_service_is_not_offered_is_flagged(open_wizard):
    conn, secrets = valid_connection("access-key")
    window, kb = open_wizard(connection=conn, secrets=secrets)
    go_to_region(kb, [Qt.Key.Key_Down, Qt.Key.Key_Down])  # s3 -> ec2 -> workspaces
    assert window.connection().service == "workspaces"
    region = region_where("workspaces", "unavailable")
    page = window.region_page
    item = page._items[region]
    assert item.text(1) == f"not offered for {service_short_name('workspaces')}" and not item.icon(1).isNull()
    choose_region(kb, region)
    assert page.region() == region
    expected = validation.check_field("region", region, {"service": "workspaces"}).messages[0]
    assert expected.code == "region-unavailable"
    assert f"Warning: {expected.text}" in page.message.text()
    assert kb.next_enabled()  # a warning: the test will tell for sure


def test_bedrock_availability_unknown_is_flagged_not_hidden(open_wizard):
    conn, secrets = valid_connection("access-key")
    conn.service = "bedrock-runtime"
    window, kb = open_wizard(connection=conn, secrets=secrets)
    go_to_region(kb)
    region = region_where("bedrock-runtime", "unknown")
    page = window.region_page
    item = page._items[region]
    assert item.text(1) == "availability unknown" and not item.icon(1).isNull()
    choose_region(kb, region)
    assert not item.isHidden() and page.region() == region
    assert "Note: Availability of Amazon Bedrock (runtime)" in page.message.text()
    assert kb.next_enabled()


def test_bedrock_warning_inline_and_only_runtime(open_wizard):
    conn, secrets = valid_connection("access-key")
    conn.service = "bedrock"  # e.g. an imported profile that named the wrong Bedrock service
    window, kb = open_wizard(connection=conn, secrets=secrets)
    kb.next_with_enter(PageId.CREDENTIALS)
    kb.next_with_enter(PageId.SERVICE)
    page = window.service_page
    assert page.bedrock_warning.isVisible() and BEDROCK_WARNING in page.bedrock_warning.label.text()
    assert f"Error: {BEDROCK_WARNING}" in page.service_message.text()
    assert not kb.next_enabled()
    services = [page.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.list.count())]
    assert services == ["s3", "ec2", "workspaces", "bedrock-runtime", "bedrock"]  # the last: the flagged import
    assert kb.focus() is page.list and page.list.currentItem().text().startswith("bedrock \u2014")
    kb.press(Qt.Key.Key_Up)
    assert page.service() == "bedrock-runtime" and page.service_message.text() == ""
    assert kb.next_enabled()


def test_bucket_name_rule(open_wizard, qapp):
    conn, secrets = valid_connection("access-key")
    window, kb = open_wizard(connection=conn, secrets=secrets)
    kb.next_with_enter(PageId.CREDENTIALS)
    kb.next_with_enter(PageId.SERVICE)
    page = window.service_page
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is page.editors["bucket"]
    kb.type("My_Bucket")
    assert "Error: Bucket names are lower case." in page.messages["bucket"].text()
    assert not kb.next_enabled()
    kb.select_all_and_type("my-team-reports")
    assert kb.next_enabled()


@pytest.mark.parametrize(("name", "words"), [("", "Give the connection a name"), ("my profile", "no spaces"),
                                              ("-leading-dash", "starting with a letter or digit"),
                                              ("n" * 65, "1-64 characters"), ("taken", "already exists")])
def test_profile_name_rules(open_wizard, name, words):
    conn, secrets = valid_connection("access-key")
    window, kb = open_wizard(connection=conn, secrets=secrets, saved_profiles=["taken"])
    for page_id in (PageId.CREDENTIALS, PageId.SERVICE, PageId.REGION):
        kb.next_with_enter(page_id)
    if window.test_page is not None:
        kb.next_with_enter(PageId.TEST)
        kb.mnemonic(window.test_page.save_untested_button.text())
        kb.qtbot.waitUntil(kb.next_enabled, timeout=5000)
        kb.next_with_alt_n(PageId.SUMMARY)
    else:
        kb.next_with_enter(PageId.SUMMARY)
    finish = window.button(QWizard.WizardButton.FinishButton)
    assert finish.isEnabled()
    assert kb.focus() is window.summary_page.name
    kb.select_all_and_type(name)
    assert words in window.summary_page.name_message.text()
    assert not finish.isEnabled()
