"""The profile manager's MFA: the selected profile's MFA session with a live countdown (in the Details tab), Renew
asking for a new code, and a notice a few minutes before the session ends (a tray message where the desktop has a
tray, else a banner in the window's status bar).

The session is read from the keychain off the GUI thread (`wizard.core.mfa_session.MfaSessions`); only its expiration
reaches this module, never its keys.
"""

from __future__ import annotations

import datetime

from PySide6.QtWidgets import QDialog, QSystemTrayIcon

from wizard.ui.manager_work import FAILED, off_thread
from wizard.ui.session_countdown import SessionCountdown
from wizard.ui.translator import translate


def has_mfa_device(profile) -> bool:
    """The profile keeps MFA credentials won with a code: an MFA session of its own access key, or a cross-account
    role assumed with a code (`wizard.core.credentials.keeps_mfa_credentials`)."""
    from wizard.core.credentials import keeps_mfa_credentials

    return profile is not None and keeps_mfa_credentials(profile.connection)


def session_expiration(secret_store, profile) -> datetime.datetime | None:
    """Blocking (keychain): when the profile's MFA session (or MFA-assumed role) ends, or None when none is usable."""
    from wizard.core.credentials import mfa_expiration

    found = mfa_expiration(profile, secret_store)
    return datetime.datetime.fromtimestamp(found, datetime.timezone.utc) if found is not None else None


def start_session(store, secret_store, profile, code: str) -> datetime.datetime:
    """Blocking: new MFA credentials for `profile` with `code` (the old ones forgotten): its MFA session, or its role
    assumed with the code. Returns their expiration."""
    from wizard.core import credentials

    found = credentials.renew_mfa(profile, profile_store=store, secret_store=secret_store, mfa_code=code)
    return datetime.datetime.fromtimestamp(found.expiration, datetime.timezone.utc)


class MfaSessionWatch:
    """Follows the selected profile's MFA session: the countdown, and the notice before it ends."""

    def __init__(self, window, countdown: SessionCountdown):
        self.window = window
        self.countdown = countdown
        self.profile = None
        self.last_notice = ""
        countdown.ending_soon.connect(self._ending_soon)
        countdown.expired.connect(self._expired)
        countdown.hide()
        self._tray = None

    def follow_selected(self, profile, track) -> None:
        """Follow `profile` (the selection): its session is read off the GUI thread in a task given to `track`."""
        if profile is None or not profile.connection.mfa_serial:
            self.countdown.hide()
            self.profile = profile
            return
        import asyncio

        track(asyncio.ensure_future(self.follow(profile)))

    async def follow(self, profile) -> None:
        """Show the session of `profile` (hidden for a profile without an MFA device)."""
        self.profile = profile
        if not has_mfa_device(profile):
            self.countdown.set_expiration(None)
            self.countdown.hide()
            return
        try:
            expiration = await off_thread(session_expiration, self.window.secret_store, profile)
        except Exception:  # noqa: BLE001 - a locked keychain: show no session rather than fail the selection
            expiration = None
        if self.profile is not profile:  # another profile was selected meanwhile
            return
        self.countdown.set_expiration(expiration)
        self.countdown.show()

    def _notice(self, text: str) -> None:
        self.last_notice = text
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self._tray is None:
                self._tray = QSystemTrayIcon(self.window.windowIcon(), self.window)
            self._tray.show()
            self._tray.showMessage("AWS Connection Wizard", text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        self.window.statusBar().showMessage(text)

    def _ending_soon(self) -> None:
        if self.profile is not None:
            left = self.countdown.seconds_left() or 0
            self._notice(translate("mfa_manager", "The MFA session of {name} ends in {minutes} min: press Renew and "
                                                   "enter a new code to keep working.").format(
                name=self.profile.name, minutes=max(1, round(left / 60))))

    def _expired(self) -> None:
        if self.profile is not None:
            self._notice(translate("mfa_manager", "The MFA session of {name} has ended: the next use asks for a new "
                                                   "code (or press Renew).").format(name=self.profile.name))


async def renew_mfa_session(ctx, watch: MfaSessionWatch | None, profile) -> bool:
    """The manager's Renew for a profile with an MFA device: ask for a code naming the device, start a new session off
    the GUI thread, show its countdown. False when cancelled or refused (the problem is shown)."""
    from wizard.ui.mfa_prompt import MfaCodeDialog

    dialog = MfaCodeDialog(profile.connection.mfa_serial, ctx.parent, profile_name=profile.name)
    accepted = await ctx.await_dialog(dialog) == QDialog.DialogCode.Accepted
    code = dialog.result_code() if accepted else None
    dialog.deleteLater()
    if not code:
        return False
    expiration = await ctx.work(translate("mfa_manager", "Starting a new MFA session for {name}…").format(name=profile.name),
                                translate("mfa_manager", "Could not start the MFA session"),
                                start_session, ctx.store, ctx.secret_store, profile, code)
    del code
    if expiration is FAILED:
        return False
    if watch is not None and watch.profile is not None and watch.profile.id == profile.id:
        watch.countdown.set_expiration(expiration)
        watch.countdown.show()
    ctx.status(translate("mfa_manager", "New MFA session for {name}.").format(name=profile.name))
    return True
