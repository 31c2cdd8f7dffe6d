"""The profile manager shows the selected profile's last test report after a restart: the report is kept
in the profile file (redacted) and rebuilt into the same text. Real keychain, real profile file, the real engine
against the local AWS emulator (moto on 127.0.0.1, signing enforced), offscreen Qt.

A "restart" is a new ProfileManagerWindow over a new ProfileStore and SecretStore on the same home directory.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from tests.support.aws import denied_connection, practice_connection
from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore, save_connection
from wizard.ui.manager import ProfileManagerWindow

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]

TIMEOUT = 20_000  # ms; generous: two cores are shared by many processes


def open_window(qtbot, store) -> ProfileManagerWindow:
    """The program started afresh on this profile home: nothing carried over in memory."""
    win = ProfileManagerWindow(ProfileStore(store.home), SecretStore())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.loaded, timeout=TIMEOUT)
    return win


def on_disk(store, name: str) -> dict:
    return next(p for p in json.loads(store.path.read_text(encoding="utf-8"))["profiles"] if p["name"] == name)


def select(qtbot, win, name: str) -> None:
    """Click the profile's row in the table."""
    row = next(i for i, p in enumerate(win.model.profiles()) if p.name == name)
    rect = win.table.visualRect(win.model.index(row, 0))
    qtbot.mouseClick(win.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: win.selected_profile() is not None and win.selected_profile().name == name)


def run_then_restart(qtbot, store, name: str) -> tuple[str, ProfileManagerWindow]:
    """Press Test in one window, keep the live report text, close it; open a new window and select the profile."""
    first = open_window(qtbot, store)
    select(qtbot, first, name)
    first.actions["test"].trigger()
    qtbot.waitUntil(lambda: on_disk(store, name)["tested_at"] is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not first.is_busy(), timeout=TIMEOUT)
    live = first.details.report.toPlainText()
    assert live.startswith("AWS Connection Wizard — connection test")
    first.close()
    second = open_window(qtbot, store)
    select(qtbot, second, name)
    return live, second




def shown_texts(win) -> str:
    texts = []
    for widget in [win, *win.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts += [widget.toPlainText(), widget.placeholderText()]
    return "\n".join(texts)


def test_the_last_report_is_shown_after_a_restart(qtbot, qloop, stores, aws_emulator):
    store, secret_store = stores
    p = aws_emulator.practice
    conn, secrets = practice_connection(aws_emulator, "assume-role")
    save_connection(store, secret_store, "robot", conn, secrets, untested=True)

    live, win = run_then_restart(qtbot, store, "robot")
    shown = win.details.report.toPlainText()
    assert shown == live  # the same text, rebuilt from the file by the engine's own to_text
    assert f"Identity: {p.user_arn}" in shown
    assert f"Assumed role identity: arn:aws:sts::{p.account_id}:assumed-role/{p.role_name}/" in shown
    assert "Result:   OK" in shown and "Tested:   " in shown
    assert not win.reports, "nothing came from memory: this window ran no test"
    saved = on_disk(store, "robot")
    assert saved["identity_arn"] == p.user_arn and saved["assumed_arn"].startswith("arn:aws:sts::")
    assert saved["last_report"]["ok"] is True and saved["last_report"]["profile"] == "robot"
    assert p.secret_access_key not in store.path.read_text(encoding="utf-8")
    assert p.secret_access_key not in shown_texts(win)
    win.close()


def test_a_failed_report_keeps_its_diagnosis_after_a_restart(qtbot, qloop, stores, aws_emulator):
    store, secret_store = stores
    conn, secrets = denied_connection(aws_emulator)
    save_connection(store, secret_store, "no-permissions", conn, secrets, untested=True)

    live, win = run_then_restart(qtbot, store, "no-permissions")
    code = on_disk(store, "no-permissions")["last_result"]
    assert code not in (None, "ok")
    shown = win.details.report.toPlainText()
    assert shown == live
    assert f"Diagnosis: {code}" in shown and "What to do:" in shown and "Error: " in shown
    assert secrets.secret_access_key not in shown_texts(win)
    assert secrets.secret_access_key not in store.path.read_text(encoding="utf-8")
    win.close()


def test_a_profile_tested_by_an_older_version_says_its_report_was_not_kept(qtbot, qloop, stores, aws_emulator):
    """A file written before reports were kept: the status is there, the report pane says why it is empty."""
    store, secret_store = stores
    conn, secrets = practice_connection(aws_emulator)
    profile = save_connection(store, secret_store, "older", conn, secrets, untested=True)
    data = json.loads(store.path.read_text(encoding="utf-8"))
    for entry in data["profiles"]:
        for key in ("last_report", "identity_arn", "assumed_arn"):
            del entry[key]
        entry.update(tested_at=1_790_000_000.0, last_result="ok", untested=False)
    store.path.write_text(json.dumps(data), encoding="utf-8")

    win = open_window(qtbot, store)
    select(qtbot, win, "older")
    assert win.selected_profile().id == profile.id
    assert win.details.report.toPlainText() == ""
    assert "report was not kept" in win.details.report.placeholderText()
    assert "✓ OK" in win.details.report.placeholderText()
    win.close()
