"""Run the whole test suite the way CI does.

The suite runs in a private world: a temporary HOME and XDG directories (so no keyring file or AWS config lands in the
real home), a private D-Bus session with gnome-keyring-daemon unlocked (a real Secret Service for the keychain tests),
offscreen Qt, no AWS variables inherited, and instance metadata disabled for child processes. Usage:

    python -m tests.run [--long] [pytest arguments]

--long runs the property tests with 10,000 examples each instead of 2,000 (AWSCW_PROPERTY_EXAMPLES sets any number).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

MARKER = "AWSCW_TEST_SESSION"
KEYRING_PASSWORD = "test-keyring-password"


def _private_env(root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DBUS_", "GNOME_KEYRING", "XDG_"))}
    # TMPDIR too: pytest's tmp_path and every tempfile land inside the root, so the final secret scan
    # (tests/test_zz_no_secrets_left.py) sees them and the harness removes them afterwards.
    for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR",
                 "TMPDIR"):
        path = os.path.join(root, name.lower())
        os.makedirs(path, mode=0o700, exist_ok=True)
        env[name] = path
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(
        {
            MARKER: "1",
            "AWSCW_TEST_ROOT": root,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(root, "home", ".aws", "config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(root, "home", ".aws", "credentials"),
            "AWS_CONNECTION_WIZARD_HOME": os.path.join(root, "wizard-home"),
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _outside(argv: list[str]) -> int:
    if not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"):
        print("tests need dbus-run-session and gnome-keyring-daemon (./dev test installs them)", file=sys.stderr)
        return 3
    root = tempfile.mkdtemp(prefix="awscw-tests-")
    try:
        cmd = ["dbus-run-session", "--", sys.executable, "-m", "tests.run", *argv]
        return subprocess.call(cmd, env=_private_env(root))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _start_keyring() -> subprocess.Popen:
    """Start gnome-keyring-daemon in this D-Bus session with a new, unlocked login keyring."""
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdin is not None and daemon.stdout is not None
    daemon.stdin.write(KEYRING_PASSWORD)
    daemon.stdin.close()
    for line in daemon.stdout:  # the daemon prints its environment, then keeps running
        key, _, value = line.strip().partition("=")
        if key:
            os.environ[key] = value
        if key == "GNOME_KEYRING_CONTROL" or not line:
            break
    _wait_for_the_login_keyring()
    return daemon


def _wait_for_the_login_keyring(limit: float = 30.0) -> None:
    """The daemon answers before its login keyring exists; a test that came first would make secretstorage create a
    default collection, which needs a password prompt (there is no display: the prompter dies, and the test fails with
    "Failed to create the collection"). Wait until the default collection is there and unlocked."""
    import time

    import secretstorage

    deadline = time.monotonic() + limit
    while True:
        try:
            with secretstorage.dbus_init() as conn:
                collection = secretstorage.Collection(conn)  # the "default" alias; raises while it doesn't exist
                if not collection.is_locked():
                    return
        except Exception:  # noqa: BLE001 - not there yet (or the bus not ready): try again shortly
            pass
        if time.monotonic() > deadline:
            print("warning: the login keyring was not ready after 30 s", file=sys.stderr)
            return
        time.sleep(0.05)


def _inside(argv: list[str]) -> int:
    daemon = _start_keyring()
    try:
        rc = subprocess.call([sys.executable, "-m", "pytest", *argv])
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
    if rc == 5:
        print("no tests ran: that is a failure", file=sys.stderr)
        return 1
    return rc


def main(argv: list[str]) -> int:
    if "--long" in argv:
        argv = [a for a in argv if a != "--long"]
        os.environ["AWSCW_PROPERTY_EXAMPLES"] = "10000"
    return _inside(argv) if os.environ.get(MARKER) == "1" else _outside(argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
