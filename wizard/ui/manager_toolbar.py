"""The profile manager's actions as the user reaches them: toolbar buttons and the Profiles menu (Alt+P), each with
its keyboard shortcut, and when each is enabled."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence

from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.core.tokens import can_renew
from wizard.ui.translator import translate

# (name, text, shortcut, tooltip)
ACTIONS = (
    (
        "new",
        QT_TRANSLATE_NOOP("manager_toolbar", "&New"),
        QKeySequence.StandardKey.New,
        QT_TRANSLATE_NOOP("manager_toolbar", "Create a connection with the wizard"),
    ),
    (
        "test",
        QT_TRANSLATE_NOOP("manager_toolbar", "&Test"),
        "F5",
        QT_TRANSLATE_NOOP("manager_toolbar", "Test the selected profile now, live"),
    ),
    (
        "edit",
        QT_TRANSLATE_NOOP("manager_toolbar", "&Edit"),
        "Ctrl+E",
        QT_TRANSLATE_NOOP("manager_toolbar", "Open the wizard with the selected profile's settings"),
    ),
    (
        "duplicate",
        QT_TRANSLATE_NOOP("manager_toolbar", "&Duplicate"),
        "Ctrl+D",
        QT_TRANSLATE_NOOP("manager_toolbar", "Copy the selected profile (its secrets too) under a new name"),
    ),
    (
        "rename",
        QT_TRANSLATE_NOOP("manager_toolbar", "&Rename"),
        "F2",
        QT_TRANSLATE_NOOP("manager_toolbar", "Rename the selected profile"),
    ),
    (
        "delete",
        QT_TRANSLATE_NOOP("manager_toolbar", "De&lete"),
        QKeySequence.StandardKey.Delete,
        QT_TRANSLATE_NOOP("manager_toolbar", "Delete the selected profile and its keychain entries"),
    ),
    (
        "renew",
        QT_TRANSLATE_NOOP("manager_toolbar", "Re&new token"),
        "Ctrl+R",
        QT_TRANSLATE_NOOP("manager_toolbar", "Enter a new session token for the selected profile's temporary keys"),
    ),
    (
        "import",
        QT_TRANSLATE_NOOP("manager_toolbar", "&Import"),
        "Ctrl+I",
        QT_TRANSLATE_NOOP("manager_toolbar", "Import profiles from the AWS shared config and credentials files"),
    ),
    (
        "export",
        QT_TRANSLATE_NOOP("manager_toolbar", "E&xport"),
        "Ctrl+Shift+E",
        QT_TRANSLATE_NOOP("manager_toolbar", "Export the selected profile to the AWS config file (credential_process)"),
    ),
)
# What Renew says for the selected profile, by what it renews (`renewal_kind`); ACTIONS' text when it renews nothing.
RENEW_LABELS = {
    "mfa": (
        QT_TRANSLATE_NOOP("manager_toolbar", "Re&new MFA session…"),
        QT_TRANSLATE_NOOP("manager_toolbar", "Enter a code from the MFA device: a new MFA session for the selected "
                                             "profile"),
    ),
    "token": (
        QT_TRANSLATE_NOOP("manager_toolbar", "Re&new session token…"),
        QT_TRANSLATE_NOOP("manager_toolbar", "Enter a new session token for the selected profile's temporary keys"),
    ),
}
NEEDS_SELECTION = frozenset({"test", "edit", "duplicate", "rename", "delete", "renew", "export"})


def add_actions(window, trigger: Callable[[str], None]) -> dict[str, QAction]:
    """The actions, in a toolbar and the Profiles menu of `window` (a QMainWindow); `trigger(name)` runs one."""
    actions: dict[str, QAction] = {}
    toolbar = window.addToolBar(translate("manager_toolbar", "Profiles"))
    toolbar.setObjectName("profileActions")
    menu = window.menuBar().addMenu(translate("manager_toolbar", "&Profiles"))  # the same actions, reachable with Alt+P
    for name, text, shortcut, tip in ACTIONS:
        text, tip = translate("manager_toolbar", text), translate("manager_toolbar", tip)
        action = QAction(text, window)
        action.setObjectName(f"action-{name}")
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        action.setStatusTip(tip)
        action.triggered.connect(lambda *_args, name=name: trigger(name))
        toolbar.addAction(action)
        menu.addAction(action)
        if name in ("new", "renew"):
            menu.addSeparator()
        actions[name] = action
    menu.addSeparator()
    menu.addAction(translate("manager_toolbar", "&Close window"), QKeySequence.StandardKey.Close, window.close)
    return actions


def is_enabled(name: str, profile, busy: bool) -> bool:
    """Whether action `name` applies now: nothing while another runs; most need a selected profile; Renew only for
    a session token (`can_renew`); Export never for a practice profile."""
    if busy or (profile is None and name in NEEDS_SELECTION):
        return False
    if name == "renew":
        from wizard.ui.mfa_manager import has_mfa_device

        return can_renew(profile) or has_mfa_device(profile)
    if name == "export":
        return not profile.practice
    return True


def renewal_kind(profile) -> str:
    """What Renew does for `profile`: "mfa" (a code for a new MFA session, or the role assumed again with a code),
    "token" (a new session token typed in), or "" (nothing to renew)."""
    if profile is None:
        return ""
    from wizard.ui.mfa_manager import has_mfa_device

    if has_mfa_device(profile):
        return "mfa"
    return "token" if can_renew(profile) else ""


def label_renew(action: QAction, profile) -> None:
    """Name the Renew action by what it renews for the selected profile (its text, tooltip and status tip)."""
    _name, text, shortcut, tip = next(entry for entry in ACTIONS if entry[0] == "renew")
    text, tip = RENEW_LABELS.get(renewal_kind(profile), (text, tip))
    text, tip = translate("manager_toolbar", text), translate("manager_toolbar", tip)
    action.setText(text)
    action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
    action.setStatusTip(tip)
