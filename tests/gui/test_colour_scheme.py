"""The desktop switched between light and dark while the program runs: the colours the program derives from the
palette (secondary text, the secret field's eye, the practice banner) are derived again, not kept from the start.

On a desktop, Qt follows the scheme switch (QStyleHints.colorSchemeChanged) by giving the application the desktop's new
palette, and every widget a PaletteChange. The offscreen platform has no desktop scheme to switch
(QStyleHints.setColorScheme changes nothing there), so these tests give the application a dark palette the way the
platform would, and back."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from tests.gui.test_manager import run_test, seed
from tests.support.aws import practice_connection
from wizard.core.connection import Secrets
from wizard.ui.practice_panel import PracticeBanner
from wizard.ui.widgets import SecretLineEdit, inherited_palette, muted_colour

pytestmark = [pytest.mark.gui]

ROLES = QPalette.ColorRole


def dark_palette() -> QPalette:
    """A desktop's dark palette (the one tools/manager_screenshots.py --dark uses)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from manager_screenshots import dark_palette as made

    return made()


@pytest.fixture
def switch(qapp):
    """switch("dark") / switch("light"): the desktop's scheme changes under the open windows; light at the end."""

    def to(scheme: str) -> None:
        # A default-constructed palette gives the application back the platform's (light, offscreen) palette.
        QApplication.setPalette(dark_palette() if scheme == "dark" else QPalette())
        QApplication.processEvents()

    yield to
    to("light")


def muted_labels(root: QWidget) -> list[QLabel]:
    """The visible labels whose text colour is their own (secondary text), not the window's."""
    text = QApplication.palette().color(ROLES.WindowText)
    return [label for label in root.findChildren(QLabel)
            if label.isVisible() and label.palette().color(ROLES.WindowText) != text]


def is_dark(colour) -> bool:
    return colour.lightness() < 128


def eye_colour(secret: SecretLineEdit):
    """The colour the eye icon is drawn in, read from its pixels (its most opaque one)."""
    image = secret.reveal_action.icon().pixmap(32, 32).toImage()
    pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    return max(pixels, key=lambda c: c.alpha())


def test_secondary_text_in_the_wizard_follows_a_live_switch(open_wizard, switch):
    wizard, _keys = open_wizard()
    labels = muted_labels(wizard)
    assert labels, "the method page shows secondary text"
    light = {label: label.palette().color(ROLES.WindowText) for label in labels}
    assert all(is_dark(colour) for colour in light.values())  # dark grey on a light window

    switch("dark")
    for label in labels:
        colour = label.palette().color(ROLES.WindowText)
        assert not is_dark(colour), (label.text()[:60], colour.name())  # light grey on a dark window
        assert colour == muted_colour(inherited_palette(label)), label.text()[:60]
        assert is_dark(label.palette().color(ROLES.Window))

    switch("light")
    assert {label: label.palette().color(ROLES.WindowText) for label in labels} == light


def test_the_secret_fields_eye_and_the_practice_banner_follow_a_live_switch(qtbot, switch):
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    secret, banner = SecretLineEdit(), PracticeBanner()
    layout.addWidget(secret)
    layout.addWidget(banner)
    holder.show()
    qtbot.waitExposed(holder)
    assert is_dark(eye_colour(secret))
    light_banner = banner.palette().color(ROLES.Window)
    assert light_banner == QApplication.palette().color(ROLES.Highlight)

    switch("dark")
    assert not is_dark(eye_colour(secret))  # drawn again in the dark palette's text colour
    assert banner.palette().color(ROLES.Window) == dark_palette().color(ROLES.Highlight) != light_banner
    assert banner.palette().color(ROLES.WindowText) == dark_palette().color(ROLES.HighlightedText)
    secret.reveal_action.toggle()  # the eye drawn after the switch is drawn in the new colour too
    assert not is_dark(eye_colour(secret))

    switch("light")
    assert is_dark(eye_colour(secret)) and banner.palette().color(ROLES.Window) == light_banner


def test_the_manager_with_a_diagnosis_follows_a_live_switch(qtbot, open_manager, stores, aws_emulator, switch):
    """The manager showing a failed test's diagnosis, switched to dark and back: no label keeps dark text on the dark
    window (a guard: the manager's own widgets take the palette's colours as they are; what it derives is tested above
    on the widgets that derive it)."""
    store, secret_store = stores
    win = open_manager()
    conn, _secrets = practice_connection(aws_emulator)
    seed(qtbot, win, store, secret_store, "wrong-secret", conn, Secrets("z" * 40))
    run_test(qtbot, win, store, "wrong-secret")

    switch("dark")
    for widget in [win, *win.findChildren(QWidget)]:
        if widget.isVisible() and isinstance(widget, QLabel):
            colour = widget.palette().color(ROLES.WindowText)
            assert not is_dark(colour), (widget.text()[:60], colour.name())  # no dark text left on a dark window
    for label in muted_labels(win):
        assert label.palette().color(ROLES.WindowText) == muted_colour(inherited_palette(label))
    switch("light")
    for label in muted_labels(win):
        assert is_dark(label.palette().color(ROLES.WindowText))
