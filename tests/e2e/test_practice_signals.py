"""Practice mode ended by a signal, as real processes: SIGTERM and SIGHUP (logout, a closed terminal) end it as closing
the window does (emulators stopped, practice profiles and their keychain entries removed), at any moment, also while
the emulator is still starting; and the emulator's child process dies with its parent at any moment, even SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e.test_practice_process import _program, descendants, listening_ports, processes_with
from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore, save_connection

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.keychain, pytest.mark.timeout(600)]
REPO = Path(__file__).resolve().parents[2]


def _gone(marker: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not processes_with(marker):
            return True
        time.sleep(0.1)
    return False


def _ready(pid: int) -> bool:
    ports = {}
    for child in descendants(pid):
        try:
            ports.update(listening_ports(child))
        except OSError:
            pass
    return len(ports) >= 3  # moto, the trust gate, the IMDS emulator


@pytest.mark.parametrize("signum, when", [(signal.SIGTERM, "starting"), (signal.SIGHUP, "starting"),
                                          (signal.SIGTERM, "ready"), (signal.SIGHUP, "ready")])
def test_a_signal_ends_practice_mode_like_closing_the_window(tmp_path, signum, when):
    mark = uuid.uuid4().hex
    home = tmp_path / "home"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AWS_CONNECTION_WIZARD_HOME=str(home), AWSCW_SIGNAL_MARK=mark)
    child = subprocess.Popen(_program() + ["--practice"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
    practice_store, secret_store, profile = ProfileStore(home / "practice"), SecretStore(), None
    try:
        if when == "starting":  # the emulator's child is up but moto is not listening yet
            deadline = time.monotonic() + 60
            while len(processes_with(mark)) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not _ready(child.pid)
        else:
            deadline = time.monotonic() + 120
            while not _ready(child.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _ready(child.pid)
            time.sleep(0.5)  # the practice session forgets older practice profiles once started: add ours after that
            profile = save_connection(practice_store, secret_store, "made-in-practice",
                                      Connection(method="access-key", access_key_id="AKIAIOSFODNN7EXAMPLE"),
                                      Secrets(fake_secret_access_key()), untested=True)
        child.send_signal(signum)
        assert child.wait(timeout=60) == 0, child.stderr.read()[-2000:]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert _gone(mark, 10), "a process of practice mode outlived the program"
    if profile is not None:
        assert practice_store.list() == []
        assert secret_store.load(profile.id).secret_access_key == ""


PARENT = r"""
import sys, threading
from wizard.practice.aws_emulator import AwsEmulator
threading.Thread(target=lambda: AwsEmulator().start(), daemon=True).start()
print("starting", flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0, 2.5])
def test_the_emulator_child_dies_with_its_parent_at_any_moment(delay):
    mark = uuid.uuid4().hex
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=REPO, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO), "AWSCW_CHILD_MARK": mark})
    try:
        assert parent.stdout.readline().strip() == "starting"
        deadline = time.monotonic() + 30
        while len(processes_with(mark)) < 2 and time.monotonic() < deadline:  # the parent and its emulator child
            time.sleep(0.01)
        time.sleep(delay)
    finally:
        parent.kill()  # SIGKILL: no handler, no atexit, no closed pipe read by a server loop yet
        parent.wait()
    assert _gone(mark, 0.5), f"the emulator child outlived its parent (killed {delay} s into the start)"
