"""Screenshots of the profile manager with a failed test's diagnosis, at 1366x768, in a real X window under Xvfb:
docs/screenshots/manager-diagnosis-1366x768.png, and with `--dark` manager-diagnosis-dark.png (a dark palette, as a
desktop in dark mode gives the program). With `--live-switch` the window starts light and the desktop's scheme is
switched while it is open, as a user would: manager-diagnosis-dark-after-switch.png after the switch to dark, then
manager-diagnosis-light-after-switch.png after the switch back.

    .venv/bin/python tools/manager_screenshots.py [--dark | --live-switch] [OUTPUT_DIR]

A private world like the tests': a temporary HOME, its own D-Bus session with a throwaway gnome-keyring, Xvfb when no
DISPLAY is set, name lookups other than localhost refused. The profiles talk to practice mode's local AWS emulator on
127.0.0.1; the failing one has a wrong secret (the diagnosis wrong-secret-key). Nothing contacts AWS.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import shots

MARKER = "AWSCW_MANAGER_SCREENSHOTS"


def dark_palette():
    """A dark palette like a desktop's dark mode (window, base and text roles; highlight kept blue)."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#2b2b2b"), (roles.WindowText, "#e6e6e6"), (roles.Base, "#1e1e1e"),
                         (roles.AlternateBase, "#333333"), (roles.Text, "#e6e6e6"), (roles.Button, "#3a3a3a"),
                         (roles.ButtonText, "#e6e6e6"), (roles.ToolTipBase, "#3a3a3a"), (roles.ToolTipText, "#e6e6e6"),
                         (roles.PlaceholderText, "#9a9a9a"), (roles.Highlight, "#2f65ca"),
                         (roles.HighlightedText, "#ffffff"), (roles.Link, "#8ab4f8"), (roles.Mid, "#444444"),
                         (roles.Dark, "#202020"), (roles.Light, "#505050"), (roles.Midlight, "#454545")):
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.WindowText, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, QColor("#808080"))
    return palette


async def run(app, out: Path, dark: bool, live_switch: bool = False) -> Path:
    from wizard.core.connection import Connection, NetworkSettings, Secrets
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore, save_connection
    from wizard.practice.aws_emulator import AwsEmulator
    from wizard.ui.manager import ProfileManagerWindow

    loop = asyncio.get_running_loop()
    emulator = await loop.run_in_executor(None, lambda: AwsEmulator().start())
    try:
        p = emulator.practice
        store, secrets = ProfileStore(), SecretStore()
        examples = [("billing-reader", "s3"), ("ci-deploy", "s3"), ("ml-inference", "bedrock-runtime"),
                    ("partner-access", "s3"), ("reports-bucket", "s3"), ("sandbox", "s3"), ("staging-web", "s3")]
        for name, service in examples:
            conn = Connection(method="access-key", region=p.region, service=service, access_key_id=p.access_key_id,
                              network=NetworkSettings(endpoint_url=emulator.url))
            save_connection(store, secrets, name, conn, Secrets(p.secret_access_key), untested=True)
        conn = Connection(method="access-key", region=p.region, service="s3", access_key_id=p.access_key_id,
                          network=NetworkSettings(endpoint_url=emulator.url))
        save_connection(store, secrets, "prod-backup", conn, Secrets("w" * 40), untested=True)  # a mistyped secret

        window = ProfileManagerWindow(store, secrets)
        window.resize(1366, 768)
        window.show()
        await shots.until(lambda: window.loaded, "the profiles")
        window.select_profile(store.get("prod-backup").id)
        await asyncio.sleep(0.2)
        task = window.test_profile()
        await task
        await shots.until(lambda: not window.is_busy(), "the test")
        await asyncio.sleep(0.6)
        if live_switch:  # the desktop switches to dark and back while the window is open
            from PySide6.QtGui import QPalette

            app.setPalette(dark_palette())
            await asyncio.sleep(0.6)
            shots.save(window, out / "manager-diagnosis-dark-after-switch.png")
            app.setPalette(QPalette())  # the platform's own (light) palette again
            await asyncio.sleep(0.6)
            path = shots.save(window, out / "manager-diagnosis-light-after-switch.png")
        else:
            path = shots.save(window, out / ("manager-diagnosis-dark.png" if dark else
                                              "manager-diagnosis-1366x768.png"))
        window.close()
        await asyncio.sleep(0.1)
        return path
    finally:
        emulator.stop()


def main(argv: list[str]) -> int:
    dark, live_switch = "--dark" in argv, "--live-switch" in argv
    return shots.take_in_private_world(__file__, argv, MARKER, lambda app, out: run(app, out, dark, live_switch),
                                       (lambda app: app.setPalette(dark_palette())) if dark else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
