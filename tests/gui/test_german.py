"""The window in German (and English): every wizard page and the manager at their default size, with no clipped label
or button and no Alt+letter bound twice; Alt+N (English) or Alt+W (German, "Weiter") takes Next."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenuBar,
    QTabBar,
    QToolButton,
    QWidget,
    QWizard,
)

from tests.gui.test_manager import TIMEOUT, details_rows, run_test, seed, table
from tests.gui.test_sso_wizard import sso_env  # noqa: F401 - the IAM Identity Center emulator, reached by the window
from tests.support.aws import practice_connection
from tests.support.sso import sso  # noqa: F401
from wizard.core import i18n
from wizard.core.connection import Secrets
from wizard.ui.test_view import ERROR, FINISHED
from wizard.ui.translator import install_translators, translate
from wizard.ui.wizard import PageId

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration]

MNEMONIC = re.compile(r"(?<!&)&(?!&)(\w)")
NEXT_KEY = {"en": "n", "de": "w"}
SSO_PAGES = (PageId.SSO_LOGIN, PageId.SSO_ROLE)  # walked by test_the_sso_pages_fit_and_bind_each_letter_once


@pytest.fixture(params=["en", "de"])
def language(request, qapp):
    """The window's language for one test: the program's words and Qt's own, then back to the source language."""
    chosen = install_translators(qapp, request.param)
    assert chosen == request.param
    yield request.param
    for old in getattr(qapp, "_wizard_translators", ()):
        qapp.removeTranslator(old)
    qapp._wizard_translators = []
    i18n.set_language(None)
    QLocale.setDefault(QLocale.system())


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def mnemonics(root: QWidget) -> dict[str, list[str]]:
    """{letter: [texts]} of the Alt+letters the visible widgets under `root` (and root) answer to."""
    found: dict[str, list[str]] = {}

    def note(text: str) -> None:
        match = MNEMONIC.search(text or "")
        if match:
            found.setdefault(match.group(1).lower(), []).append(text)

    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            note(widget.text())
        elif isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            continue  # a toolbar's buttons show their action's text without mnemonic (the menu has them)
        elif isinstance(widget, QAbstractButton):
            note(widget.text())
        elif isinstance(widget, QGroupBox):
            note(widget.title())
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.isTabVisible(index):
                    note(widget.tabText(index))
        elif isinstance(widget, QMenuBar):
            for action in widget.actions():
                note(action.text())
    return found


def duplicates(root: QWidget) -> dict[str, list[str]]:
    return {letter: texts for letter, texts in mnemonics(root).items() if len(texts) > 1}


def clipped(root: QWidget, checked: list | None = None) -> list[str]:
    """Visible labels and buttons smaller than their minimum size hint, or wrapped labels too short for their text.
    `checked` collects the widgets looked at."""
    problems = []
    checked = [] if checked is None else checked
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QAbstractButton)) or not _shown(widget):
            continue
        if isinstance(widget, QLabel) and not widget.text().strip():
            continue
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            continue  # a toolbar's overflow handles its own buttons
        checked.append(widget)
        hint = widget.minimumSizeHint()
        size = widget.size()
        short = size.width() + 1 < hint.width() or size.height() + 1 < hint.height()
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.hasHeightForWidth():
            short = short or widget.heightForWidth(size.width()) > size.height() + 1
        if short:
            text = widget.text() if hasattr(widget, "text") else ""
            problems.append(f"{type(widget).__name__} {text[:60]!r}: {size.width()}x{size.height()} "
                            f"< hint {hint.width()}x{hint.height()}")
    return problems


def settle(qtbot) -> None:
    QApplication.processEvents()
    qtbot.wait(30)
    QApplication.processEvents()


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_every_wizard_page_fits_and_binds_each_letter_once(open_wizard, qtbot, aws_emulator, language, method):
    conn, secrets = practice_connection(aws_emulator, method)
    wizard, _keys = open_wizard(connection=conn, secrets=secrets)
    wizard.method_page.set_method(method)
    problems = {}
    for page_id in (p for p in PageId if p not in SSO_PAGES):  # these methods skip IAM Identity Center's pages
        qtbot.waitUntil(lambda page_id=page_id: wizard.currentId() == page_id, timeout=TIMEOUT)
        if page_id == PageId.TEST:  # the test against the local emulator runs to its end; its result is on the page
            qtbot.waitUntil(lambda: wizard.test_page.view.state in (FINISHED, ERROR), timeout=TIMEOUT)
        settle(qtbot)
        page, checked = page_id.name, []
        if duplicates(wizard):
            problems[f"{page}: duplicate mnemonics"] = duplicates(wizard)
        if clipped(wizard, checked):
            problems[f"{page}: clipped"] = clipped(wizard)
        assert len(checked) >= 4, f"{page}: only {len(checked)} labels and buttons shown"
        assert len(mnemonics(wizard)) >= 2, page  # Back/Next/Finish at least
        if page_id != PageId.SUMMARY:
            wizard.next()
    assert problems == {}, f"{language}: {problems}"


