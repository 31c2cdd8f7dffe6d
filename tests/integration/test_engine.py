"""The connection test against the local AWS (moto on 127.0.0.1, signing enforced, trust gate in front).

Success for every method with every service, and the diagnoses moto itself can produce: unknown key, wrong secret,
service denied (naming the refused action), AssumeRole denied (untrusted caller, wrong or missing External ID, caller
without sts:AssumeRole), and the offline token rules.
"""

from __future__ import annotations

import asyncio
import datetime

import botocore.auth
import pytest
from botocore.exceptions import ClientError

from tests.support import secrets_registry
from tests.support.aws import denied_connection, practice_connection, practice_source
from wizard.core import engine, probes
from wizard.core.connection import METHOD_IDS, SERVICE_IDS, Secrets

pytestmark = pytest.mark.integration

STEPS = {
    "access-key": ["identity", "service"],
    "assume-role": ["identity", "assume-role", "assumed-identity", "service"],
    "cross-account": ["identity", "assume-role", "assumed-identity", "service"],
}
# the methods the practice user's keys sign in with; sso logs in first (tests/integration/test_sso_cli.py,
# test_practice_session.py and tests/gui/test_sso_wizard.py run its steps against the emulators)
KEY_SIGNED = tuple(m for m in METHOD_IDS if m != "sso")


def run(conn, secrets, **kw) -> engine.TestReport:
    return engine.run_test(conn, secrets, **kw)


def failed_step(report: engine.TestReport) -> engine.StepResult:
    assert not report.ok, report.to_text()
    failure = report.failure
    assert failure is not None and failure.diagnosis is not None, report.to_text()
    return failure


@pytest.mark.parametrize("service", SERVICE_IDS)
@pytest.mark.parametrize("method", KEY_SIGNED)
def test_every_method_with_every_service_succeeds(aws_emulator, method, service):
    conn, secrets = practice_connection(aws_emulator, method, service)
    seen: list[tuple[str, str]] = []
    report = asyncio.run(engine.ConnectionTest(conn, secrets, source_credentials=practice_source(aws_emulator))
                         .run(on_step=lambda s: seen.append((s.name, s.status))))
    assert report.ok, report.to_text()
    assert [s.name for s in report.steps] == STEPS[method]
    assert all(s.status == "ok" for s in report.steps)
    assert seen == [x for name in STEPS[method] for x in ((name, "running"), (name, "ok"))]
    p = aws_emulator.practice
    assert report.identity_arn == p.user_arn
    if method == "access-key":
        assert report.assumed_arn == "" and report.expiration is None
    else:
        role = "PracticeRole" if method == "assume-role" else "PracticeCrossAccountRole"
        assert report.assumed_arn.startswith(f"arn:aws:sts::{p.account_id}:assumed-role/{role}/")
        assert report.expiration is not None and report.expiration > report.finished_at + 3000
    service_step = report.steps[-1]
    if service == "bedrock-runtime":
        assert probes.BEDROCK_REACH_LABEL in service_step.title
        assert "no model called" in service_step.detail


def test_role_name_becomes_arn_of_callers_account(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "assume-role", "s3", role="PracticeRole", duration=900)
    report = run(conn, secrets)
    assert report.ok, report.to_text()
    p = aws_emulator.practice
    assert f"Assumed {p.role_arn}" == report.steps[1].detail
    assert 800 < report.expiration - report.finished_at <= 905


def test_s3_bucket_probe_uses_list_objects(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "access-key", "s3", bucket=aws_emulator.practice.bucket)
    report = run(conn, secrets)
    assert report.ok, report.to_text()
    assert "ListObjectsV2" in report.steps[-1].title


def test_cross_account_from_default_chain(aws_emulator, monkeypatch, tmp_path):
    p = aws_emulator.practice
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", p.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", p.secret_access_key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    conn, _ = practice_connection(aws_emulator, "cross-account", "ec2", source="default")
    report = run(conn, Secrets())
    assert report.ok, report.to_text()
    assert report.identity_arn == p.user_arn


def test_default_chain_without_credentials(aws_emulator, monkeypatch, tmp_path):
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    conn, _ = practice_connection(aws_emulator, "cross-account", "s3", source="default")
    step = failed_step(run(conn, Secrets()))
    assert step.name == "identity"
    assert step.diagnosis.code == "invalid-input"
    assert "No credentials" in step.diagnosis.summary


