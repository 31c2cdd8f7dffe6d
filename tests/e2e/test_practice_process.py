"""`aws-connection-wizard --practice` as a real process under offscreen Qt: the window comes up, practice mode gets
ready, its window is closed (as a user would), and then no process and no listening port of it is left."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.integration, pytest.mark.timeout(300)]

LISTEN = "0A"


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def listening_ports(pid: int) -> dict[int, str]:
    """{port: local address} of the TCP sockets process `pid` listens on (from /proc/net/tcp and tcp6)."""
    inodes, found = _socket_inodes(pid), {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and inode in inodes:
                address, port = local.rsplit(":", 1)
                found[int(port, 16)] = address
    return found


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (the AWS emulator runs moto in a child process)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def processes_with(marker: str) -> list[int]:
    """Every live process whose environment carries `marker` (a child inherits it, even when re-parented)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if marker.encode() in environ:
            pids.append(int(entry.name))
    return pids


def _refused(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def _program() -> list[str]:
    script = shutil.which("aws-connection-wizard", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "wizard"]


def test_practice_process_leaves_nothing_behind(tmp_path):
    marker = f"AWSCW_LEFTOVER_MARK={uuid.uuid4().hex}"
    env = dict(os.environ, AWSCW_QUIT_AFTER_SHOW="1", QT_QPA_PLATFORM="offscreen",
               AWS_CONNECTION_WIZARD_HOME=str(tmp_path / "home"))
    env[marker.split("=")[0]] = marker.split("=")[1]
    child = subprocess.Popen(_program() + ["--practice"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    seen: dict[int, str] = {}

    def sample() -> None:  # the listening sockets, while the emulators start, run and stop
        while child.poll() is None:
            for pid in descendants(child.pid):
                try:
                    seen.update(listening_ports(pid))
                except OSError:  # the process just ended
                    pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        assert child.stdout.readline().strip() == "window-shown"
        ready = child.stdout.readline().strip()
        assert ready == "practice-ready", child.stderr.read()[-2000:]
        assert child.wait(timeout=120) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        sampler.join(timeout=5)
    # While it ran it listened on loopback only: moto, the trust gate in front of it, the IMDS emulator.
    assert len(seen) >= 3, seen
    assert set(seen.values()) <= {"0100007F", "00000000000000000000000001000000"}, seen  # 127.0.0.1 / ::1
    time.sleep(0.5)
    assert processes_with(marker.split("=")[1]) == []
    assert all(_refused(port) for port in seen), seen
