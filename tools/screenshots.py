"""Take a screenshot of every wizard page, in a real X window under Xvfb, with realistic example values.

    .venv/bin/python tools/screenshots.py [OUTPUT_DIR]     (default: docs/screenshots)

Starts `Xvfb :99` when no DISPLAY is set (and stops it afterwards), uses Qt's xcb platform, and saves
wizard-<page>.png with QWidget.grab(). The values are AWS's documented examples (AKIAIOSFODNN7EXAMPLE and its example
secret), not real credentials. Nothing contacts AWS: the test page is left out (it has its own screenshots) and name
lookups other than localhost are refused while the script runs.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import shots

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS documentation's example access key
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS documentation's example secret (public)
EXAMPLE_ROLE_ARN = "arn:aws:iam::123456789012:role/PartnerAccess"
EXAMPLE_EXTERNAL_ID = "3f9c2a7e1b6d4058a2c9e7f1b3d5a8c0"  # shaped like a generated one; fixed so the pictures are stable


def _settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def _open(app, conn, secrets, **kwargs):
    from wizard.ui.wizard import ConnectionWizard, PageId

    wizard = ConnectionWizard(connection=conn, secrets=secrets, **kwargs)
    wizard.removePage(PageId.TEST)
    wizard.show()
    wizard.activateWindow()
    _settle(app)
    return wizard


def _go(app, wizard, page_id) -> None:
    while wizard.currentId() != page_id:
        wizard.next()
        _settle(app, 0.1)
    _settle(app)


def _save(app, wizard, out: Path, name: str) -> Path:
    _settle(app)
    path = out / f"wizard-{name}.png"
    if not wizard.grab().save(str(path)):
        sys.exit(f"could not write {path}")
    _print_saved(path)
    return path


def _print_saved(path: Path) -> None:
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def take_manager_empty(app, out: Path) -> None:
    """The profile manager's empty state (no profile yet), as a new user first sees it, at the default size."""
    import asyncio
    import tempfile

    import qasync

    from wizard.core.profiles import ProfileStore
    from wizard.ui.manager import ProfileManagerWindow

    loop = qasync.QEventLoop(app)  # the window reads its (empty) profile directory on the loop, off the GUI thread
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="awscw-screenshot-") as home:
        window = ProfileManagerWindow(store=ProfileStore(Path(home) / "wizard-home"))
        window.show()
        window.activateWindow()

        async def loaded() -> None:
            for _ in range(500):
                if window.loaded:
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)

        loop.run_until_complete(loaded())
        if window.pages.currentWidget() is not window.empty:
            sys.exit("the profile manager did not show its empty state")
        path = out / "manager-empty.png"
        if not window.grab().save(str(path)):
            sys.exit(f"could not write {path}")
        _print_saved(path)
        window.close()
        loop.run_until_complete(asyncio.sleep(0.1))
    loop.close()  # stops the loop's executor thread (the window read its directory there)
    asyncio.set_event_loop(None)


