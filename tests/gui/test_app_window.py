"""The run command opens a real window: `aws-connection-wizard` under Xvfb, found by its title with xwininfo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wizard import APP_TITLE

pytestmark = pytest.mark.gui

@pytest.fixture
def x_display():
    assert shutil.which("Xvfb") and shutil.which("xwininfo"), "./dev installs xvfb and x11-utils"
    # -noreset: otherwise Xvfb resets when its last client (each xwininfo poll) leaves, and the program refuses to
    # start if it connects during a reset ("could not connect to display"): a flaky failure.
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    number = xvfb.stdout.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    xvfb.terminate()
    xvfb.wait(timeout=10)


def window_titles(display: str) -> str:
    return subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=10).stdout


def test_run_command_opens_the_main_window(x_display, tmp_path):
    command = Path(sys.executable).with_name("aws-connection-wizard")
    env = {**os.environ, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb",
           "AWS_CONNECTION_WIZARD_HOME": str(tmp_path / "home")}
    app = subprocess.Popen([str(command)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and app.poll() is None and APP_TITLE not in window_titles(x_display):
            time.sleep(0.2)
        assert app.poll() is None, f"the program exited: {app.communicate()}"
        assert APP_TITLE in window_titles(x_display)
    finally:
        app.terminate()
        _out, err = app.communicate(timeout=20)
    assert "Traceback" not in err, err
