"""Start the desktop program: one QApplication, the qasync event loop as asyncio's loop, and the main window.

The main window is the profile manager (wizard.ui.manager); with no profile yet the connection wizard opens over it. In practice mode new connections go to a local AWS emulator (moto
behind the trust gate, on 127.0.0.1), started by the manager when first needed; nothing reaches AWS.
"""

from __future__ import annotations

import os
import sys

from wizard import APP_NAME, APP_TITLE, __version__

APP_ID = "io.github.awsconnectionwizard.AwsConnectionWizard"
QUIT_AFTER_SHOW = "AWSCW_QUIT_AFTER_SHOW"  # tests, bench/: print "window-shown" (and "practice-ready"), then close
# tests, bench/: at the first Expose (paint) of a window print "first-expose <epoch seconds> <WATCHED modules loaded>"
REPORT_FIRST_EXPOSE = "AWSCW_REPORT_FIRST_EXPOSE"
WATCHED = ("boto3", "botocore", "keyring", "moto", "qasync", "asyncio", "wizard.practice", "wizard.core.engine")


def _application(lang: str | None):
    from PySide6.QtWidgets import QApplication

    from wizard.ui.translator import install_translators

    from wizard.ui.collector import collect_on_gui_thread

    app = QApplication.instance() or QApplication(sys.argv[:1])
    collect_on_gui_thread()  # a window in a reference cycle is destroyed on this thread, never by a worker's allocation
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    install_translators(app, lang)  # our words and Qt's own (Back, Next...) in --lang or the system's language
    return app


def run_gui(practice: bool = False, lang: str | None = None) -> int:
    """Show the profile manager and run until its window closes. Returns the process exit code.

    The window is shown first and painted before the qasync loop (and asyncio's use of it) is set up: the profile list,
    the wizard over an empty manager, practice mode's emulators and botocore's warm-up all start once the loop runs."""
    from wizard.ui.app_icon import app_icon
    from wizard.ui.manager import ProfileManagerWindow

    app = _application(lang)
    if os.environ.get(REPORT_FIRST_EXPOSE) == "1":
        _report_first_expose(app)
    app.setWindowIcon(app_icon())
    session = None
    if practice:  # the practice environment first, so the window's profile store is the practice one
        from wizard.ui.practice_panel import prepare_practice

        session = prepare_practice(app)
    window = ProfileManagerWindow(practice=practice, load_on_show=False)
    _show_and_paint(window)

    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    _end_on_signals(app, closed)  # SIGTERM (logout) and SIGHUP end the program as closing its window does
    ready = None
    from wizard.core.profiles import ProfileStore
    from wizard.core.sweep import sweep_in_background

    sweep_in_background(ProfileStore())  # what a hard stop left half-done, in the real store (before practice)
    with loop:
        window.start_loading()
        if practice:
            from wizard.ui.practice_panel import start_practice

            ready = loop.create_task(start_practice(window, session))
        else:
            window.open_wizard_if_empty()  # the manager; with no profile yet, the wizard over it
        if os.environ.get(QUIT_AFTER_SHOW) == "1":
            loop.create_task(_quit_after_show(window, ready))
        loop.run_until_complete(closed.wait())
    return 0


def _show_and_paint(window) -> None:
    """Show the window and run Qt's own loop until it has been painted (or a second has passed)."""
    from PySide6.QtCore import QEventLoop

    from wizard.ui.first_paint import after_first_paint

    painted = QEventLoop()
    after_first_paint(painted.quit)  # watching from before show(): an expose during show() counts
    window.show()
    painted.exec()


def _end_on_signals(app, closed) -> None:
    """SIGTERM and SIGHUP quit the application the way closing the last window does: aboutToQuit runs (practice mode
    stops its emulators and removes its profiles there; its atexit hook covers a signal before the loop runs). Qt's
    loop gives Python a moment to run the handlers every 200 ms."""
    import signal

    from PySide6.QtCore import QTimer

    def end(signum, frame) -> None:
        app.quit()
        closed.set()

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), end)
    app._signal_tick = QTimer(app)  # kept with the application
    app._signal_tick.timeout.connect(lambda: None)
    app._signal_tick.start(200)


async def _quit_after_show(window, ready) -> None:
    """Report on stdout when the window is on screen (and practice mode is ready), then close it as a user would
    (the last window closed quits the application)."""
    import asyncio

    while window.windowHandle() is None or not window.windowHandle().isExposed():
        await asyncio.sleep(0.005)
    print("window-shown", flush=True)
    if ready is not None:
        print("practice-ready" if await ready else "practice-failed", flush=True)
    window.close()


def _report_first_expose(app) -> None:
    """The benchmarks' and tests' hook: when a window is first exposed, print the time and which WATCHED modules are
    loaded (before anything started after the paint, such as the botocore warm-up, can load more)."""
    import time

    from PySide6.QtCore import QEvent, QObject

    class FirstExpose(QObject):
        def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
            if event.type() == QEvent.Type.Expose:
                now = time.time()
                loaded = [m for m in WATCHED if m in sys.modules]
                app.removeEventFilter(self)
                print(f"first-expose {now:.6f} {','.join(loaded) or '-'}", flush=True)
            return False

    app._first_expose = FirstExpose(app)  # kept alive with the application
    app.installEventFilter(app._first_expose)
