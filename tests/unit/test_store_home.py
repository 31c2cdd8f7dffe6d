"""The profile home found with `os` alone on Linux (wizard.core.store_home) is the one platformdirs names."""

from __future__ import annotations

import sys

import platformdirs
import pytest

from wizard.core.store_home import APP_DIR_NAME, HOME_ENV, home_dir

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the shortcut is taken on Linux only")


@pytest.mark.parametrize("config, home", [
    (None, "/home/admin"),            # the usual: ~/.config
    ("/srv/config", "/home/admin"),   # an absolute XDG_CONFIG_HOME wins
    ("", "/home/admin"),              # empty: ignored
    ("relative/config", "/home/admin"),  # relative: ignored, as the XDG rules say
    (None, "relative-home"),          # a relative HOME: platformdirs decides
    (None, None),                     # no HOME at all: platformdirs decides
])
def test_the_home_is_platformdirs_answer(monkeypatch, config, home):
    monkeypatch.delenv(HOME_ENV, raising=False)
    for name, value in (("XDG_CONFIG_HOME", config), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert home_dir() == platformdirs.user_config_dir(APP_DIR_NAME)


def test_the_program_s_own_variable_comes_first(monkeypatch, tmp_path):
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", "/srv/config")
    assert home_dir() == str(tmp_path)
