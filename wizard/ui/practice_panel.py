"""Practice mode on screen: the banner that says nothing reaches AWS, and the panel of values to paste and mistakes to try.

`install(app, session)` (practice mode only) decorates every wizard and main window as it is first shown, so the
windows need no practice code of their own: a wizard (new or editing a practice profile) gets the banner across the
top and the panel as its side widget; the profile manager gets the banner across the top and the panel in a dock.

Copying a value is always the user's click. The practice secret is a fake key for the local emulator, yet it is still
masked on screen, copied only on request, and removed from the clipboard after CLIPBOARD_SECONDS if it is still there.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.core.methods import METHODS
from wizard.ui.translator import translate
from wizard.ui.widgets import PaletteFollower, fixed_font, inherited_palette, small_muted

BANNER_TEXT = QT_TRANSLATE_NOOP("practice_panel", "Practice mode \u2014 nothing reaches AWS")
BANNER_DETAIL = QT_TRANSLATE_NOOP("practice_panel", "Every call goes to a local emulator on 127.0.0.1. Practice "
                                                    "profiles are kept apart and never exported.")
BANNER_STARTING = QT_TRANSLATE_NOOP("practice_panel", "Starting the local emulators on 127.0.0.1\u2026 New and Test "
                                                      "work once they are ready (a few seconds).")
BANNER_READY = QT_TRANSLATE_NOOP("practice_panel", "Ready. Every call goes to a local emulator on 127.0.0.1. Practice "
                                                   "profiles are kept apart and never exported.")
BANNER_FAILED = QT_TRANSLATE_NOOP("practice_panel", "The local emulators could not start; the message says why. "
                                                    "Nothing reaches AWS.")
CLIPBOARD_SECONDS = 45
PANEL_WIDTH = 300
DECORATED = "practiceDecorated"  # dynamic property set on a decorated window


def _highlighted(banner: QWidget) -> None:
    """The banner in the inherited palette's selection colours (Highlight behind HighlightedText)."""
    inherited = inherited_palette(banner)
    palette = banner.palette()
    palette.setColor(QPalette.ColorRole.Window, inherited.color(QPalette.ColorRole.Highlight))
    palette.setColor(QPalette.ColorRole.WindowText, inherited.color(QPalette.ColorRole.HighlightedText))
    banner.setPalette(palette)


