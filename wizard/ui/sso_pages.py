"""The wizard's IAM Identity Center pages: the login (browser with PKCE, or a device code), then the account and role.

Every blocking call (the keychain, sso-oidc, the portal) runs in a worker thread (`loop.run_in_executor`); the login
is cancelled through a `threading.Event` the worker checks while it waits. The browser is opened on the GUI thread
(`QDesktopServices.openUrl`, or the `open_url` callable a test injects); a device code is shown large, with Copy and the
verification URL. Tokens go to the keychain only (`wizard.core.sso_tokens`), shared by the profiles of one login.
"""

from __future__ import annotations

import asyncio
import functools
import threading

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWizardPage,
)

from wizard.core import fields
from wizard.core.credentials import SsoRole, sso_owner, sso_target
from wizard.ui.translator import translate
from wizard.ui.widgets import search_line

ROLE_DATA = Qt.ItemDataRole.UserRole


def _in_worker(loop, fn, *args):
    """Run a blocking call in the engine's worker threads (imported here: the window opens before botocore loads)."""
    from wizard.core.engine import EXECUTOR

    return loop.run_in_executor(EXECUTOR, fn, *args)


def _open_in_system_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


def _stores_of(page):
    wizard = page.wizard()
    return getattr(wizard, "stores", {}) if wizard is not None else {}


def _secret_store(page):
    return _stores_of(page).get("secret_store")


def _token_store(secret_store):
    from wizard.core.keychain import SecretStore
    from wizard.core.sso_tokens import SsoTokenStore

    return SsoTokenStore(secret_store or SecretStore())


def _explain(exc: BaseException, step: str) -> str:
    from wizard.core.diagnoses import diagnose, shown

    d = diagnose(exc, step=step)
    return translate("sso_pages", "{summary} [{code}]. {remedy}").format(
        summary=shown(d.summary, translate), code=d.code, remedy=shown(d.remedy, translate))


