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
import sys
from pathlib import Path

import shots

MARKER = "AWSCW_MFA_SCREENSHOTS"


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
        await shots.until(lambda: window.loaded, "the window", 30.0)

        window.select_profile(store.get("reports-mfa").id)
        await asyncio.sleep(0.2)
        task = window.test_profile()

        def dialog():
            found = [w for w in QApplication.allWidgets() if isinstance(w, MfaCodeDialog) and w.isVisible()]
            return found[-1] if found else None

        await shots.until(lambda: dialog() is not None, "the window", 30.0)
        prompt = dialog()
        prompt.code.setText("")
        await asyncio.sleep(0.3)
        shots.save(prompt, out / "mfa-prompt.png")
        prompt.code.setText(totp.current_code(p.mfa_totp_secret).code)
        prompt.ok_button.click()
        await task
        await shots.until(lambda: not window.is_busy(), "the window", 30.0)
        window.details.setCurrentIndex(0)
        await shots.until(lambda: window.details.mfa_countdown.isVisible() and "left" in window.details.mfa_countdown.text(), "the window", 30.0)
        await asyncio.sleep(1.2)
        shots.save(window, out / "manager-mfa-countdown.png")

        window.select_profile(store.get("finance-no-mfa").id)
        await asyncio.sleep(0.2)
        await window.test_profile()
        await shots.until(lambda: not window.is_busy(), "the window", 30.0)
        await asyncio.sleep(0.6)
        shots.save(window, out / "manager-mfa-required.png")
        window.close()
        await asyncio.sleep(0.1)
    finally:
        emulator.stop()


def main(argv: list[str]) -> int:
    return shots.take_in_private_world(__file__, argv, MARKER, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
