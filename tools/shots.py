"""What the screenshot scripts share: a private world, a virtual screen, the network guard, and the loop a script's
shots run on.

`take_in_private_world(script, argv, marker, shots)` re-runs `script` in its own D-Bus session with a temporary HOME
(a throwaway gnome-keyring in it, nothing in the real home), then, inside, refuses name lookups other than localhost,
starts Xvfb when no DISPLAY is set, makes the program's QApplication on Qt's xcb platform and runs the coroutine
`shots(app, out)` on a qasync loop. `out` is the folder given on the command line (default docs/screenshots).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"


def loopback_only() -> None:
    """Refuse every name lookup but localhost's for the rest of the process."""
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, f"screenshots: lookup of {host!r} refused")
        return real(host, *args, **kwargs)

    socket.getaddrinfo = guarded


def start_xvfb() -> subprocess.Popen | None:
    """A virtual screen on a free display (DISPLAY set to it), or None when a display is there already."""
    if os.environ.get("DISPLAY"):
        return None
    if not shutil.which("Xvfb"):
        sys.exit("Xvfb is needed (./dev test installs it)")
    # -displayfd: Xvfb picks a free display number (from 99 up) and prints it once it accepts connections
    # -noreset: Xvfb would otherwise reset whenever its last client leaves, refusing a client that connects meanwhile
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    number = xvfb.stdout.readline().strip() if xvfb.stdout else ""
    if not number.isdigit():
        xvfb.terminate()
        sys.exit("Xvfb did not start")
    os.environ["DISPLAY"] = f":{number}"
    return xvfb


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process this script started."""
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


def save(widget, path: Path) -> Path:
    """`widget` as a PNG at `path`; the path is printed (relative to the repository when inside it)."""
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)
    return path


async def until(condition, what: str, timeout: float = 120.0, step: float = 0.02) -> None:
    """Wait on the running loop until `condition()` holds; stop the script after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(step)


def _in_own_session(script: str, argv: list[str], marker: str) -> int:
    """Re-run `script` with a temporary home in its own D-Bus session."""
    if not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"):
        sys.exit("needs dbus-run-session and gnome-keyring-daemon (./dev test installs them)")
    root = tempfile.mkdtemp(prefix="awscw-shots-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DBUS_", "GNOME_KEYRING", "XDG_"))}
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
        path = os.path.join(root, name.lower())
        os.makedirs(path, mode=0o700)
        env[name] = path
    env.update({marker: "1", "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        return subprocess.call(["dbus-run-session", "--", sys.executable, script, *argv[1:]], env=env)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def take_in_private_world(script: str, argv: list[str], marker: str,
                          shots: Callable[[object, Path], Awaitable[object]],
                          prepare: Callable[[object], None] | None = None) -> int:
    """Run `shots(app, out)` in the private world (see the module's text); `prepare(app)` before the loop starts. The
    first argument not starting with "--" is the output folder."""
    if os.environ.get(marker) != "1":
        return _in_own_session(script, argv, marker)
    sys.path.insert(0, str(ROOT))
    from tests.run import _start_keyring

    folders = [a for a in argv[1:] if not a.startswith("--")]
    out = (Path(folders[0]) if folders else SCREENSHOTS).resolve()
    out.mkdir(parents=True, exist_ok=True)
    loopback_only()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["AWS_CONNECTION_WIZARD_HOME"] = os.path.join(os.environ["HOME"], "wizard-home")
    keyring_daemon = _start_keyring()
    xvfb = start_xvfb()
    try:
        import qasync

        from wizard.app import _application

        app = _application(None)
        app.setQuitOnLastWindowClosed(False)  # the shots' end ends the run, not a window's closing
        if prepare is not None:
            prepare(app)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(shots(app, out))
    finally:
        stop(xvfb)
        stop(keyring_daemon)
    sys.stdout.flush()
    os._exit(0)  # everything is stopped; skip PySide's teardown at interpreter exit (it can crash after the loop)
