"""Where the profile file lives: `AWS_CONNECTION_WIZARD_HOME`, else the user's configuration directory as platformdirs
names it. On Linux the common cases are answered with `os` alone (tests/unit/test_store_home.py checks them against
platformdirs), so `list --json` finds its kept listing (wizard.core.listing) before anything else loads."""

from __future__ import annotations

import os
import re
import sys

APP_DIR_NAME = "aws-connection-wizard"
HOME_ENV = "AWS_CONNECTION_WIZARD_HOME"
FILE_NAME = "profiles.json"
PENDING_DIR = "pending"  # markers of half-done changes, for wizard.core.sweep
TEMP_FILE = re.compile(r"\.profiles\.json(\.bak)?\..+\.tmp\Z")  # a writer's temporary file (the kept listing's too)
MARKER_NAME = re.compile(r"[A-Za-z0-9-]{1,64}\Z")  # a profile id that can name a marker


def home_dir() -> str:
    """The profile home directory (it may not exist yet)."""
    if os.environ.get(HOME_ENV):
        return os.environ[HOME_ENV]
    if sys.platform.startswith("linux"):  # XDG: $XDG_CONFIG_HOME if absolute, else ~/.config (platformdirs' rules)
        config = os.environ.get("XDG_CONFIG_HOME", "")
        if os.path.isabs(config):
            return os.path.join(config, APP_DIR_NAME)
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):
            return os.path.join(home, ".config", APP_DIR_NAME)
    import platformdirs

    return platformdirs.user_config_dir(APP_DIR_NAME)


def unfinished_work(home: str) -> tuple[list[str], list[str]]:
    """What a hard stop left in `home` for the sweep: stale temporary files and the markers of half-done changes (their
    names). One directory listing when there is nothing (two with a `pending` folder)."""
    try:
        names = os.listdir(home)
    except OSError:
        return [], []  # no home yet: nothing was ever written
    temps = [n for n in names if TEMP_FILE.match(n)]
    try:
        markers = [m for m in os.listdir(os.path.join(home, PENDING_DIR)) if MARKER_NAME.match(m)] \
            if PENDING_DIR in names else []
    except OSError:
        markers = []
    return temps, markers
