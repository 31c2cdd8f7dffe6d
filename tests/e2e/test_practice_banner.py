"""Practice mode's banner says while the emulators start, and says when they are ready: the manager is on screen
before they run (they start in the background), so a newcomer is told why New waits."""

from __future__ import annotations

import asyncio

import pytest

from wizard.practice.session import PracticeSession
from wizard.ui import practice_panel
from wizard.ui.practice_panel import BANNER_READY, BANNER_STARTING
from wizard.ui.translator import translate

pytestmark = [pytest.mark.gui, pytest.mark.integration]
TIMEOUT = 60_000


def test_the_banner_says_starting_then_ready(qtbot, qloop, qapp, aws_emulator, tmp_path):
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore
    from wizard.ui.manager import ProfileManagerWindow

    session = PracticeSession(aws=aws_emulator, real_home=tmp_path / "home").prepare()
    decorator = practice_panel.install(qapp, session)
    try:
        window = ProfileManagerWindow(ProfileStore(), SecretStore(), practice=True)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        state = window.practice_banner.detail
        assert state.text() == translate("practice_panel", BANNER_STARTING)
        assert window.practice_panel.rows == {}  # nothing to paste before the emulators run
        started = asyncio.ensure_future(practice_panel.start_practice(window, session))
        qtbot.waitUntil(started.done, timeout=TIMEOUT)
        assert started.result() is True
        assert state.text() == translate("practice_panel", BANNER_READY)
        assert state.text().startswith("Ready.") and state.isVisible()
        assert window.practice_panel.rows["access_key_id"].value == session.practice.access_key_id
        window.close()
    finally:
        qapp.removeEventFilter(decorator)
        session.stop()
