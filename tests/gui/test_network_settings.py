"""The wizard's "Advanced: network" settings, the S3 page's promise, the keychain notice, and accessibility of the
remaining pages (names and tab order), driven as a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QWidget

from tests.gui.test_accessible_names import unnamed
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.ui.network_dialog import NetworkDialog
from wizard.ui.wizard import PageId

pytestmark = [pytest.mark.gui]
TIMEOUT = 20000


def to_region_page(qtbot, wizard):
    for page in (PageId.CREDENTIALS, PageId.SERVICE, PageId.REGION):
        wizard.next()
        qtbot.waitUntil(lambda page=page: wizard.currentId() == page, timeout=TIMEOUT)


def open_network(qtbot, wizard, keys) -> NetworkDialog:
    keys.alt("a")  # "&Advanced: network…"
    qtbot.waitUntil(lambda: wizard.network_dialog is not None and wizard.network_dialog.isVisible(), timeout=TIMEOUT)
    return wizard.network_dialog


def test_network_settings_from_the_region_page_reach_the_test_and_never_the_saved_url(open_wizard, qtbot, tmp_path):
    bundle = tmp_path / "company-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    conn = Connection(access_key_id="AKIAIOSFODNN7EXAMPLE")
    wizard, keys = open_wizard(connection=conn, secrets=Secrets("x" * 40))
    to_region_page(qtbot, wizard)
    dialog = open_network(qtbot, wizard, keys)
    proxy = dialog.form.rows["proxy"].editor
    proxy.setFocus()
    qtbot.keyClicks(proxy, "http://robot:s3cret@127.0.0.1:3128")  # pasted with user:password: split into fields
    assert proxy.text() == "http://127.0.0.1:3128"
    assert dialog.form.rows["proxy_user"].editor.text() == "robot" and dialog.password_edit.text() == "s3cret"
    chooser = dialog.choose_ca_bundle()  # Browse…: Qt's own chooser (non-native here), window-modal
    assert isinstance(chooser, QFileDialog) and chooser.testOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.waitUntil(chooser.isVisible, timeout=TIMEOUT)
    chooser.selectFile(str(bundle))
    chooser.accept()
    assert dialog.form.rows["ca_bundle"].editor.text() == str(bundle)
    timeout = dialog.form.rows["connect_timeout"].editor
    timeout.setFocus()
    timeout.selectAll()
    qtbot.keyClicks(timeout, "0")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "more than 0" in dialog.form.rows["connect_timeout"].message.text()
    timeout.selectAll()
    qtbot.keyClicks(timeout, "4.5")
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: wizard.network_dialog is None, timeout=TIMEOUT)
    net = wizard.connection().network
    assert (net.proxy, net.proxy_user, net.ca_bundle, net.connect_timeout) == (
        "http://127.0.0.1:3128", "robot", str(bundle), 4.5)
    assert "s3cret" not in str(wizard.connection().to_dict())
    assert wizard.connection_for_test().network.proxy_password == "s3cret"  # what the test page tests
    assert "proxy http://127.0.0.1:3128 as robot" in wizard.region_page.network_summary.text()


def test_edit_shows_the_saved_network_settings_and_password(open_wizard, qtbot):
    conn = Connection(access_key_id="AKIAIOSFODNN7EXAMPLE", network=NetworkSettings(
        proxy="http://127.0.0.1:3128", proxy_user="robot", endpoint_url="http://127.0.0.1:9", read_timeout=12))
    wizard, keys = open_wizard(connection=conn, secrets=Secrets("x" * 40), profile_name="p", proxy_password="pw")
    assert "as robot" in wizard.region_page.network_summary.text()
    to_region_page(qtbot, wizard)
    dialog = open_network(qtbot, wizard, keys)
    values = dialog.values()
    assert (values["proxy_user"], values["endpoint_url"], float(values["read_timeout"])) == (
        "robot", "http://127.0.0.1:9", 12.0)
    assert dialog.password() == "pw"
    dialog.reject()


@pytest.mark.parametrize(("bucket", "expected", "not_expected"), [
    ("", "ListBuckets", "ListObjectsV2"),
    ("my-team-reports", "ListObjectsV2", "ListBuckets"),
])
def test_s3_page_says_the_one_call_the_test_makes(open_wizard, qtbot, bucket, expected, not_expected):
    wizard, _keys = open_wizard()
    wizard.service_page.load(Connection(service="s3", bucket=bucket))
    text = wizard.service_page.probe.text()
    assert expected in text and not_expected not in text and "Then" not in text


def test_keychain_notice_on_the_first_and_summary_pages(open_wizard):
    wizard, _keys = open_wizard()
    assert not wizard.method_page.keychain_notice.isVisible()
    wizard.set_keychain_problem("The keychain is locked.")
    assert wizard.method_page.keychain_notice.isVisible()
    assert "keychain is locked" in wizard.method_page.keychain_notice.text()
    assert "keychain is locked" in wizard.summary_page.keychain_notice.text()


def focus_order(page: QWidget) -> list[QWidget]:
    """The visible focusable widgets of `page`, in the order Tab visits them."""
    order, widget = [], page.nextInFocusChain()
    for _ in range(500):
        if widget is page:
            break
        if page.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() and \
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget not in order:
            order.append(widget)
        widget = widget.nextInFocusChain()
    return order


def _rect(w: QWidget, page: QWidget):
    top_left = w.mapTo(page, w.rect().topLeft())
    return top_left.x(), top_left.y(), top_left.x() + w.width(), top_left.y() + w.height()


def reads_before(a: QWidget, b: QWidget, page: QWidget) -> bool:
    """True when `a` is read before `b`: wholly above it, or on the same line (their heights overlap) and left of it."""
    ax, ay, ax2, ay2 = _rect(a, page)
    bx, by, bx2, by2 = _rect(b, page)
    if ay2 <= by + 2:
        return True
    overlap = min(ay2, by2) - max(ay, by) > 0
    return overlap and ax2 <= bx + 2


def assert_tab_follows_reading(page: QWidget, what: str) -> None:
    """Tab visits the page's widgets in reading order: no widget is reached before one that reads before it."""
    order = focus_order(page)
    assert order, what
    wrong = [(f"{type(a).__name__}:{a.objectName()}", f"{type(b).__name__}:{b.objectName()}")
             for i, a in enumerate(order) for b in order[i + 1:] if reads_before(b, a, page)]
    assert wrong == [], (what, wrong)


