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
import sys
from pathlib import Path

import shots

MARKER = "AWSCW_PRACTICE_SCREENSHOTS"
TIMEOUT = 120.0


# --- taking the pictures ------------------------------------------------------------------------------------------


class Camera:
    def __init__(self, app, out: Path):
        self.app, self.out, self.taken = app, out, []

    async def settle(self, seconds: float = 0.4) -> None:
        await asyncio.sleep(seconds)

    def shoot(self, widget, number: int, what: str) -> Path:
        path = self.out / f"practice-{number:02d}-{what}.png"
        self.taken.append(shots.save(widget, path))
        return path


async def until(condition, what: str, timeout: float = TIMEOUT, step: float = 0.02) -> None:
    await shots.until(condition, what, timeout, step)


def _type(editor, text: str) -> None:
    from PySide6.QtTest import QTest

    editor.setFocus()
    editor.selectAll()
    editor.del_()
    QTest.keyClicks(editor, text)


async def new_wizard(manager, method: str):
    """The manager's New, the wizard it opens (placed in the screen's corner) and `method` picked on its first page."""
    from PySide6.QtWidgets import QRadioButton

    from wizard.ui.wizard import ConnectionWizard

    manager.actions["new"].trigger()
    wizards: list = []

    def wizard_open():
        wizards[:] = [w for w in manager.findChildren(ConnectionWizard) if w.isVisible()]
        return bool(wizards)

    await until(wizard_open, "the wizard")
    wizard = wizards[0]
    wizard.move(20, 20)
    wizard.findChild(QRadioButton, f"method-{method}").click()
    return wizard


async def _next(wizard, expected) -> None:
    from PySide6.QtWidgets import QWizard

    button = wizard.button(QWizard.WizardButton.NextButton)
    await until(button.isEnabled, f"Next on page {wizard.currentId()}")
    button.click()
    await until(lambda: wizard.currentId() == expected, f"page {expected}")


async def run(app, out: Path) -> None:
    from PySide6.QtWidgets import QComboBox, QLineEdit

    from wizard.ui.manager import ProfileManagerWindow
    from wizard.ui.practice_panel import prepare_practice, start_practice
    from wizard.ui.wizard import PageId

    camera = Camera(app, out)
    session = prepare_practice(app)
    manager = ProfileManagerWindow(practice=True)
    manager.show()
    if not await start_practice(manager, session):
        raise SystemExit("practice mode did not start")
    p = session.practice

    wizard = await new_wizard(manager, "cross-account")
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
    return shots.take_in_private_world(__file__, argv, MARKER, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