class PracticeBanner(QFrame):
    """A strip with an icon and the words: practice mode, nothing reaches AWS."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False, starting: bool = False):
        """`starting`: the emulators are being started (the detail says so until `show_state`)."""
        super().__init__(parent)
        self.setObjectName("practiceBanner")
        self.setAccessibleName(translate("practice_panel", BANNER_TEXT))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        PaletteFollower(self, _highlighted)  # the selection's colours, light or dark as the desktop is now

        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(24, 24))
        self.text = QLabel(f"<b>{translate('practice_panel', BANNER_TEXT)}</b>")
        self.detail = QLabel(translate("practice_panel", BANNER_STARTING if starting else BANNER_DETAIL))
        self.detail.setObjectName("practiceBannerState")
        self.detail.setWordWrap(True)
        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.text)
        words.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(words, 1)
        if compact:
            self.detail.hide()
            self.setToolTip(translate("practice_panel", BANNER_DETAIL))


    def show_state(self, ready: bool) -> None:
        """The emulators are ready (or could not start): say so."""
        self.detail.setText(translate("practice_panel", BANNER_READY if ready else BANNER_FAILED))
        self.detail.setAccessibleName(self.detail.text())


class ValueRow(QWidget):
    """A label, the value (read-only, selectable; masked when secret) and a Copy button."""

    def __init__(self, label: str, value: str, *, secret: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.value = value
        self.secret = secret
        self.label = QLabel(label)
        self.field = QLineEdit(value)
        self.field.setReadOnly(True)
        self.field.setFont(fixed_font())
        self.field.setAccessibleName(label)
        self.field.setCursorPosition(0)
        if secret:
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
        else:
            self.field.setToolTip(value)
        self.copy_button = QToolButton()
        self.copy_button.setText(translate("practice_panel", "Copy"))
        self.copy_button.setToolTip(translate("practice_panel", 'Copy the {0} to the clipboard, to paste it into the '
                                                                'wizard').format(label.lower()))
        self.copy_button.setAccessibleName(translate("practice_panel", 'Copy {label}').format(label=label))
        self.copy_button.clicked.connect(self.copy)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.label, 0, 0, 1, 2)
        layout.addWidget(self.field, 1, 0)
        layout.addWidget(self.copy_button, 1, 1)
        layout.setColumnStretch(0, 1)

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.value)
        self.copy_button.setText(translate("practice_panel", "Copied"))
        QTimer.singleShot(1500, self.copy_button, lambda: self.copy_button.setText(translate("practice_panel", "Copy")))
        if self.secret:
            value = self.value
            QTimer.singleShot(CLIPBOARD_SECONDS * 1000, lambda: _clear_clipboard_if(value))


def _clear_clipboard_if(value: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard.text() == value:
        clipboard.clear()


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setWordWrap(True)
    return label


def _note(text: str) -> QLabel:
    label = small_muted(QLabel(text))
    label.setWordWrap(True)
    return label


class PracticePanel(QWidget):
    """Values to paste into the wizard, and ready-made mistakes with the diagnosis each shows.

    Until the session's emulators run, the panel says they are starting; `populate()` fills it once they do.
    """

    def __init__(self, session, parent: QWidget | None = None, *, with_banner: bool = False):
        super().__init__(parent)
        self.setObjectName("practicePanel")
        self.session = session
        self.rows: dict[str, ValueRow] = {}
        self.mistakes: dict[str, QWidget] = {}
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setAccessibleName(translate("practice_panel", "Practice mode"))
        self.scroll.setAccessibleDescription(translate("practice_panel", "What practice mode offers: its profiles, "
                                                                         "ready-made mistakes to try, and "
                                             "the values to type."))
        self.scroll.setWidget(_note(translate("practice_panel", "Starting the local emulator on 127.0.0.1…")))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.banner = PracticeBanner(compact=True) if with_banner else None
        if self.banner is not None:
            layout.addWidget(self.banner)
        layout.addWidget(self.scroll, 1)
        self.populate()

    @property
    def populated(self) -> bool:
        return bool(self.rows)

    def populate(self) -> bool:
        """Show the values and mistakes if the session's emulators run (once). True when the panel is filled."""
        if self.populated or self.session.practice is None:
            return self.populated
        from wizard.practice.session import MISTAKES

        session, p = self.session, self.session.practice
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(_heading(translate("practice_panel", "Values to paste")))
        column.addWidget(_note(translate("practice_panel", "The local emulator's practice user, roles and bucket. "
                                                           "Copy, then paste into the "
                               "wizard's fields.")))
        values = (
            ("access_key_id", translate("practice_panel", "Access key ID"), p.access_key_id, False),
            ("secret_access_key", translate("practice_panel", "Secret access key"), p.secret_access_key, True),
            ("role_name", translate("practice_panel", "Role name (assume role)"), p.role_name, False),
            ("role_arn", translate("practice_panel", "Role ARN (cross-account)"), p.cross_role_arn, False),
            ("external_id", translate("practice_panel", "External ID (cross-account)"), p.external_id, False),
            ("bucket", translate("practice_panel", "Bucket (S3)"), p.bucket, False),
            ("region", translate("practice_panel", "Region"), p.region, False),
            ("mfa_serial", translate("practice_panel", "MFA device (practice user)"), p.mfa_serial, False),
            ("mfa_role_arn", translate("practice_panel", "Role that demands MFA"), p.mfa_role_arn, False),
        )
        for key, label, value, secret in values:
            self._add_row(column, key, label, value, secret)
        if p.mfa_totp_secret:
            self._add_row(column, "mfa_code", translate("practice_panel", "MFA code now (the virtual device)"), "", False)
            self._mfa_seed = p.mfa_totp_secret
            self._mfa_timer = QTimer(self, interval=1000)
            self._mfa_timer.timeout.connect(self.refresh_mfa_code)
            self._mfa_timer.start()
            self.refresh_mfa_code()
        sso = session.sso_values() if hasattr(session, "sso_values") else None
        if sso is not None:  # the sso method: the authorize page approves the login in the browser
            column.addWidget(_heading(translate("practice_panel", "SSO login")))
            column.addWidget(_note(translate("practice_panel", "For IAM Identity Center: the browser shows a local "
                                             "approval page; press Approve.")))
            self._add_row(column, "sso_start_url", translate("practice_panel", "Start URL"), sso[0], False)
            self._add_row(column, "sso_region", translate("practice_panel", "SSO region"), sso[1], False)

        column.addSpacing(8)
        column.addWidget(_heading(translate("practice_panel", "Mistakes to try")))
        column.addWidget(_note(translate("practice_panel", "Each one shows a diagnosis on the test page once, so you "
                                                           "recognise it later.")))
        extra = {
            "wrong-secret": [("wrong_secret", translate("practice_panel", "A wrong secret key"), session.wrong_secret(), True)],
            "wrong-external-id": [("wrong_external_id", translate("practice_panel", "A wrong External ID"), session.wrong_external_id(), False)],
            "untrusting-role": [("untrusting_role", translate("practice_panel", "A role that does not trust you"), session.untrusting_role(), False)],
            "no-mfa-code": [("mfa_user_access_key_id", translate("practice_panel", "The MFA user's access key ID"), p.mfa_user_access_key_id, False),
                            ("mfa_user_secret_access_key", translate("practice_panel", "Its secret access key"), p.mfa_user_secret_access_key,
                             True)],
        }
        expired = session.expired_credentials()
        if expired:
            extra["expired-token"] = [
                (
                    "expired_access_key_id",
                    translate("practice_panel", "Expired temporary key ID"),
                    expired["access_key_id"],
                    False,
                ),
                (
                    "expired_secret_access_key",
                    translate("practice_panel", "Its secret access key"),
                    expired["secret_access_key"],
                    True,
                ),
                (
                    "expired_session_token",
                    translate("practice_panel", "Its expired session token"),
                    expired["session_token"],
                    True,
                ),
            ]
        for mistake in MISTAKES:
            box = QFrame()
            box.setObjectName(f"mistake-{mistake.id}")
            box.setFrameShape(QFrame.Shape.StyledPanel)
            inner = QVBoxLayout(box)
            inner.addWidget(_heading(f"{translate('practice_panel', mistake.title)} \u2192 {mistake.diagnosis}"))
            method = translate("methods", METHODS[mistake.method].title)
            inner.addWidget(_note(translate("practice_panel", mistake.steps).format(method=method)))
            for key, label, value, secret in extra.get(mistake.id, ()):
                self._add_row(inner, key, label, value, secret)
            if mistake.id == "expired-token" and not expired:
                inner.addWidget(_note(translate("practice_panel", "Not offered by this emulator version.")))
            inner.addWidget(_note(translate("practice_panel", mistake.lesson)))
            column.addWidget(box)
            self.mistakes[mistake.id] = box
        column.addStretch(1)
        self.scroll.setWidget(content)
        return True

    def refresh_mfa_code(self) -> None:
        """The virtual device's current code and its seconds left (TOTP, as an authenticator app shows it)."""
        from wizard.core import totp

        row = self.rows.get("mfa_code")
        if row is None:
            return
        found = totp.current_code(self._mfa_seed)
        row.value = found.code
        row.field.setText(f"{found.code}   ({found.seconds_left} s left)")

    def _add_row(self, layout, key: str, label: str, value: str, secret: bool) -> None:
        row = ValueRow(label, value, secret=secret)
        row.setObjectName(f"practice-{key}")
        self.rows[key] = row
        layout.addWidget(row)


