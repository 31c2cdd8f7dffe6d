"""End to end in practice mode, as a newcomer would do it: the manager in practice mode, New, each method's practice
values typed into the wizard, the live test (every step ok), Finish, the profile in the manager (marked practice, in
the practice store, secrets in the real keychain), tested again from there; and one deliberate mistake per method
showing its diagnosis. Everything runs against the local emulators of a PracticeSession; nothing reaches AWS."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QRadioButton, QWizard

from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore
from wizard.ui.diagnosis_view import DiagnosisView
from wizard.ui.manager import ProfileManagerWindow
from wizard.ui.wizard import ConnectionWizard, PageId

pytestmark = [pytest.mark.gui, pytest.mark.keychain, pytest.mark.integration, pytest.mark.timeout(300)]

TIMEOUT = 60_000  # ms; generous: two cores are shared by many processes
STEPS = {
    "access-key": ["identity", "service"],
    "assume-role": ["identity", "assume-role", "assumed-identity", "service", "instance"],
    "cross-account": ["identity", "assume-role", "assumed-identity", "service"],
}


# --- driving the windows ------------------------------------------------------------------------------------------


@pytest.fixture
def manager(qtbot, qloop, decorated):
    window = ProfileManagerWindow(ProfileStore(), SecretStore(), practice=True, emulator=decorated.aws)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.loaded, timeout=TIMEOUT)
    yield window
    window.close()


def open_wizard(qtbot, manager) -> ConnectionWizard:
    manager.actions["new"].trigger()
    found: list = []

    def opened():
        found[:] = [w for w in manager.findChildren(ConnectionWizard) if w.isVisible()]
        return bool(found)

    qtbot.waitUntil(opened, timeout=TIMEOUT)
    return found[0]


def click_next(qtbot, wizard, expected: PageId) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == expected


def type_into(qtbot, wizard, key: str, text: str) -> None:
    """Clear the field and type `text` into it, key by key, as a person pasting or typing would."""
    editor = wizard.findChild(QLineEdit, key)
    assert editor is not None and editor.isVisible(), key
    editor.setFocus()
    editor.selectAll()
    editor.del_()
    qtbot.keyClicks(editor, text)
    assert editor.text() == text


def enter_connection(qtbot, wizard, method: str, values: dict[str, str]) -> None:
    """Method, credentials, service and region pages; ends on the test page with the test started."""
    qtbot.mouseClick(wizard.findChild(QRadioButton, f"method-{method}"), Qt.MouseButton.LeftButton)
    click_next(qtbot, wizard, PageId.CREDENTIALS)
    for key, text in values.items():
        if key == "source":
            combo = wizard.credentials_page.rows["source"].editor
            assert isinstance(combo, QComboBox) and combo.findData(text) >= 0
            combo.setCurrentIndex(combo.findData(text))
        elif key != "bucket":
            type_into(qtbot, wizard, key, text)
    click_next(qtbot, wizard, PageId.SERVICE)
    assert wizard.service_page.service() == "s3"
    type_into(qtbot, wizard, "bucket", values["bucket"])
    click_next(qtbot, wizard, PageId.REGION)
    assert wizard.region_page.region() == "us-east-1"
    click_next(qtbot, wizard, PageId.TEST)


def finished_report(qtbot, wizard):
    view = wizard.test_page.view
    qtbot.waitUntil(lambda: view.state in ("finished", "error"), timeout=TIMEOUT)
    assert view.state == "finished"
    return view.report


def practice_values(session, method: str) -> dict[str, str]:
    p = session.practice
    if method == "access-key":
        values = {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key}
    elif method == "assume-role":
        values = {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key, "role": p.role_name}
    else:  # the source is this computer's default credentials: in practice, the practice instance's role
        values = {"role_arn": p.cross_role_arn, "external_id": p.external_id, "source": "default"}
    values["bucket"] = p.bucket
    return values


def stored(name: str) -> dict:
    data = json.loads(ProfileStore().path.read_text(encoding="utf-8"))
    return next(p for p in data["profiles"] if p["name"] == name)


def select(qtbot, manager, name: str) -> None:
    row = next(i for i, p in enumerate(manager.model.profiles()) if p.name == name)
    rect = manager.table.visualRect(manager.model.index(row, 0))
    qtbot.mouseClick(manager.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: manager.selected_profile() is not None and manager.selected_profile().name == name)


# --- the flows ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["access-key", "assume-role", "cross-account"])
def test_each_method_typed_tested_saved_and_tested_again_from_the_manager(qtbot, manager, decorated, method):
    name = f"practice-{method}"
    wizard = open_wizard(qtbot, manager)
    assert wizard.practice_panel.populated  # the values to paste are beside the pages
    enter_connection(qtbot, wizard, method, practice_values(decorated, method))

    report = finished_report(qtbot, wizard)
    assert [s.name for s in report.steps] == STEPS[method]
    assert [s.status for s in report.steps] == ["ok"] * len(STEPS[method]), report.to_text()
    click_next(qtbot, wizard, PageId.SUMMARY)
    type_into(qtbot, wizard, "profile_name", name)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    qtbot.waitUntil(finish.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)

    # Saved through profiles.save_connection: marked practice, in the practice store, the secret in the keychain.
    qtbot.waitUntil(lambda: any(p.name == name for p in manager.model.profiles()), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not manager.is_busy(), timeout=TIMEOUT)
    saved = stored(name)
    assert saved["practice"] is True and saved["last_result"] == "ok" and not saved["untested"]
    assert ProfileStore().path.parent == decorated.store_home
    profile = ProfileStore().get(name)
    if method != "cross-account":
        assert SecretStore().load(profile.id).secret_access_key == decorated.practice.secret_access_key

    # Tested again from the manager: a new result recorded.
    select(qtbot, manager, name)
    assert not manager.actions["export"].isEnabled()  # practice profiles never go into the AWS config files
    before = saved["tested_at"]
    manager.actions["test"].trigger()
    qtbot.waitUntil(lambda: stored(name)["tested_at"] > before, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not manager.is_busy(), timeout=TIMEOUT)
    assert stored(name)["last_result"] == "ok"
    live = manager.test_view.report
    assert all(s.status == "ok" for s in live.steps), live.to_text()
    assert [s.name for s in live.steps] == STEPS[method]  # the same steps as the wizard's, instance check included


MISTAKES = {
    # mistake: (method, the failing step, the diagnosis code)
    "wrong-secret": ("access-key", "identity", "wrong-secret-key"),
    "untrusting-role": ("assume-role", "assume-role", "assume-role-denied"),
    "wrong-external-id": ("cross-account", "assume-role", "assume-role-denied"),
    "expired-token": ("assume-role", "identity", "expired-token"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_the_panels_mistakes_show_their_diagnosis(qtbot, manager, decorated, mistake):
    """Every mistake the panel suggests: at least one per method."""
    method, step, code = MISTAKES[mistake]
    before = manager.model.rowCount()
    values = practice_values(decorated, method)
    if mistake == "wrong-secret":
        values["secret_access_key"] = decorated.wrong_secret()
    elif mistake == "wrong-external-id":
        values["external_id"] = decorated.wrong_external_id()
    elif mistake == "untrusting-role":
        values["role"] = decorated.untrusting_role()
    else:
        expired = decorated.expired_credentials()
        assert expired is not None, "the emulator offers expired temporary keys"
        values.update(access_key_id=expired["access_key_id"], secret_access_key=expired["secret_access_key"],
                      session_token=expired["session_token"])
    wizard = open_wizard(qtbot, manager)
    assert mistake in wizard.practice_panel.mistakes  # the panel suggests this very mistake
    enter_connection(qtbot, wizard, method, values)

    report = finished_report(qtbot, wizard)
    assert not report.ok
    assert report.failure.name == step
    assert report.failure.diagnosis.code == code
    shown = [d for d in wizard.test_page.view.findChildren(DiagnosisView) if d.isVisible()]
    assert len(shown) == 1 and shown[0].code == code  # the failing step expands to its diagnosis
    assert report.failure.diagnosis.summary in shown[0].text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # a failed test is not saved
    wizard.reject()  # after a test the manager's wizard asks first
    question = wizard.discard_question
    assert question is not None and question.text() == "Discard this connection?"
    next(b for b in question.buttons() if "Discard" in b.text()).click()
    qtbot.waitUntil(lambda: not manager.is_busy(), timeout=TIMEOUT)
    assert manager.model.rowCount() == before
