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
import sys
from pathlib import Path

import shots

MARKER = "AWSCW_SSO_SCREENSHOTS"


async def run(app, out: Path) -> None:
    from practice_screenshots import _next, _type, new_wizard, until

    from tests.support.sso import approve_device
    from wizard.ui.manager import ProfileManagerWindow
    from wizard.ui.practice_panel import prepare_practice, start_practice
    from wizard.ui.wizard import PageId

    def shoot(widget, name: str) -> None:
        shots.save(widget, out / f"sso-{name}.png")

    session = prepare_practice(app)
    manager = ProfileManagerWindow(practice=True)
    manager.show()
    if not await start_practice(manager, session):
        raise SystemExit("practice mode did not start")
    await until(session.sso_ready.is_set, "the practice IAM Identity Center")
    start_url, region = session.sso_values()
    wizard = await new_wizard(manager, "sso")
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
    return shots.take_in_private_world(__file__, argv, MARKER, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
