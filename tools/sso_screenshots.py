"""Screenshots of an IAM Identity Center (sso) connection made in practice mode, in a real X window under Xvfb:
docs/screenshots/sso-01-login.png, sso-02-device-code.png, sso-03-account-role.png, sso-04-test-passed.png.

    .venv/bin/python tools/sso_screenshots.py [OUTPUT_DIR]

Practice mode as the program runs it (the manager, the AWS, IMDS and IAM Identity Center emulators on 127.0.0.1): the
sso method, the login page, a device-code login approved on the emulator's own page (as a person would in a browser),
the account and role picker, and the passed test. The same private world as tools/practice_screenshots.py: a temporary
HOME, its own D-Bus session and throwaway gnome-keyring, Xvfb, name lookups other than localhost refused.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "AWSCW_SSO_SCREENSHOTS"


def _outside(argv: list[str]) -> int:
    """Re-run this script with a temporary home in its own D-Bus session."""
    if not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"):
        sys.exit("needs dbus-run-session and gnome-keyring-daemon (./dev test installs them)")
    root = tempfile.mkdtemp(prefix="awscw-sso-shots-")
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


async def run(app, out: Path) -> None:
    from practice_screenshots import _next, _type, until
    from PySide6.QtWidgets import QRadioButton

    from tests.support.sso import approve_device
    from wizard.ui.manager import ProfileManagerWindow
    from wizard.ui.practice_panel import prepare_practice, start_practice
    from wizard.ui.wizard import ConnectionWizard, PageId

    def shoot(widget, name: str) -> None:
        path = out / f"sso-{name}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)

    session = prepare_practice(app)
    manager = ProfileManagerWindow(practice=True)
    manager.show()
    if not await start_practice(manager, session):
        raise SystemExit("practice mode did not start")
    await until(session.sso_ready.is_set, "the practice IAM Identity Center")
    start_url, region = session.sso_values()
    manager.actions["new"].trigger()
    wizards: list = []

    def wizard_open():
        wizards[:] = [w for w in manager.findChildren(ConnectionWizard) if w.isVisible()]
        return bool(wizards)

    await until(wizard_open, "the wizard")
    wizard = wizards[0]
    wizard.move(20, 20)
    wizard.findChild(QRadioButton, "method-sso").click()
    await _next(wizard, PageId.CREDENTIALS)
    rows = wizard.credentials_page.rows
    _type(rows["sso_start_url"].editor, start_url)
    _type(rows["sso_region"].editor, region)
    await _next(wizard, PageId.SSO_LOGIN)
    page = wizard.sso_login_page
    await until(lambda: "Not logged in yet" in page.status.text(), "the login page")
    await asyncio.sleep(0.4)
    shoot(wizard, "01-login")

    page.device_button.click()
    await until(lambda: page.device is not None and page.code_label.isVisible(), "the device code")
    await asyncio.sleep(0.4)
    shoot(wizard, "02-device-code")
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, approve_device, page.device.verification_uri_complete)
    await until(lambda: page.logged_in, "the login")

    await _next(wizard, PageId.SSO_ROLE)
    picker = wizard.sso_role_page
    await until(lambda: len(picker.roles_shown()) >= 3, "the accounts and roles")
    account, role = session.sso.practice.assignments[0]
    picker.select(account, role)
    await asyncio.sleep(0.4)
    shoot(wizard, "03-account-role")

    await _next(wizard, PageId.SERVICE)
    await _next(wizard, PageId.REGION)
    await _next(wizard, PageId.TEST)
    await until(lambda: wizard.test_page.view.state == "finished", "the test")
    if not wizard.test_page.view.report.ok:
        raise SystemExit("the sso test did not pass:\n" + wizard.test_page.view.report.to_text())
    await asyncio.sleep(0.6)
    shoot(wizard, "04-test-passed")
    wizard.reject()
    manager.close()
    session.stop()


def main(argv: list[str]) -> int:
    if os.environ.get(MARKER) != "1":
        return _outside(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
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
    os._exit(0)  # everything is stopped; skip PySide's teardown at interpreter exit


if __name__ == "__main__":
    sys.exit(main(sys.argv))
