"""Start the desktop program: one QApplication, the qasync event loop as asyncio's loop, and the main window.

The main window is the profile manager (wizard.ui.manager); with no profiles yet it offers "Create your first
connection", which opens the connection wizard. In practice mode new connections go to a local AWS emulator (moto
behind the trust gate, on 127.0.0.1), started by the manager when first needed; nothing reaches AWS.
"""

from __future__ import annotations

import asyncio
import sys

from wizard import APP_NAME, APP_TITLE, __version__

APP_ID = "io.github.awsconnectionwizard.AwsConnectionWizard"


def _application(lang: str | None):
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    if lang:
        QLocale.setDefault(QLocale(lang))
    translator = QTranslator(app)  # Qt's own strings (Back, Next, Cancel...) in the user's language when available
    if translator.load(QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    return app


def run_gui(practice: bool = False, lang: str | None = None) -> int:
    """Show the profile manager and run until its window closes. Returns the process exit code."""
    import qasync

    from wizard.ui.manager import ProfileManagerWindow
    from wizard.ui.wizard import app_icon

    app = _application(lang)
    app.setWindowIcon(app_icon())
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = ProfileManagerWindow(practice=practice)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.show()
    with loop:
        loop.run_until_complete(closed.wait())
    return 0
