"""The program's icon, without the wizard's pages (the window shown first sets it before they load)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "io.github.awsconnectionwizard.AwsConnectionWizard"
_SOURCE_ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons" / "hicolor"


def app_icon() -> QIcon:
    """The program's icon: from the icon theme when installed, else from the source tree's resources."""
    icon = QIcon.fromTheme(ICON_NAME)
    if icon.isNull():
        icon = QIcon()
        for size_dir in sorted(_SOURCE_ICONS.glob("*x*")):
            png = size_dir / "apps" / f"{ICON_NAME}.png"
            if png.is_file():
                icon.addFile(str(png))
    return icon