def test_test_summary_and_network_pages_name_every_widget_and_tab_in_reading_order(open_wizard, qtbot):
    QAccessible.setActive(True)
    wizard, keys = open_wizard(connection=Connection(access_key_id="AKIAIOSFODNN7EXAMPLE"),
                               secrets=Secrets("x" * 40))
    for page_id in (PageId.METHOD, PageId.CREDENTIALS, PageId.SERVICE):
        assert_tab_follows_reading(wizard.currentPage(), page_id.name)
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.REGION, timeout=TIMEOUT)
    assert_tab_follows_reading(wizard.currentPage(), "REGION")
    dialog = open_network(qtbot, wizard, keys)
    assert unnamed(dialog) == [], "network settings"
    assert_tab_follows_reading(dialog, "network settings")
    dialog.reject()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.TEST, timeout=TIMEOUT)
    assert unnamed(wizard) == [], "test page"
    assert_tab_follows_reading(wizard.currentPage(), "TEST")
    wizard.test_page.save_without_testing()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.SUMMARY, timeout=TIMEOUT)
    wizard.set_keychain_problem("No usable keychain.")
    QApplication.processEvents()
    assert unnamed(wizard) == [], "summary page"
    assert_tab_follows_reading(wizard.currentPage(), "SUMMARY")