class SsoLoginPage(QWizardPage):
    """Log in to the draft's IAM Identity Center. Complete once a usable token is in the keychain (from this login or
    an earlier one of the same start URL and region)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("sso_pages", "Log in to IAM Identity Center"))
        self.setSubTitle(translate("sso_pages", "Sign in through your organisation's access portal; the wizard then "
                                                "lists the accounts and roles the login allows."))
        self.open_url = _open_in_system_browser  # called on the GUI thread with the authorize URL; tests replace it
        self._logged_in = False
        self._cancel = threading.Event()
        self._task: asyncio.Future | None = None
        self._conn = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        buttons = QHBoxLayout()
        self.browser_button = QPushButton(translate("sso_pages", "&Log in with the browser"), self)
        self.browser_button.setObjectName("sso-login-browser")
        self.device_button = QPushButton(translate("sso_pages", "Use a &device code instead"), self)
        self.device_button.setObjectName("sso-login-device")
        self.cancel_button = QPushButton(translate("sso_pages", "&Cancel the login"), self)
        self.cancel_button.setObjectName("sso-login-cancel")
        for button in (self.browser_button, self.device_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.code_label = QLabel(self)
        self.code_label.setObjectName("sso-device-code")
        self.code_label.setAccessibleName(translate("sso_pages", "Device code"))
        big = QFont(self.code_label.font())
        big.setPointSize(max(big.pointSize(), 9) * 3)
        big.setBold(True)
        self.code_label.setFont(big)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_label = QLabel(self)
        self.url_label.setObjectName("sso-verification-url")
        self.url_label.setOpenExternalLinks(True)
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.url_label.setWordWrap(True)
        self.copy_button = QPushButton(translate("sso_pages", "Cop&y the code"), self)
        self.copy_button.setObjectName("sso-copy-code")
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_label)
        code_row.addWidget(self.copy_button)
        code_row.addStretch(1)
        layout.addWidget(self.url_label)
        layout.addLayout(code_row)
        self.status = QLabel(self)
        self.status.setObjectName("sso-login-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.browser_button.clicked.connect(lambda: self.start_login(device=False))
        self.device_button.clicked.connect(lambda: self.start_login(device=True))
        self.cancel_button.clicked.connect(self.cancel_login)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.code_label.text()))
        self._show_device(None)
        self._set_busy(False)

    # --- state ------------------------------------------------------------------------------------------------
    @property
    def logged_in(self) -> bool:
        return self._logged_in

    def isComplete(self) -> bool:
        return self._logged_in and self._task is None

    def preferred_focus(self):
        return self.browser_button

    def _set_busy(self, busy: bool) -> None:
        self.browser_button.setEnabled(not busy)
        self.device_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)

    def _show_device(self, device) -> None:
        self.device = device  # the device-code login shown (None: none)
        shown = device is not None
        for widget in (self.code_label, self.url_label, self.copy_button):
            widget.setVisible(shown)
        if shown:
            self.code_label.setText(device.user_code)
            self.url_label.setText(translate(
                "sso_pages", 'Open <a href="{link}">{uri}</a> in a browser (on any device) and enter this code:'
            ).format(link=device.verification_uri_complete, uri=device.verification_uri))
            self.status.setText(translate("sso_pages", "Waiting for the approval in the browser… (Cancel stops waiting)"))

    def _set_status(self, text: str) -> None:
        self.status.setText(text)

    # --- entering the page: a login already in the keychain counts ----------------------------------------------
    def initializePage(self) -> None:
        wizard = self.wizard()
        self._conn = wizard.draft.connection
        self.intro.setText(translate(
            "sso_pages", "Log in to {start_url} (IAM Identity Center in {region}). The browser opens the access "
                         "portal; approve there. Where no browser can be used, use a device code. The tokens are "
                         "kept in the keychain only."
        ).format(start_url=self._conn.sso_start_url, region=self._conn.sso_region))
        self._logged_in = False
        self._show_device(None)
        self._set_status(translate("sso_pages", "Checking for an earlier login…"))
        self._task = asyncio.ensure_future(self._check_existing(self._conn, _secret_store(self)))
        self.completeChanged.emit()

    async def _check_existing(self, conn, secret_store) -> None:
        loop = asyncio.get_running_loop()
        try:
            await _in_worker(loop, SsoRole(conn, secret_store).token)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - no usable login yet (or no keychain): the user logs in
            self._set_status(translate("sso_pages", "Not logged in yet: choose how to log in."))
        else:
            self._logged_in = True
            self._set_status(translate("sso_pages", "Already logged in to this IAM Identity Center (the session is "
                                                   "still valid). Next picks the account and role."))
        finally:
            if self._task is asyncio.current_task():
                self._task = None
            self.completeChanged.emit()

    # --- the login --------------------------------------------------------------------------------------------
    def start_login(self, device: bool = False) -> asyncio.Future:
        """Start a login (the browser with PKCE, or a device code); returns its task."""
        if self._task is not None:
            self._task.cancel()
        self._cancel = threading.Event()
        self._logged_in = False
        self._show_device(None)
        self._set_busy(True)
        self._set_status(translate("sso_pages", "Waiting for the device code…") if device else
                         translate("sso_pages", "The browser opens the access portal: approve the login there. "
                                                "Waiting…"))
        self._task = asyncio.ensure_future(self._login(self._conn, _secret_store(self), device, self._cancel))
        self.completeChanged.emit()
        return self._task

    def cancel_login(self) -> None:
        self._cancel.set()
        self._set_status(translate("sso_pages", "Login cancelled."))

    async def _login(self, conn, secret_store, device: bool, cancel: threading.Event) -> None:
        from wizard.core import sso_login

        loop = asyncio.get_running_loop()

        def open_browser(url: str) -> bool:  # called by the worker: the browser is opened on the GUI thread
            loop.call_soon_threadsafe(self.open_url, url)
            return True

        def show_device_code(found) -> None:
            loop.call_soon_threadsafe(self._show_device, found)

        work = functools.partial(sso_login.login, sso_target(conn), sso_owner(conn), _token_store(secret_store),
                                 open_browser=None if device else open_browser, show_device_code=show_device_code,
                                 cancel=cancel)
        try:
            await _in_worker(loop, work)
        except asyncio.CancelledError:
            cancel.set()
            raise
        except sso_login.SsoLoginError as exc:
            self._set_status(translate("sso_pages", "Login cancelled.") if exc.code == "cancelled" else _explain(exc, "sso-login"))
        except Exception as exc:  # noqa: BLE001 - shown as its diagnosis (never a token)
            self._set_status(_explain(exc, "sso-login"))
        else:
            self._logged_in = True
            self._show_device(None)
            self._set_status(translate("sso_pages", "Logged in. The tokens are in the keychain; Next picks the account "
                                                "and role."))
        finally:
            if self._task is asyncio.current_task():  # not replaced by a newer login meanwhile
                self._task = None
                self._set_busy(False)
            self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self._cancel.set()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._set_busy(False)


class SsoRolePage(QWizardPage):
    """The accounts and roles the login allows (ListAccounts, ListAccountRoles), searchable; one role is picked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("sso_pages", "Which account and role?"))
        self.setSubTitle(translate("sso_pages", "The accounts and roles your IAM Identity Center login allows. Type "
                                                "to search by account name, account ID or role."))
        self._task: asyncio.Future | None = None
        self._wanted = ("", "")  # (account id, role) to select when the lists arrive (editing a profile)
        layout = QVBoxLayout(self)
        line, self.search = search_line(
            self, translate("sso_pages", "&Search:"), "sso-role-search",
            translate("sso_pages", "Search accounts and roles"), translate("sso_pages", "an account name, an account ID or a role"))
        layout.addLayout(line)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("sso-roles")
        self.tree.setAccessibleName(translate("sso_pages", "Accounts and roles"))
        self.tree.setAccessibleDescription(translate("fields", fields.field("sso_role_name").help))
        self.tree.setHeaderLabels([translate("sso_pages", "Account / role"), translate("sso_pages", "Account ID")])
        self.tree.setColumnWidth(0, 380)
        layout.addWidget(self.tree, 1)
        self.status = QLabel(self)
        self.status.setObjectName("sso-role-status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.search.textChanged.connect(self._filter)
        self.tree.currentItemChanged.connect(lambda *_: self.completeChanged.emit())

    def load(self, conn) -> None:
        self._wanted = (conn.sso_account_id, conn.sso_role_name)

    def preferred_focus(self):
        return self.search

    def selected(self) -> tuple[str, str]:
        item = self.tree.currentItem()
        found = item.data(0, ROLE_DATA) if item is not None else None
        return tuple(found) if found else ("", "")

    def isComplete(self) -> bool:
        return all(self.selected())

    def apply(self, draft) -> None:
        account_id, role = self.selected()
        if account_id:
            draft.apply({"sso_account_id": account_id, "sso_role_name": role})

    def initializePage(self) -> None:
        conn = self.wizard().draft.connection
        if conn.sso_account_id:
            self._wanted = (conn.sso_account_id, conn.sso_role_name)
        self.tree.clear()
        self.status.setText(translate("sso_pages", "Loading the accounts and roles…"))
        self._task = asyncio.ensure_future(self._load(conn, _secret_store(self)))

    def cleanupPage(self) -> None:
        self.apply(self.wizard().draft)
        if self._task is not None:
            self._task.cancel()
            self._task = None

    @staticmethod
    def _lists(conn, secret_store):
        from wizard.core import sso_roles

        source = SsoRole(conn, secret_store)
        token, _state = source.token()
        target = sso_target(conn)
        return [(account, sso_roles.list_account_roles(target, token, account.account_id))
                for account in sso_roles.list_accounts(target, token)]

    async def _load(self, conn, secret_store) -> None:
        loop = asyncio.get_running_loop()
        try:
            found = await _in_worker(loop, self._lists, conn, secret_store)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - shown as its diagnosis
            self.status.setText(_explain(exc, "sso-accounts"))
            return
        finally:
            self._task = None
        self._fill(found)

    def _fill(self, found) -> None:
        self.tree.clear()
        chosen = None
        for account, roles in found:
            top = QTreeWidgetItem([account.name or account.account_id, account.account_id])
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.tree.addTopLevelItem(top)
            for role in roles:
                item = QTreeWidgetItem([role.role_name, account.account_id])
                item.setData(0, ROLE_DATA, (account.account_id, role.role_name))
                top.addChild(item)
                if (account.account_id, role.role_name) == self._wanted:
                    chosen = item
        self.tree.expandAll()
        count = sum(len(roles) for _account, roles in found)
        self.status.setText(
            translate("sso_pages", "{accounts} accounts, {roles} roles.").format(accounts=len(found), roles=count)
            if found else translate("sso_pages", "This login allows no account: ask the IAM Identity Center "
                                                 "administrator for an assignment."))
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._filter(self.search.text())
        self.completeChanged.emit()

    def roles_shown(self) -> list[tuple[str, str]]:
        shown = []
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            if item.data(0, ROLE_DATA) and not item.isHidden():
                shown.append(tuple(item.data(0, ROLE_DATA)))
            it += 1
        return shown

    def select(self, account_id: str, role: str) -> bool:
        it = QTreeWidgetItemIterator(self.tree)
        while it.value():
            item = it.value()
            if item.data(0, ROLE_DATA) and tuple(item.data(0, ROLE_DATA)) == (account_id, role):
                self.tree.setCurrentItem(item)
                return True
            it += 1
        return False

    def _filter(self, text: str) -> None:
        words = text.lower().split()
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            account = f"{top.text(0)} {top.text(1)}".lower()
            any_shown = False
            for child_index in range(top.childCount()):
                child = top.child(child_index)
                haystack = f"{account} {child.text(0).lower()}"
                hidden = not all(w in haystack for w in words)
                child.setHidden(hidden)
                any_shown = any_shown or not hidden
            top.setHidden(not any_shown)
