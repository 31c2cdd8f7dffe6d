"""The connection wizard: method, credentials, service, region, test, summary.

The flow is `wizard.core.flow`'s: each page writes into the wizard's `draft` when Next (or Back) is taken, and the next
page is chosen from the draft, so a page always shows what the draft holds. Pages only display what `wizard.core`
decides. The result is read with `connection()` and `secrets()`; Finish emits `finished_connection(name, connection,
secrets)` and then closes the wizard (saving is done by whoever listens). See docs/architecture.md.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from enum import IntEnum

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QWizard

from wizard import APP_TITLE
from wizard.core import flow
from wizard.core.connection import Connection, Secrets
from wizard.ui.app_icon import ICON_NAME, app_icon  # noqa: F401 - kept names
from wizard.ui.credentials_page import CredentialsPage
from wizard.ui.method_page import MethodPage
from wizard.ui.region_page import RegionPage
from wizard.ui.service_page import ServicePage
from wizard.ui.sso_pages import SsoLoginPage, SsoRolePage
from wizard.ui.summary_page import SummaryPage
from wizard.ui.test_page import TestPage
from wizard.ui.translator import translate

DEFAULT_SIZE = QSize(860, 640)


MINIMUM_SIZE = QSize(720, 560)


class PageId(IntEnum):
    METHOD = 0
    CREDENTIALS = 1
    SERVICE = 2
    REGION = 3
    TEST = 4
    SUMMARY = 5
    SSO_LOGIN = 6
    SSO_ROLE = 7


PAGE_IDS = {flow.METHOD: PageId.METHOD, flow.CREDENTIALS: PageId.CREDENTIALS, flow.SERVICE: PageId.SERVICE,
            flow.REGION: PageId.REGION, flow.TEST: PageId.TEST, flow.SUMMARY: PageId.SUMMARY,
            flow.SSO_LOGIN: PageId.SSO_LOGIN, flow.SSO_ROLE: PageId.SSO_ROLE}
PAGE_NAMES = {pid: name for name, pid in PAGE_IDS.items()}
FLOW = tuple(PAGE_IDS[name] for name in flow.path(flow.Draft()))  # the walk of a new (access-key) draft


def practice_connection(practice, endpoint_url: str = "") -> tuple[Connection, Secrets]:
    """A connection pre-filled from practice mode's values (the local emulator's user, role and bucket)."""
    conn = Connection(
        method="access-key",
        region=getattr(practice, "region", "") or "us-east-1",
        service="s3",
        access_key_id=practice.access_key_id,
        role=getattr(practice, "role_name", ""),
        role_arn=getattr(practice, "cross_role_arn", ""),
        external_id=getattr(practice, "external_id", ""),
        bucket=getattr(practice, "bucket", ""),
    )
    conn.network.endpoint_url = endpoint_url or getattr(practice, "endpoint_url", "")
    return conn, Secrets(secret_access_key=practice.secret_access_key)


class ConnectionWizard(QWizard):
    """New connection (nothing given) or edit one (`connection` and `secrets` given).

    `practice`: practice mode's values (wizard.practice.aws_emulator.PracticeValues) to pre-fill when no connection is
    given. `saved_profiles`: names of saved connections (offered as a cross-account source; a new name must differ).
    `profile_name`: the name being edited (kept unless the user changes it). `endpoint_url`: given to the connection
    (a VPC endpoint, or practice mode's emulator). `instance_environ`: where the EC2 instance check looks (tests point
    it at a local metadata emulator). `profile_store`, `secret_store`: where the test finds a cross-account source
    profile's keys (the default stores when not given).
    """

    finished_connection = Signal(str, object, object)  # profile name, Connection, Secrets

    def __init__(
        self,
        parent=None,
        *,
        connection: Connection | None = None,
        secrets: Secrets | None = None,
        practice=None,
        saved_profiles=(),
        profile_name: str = "",
        endpoint_url: str = "",
        instance_environ: Mapping[str, str] | None = None,
        profile_store=None,
        secret_store=None,
        proxy_password: str = "",
    ):
        super().__init__(parent)
        self.practice = practice
        self.proxy_password = proxy_password  # in memory; kept in the keychain only when the connection is saved
        self.mfa_memory = None  # the MFA session / MFA-assumed role the test won (MfaMemory), for the wizard's life
        self.network_dialog = None  # the "Advanced: network" dialog while it is open
        self.instance_environ = instance_environ if instance_environ is not None else os.environ
        self.stores = {k: v for k, v in (("profile_store", profile_store), ("secret_store", secret_store))
                       if v is not None}
        if connection is None and practice is not None:
            connection, secrets = practice_connection(practice, endpoint_url)
        self._base = copy.deepcopy(connection) if connection is not None else Connection()
        if endpoint_url:
            self._base.network.endpoint_url = endpoint_url
        self.setWindowTitle(APP_TITLE + (translate("wizard", " \u2014 practice mode") if practice is not None else ""))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        icon = app_icon()
        if not icon.isNull():
            self.setWindowIcon(icon)
            self.setPixmap(QWizard.WizardPixmap.LogoPixmap, icon.pixmap(48, 48))
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setMinimumSize(MINIMUM_SIZE)
        self.resize(DEFAULT_SIZE)

        self.method_page = MethodPage()
        self.credentials_page = CredentialsPage()
        self.service_page = ServicePage()
        self.region_page = RegionPage()
        self.summary_page = SummaryPage()
        if practice is not None:
            self.method_page.setSubTitle(translate("wizard", "Practice mode: the values are filled in for you, and the "
                                                             "test talks to a local "
                                         "AWS emulator on 127.0.0.1; nothing reaches AWS."))
        self.setPage(PageId.METHOD, self.method_page)
        self.setPage(PageId.CREDENTIALS, self.credentials_page)
        self.sso_login_page = SsoLoginPage()
        self.sso_role_page = SsoRolePage()
        self.setPage(PageId.SSO_LOGIN, self.sso_login_page)
        self.setPage(PageId.SSO_ROLE, self.sso_role_page)
        self.setPage(PageId.SERVICE, self.service_page)
        self.setPage(PageId.REGION, self.region_page)
        self.test_page = TestPage()
        self.setPage(PageId.TEST, self.test_page)
        self.setPage(PageId.SUMMARY, self.summary_page)
        self.setStartId(PageId.METHOD)
        self.currentIdChanged.connect(self._focus_page)
        self.region_page.network_requested.connect(self.open_network_settings)

        names = [n for n in saved_profiles if n != profile_name]
        self.credentials_page.set_saved_profiles(names)
        self.summary_page.taken_names = set(names)
        self.draft = flow.Draft(copy.deepcopy(self._base), copy.deepcopy(secrets or Secrets()))
        self._load(self._base, secrets or Secrets())
        if profile_name:
            self.summary_page.set_profile_name(profile_name)

    def _load(self, conn: Connection, secrets: Secrets) -> None:
        self.method_page.set_method(conn.method)
        self.credentials_page.load(conn, secrets)
        self.sso_role_page.load(conn)
        self.service_page.load(conn)
        self.region_page.set_region(conn.region)
        self._show_network()

    # ---- the result ---------------------------------------------------------------------------------------------
    def _live_draft(self) -> flow.Draft:
        """The draft with the current page's values applied (what Next would give now)."""
        draft = self.draft.copy()
        page = self.currentPage()
        if page is not None and hasattr(page, "apply"):
            page.apply(draft)
        return draft

    def connection(self) -> Connection:
        """The connection as entered so far (non-secret settings; network settings kept from the one being edited;
        fields the chosen method and service don't use left out)."""
        return self._live_draft().result()[0]

    def secrets(self) -> Secrets:
        """The secrets as entered (empty for a cross-account connection, which carries no keys)."""
        return self._live_draft().result()[1]

    def profile_name(self) -> str:
        return self.summary_page.profile_name()

    def connection_for_test(self) -> Connection:
        """The connection with the proxy's password in memory (never saved with it): what the test page tests."""
        from wizard.core.proxy_auth import with_password

        return with_password(self.connection(), self.proxy_password)

    # ---- network settings ---------------------------------------------------------------------------------------
    def open_network_settings(self):
        """Open the "Advanced: network" dialog (window-modal, not a nested loop); OK puts its values into the draft.
        Returns the dialog."""
        from wizard.ui.network_dialog import NetworkDialog

        dialog = NetworkDialog(self.connection().network, self.proxy_password, self)
        dialog.accepted.connect(lambda: self._network_chosen(dialog))
        dialog.finished.connect(lambda _code: self._network_closed(dialog))
        self.network_dialog = dialog
        dialog.open()
        return dialog

    def _network_chosen(self, dialog) -> None:
        self.draft.apply(dialog.values())
        self.proxy_password = dialog.password()
        self._show_network()

    def _network_closed(self, dialog) -> None:
        if self.network_dialog is dialog:
            self.network_dialog = None
        dialog.deleteLater()
        self.region_page.network_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_network(self) -> None:
        from wizard.ui.network_dialog import network_summary

        self.region_page.network_summary.setText(network_summary(self.draft.connection.network))

    # ---- the keychain -------------------------------------------------------------------------------------------
    def set_keychain_problem(self, text: str) -> None:
        """Say on the first page and the summary page that the keychain can't be used now ("" clears the notice)."""
        self.method_page.set_keychain_notice(text)
        self.summary_page.set_keychain_notice(text)

    def offer_retry(self, text: str) -> None:
        """Saving failed: the wizard is shown again on its summary page with everything typed, the reason, and Finish
        renamed Retry."""
        self.summary_page.set_save_problem(text)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Retry"))

    def test_options(self) -> dict:
        """`wizard.core.credentials.plan_test`'s options for the test page: where the EC2 checks look, where a
        cross-account source profile's keys are (read by the test itself, off the GUI thread), and where an MFA
        session won by a test is kept, so Test again in this wizard needs no new code (saved with the profile)."""
        if self.mfa_memory is None:
            from wizard.core.mfa_session import MfaMemory

            self.mfa_memory = MfaMemory()
        return {"environ": self.instance_environ, **self.stores, "mfa_memory": self.mfa_memory}

    # ---- flow ---------------------------------------------------------------------------------------------------
    def _present(self) -> tuple[str, ...]:
        return tuple(name for name, pid in PAGE_IDS.items() if self.page(pid) is not None)

    def nextId(self) -> int:
        name = PAGE_NAMES.get(self.currentId())
        if name is None:
            return -1
        following = flow.next_page(name, self._live_draft(), self._present())
        return int(PAGE_IDS[following]) if following is not None else -1

    def validateCurrentPage(self) -> bool:
        """Next or Finish: the page's values go into the draft before the next page is chosen and shown."""
        if not super().validateCurrentPage():
            return False
        page = self.currentPage()
        if hasattr(page, "apply"):
            page.apply(self.draft)
        return True

    def cleanupPage(self, page_id: int) -> None:
        """Back: what was entered on the page is kept in the draft too."""
        page = self.page(page_id)
        if hasattr(page, "apply"):
            page.apply(self.draft)
        super().cleanupPage(page_id)

    def _focus_page(self, _page_id: int) -> None:
        """QWizard gives the focus to the page's first focusable child, even a hidden one (a field of another method)
        or an unchecked choice: move it to the page's `preferred_focus()` if it has one, else to the first visible
        focusable child, so typing always lands where the user sees it."""
        page, focus = self.currentPage(), self.focusWidget()
        preferred = getattr(page, "preferred_focus", None)
        if callable(preferred) and preferred() is not None:
            preferred().setFocus(Qt.FocusReason.TabFocusReason)
            return
        if page is None or (focus is not None and focus.isVisible() and page.isAncestorOf(focus)):
            return
        candidate = page.nextInFocusChain()
        for _ in range(500):
            if candidate is None or candidate is page:
                break
            if page.isAncestorOf(candidate) and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus and \
                    candidate.isVisible() and candidate.isEnabled():
                candidate.setFocus(Qt.FocusReason.TabFocusReason)
                return
            candidate = candidate.nextInFocusChain()

    def accept(self) -> None:
        self.finished_connection.emit(self.profile_name(), self.connection(), self.secrets())
        super().accept()