def test_alt_next_letter_takes_next(open_wizard, qtbot, language):
    wizard, keys = open_wizard()
    assert wizard.currentId() == PageId.METHOD
    next_text = wizard.button(QWizard.WizardButton.NextButton).text()
    assert MNEMONIC.search(next_text).group(1).lower() == NEXT_KEY[language], next_text
    assert duplicates(wizard) == {}
    keys.alt(NEXT_KEY[language])
    keys.wait_page(PageId.CREDENTIALS)


def test_the_manager_fits_and_binds_each_letter_once(qtbot, open_manager, stores, aws_emulator, language):
    store, secret_store = stores
    win = open_manager()
    problems = {}

    def look(state: str) -> None:
        settle(qtbot)
        _fits_once(win, state, problems)

    look("empty")
    conn, secrets = practice_connection(aws_emulator)
    seed(qtbot, win, store, secret_store, "working", conn, secrets)
    seed(qtbot, win, store, secret_store, "wrong-secret", conn, Secrets("z" * 40))
    look("with profiles")
    run_test(qtbot, win, store, "wrong-secret")
    for index in range(win.details.count()):
        win.details.setCurrentIndex(index)
        look(f"after a failed test, tab {index}")
    assert problems == {}, f"{language}: {problems}"


def test_the_manager_says_when_in_the_language(qtbot, open_manager, stores, aws_emulator, language):
    """The values in the table and the details are said in the window's language too: "just now" and "N min ago" on
    one clock, the failed test's status (made with a value, translated as one text)."""
    import time

    store, secret_store = stores
    win = open_manager()
    conn, _secrets = practice_connection(aws_emulator)
    seed(qtbot, win, store, secret_store, "wrong-secret", conn, Secrets("z" * 40))
    untested = {"en": "Untested", "de": "Ungetestet"}[language]
    assert table(win)["wrong-secret"][4] == untested
    run_test(qtbot, win, store, "wrong-secret")
    failed = {"en": "✗ Failed: wrong-secret-key · ", "de": "✗ Fehlgeschlagen: wrong-secret-key · "}[language]
    now = {"en": "just now", "de": "gerade eben"}[language]
    assert table(win)["wrong-secret"][4] == failed + now
    assert details_rows(win)["Status:"] == failed + now
    win.details.refresh_times(time.time() + 5 * 60 + 10)
    assert details_rows(win)["Status:"] == failed + {"en": "5 min ago", "de": "vor 5 min"}[language]


def test_a_fields_message_with_a_number_is_in_the_language(open_wizard, qtbot, language):
    """A validation message made with values (how many characters there are and must be) reads as one sentence in the
    window's language."""
    wizard, keys = open_wizard()
    wizard.method_page.set_method("access-key")
    wizard.next()
    keys.wait_page(PageId.CREDENTIALS)
    row = wizard.credentials_page.rows["access_key_id"]
    row.editor.setFocus()
    row.editor.selectAll()
    row.editor.insert("AKIA12")  # as typed: textEdited fires
    wizard.credentials_page.rows["secret_access_key"].editor.setFocus()
    expected = {
        "en": "Error: This has 6 characters; an access key ID has at least 16. Copy all of it.",
        "de": "Fehler: Dieser Wert hat 6 Zeichen; eine Zugriffsschlüssel-ID hat mindestens 16. Kopieren Sie den "
              "ganzen Wert.",
    }[language]
    qtbot.waitUntil(lambda: row.message.text() == expected, timeout=TIMEOUT)