# --- putting it on the windows -----------------------------------------------------------------------------------


def decorate_wizard(wizard: QWizard, session) -> PracticePanel:
    """The banner across the top of the wizard, and the panel as its side widget (left of the pages); the wizard grows
    to make room."""
    banner = _WizardBanner(wizard)
    panel = PracticePanel(session, with_banner=banner.fallback)
    panel.setFixedWidth(PANEL_WIDTH)
    wizard.setSideWidget(panel)
    # QWizard lays out the side widget on its next layout pass; a style change asks for one now.
    QApplication.sendEvent(wizard, QEvent(QEvent.Type.StyleChange))
    wizard.setProperty(DECORATED, True)
    wizard.practice_banner, wizard.practice_panel = banner.banner, panel
    wizard.resize(wizard.width() + PANEL_WIDTH, wizard.height() + banner.height)
    return panel


class _WizardBanner(QObject):
    """Puts a banner across the top of a QWizard.

    QWizard lays everything out in one child widget that it resizes to its whole area on every resize; this keeps
    that child below the banner. If the wizard is not built that way (another Qt version), `fallback` is True and
    the banner goes to the top of the side panel instead.
    """

    def __init__(self, wizard: QWizard):
        super().__init__(wizard)
        children = [c for c in wizard.children() if isinstance(c, QWidget) and c.isWidgetType()]
        self.fallback = len(children) != 1
        self.banner = None
        self.height = 0
        if self.fallback:
            return
        self.wizard, self.content = wizard, children[0]
        self.banner = PracticeBanner(wizard, compact=True)
        self.height = self.banner.sizeHint().height()
        self.banner.show()
        self.content.installEventFilter(self)
        QTimer.singleShot(0, self._place)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize and watched.height() != self.wizard.height() - self.height:
            QTimer.singleShot(0, self._place)
        return False

    def _place(self) -> None:
        width, height = self.wizard.width(), self.wizard.height()
        self.banner.setGeometry(0, 0, width, self.height)
        self.content.setGeometry(0, self.height, width, height - self.height)
        self.banner.raise_()


