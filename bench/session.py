"""The benchmarks' private world, as the tests have it (tests/run.py): a temporary HOME and XDG directories, a private
D-Bus session with an unlocked gnome-keyring (a real Secret Service), offscreen Qt, no AWS variables inherited.

`in_private_session(argv)` re-runs `python -m <module> ARGS` inside `dbus-run-session` with that environment and returns
its exit code; inside, it returns None and the caller goes on (the keyring daemon is started and stopped here).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile

from tests.run import MARKER, _private_env, _start_keyring

BENCH_MARKER = "AWSCW_BENCH_SESSION"
KEYRING_DAEMON: list[subprocess.Popen] = []  # inside the session: the gnome-keyring-daemon started here


def keyring_daemon_cpu_seconds() -> float:
    """CPU time (user + system) the session's gnome-keyring-daemon has used so far (0.0 outside a session)."""
    if not KEYRING_DAEMON:
        return 0.0
    with open(f"/proc/{KEYRING_DAEMON[0].pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def in_private_session(module: str, argv: list[str]) -> int | None:
    """None when already inside (the keyring is running); otherwise the exit code of the run inside."""
    if os.environ.get(BENCH_MARKER) == "1":
        daemon = _start_keyring()
        KEYRING_DAEMON.append(daemon)
        atexit.register(_stop, daemon)
        return None
    if not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"):
        print("the benchmarks need dbus-run-session and gnome-keyring-daemon (./dev bench installs them)", file=sys.stderr)
        return 3
    root = tempfile.mkdtemp(prefix="awscw-bench-")
    try:
        env = _private_env(root)
        env.pop(MARKER, None)  # not a test session: the program runs as it does for a user
        env[BENCH_MARKER] = "1"
        # Compiled bytecode, as an installed program has it (pip compiles at install): each benchmark's warm-up run
        # writes it, under the private root (never into the source tree). With PYTHONDONTWRITEBYTECODE every run would
        # compile the program's modules again while the baselines (Python, PySide6, the AWS CLI) load theirs compiled.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(root, "pycache")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH", "")]))
        return subprocess.call(["dbus-run-session", "--", sys.executable, "-m", module, *argv], env=env)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _stop(daemon: subprocess.Popen) -> None:
    daemon.terminate()
    try:
        daemon.wait(timeout=10)
    except subprocess.TimeoutExpired:
        daemon.kill()