# --- diagnoses moto produces -----------------------------------------------------------------------------------------


def test_unknown_access_key(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, access_key_id="AKIAZZZZZZZZZZZZZZZZ")
    step = failed_step(run(conn, secrets))
    assert (step.name, step.status, step.diagnosis.code) == ("identity", "failed", "unknown-access-key")
    assert [s.status for s in run(conn, secrets).steps] == ["failed", "skipped"]


def test_wrong_secret_key(aws_emulator):
    conn, _ = practice_connection(aws_emulator)
    wrong = secrets_registry.fake_secret_access_key()
    step = failed_step(run(conn, Secrets(wrong)))
    assert step.diagnosis.code == "wrong-secret-key"
    assert "SignatureDoesNotMatch" in step.diagnosis.aws_error


@pytest.mark.parametrize(("service", "action"), [
    ("s3", "s3:ListAllMyBuckets"),
    ("ec2", "ec2:DescribeInstances"),
    ("workspaces", "workspaces:DescribeWorkspaces"),
])
def test_service_denied_names_the_action(aws_emulator, service, action):
    conn, secrets = denied_connection(aws_emulator, service)
    report = run(conn, secrets)
    step = failed_step(report)
    assert (step.name, step.status, step.diagnosis.code) == ("service", "denied", "service-denied")
    assert step.diagnosis.refused_action == action
    assert action in step.diagnosis.summary
    assert action in report.to_text()
    assert report.steps[0].status == "ok"  # authenticated: the keys are fine


def test_service_denied_on_bucket_probe_names_list_bucket(aws_emulator):
    conn, secrets = denied_connection(aws_emulator, "s3", bucket=aws_emulator.practice.bucket)
    step = failed_step(run(conn, secrets))
    assert step.diagnosis.code == "service-denied"
    assert step.diagnosis.refused_action == "s3:ListBucket"


def _assume_role_denied(report) -> engine.StepResult:
    step = failed_step(report)
    assert (step.name, step.status, step.diagnosis.code) == ("assume-role", "denied", "assume-role-denied")
    causes = " ".join(step.diagnosis.causes)
    for words in ("sts:AssumeRole", "trust policy", "External ID"):
        assert words in causes
    assert [s.status for s in report.steps] == ["ok", "denied", "skipped", "skipped"]
    return step


def test_assume_role_denied_wrong_external_id(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "cross-account", external_id="not-the-right-external-id")
    _assume_role_denied(run(conn, secrets, source_credentials=practice_source(aws_emulator)))


def test_missing_external_id_refused_before_any_network(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "cross-account", external_id="")
    step = failed_step(run(conn, secrets, source_credentials=practice_source(aws_emulator)))
    assert (step.name, step.diagnosis.code, step.duration_ms) == ("identity", "invalid-input", 0)
    assert "External ID" in step.diagnosis.summary or "external" in step.diagnosis.summary.lower()


def test_assume_role_denied_role_does_not_trust_caller(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "assume-role", role=aws_emulator.practice.untrusted_role_arn)
    step = _assume_role_denied(run(conn, secrets))
    assert "is not authorized to perform: sts:AssumeRole" in step.diagnosis.aws_error


def test_assume_role_denied_caller_without_permission(aws_emulator):
    p = aws_emulator.practice
    conn, _ = practice_connection(aws_emulator, "assume-role", access_key_id=p.denied_access_key_id)
    _assume_role_denied(run(conn, Secrets(p.denied_secret_access_key)))


@pytest.mark.parametrize(("key", "token", "code"), [
    ("AKIAIOSFODNN7EXAMPLE", "token", "token-not-expected"),
    ("ASIAIOSFODNN7EXAMPLE", "", "token-missing"),
])
def test_token_rules_checked_before_any_network(aws_emulator, key, token, code):
    conn, _ = practice_connection(aws_emulator, access_key_id=key)
    token_value = secrets_registry.fake_session_token() if token else ""
    report = run(conn, Secrets(secrets_registry.fake_secret_access_key(), token_value))
    step = failed_step(report)
    assert (step.name, step.diagnosis.code) == ("identity", code)
    assert step.duration_ms == 0 and "before contacting AWS" in step.detail
    assert report.to_json("p")["steps"][0]["diagnosis"]["code"] == code