def take(out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from wizard.app import _application
    from wizard.core.connection import Connection, Secrets
    from wizard.ui.wizard import PageId

    app = _application(None)
    key = Connection(method="access-key", access_key_id=EXAMPLE_KEY_ID, service="s3", region="eu-central-1",
                     bucket="team-reports")
    secrets = Secrets(EXAMPLE_SECRET)

    wizard = _open(app, key, secrets)
    _save(app, wizard, out, "method")
    _go(app, wizard, PageId.CREDENTIALS)
    _save(app, wizard, out, "credentials")
    _go(app, wizard, PageId.SERVICE)
    _save(app, wizard, out, "service")
    _go(app, wizard, PageId.REGION)
    wizard.region_page.search.setText("eu-")
    _save(app, wizard, out, "region")
    _go(app, wizard, PageId.SUMMARY)
    _save(app, wizard, out, "summary")
    wizard.close()

    # the messages as a user meets them: a pasted key with a line break, a temporary key without its token
    temp = Connection(method="assume-role", access_key_id="ASIAIOSFODNN7EXAMPLE", role="ReadOnlyRobot")
    wizard = _open(app, temp, Secrets(EXAMPLE_SECRET))
    _go(app, wizard, PageId.CREDENTIALS)
    page = wizard.credentials_page
    editor = page.rows["access_key_id"].editor
    editor.setFocus()
    editor.selectAll()
    editor.insert("ASIAIOSFODNN7EXAMPLE\n")  # as a paste would: textEdited fires, the field is cleaned
    page.rows["role"].editor.setFocus()
    _save(app, wizard, out, "credentials-messages")
    wizard.close()

    cross = Connection(method="cross-account", role_arn=EXAMPLE_ROLE_ARN, external_id=EXAMPLE_EXTERNAL_ID,
                       service="bedrock-runtime", region="us-west-2",
                       model_id="anthropic.claude-3-haiku-20240307-v1:0", invoke_model=True)
    wizard = _open(app, cross, Secrets(), saved_profiles=["build-robot"])
    _go(app, wizard, PageId.CREDENTIALS)
    wizard.credentials_page.show_advanced(True)
    _save(app, wizard, out, "credentials-cross-account")
    _go(app, wizard, PageId.SERVICE)
    _save(app, wizard, out, "service-bedrock")
    _go(app, wizard, PageId.SUMMARY)
    _save(app, wizard, out, "summary-cross-account")
    wizard.close()

    desktops = Connection(method="access-key", access_key_id=EXAMPLE_KEY_ID, service="workspaces", region="us-east-1")
    wizard = _open(app, desktops, secrets)
    _go(app, wizard, PageId.REGION)
    wizard.region_page.search.setText("ap-")
    _save(app, wizard, out, "region-workspaces")
    wizard.close()
    QApplication.processEvents()


def take_network(app, out: Path) -> None:
    """The wizard's "Advanced: network" settings over the Region page: a proxy with a user name and (masked) password,
    the system's CA bundle, the default timeouts."""
    from wizard.core.connection import Connection, NetworkSettings, Secrets
    from wizard.ui.wizard import PageId

    bundle = "/etc/ssl/certs/ca-certificates.crt"
    conn = Connection(method="access-key", access_key_id=EXAMPLE_KEY_ID, service="s3", region="eu-central-1",
                      network=NetworkSettings(proxy="http://proxy.example.com:3128", proxy_user="build-robot",
                                              ca_bundle=bundle if Path(bundle).is_file() else ""))
    wizard = _open(app, conn, Secrets(EXAMPLE_SECRET), proxy_password="example-password")
    _go(app, wizard, PageId.REGION)
    dialog = wizard.open_network_settings()
    _settle(app, 0.5)
    dialog.form.rows["proxy"].editor.setFocus()
    _settle(app)
    path = out / "wizard-network.png"
    if not dialog.grab().save(str(path)):
        sys.exit(f"could not write {path}")
    _print_saved(path)
    dialog.reject()
    _save(app, wizard, out, "region-network")
    wizard.close()



def take_german(out: Path) -> None:
    """The method and credentials pages in German (`--lang de`), at the wizard's default size."""
    from wizard.app import _application
    from wizard.core.connection import Connection, Secrets
    from wizard.ui.wizard import PageId

    app = _application("de")
    key = Connection(method="access-key", access_key_id=EXAMPLE_KEY_ID, service="s3", region="eu-central-1")
    wizard = _open(app, key, Secrets(EXAMPLE_SECRET))
    _save(app, wizard, out, "method-de")
    _go(app, wizard, PageId.CREDENTIALS)
    _save(app, wizard, out, "credentials-de")
    wizard.close()
    _application("en")  # back to the source language for whatever follows


def take_dark_switch(app, out: Path) -> None:
    """The credentials page after the desktop switched to dark while the wizard was open: its secondary text (the
    fields' help) and the secret field's eye are drawn again in the dark palette's colours."""
    from manager_screenshots import dark_palette
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from wizard.core.connection import Connection, Secrets
    from wizard.ui.wizard import PageId

    conn = Connection(method="access-key", access_key_id=EXAMPLE_KEY_ID, service="s3", region="eu-central-1")
    wizard = _open(app, conn, Secrets(EXAMPLE_SECRET))
    _go(app, wizard, PageId.CREDENTIALS)
    _settle(app)
    app.setPalette(dark_palette())  # the switch, as the platform gives it while the window is open
    _settle(app, 0.5)
    _save(app, wizard, out, "credentials-dark-after-switch")
    app.setPalette(QPalette())  # back to the platform's palette
    wizard.close()
    QApplication.processEvents()


SHOTS = ("wizard", "manager-empty", "network", "german", "dark-switch")


def main(argv: list[str]) -> int:
    args = argv[1:]
    out = Path(args.pop(0)) if args and args[0] not in SHOTS else ROOT / "docs" / "screenshots"
    wanted = args or list(SHOTS)
    if unknown := set(wanted) - set(SHOTS):
        sys.exit(f"unknown shot(s): {', '.join(sorted(unknown))}; choose from {', '.join(SHOTS)}")
    shots.loopback_only()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    xvfb = shots.start_xvfb()
    try:
        from wizard.app import _application

        out = out.resolve()
        out.mkdir(parents=True, exist_ok=True)
        if "wizard" in wanted:
            take(out)
        if "manager-empty" in wanted:
            take_manager_empty(_application(None), out)
        if "network" in wanted:
            take_network(_application(None), out)
        if "german" in wanted:
            take_german(out)
        if "dark-switch" in wanted:
            take_dark_switch(_application(None), out)
    finally:
        shots.stop(xvfb)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tools"))
    sys.exit(main(sys.argv))
