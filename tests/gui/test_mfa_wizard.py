"""MFA in the connection wizard (a connection not saved yet, so no profile id): the first test asks for the code, Test
again in the same wizard needs none (the MFA session, or the role assumed with the code, is kept in memory for the
wizard's life), going Back and Next again needs none either, and Finish keeps it in the keychain with the profile, so
its first use after saving needs no code. The emulator's gate checks the codes; real keychain, offscreen Qt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.gui.test_mfa_manager import answer, code, code_dialog
from tests.support.aws import practice_connection
from tests.support.mfa_codes import codes_used
from tests.support.secrets_registry import register
from wizard.core import credentials
from wizard.core.connection import Secrets
from wizard.core.profiles import save_connection
from wizard.ui.connection_actions import save_with_proxy_password
from wizard.ui.test_view import FINISHED
from wizard.ui.wizard import PageId

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]

TIMEOUT = 30_000


def to_test_page(kb) -> None:
    while kb.window.currentId() != PageId.TEST:
        assert kb.next_enabled(), kb.window.currentPage().title()
        before = kb.window.currentId()
        kb.window.next()
        kb.qtbot.waitUntil(lambda b=before: kb.window.currentId() != b, timeout=5000)


def finished_ok(qtbot, window) -> None:
    view = window.test_page.view
    qtbot.waitUntil(lambda: view.state == FINISHED and view.report is not None, timeout=TIMEOUT)
    assert view.report.ok, view.report.to_text()


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_one_code_serves_the_wizards_tests_and_the_saved_profile(qtbot, open_wizard, stores, aws_emulator, mfa_device,
                                                                 method):
    store, secret_store = stores
    p = aws_emulator.practice
    extra = {"role": p.mfa_role_arn} if method == "assume-role" else {}
    if method == "cross-account":  # the source: the saved practice profile
        save_connection(store, secret_store, "practice", *practice_connection(aws_emulator, "access-key"),
                        untested=True)
        extra = {"role_arn": p.mfa_role_arn}
    conn, secrets = practice_connection(aws_emulator, method, mfa_serial=mfa_device, **extra)
    secrets = secrets if conn.uses_keys else Secrets()
    window, kb = open_wizard(connection=conn, secrets=secrets, saved_profiles=[p.name for p in store.list()],
                             profile_store=store, secret_store=secret_store)
    to_test_page(kb)
    answer(qtbot, code(aws_emulator, mfa_device), mfa_device)  # the first test: a code
    finished_ok(qtbot, window)
    qtbot.mouseClick(window.test_page.view.test_again_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.test_page.view.state != FINISHED, timeout=5000)
    finished_ok(qtbot, window)  # Test again: no code asked
    assert code_dialog() is None
    window.back()  # Back and Next: the page tests again, still without a code
    qtbot.waitUntil(lambda: window.currentId() != PageId.TEST, timeout=5000)
    to_test_page(kb)
    finished_ok(qtbot, window)
    assert code_dialog() is None and codes_used(aws_emulator, mfa_device) == 1
    # Finish: the session is kept with the profile; its first use needs no code
    saved = save_with_proxy_password(store, secret_store, None, "mfa", window.connection(), window.secrets(), "",
                                     report=window.test_page.report(), mfa_memory=window.mfa_memory)
    assert credentials.mfa_expiration(saved, secret_store) is not None
    found = credentials.profile_credentials(saved, profile_store=store, secret_store=secret_store, mfa_code=None)
    assert found.session_token and codes_used(aws_emulator, mfa_device) == 1


def test_a_changed_device_in_the_same_wizard_asks_again(qtbot, open_wizard, aws_emulator, mfa_device):
    other, seed = aws_emulator.new_mfa_device("practice-user")
    register(seed)
    conn, secrets = practice_connection(aws_emulator, "access-key", mfa_serial=mfa_device)
    window, kb = open_wizard(connection=conn, secrets=secrets)
    to_test_page(kb)
    answer(qtbot, code(aws_emulator, mfa_device), mfa_device)
    finished_ok(qtbot, window)
    window.draft.connection.mfa_serial = other  # as if the MFA device field was edited
    window.test_page.view.start(window.draft.connection, secrets, **window.test_options())
    answer(qtbot, code(aws_emulator, other), other)  # the session kept was won for the other device: a code again
    finished_ok(qtbot, window)