def test_report_json_shape(aws_emulator):
    conn, secrets = denied_connection(aws_emulator, "ec2")
    data = run(conn, secrets).to_json("practice")
    assert set(data) == {"profile", "ok", "steps"}
    assert data["profile"] == "practice" and data["ok"] is False
    assert [set(s) for s in data["steps"]] == [{"name", "status", "duration_ms", "diagnosis"}] * 2
    assert data["steps"][0]["diagnosis"] is None
    assert set(data["steps"][1]["diagnosis"]) == {"code", "summary", "causes", "remedy"}
    assert data["steps"][1]["diagnosis"]["code"] == "service-denied"


def test_bedrock_invoke_probe_with_an_enabled_model(aws_emulator):
    p = aws_emulator.practice
    conn, secrets = practice_connection(aws_emulator, "assume-role", "bedrock-runtime", model_id=p.model_id,
                                        invoke_model=True)
    report = run(conn, secrets)
    assert report.ok, report.to_text()
    assert "Converse" in report.steps[-1].title and "fraction of a cent" in report.steps[-1].title


def test_bedrock_model_not_enabled_is_model_access(aws_emulator):
    conn, secrets = practice_connection(aws_emulator, "access-key", "bedrock-runtime",
                                        model_id="anthropic.claude-3-haiku-20240307-v1:0", invoke_model=True)
    step = failed_step(run(conn, secrets))
    assert (step.name, step.status, step.diagnosis.code) == ("service", "denied", "model-access")
    assert "Model access" in step.diagnosis.remedy


def test_bedrock_invoke_denied_by_iam(aws_emulator):
    conn, secrets = denied_connection(aws_emulator, "bedrock-runtime", model_id=aws_emulator.practice.model_id,
                                      invoke_model=True)
    step = failed_step(run(conn, secrets))
    assert (step.status, step.diagnosis.code) == ("denied", "service-denied")
    assert step.diagnosis.refused_action.startswith("bedrock:")  # moto names it bedrock:Converse; AWS: InvokeModel


def test_expired_temporary_keys(aws_emulator):
    p = aws_emulator.practice
    secrets_registry.register(p.expired_secret_access_key, p.expired_session_token)
    conn, _ = practice_connection(aws_emulator, "access-key", "s3", access_key_id=p.expired_access_key_id)
    step = failed_step(run(conn, Secrets(p.expired_secret_access_key, p.expired_session_token)))
    assert (step.name, step.diagnosis.code) == ("identity", "expired-token")


@pytest.mark.parametrize(("minutes", "method", "service"), [(-20, "access-key", "s3"), (20, "access-key", "ec2"),
                                                             (-20, "cross-account", "workspaces")])
def test_a_wrong_computer_clock_is_clock_skew(aws_emulator, monkeypatch, minutes, method, service):
    """This computer's clock is off: botocore signs with the wrong time (the trust gate checks it as AWS does)."""
    _sign_with_clock_off(monkeypatch, minutes)
    conn, secrets = practice_connection(aws_emulator, method, service)
    step = failed_step(run(conn, secrets, source_credentials=practice_source(aws_emulator)))
    assert (step.name, step.diagnosis.code) == ("identity", "clock-skew")
    assert "clock" in step.diagnosis.remedy.lower()


def _sign_with_clock_off(monkeypatch, minutes: int) -> None:
    real = botocore.auth.get_current_datetime
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda *a, **kw: real(*a, **kw) + datetime.timedelta(minutes=minutes))


def test_gate_answers_skew_as_each_service_does(aws_emulator, monkeypatch):
    _sign_with_clock_off(monkeypatch, -20)
    p = aws_emulator.practice
    codes = {}
    for service, call in (("s3", "list_buckets"), ("ec2", "describe_instances"), ("workspaces", "describe_workspaces"),
                          ("sts", "get_caller_identity")):
        with pytest.raises(ClientError) as caught:
            getattr(aws_emulator.client(service, p.access_key_id, p.secret_access_key), call)()
        codes[service] = caught.value.response["Error"]["Code"]
    assert codes == {"s3": "RequestTimeTooSkewed", "ec2": "RequestExpired", "workspaces": "InvalidSignatureException",
                     "sts": "SignatureDoesNotMatch"}
