"""The profile manager on a damaged profile file: a clear dialog naming the file and the backup, and nothing written
(the window opens; its New path cannot overwrite the file either)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from wizard.ui import manager
from wizard.ui.manager import ProfileManagerWindow

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]
TIMEOUT = 20_000


@pytest.mark.parametrize("text", ["[" * 100_000,
                                  '{"schema_version":1,"profiles":[{"id":"x","name":"a","created_at":1e400}]}'])
def test_a_damaged_file_shows_a_clear_dialog_and_writes_nothing(qtbot, qloop, stores, text):
    store, secret_store = stores
    store.home.mkdir(parents=True)
    store.path.write_text(text)
    store.backup_path.write_text('{"schema_version": 1, "profiles": []}')
    window = ProfileManagerWindow(store, secret_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.last_problem is not None, timeout=TIMEOUT)
    box = window.last_problem
    assert isinstance(box, QMessageBox)
    assert str(store.path) in box.text() and str(store.backup_path) in box.text() and "damaged" in box.text()
    box.close()
    assert store.path.read_text() == text
    assert sorted(p.name for p in store.home.iterdir()) == ["profiles.json", "profiles.json.bak"]
    store.path.write_bytes(store.backup_path.read_bytes())  # the recovery the dialog describes
    assert store.list() == []


def test_the_program_window_opens_on_a_damaged_file(qtbot, qloop, tmp_path, monkeypatch):
    from wizard.core.profiles import HOME_ENV

    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "profiles.json").write_text('{"profiles":{"a":[[]]}}')
    window = manager.open_main_window()  # used to raise at start: the empty-store check read the file unguarded
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.last_problem is not None, timeout=TIMEOUT)
    assert "damaged" in window.last_problem.text()
    window.last_problem.close()
    assert (tmp_path / "home" / "profiles.json").read_text() == '{"profiles":{"a":[[]]}}'
