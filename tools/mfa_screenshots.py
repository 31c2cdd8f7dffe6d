"""Screenshots of MFA in the profile manager, in a real X window under Xvfb (as tools/manager_screenshots.py does):

- docs/screenshots/mfa-prompt.png: the code dialog a Test opens, naming the device;
- docs/screenshots/manager-mfa-countdown.png: the Details tab with the MFA session's live countdown;
- docs/screenshots/manager-mfa-required.png: a user denied everything until MFA, and the mfa-required diagnosis.

    .venv/bin/python tools/mfa_screenshots.py [OUTPUT_DIR]

Everything talks to practice mode's local AWS emulator on 127.0.0.1 (its virtual MFA device gives the codes); a
private HOME, D-Bus session and throwaway keychain. Nothing contacts AWS.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import manager_screenshots  # the private world and Xvfb start-up are shared

MARKER = manager_screenshots.MARKER


async def _until(condition, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise SystemExit("timed out waiting for the window")
        await asyncio.sleep(0.05)


def _save(widget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)


async def run(app, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from wizard.core import totp
    from wizard.core.connection import Connection, NetworkSettings, Secrets
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore, save_connection
    from wizard.practice.aws_emulator import AwsEmulator
    from wizard.ui.manager import ProfileManagerWindow
    from wizard.ui.mfa_prompt import MfaCodeDialog

    loop = asyncio.get_running_loop()
    emulator = await loop.run_in_executor(None, lambda: AwsEmulator().start())
    try:
        p = emulator.practice
        store, secrets = ProfileStore(), SecretStore()
        network = NetworkSettings(endpoint_url=emulator.url)
        for name in ("billing-reader", "ci-deploy", "sandbox"):
            conn = Connection(region=p.region, access_key_id=p.access_key_id, network=network)
            save_connection(store, secrets, name, conn, Secrets(p.secret_access_key), untested=True)
        conn = Connection(region=p.region, access_key_id=p.access_key_id, mfa_serial=p.mfa_serial, network=network)
        save_connection(store, secrets, "reports-mfa", conn, Secrets(p.secret_access_key), untested=True)
        conn = Connection(region=p.region, access_key_id=p.mfa_user_access_key_id, network=network)
        save_connection(store, secrets, "finance-no-mfa", conn, Secrets(p.mfa_user_secret_access_key), untested=True)

        window = ProfileManagerWindow(store, secrets)
        window.resize(1366, 768)
        window.show()
        await _until(lambda: window.loaded)

        window.select_profile(store.get("reports-mfa").id)
        await asyncio.sleep(0.2)
        task = window.test_profile()

        def dialog():
            found = [w for w in QApplication.allWidgets() if isinstance(w, MfaCodeDialog) and w.isVisible()]
            return found[-1] if found else None

        await _until(lambda: dialog() is not None)
        prompt = dialog()
        prompt.code.setText("")
        await asyncio.sleep(0.3)
        _save(prompt, out / "mfa-prompt.png")
        prompt.code.setText(totp.current_code(p.mfa_totp_secret).code)
        prompt.ok_button.click()
        await task
        await _until(lambda: not window.is_busy())
        window.details.setCurrentIndex(0)
        await _until(lambda: window.details.mfa_countdown.isVisible() and "left" in window.details.mfa_countdown.text())
        await asyncio.sleep(1.2)
        _save(window, out / "manager-mfa-countdown.png")

        window.select_profile(store.get("finance-no-mfa").id)
        await asyncio.sleep(0.2)
        await window.test_profile()
        await _until(lambda: not window.is_busy())
        await asyncio.sleep(0.6)
        _save(window, out / "manager-mfa-required.png")
        window.close()
        await asyncio.sleep(0.1)
    finally:
        emulator.stop()


def main(argv: list[str]) -> int:
    if os.environ.get(MARKER) != "1":
        import shutil
        import subprocess
        import tempfile

        root = tempfile.mkdtemp(prefix="awscw-shots-")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DBUS_", "GNOME_KEYRING", "XDG_"))}
        for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
            path = os.path.join(root, name.lower())
            os.makedirs(path, mode=0o700)
            env[name] = path
        env.update({MARKER: "1", "PYTHONDONTWRITEBYTECODE": "1"})
        try:
            return subprocess.call(["dbus-run-session", "--", sys.executable, __file__, *argv[1:]], env=env)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    sys.path.insert(0, str(ROOT))
    from screenshots import _loopback_only, _start_xvfb

    from tests.run import _start_keyring

    out = (Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    _loopback_only()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["AWS_CONNECTION_WIZARD_HOME"] = os.path.join(os.environ["HOME"], "wizard-home")
    keyring_daemon = _start_keyring()
    xvfb = _start_xvfb()
    try:
        import qasync

        from wizard.app import _application

        app = _application(None)
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(run(app, out))
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)
        keyring_daemon.terminate()
        keyring_daemon.wait(timeout=10)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