def test_check_this_machine_reports_in_the_language(qtbot, qloop, language):
    """The "Check this machine" panel's findings (made with the address it asked) in the window's language."""
    from wizard.practice.imds_emulator import ImdsEmulator
    from wizard.ui.machine_check import MachineCheckPanel

    with ImdsEmulator("down") as imds:
        panel = MachineCheckPanel(lambda: "", lambda: {"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url})
        qtbot.addWidget(panel)
        panel.show()
        panel.start()
        qtbot.waitUntil(lambda: panel.report is not None, timeout=TIMEOUT)
    expected = {
        "en": f"Error: This machine does not look like an EC2 instance: nothing answers at {imds.url} (connection "
              "refused or no route).",
        "de": f"Fehler: Dieser Rechner sieht nicht wie eine EC2-Instanz aus: unter {imds.url} antwortet nichts "
              "(Verbindung abgelehnt oder keine Route).",
    }[language]
    assert panel.result.text().startswith(expected), panel.result.text()


def test_german_words_reach_the_window(open_wizard, language):
    """The catalogue is in use: the page's title and Qt's own Next button speak the chosen language."""
    wizard, _keys = open_wizard()
    title = wizard.method_page.title()
    expected = {"en": "How will this computer sign in to AWS?", "de": "Wie meldet sich dieser Computer bei AWS an?"}
    assert title == expected[language]
    assert wizard.button(QWizard.WizardButton.NextButton).text().replace("&", "").startswith(
        {"en": "Next", "de": "Weiter"}[language])


def _fits_once(root: QWidget, state: str, problems: dict) -> None:
    """Note in `problems` the Alt+letters bound twice and the clipped labels of `root` as shown now."""
    checked = []
    clipped(root, checked)
    assert checked, state
    if duplicates(root):
        problems[f"{state}: duplicate mnemonics"] = duplicates(root)
    if clipped(root):
        problems[f"{state}: clipped"] = clipped(root)


def test_the_sso_pages_fit_and_bind_each_letter_once(open_wizard, qtbot, sso_env, stores, aws_emulator,  # noqa: F811
                                                     language):
    """The IAM Identity Center login (before it, and showing a device code) and the account and role picker."""
    from tests.gui.test_sso_wizard import _connection
    from tests.support.sso import approve_device

    wizard, keys = open_wizard(connection=_connection(sso_env, aws_emulator.url), profile_store=stores[0],
                               secret_store=stores[1])
    keys.alt(NEXT_KEY[language])
    keys.wait_page(PageId.CREDENTIALS)
    keys.alt(NEXT_KEY[language])
    keys.wait_page(PageId.SSO_LOGIN)
    page = wizard.sso_login_page
    not_yet = translate("sso_pages", "Not logged in yet: choose how to log in.")
    qtbot.waitUntil(lambda: page.status.text() == not_yet, timeout=TIMEOUT)
    problems = {}
    settle(qtbot)
    _fits_once(wizard, "sso login", problems)
    page.start_login(device=True)
    qtbot.waitUntil(lambda: page.device is not None and page.code_label.isVisible(), timeout=TIMEOUT)
    settle(qtbot)
    _fits_once(wizard, "sso device code", problems)
    approve_device(page.device.verification_uri_complete)
    qtbot.waitUntil(lambda: page.logged_in and keys.next_enabled(), timeout=TIMEOUT)
    keys.alt(NEXT_KEY[language])
    keys.wait_page(PageId.SSO_ROLE)
    picker = wizard.sso_role_page
    qtbot.waitUntil(lambda: len(picker.roles_shown()) == 3, timeout=TIMEOUT)
    settle(qtbot)
    _fits_once(wizard, "sso account and role", problems)
    assert problems == {}, f"{language}: {problems}"


def test_the_mfa_code_dialog_fits_and_binds_each_letter_once(qtbot, language):
    from wizard.ui.mfa_prompt import MfaCodeDialog

    dialog = MfaCodeDialog("arn:aws:iam::123456789012:mfa/practice-user", profile_name="working")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(qtbot)
    problems = {}
    _fits_once(dialog, "mfa code", problems)
    assert mnemonics(dialog), "the code field has its Alt+letter"
    assert problems == {}, f"{language}: {problems}"


def test_import_reasons_and_a_diagnosis_with_a_value_are_in_the_language(qtbot, language):
    """The Import dialog's reasons for not importing a profile and a clock-skew diagnosis (its minutes put into one
    catalogue text) in the window's language."""
    from tests.unit.test_diagnoses import client_error
    from wizard.core import awsconfig
    from wizard.core.diagnoses import diagnose
    from wizard.ui.aws_files_dialogs import ImportDialog
    from wizard.ui.diagnosis_view import DiagnosisView

    plans = awsconfig.plan_import({"tool": {"credential_process": "other-tool --get"},
                                   "empty": {"region": "us-east-1"}})
    dialog = ImportDialog(plans, set(), "config and credentials")
    qtbot.addWidget(dialog)
    lines = sorted(dialog.list.item(i).text() for i in range(dialog.list.count()))
    assert lines == {
        "en": ["empty: not imported: has no credentials",
               "tool: not imported: uses credential_process (another program holds its secret)"],
        "de": ["empty: nicht importiert: hat keine Anmeldedaten",
               "tool: nicht importiert: verwendet credential_process (ein anderes Programm verwahrt sein Geheimnis)"],
    }[language], lines

    view = DiagnosisView()
    qtbot.addWidget(view)
    view.show_diagnosis(diagnose(client_error("SignatureDoesNotMatch", date_offset=20 * 60), step="identity"))
    assert view.summary.text() == {
        "en": "This computer's clock is about 20 minutes behind AWS's time, so AWS refuses the signature",
        "de": "Die Uhr dieses Computers geht etwa 20 Minuten gegenüber der AWS-Zeit nach, deshalb lehnt AWS die "
              "Signatur ab",
    }[language]
