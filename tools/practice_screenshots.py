"""Screenshots of a full practice-mode run, in a real X window under Xvfb, into docs/screenshots/practice-NN-<what>.png.

    .venv/bin/python tools/practice_screenshots.py [OUTPUT_DIR]

The run is the program's own practice mode (the profile manager, the AWS and IMDS emulators on 127.0.0.1, the banner
and the practice panel): a cross-account connection typed into the wizard, the test running and passed, a wrong
External ID with its diagnosis and the policies view, then Finish and the manager with the saved practice profile.

It runs in a private world, like the tests: a temporary HOME and XDG directories, its own D-Bus session with an
unlocked throwaway gnome-keyring (the practice profile's fake secret goes there and is deleted with it), Xvfb when no
DISPLAY is set, and name lookups other than localhost refused. Nothing contacts AWS.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "AWSCW_PRACTICE_SCREENSHOTS"
TIMEOUT = 120.0


# --- the private world --------------------------------------------------------------------------------------------


def _outside(argv: list[str]) -> int:
    """Re-run this script with a temporary home in its own D-Bus session."""
    if not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"):
        sys.exit("needs dbus-run-session and gnome-keyring-daemon (./dev test installs them)")
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


# --- taking the pictures ------------------------------------------------------------------------------------------


class Camera:
    def __init__(self, app, out: Path):
        self.app, self.out, self.taken = app, out, []

    async def settle(self, seconds: float = 0.4) -> None:
        await asyncio.sleep(seconds)

    def shoot(self, widget, number: int, what: str) -> Path:
        path = self.out / f"practice-{number:02d}-{what}.png"
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        self.taken.append(path)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, flush=True)
        return path


async def until(condition, what: str, timeout: float = TIMEOUT, step: float = 0.02) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(step)


def _type(editor, text: str) -> None:
    from PySide6.QtTest import QTest

    editor.setFocus()
    editor.selectAll()
    editor.del_()
    QTest.keyClicks(editor, text)


async def _next(wizard, expected) -> None:
    from PySide6.QtWidgets import QWizard

    button = wizard.button(QWizard.WizardButton.NextButton)
    await until(button.isEnabled, f"Next on page {wizard.currentId()}")
    button.click()
    await until(lambda: wizard.currentId() == expected, f"page {expected}")


async def run(app, out: Path) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit, QRadioButton

    from wizard.ui.manager import ProfileManagerWindow
    from wizard.ui.practice_panel import prepare_practice, start_practice
    from wizard.ui.wizard import ConnectionWizard, PageId

    camera = Camera(app, out)
    session = prepare_practice(app)
    manager = ProfileManagerWindow(practice=True)
    manager.show()
    if not await start_practice(manager, session):
        raise SystemExit("practice mode did not start")
    p = session.practice

    manager.actions["new"].trigger()
    wizards: list = []

    def wizard_open():
        wizards[:] = [w for w in manager.findChildren(ConnectionWizard) if w.isVisible()]
        return bool(wizards)

    await until(wizard_open, "the wizard")
    wizard = wizards[0]
    wizard.move(20, 20)
    wizard.findChild(QRadioButton, "method-cross-account").click()
    await camera.settle()
    camera.shoot(wizard, 1, "method")

    await _next(wizard, PageId.CREDENTIALS)
    rows = wizard.credentials_page.rows
    _type(rows["role_arn"].editor, p.cross_role_arn)
    _type(rows["external_id"].editor, p.external_id)
    combo: QComboBox = rows["source"].editor
    combo.setCurrentIndex(combo.findData("default"))
    await camera.settle()
    camera.shoot(wizard, 2, "credentials")

    await _next(wizard, PageId.SERVICE)
    _type(wizard.service_page.findChild(QLineEdit, "bucket"), p.bucket)
    await camera.settle()
    camera.shoot(wizard, 3, "service")

    await _next(wizard, PageId.REGION)
    await camera.settle()
    camera.shoot(wizard, 4, "region")

    view = wizard.test_page.view
    await _next(wizard, PageId.TEST)
    await until(lambda: view.state == "running" and view.report is None, "the test to start", step=0.001)
    await asyncio.sleep(0.05)
    camera.shoot(wizard, 5, "test-running")
    await until(lambda: view.state == "finished", "the test to finish")
    await camera.settle()
    if not view.report.ok:
        raise SystemExit("the practice test did not pass:\n" + view.report.to_text())
    camera.shoot(wizard, 6, "test-passed")

    # A deliberate mistake: a wrong External ID.
    wizard.back()
    wizard.back()
    wizard.back()
    await until(lambda: wizard.currentId() == PageId.CREDENTIALS, "back to the credentials")
    _type(rows["external_id"].editor, session.wrong_external_id())
    for page in (PageId.SERVICE, PageId.REGION, PageId.TEST):
        await _next(wizard, page)
    await until(lambda: view.state == "finished", "the failing test")
    await camera.settle()
    camera.shoot(wizard, 7, "failure-diagnosis")

    dialog = view.show_policies()
    if dialog is None:
        raise SystemExit("no policies to show for " + view.failure_code())
    await camera.settle(0.6)
    camera.shoot(dialog, 8, "policies")
    dialog.close()

    # Fixed, tested again, saved, and seen in the manager.
    for _ in range(3):
        wizard.back()
    await until(lambda: wizard.currentId() == PageId.CREDENTIALS, "back to the credentials")
    _type(rows["external_id"].editor, p.external_id)
    for page in (PageId.SERVICE, PageId.REGION, PageId.TEST):
        await _next(wizard, page)
    await until(lambda: view.state == "finished" and view.report.ok, "the passing test")
    await _next(wizard, PageId.SUMMARY)
    _type(wizard.summary_page.name, "practice-partner-role")
    await camera.settle()
    wizard.accept()
    await until(lambda: any(x.name == "practice-partner-role" for x in manager.model.profiles()), "the saved profile")
    await until(lambda: not manager.is_busy(), "the manager")
    manager.actions["test"].trigger()
    await until(lambda: manager.is_busy(), "the manager's test to start")
    await until(lambda: not manager.is_busy(), "the manager's test")
    manager.move(0, 0)
    manager.resize(1280, 880)  # room for the details and the last report under the table
    await camera.settle(0.8)
    camera.shoot(manager, 9, "manager")
    manager.close()
    session.stop()


def main(argv: list[str]) -> int:
    if os.environ.get(MARKER) != "1":
        return _outside(argv)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
    from screenshots import _loopback_only, _start_xvfb  # the wizard screenshots' X server and network guard

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
    os._exit(0)  # everything is stopped; skip PySide's teardown at interpreter exit (it can crash after the loop)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
