"""Start the desktop program: one QApplication, the qasync event loop as asyncio's loop, and the connection wizard.

In practice mode a local AWS emulator (moto behind the trust gate, on 127.0.0.1) is started first and the wizard is
pre-filled with its values; nothing reaches AWS.
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


def _start_practice():
    """The running practice emulator, or None (with the reason on stderr) when moto is not installed."""
    try:
        from wizard.practice.aws_emulator import AwsEmulator
    except ImportError as exc:
        print(f"Practice mode needs the 'practice' extra (moto): {exc}", file=sys.stderr)
        return None
    return AwsEmulator().start()


def run_gui(practice: bool = False, lang: str | None = None) -> int:
    """Show the wizard and run until its window closes. Returns the process exit code."""
    import qasync

    from wizard.ui.wizard import ConnectionWizard

    app = _application(lang)
    emulator = _start_practice() if practice else None
    if practice and emulator is None:
        return 3
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        if emulator is not None:
            window = ConnectionWizard(practice=emulator.practice, endpoint_url=emulator.url)
        else:
            window = ConnectionWizard()
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        window.show()
        with loop:
            loop.run_until_complete(closed.wait())
        return 0
    finally:
        if emulator is not None:
            emulator.stop()
