"""Practice mode end to end: one practice session (the session's AWS emulator, an IMDS emulator, the environment
pointed at them) for each test module, and the practice decoration installed on the application while it runs."""

from __future__ import annotations

import pytest

from tests.support import secrets_registry
from wizard.practice.session import PracticeSession


@pytest.fixture(scope="module")
def practice(aws_emulator, tmp_path_factory):
    """The running PracticeSession; its profile store lives under a fresh temporary 'real' home."""
    home = tmp_path_factory.mktemp("wizard-home")
    with PracticeSession(aws=aws_emulator, real_home=home) as session:
        p = session.practice
        secrets_registry.register(p.secret_access_key, session.wrong_secret())
        expired = session.expired_credentials()
        if expired:
            secrets_registry.register(expired["secret_access_key"], expired["session_token"])
        yield session


@pytest.fixture
def decorated(qapp, practice):
    """Practice windows shown during the test get the banner and the panel."""
    from wizard.ui import practice_panel

    decorator = practice_panel.install(qapp, practice)
    yield practice
    qapp.removeEventFilter(decorator)
    decorator.deleteLater()
