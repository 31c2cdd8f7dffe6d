"""The `instance` step wherever an assume-role test runs: `wizard.core.credentials.plan_test` adds it for the wizard's
test page, the profile manager's re-test and the CLI's `test`; shown live here in a standalone ConnectionTestView (as the
manager hosts it).

Real parts: the AWS emulator (moto on 127.0.0.1, signing enforced) and the IMDS emulator on 127.0.0.1.
"""

from __future__ import annotations

import pytest

from tests.support.aws import practice_connection
from wizard.practice.imds_emulator import ImdsEmulator
from wizard.core.credentials import plan_test
from wizard.ui.test_view import FINISHED, ConnectionTestView

pytestmark = [pytest.mark.gui, pytest.mark.integration]

TIMEOUT = 30_000  # ms


def test_only_assume_role_gets_the_instance_check(aws_emulator):
    for method in ("access-key", "cross-account"):
        conn, secrets = practice_connection(aws_emulator, method)
        test = plan_test(conn, secrets, environ={})
        assert test.instance_check is None and "instance" not in [s.name for s in test.planned_steps()]
    conn, secrets = practice_connection(aws_emulator, "assume-role")
    test = plan_test(conn, secrets, environ={"AWS_EC2_METADATA_DISABLED": "true"})
    assert [s.name for s in test.planned_steps()][-1] == "instance"
    assert test.instance_check().codes() == ["imds-disabled"]  # it looks where `environ` says


@pytest.mark.parametrize(("attached", "status", "code"), [
    ("practice", "ok", None),  # the entered role is attached: the step passes
    ("OtherRole", "failed", "role-mismatch"),
])
def test_a_standalone_view_runs_the_instance_step(qtbot, qloop, aws_emulator, attached, status, code):
    conn, secrets = practice_connection(aws_emulator, "assume-role", "s3")
    role = conn.role if attached == "practice" else attached
    with ImdsEmulator("role", role=role, account=aws_emulator.practice.account_id) as imds:
        view = ConnectionTestView()
        qtbot.addWidget(view)
        view.start(conn, secrets, environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url})
        assert "instance" in view.steps.rows  # planned from the start, shown pending
        qtbot.waitUntil(lambda: view.state == FINISHED, timeout=TIMEOUT)
        assert view.steps.statuses()["instance"] == status, view.report.to_text()
        step = view.report.steps[-1]
        assert step.name == "instance" and (step.diagnosis.code if step.diagnosis else None) == code
        if code:
            assert f"this instance has the role '{attached}'" in view.steps.rows["instance"].diagnosis.text()
            assert not view.report.ok
        else:
            assert view.report.ok
        assert [r for r in imds.requests if r[1] == "/latest/api/token"], "the check used IMDSv2"