def decorate_main_window(window: QMainWindow, session) -> PracticePanel:
    """The banner across the top of the central area and the panel in a dock on the right."""
    central = window.takeCentralWidget()
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    banner = PracticeBanner(starting=not session.running)
    layout.addWidget(banner)
    if central is not None:
        layout.addWidget(central, 1)
    window.setCentralWidget(holder)
    panel = PracticePanel(session)
    dock = QDockWidget(translate("practice_panel", "Practice values"), window)
    dock.setObjectName("practiceDock")
    dock.setWidget(panel)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    panel.setMinimumWidth(PANEL_WIDTH - 20)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.setProperty(DECORATED, True)
    window.practice_banner, window.practice_panel = banner, panel
    window.resize(window.width() + PANEL_WIDTH, window.height())
    return panel


def is_practice_window(widget) -> bool:
    """A window that shows practice mode: a wizard given practice values, or a main window in practice mode."""
    if isinstance(widget, QWizard):
        return getattr(widget, "practice", None) is not None
    return isinstance(widget, QMainWindow) and bool(getattr(widget, "practice", False))


def decorate(widget, session, *, every_window: bool = False) -> bool:
    """Decorate `widget` if it is an undecorated practice window (with `every_window`: any wizard or main window);
    True when it was decorated now."""
    if not isinstance(widget, (QWizard, QMainWindow)) or widget.property(DECORATED):
        return False
    if not (every_window or is_practice_window(widget)):
        return False
    if isinstance(widget, QWizard):
        decorate_wizard(widget, session)
    else:
        decorate_main_window(widget, session)
    return True


class _Decorator(QObject):
    def __init__(self, session, parent: QObject):
        super().__init__(parent)
        self.session = session

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Polish and isinstance(watched, (QWizard, QMainWindow)):
            decorate(watched, self.session, every_window=True)  # in a practice process every window is practice
        return False


def install(app, session) -> QObject:
    """Decorate every practice window of `app` when it is first shown, for as long as the application runs."""
    decorator = _Decorator(session, app)
    app.installEventFilter(decorator)
    return decorator


def populate_panels(ready: bool = True) -> None:
    """Fill every practice panel on screen and say in the banners that the emulators are ready (after the session's
    emulators started), or that they could not start (`ready` False)."""
    for widget in QApplication.allWidgets():
        if isinstance(widget, PracticePanel) and ready:
            widget.populate()
        elif isinstance(widget, PracticeBanner):
            widget.show_state(ready)


# --- the program in practice mode (wizard.app.run_gui) --------------------------------------------------------------


def prepare_practice(app):
    """Before the main window exists: the practice environment (so the window's profile store is the practice one),
    the decoration of practice windows, and the stop when the application quits. Returns the PracticeSession."""
    from wizard.practice.session import PracticeSession

    session = PracticeSession().prepare()
    session.attach_qt(app)
    install(app, session)
    return session


async def start_practice(window, session) -> bool:
    """Start the emulators off the GUI thread while the manager shows it is busy, then hand the AWS emulator to the
    manager (so it never starts one of its own) and fill the panels. False (the manager said why) when it failed."""
    import asyncio

    while window.windowHandle() is None or not window.windowHandle().isExposed():  # the window first, then moto
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # let the first paint finish before moto's imports take the interpreter
    work = getattr(window, "_work", None)
    if work is not None:  # the manager's busy state: actions disabled, progress shown, a failure explained
        from wizard.ui.manager import FAILED

        started = await work(
            translate("practice_panel", "Starting practice mode on 127.0.0.1\u2026"),
            translate("practice_panel", "Could not start practice mode"),
            session.start,
        )
        if started is FAILED:
            populate_panels(ready=False)
            return False
    else:
        await asyncio.get_running_loop().run_in_executor(None, session.start)
    window.emulator = session.aws
    populate_panels()
    return True
