"""The EC2 instance check against the strict IMDSv2 emulator on 127.0.0.1 (never the real metadata address)."""

from __future__ import annotations

import http.client
import json
import time

import pytest
from botocore.utils import InstanceMetadataFetcher

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core import imds
from wizard.core.connection import Secrets
from wizard.practice.imds_emulator import SCENARIOS, ImdsEmulator

pytestmark = pytest.mark.integration


def _env(emulator: ImdsEmulator) -> dict[str, str]:
    return {"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url}


@pytest.fixture
def emulator(request):
    with ImdsEmulator(request.param) as running:
        yield running


def _check(scenario: str, role: str | None = None, **kw) -> tuple[imds.InstanceReport, ImdsEmulator, float]:
    with ImdsEmulator(scenario, **kw) as emulator:
        started = time.monotonic()
        report = imds.check_instance(role, environ=_env(emulator))
        return report, emulator, time.monotonic() - started


# -- where the check looks --------------------------------------------------------------------------------------------


def test_endpoint_follows_botocore_settings():
    assert imds.endpoint({}) == "http://169.254.169.254"
    assert imds.endpoint({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"}) == "http://[fd00:ec2::254]"
    assert imds.endpoint({"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv4"}) == "http://169.254.169.254"
    explicit = {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9/",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6",
    }
    assert imds.endpoint(explicit) == "http://127.0.0.1:9"


def test_disabled_sends_no_request():
    with ImdsEmulator("role") as emulator:
        env = {**_env(emulator), "AWS_EC2_METADATA_DISABLED": "TRUE"}
        report = imds.check_instance("any-role", environ=env)
        assert emulator.requests == []
    assert report.codes() == ["imds-disabled"]
    assert not report.on_ec2 and not report.ok
    assert "AWS_EC2_METADATA_DISABLED" in report.findings[0].summary


def test_unusable_endpoint_setting_is_reported():
    report = imds.check_instance(environ={"AWS_EC2_METADATA_SERVICE_ENDPOINT": "ftp://127.0.0.1:1"})
    assert report.codes() == ["not-on-ec2"]
    assert "AWS_EC2_METADATA_SERVICE_ENDPOINT" in report.findings[0].summary


# -- every scenario ---------------------------------------------------------------------------------------------------


def test_role_attached_imdsv2_required():
    report, emulator, _ = _check("role")
    assert report.on_ec2 and report.ok
    assert report.imds_version == 2 and report.imdsv1_enabled is False
    assert (report.instance_id, report.region, report.availability_zone, report.account) == (
        emulator.instance_id,
        emulator.region,
        emulator.availability_zone,
        emulator.account,
    )
    assert report.instance_profile_arn == emulator.instance_profile_arn
    assert report.role == emulator.role
    assert report.credentials_expiration == emulator.credentials_expiration
    assert report.findings == []
    # Every metadata read carried a valid token; the only tokenless request is the IMDSv1 check, refused with 401.
    gets = [r for r in emulator.requests if r[0] == "GET"]
    assert [r for r in gets if r[2] != "token"] == [("GET", imds.V1_PROBE_PATH, "no-token")]


def test_no_role_attached():
    report, _, _ = _check("no-role", role="app-role")
    assert report.on_ec2 and not report.ok
    assert report.role is None and report.instance_profile_arn is None and report.credentials_expiration is None
    assert report.codes() == ["no-role-attached"]  # not role-mismatch: there is nothing to mismatch


def test_imdsv1_still_enabled_is_a_security_finding():
    report, _, _ = _check("imdsv1")
    assert report.imds_version == 2 and report.imdsv1_enabled is True
    assert report.codes() == ["imdsv1-enabled"]
    assert report.findings[0].severity == "warning"
    assert report.ok  # usable, but the admin is told to require IMDSv2
    assert "--http-tokens required" in report.findings[0].summary


def test_hop_limit_symptom():
    report, emulator, elapsed = _check("hop-limit")
    assert report.on_ec2 and report.imds_version == 1 and report.imdsv1_enabled is True
    assert report.codes() == ["hop-limit", "imdsv1-enabled"]
    assert "hop-limit 2" in report.findings[0].summary
    assert report.role == emulator.role and report.account == emulator.account  # read over IMDSv1
    assert elapsed < 2.5


def test_slow_service_times_out_within_bound():
    report, _, elapsed = _check("slow")
    assert elapsed < 2.5
    assert not report.on_ec2
    assert report.codes() == ["not-on-ec2", "imds-timeout"]


def test_slow_service_does_answer_given_time():
    with ImdsEmulator("slow", delay=1.2) as emulator:
        conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
        started = time.monotonic()
        conn.request("PUT", "/latest/api/token", headers={imds.TOKEN_TTL_HEADER: "60"})
        response = conn.getresponse()
        response.read()
        conn.close()
    assert response.status == 200
    assert time.monotonic() - started >= 1.2


def test_silent_port_off_ec2_within_2_5_s():
    report, _, elapsed = _check("silent")
    assert elapsed <= 2.5, f"silent endpoint took {elapsed:.2f} s"
    assert report.codes() == ["not-on-ec2", "imds-timeout"]
    assert report.imds_version is None and report.imdsv1_enabled is None


def test_closed_port_off_ec2_within_1_2_s():
    report, _, elapsed = _check("down")
    assert elapsed <= 1.2, f"closed port took {elapsed:.2f} s"
    assert report.codes() == ["not-on-ec2"]
    assert not report.on_ec2 and not report.ok


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_finding_is_known_and_actionable(scenario):
    report, _, _ = _check(scenario, role="someone-elses-role")
    assert report.findings, f"{scenario}: expected at least one finding (the role entered is never the attached one)"
    for finding in report.findings:
        assert finding.code in imds.FINDING_CODES
        assert len(finding.summary) > 40 and finding.summary.endswith(".")


# -- role mismatch ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "mismatch"),
    [
        ("wizard-practice-instance-role", False),
        ("Wizard-Practice-Instance-Role", False),  # IAM role names are unique regardless of case
        ("arn:aws:iam::123456789012:role/wizard-practice-instance-role", False),
        ("arn:aws:iam::123456789012:role/team/wizard-practice-instance-role", False),
        ("reporting-role", True),
        ("arn:aws:iam::123456789012:role/reporting-role", True),
        ("arn:aws:iam::210987654321:role/wizard-practice-instance-role", True),  # same name, another account
    ],
)
def test_role_mismatch(entered, mismatch):
    report, emulator, _ = _check("role", role=entered)
    assert ("role-mismatch" in report.codes()) is mismatch
    assert report.ok is not mismatch
    if mismatch:
        summary = report.findings[-1].summary
        assert entered in summary and emulator.role in summary


# -- secrets ----------------------------------------------------------------------------------------------------------


def test_role_credentials_never_leave_the_check():
    given = {"access_key_id": "ASIAPRACTICEKEY00001", "secret_access_key": fake_secret_access_key(),
             "session_token": fake_session_token()}
    report, _, _ = _check("imdsv1", credentials=given)
    outputs = [json.dumps(report.to_json()), report.to_text(), repr(report)]
    leaked = [name for name, value in given.items() for text in outputs if value in text]
    assert leaked == [], "a credential value reached the report"
    assert report.credentials_expiration  # the one thing read from the credentials document


# -- the emulator is strict, and the SDK can use it (practice mode) ---------------------------------------------------


def _request(emulator, method, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=3)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@pytest.mark.parametrize("emulator", ["role"], indirect=True)
def test_emulator_token_rules(emulator):
    assert _request(emulator, "PUT", "/latest/api/token")[0] == 400  # TTL header required
    for bad in ("0", "21601", "abc"):
        assert _request(emulator, "PUT", "/latest/api/token", {imds.TOKEN_TTL_HEADER: bad})[0] == 400
    forwarded = {imds.TOKEN_TTL_HEADER: "60", "X-Forwarded-For": "10.0.0.1"}
    assert _request(emulator, "PUT", "/latest/api/token", forwarded)[0] == 403
    status, token = _request(emulator, "PUT", "/latest/api/token", {imds.TOKEN_TTL_HEADER: "60"})
    assert status == 200 and len(token) > 20
    assert _request(emulator, "GET", "/latest/meta-data/instance-id")[0] == 401  # IMDSv2 required
    assert _request(emulator, "GET", "/latest/meta-data/instance-id", {imds.TOKEN_HEADER: "forged"})[0] == 401
    assert _request(emulator, "GET", "/latest/meta-data/instance-id", {imds.TOKEN_HEADER: token}) == (
        200,
        emulator.instance_id,
    )
    emulator.expire_tokens()
    assert _request(emulator, "GET", "/latest/meta-data/instance-id", {imds.TOKEN_HEADER: token})[0] == 401


@pytest.mark.parametrize("emulator", ["role"], indirect=True)
def test_emulator_token_expires_after_its_ttl(emulator):
    status, token = _request(emulator, "PUT", "/latest/api/token", {imds.TOKEN_TTL_HEADER: "1"})
    assert status == 200
    assert _request(emulator, "GET", "/latest/meta-data/instance-id", {imds.TOKEN_HEADER: token})[0] == 200
    time.sleep(1.1)
    assert _request(emulator, "GET", "/latest/meta-data/instance-id", {imds.TOKEN_HEADER: token})[0] == 401


@pytest.mark.parametrize("emulator", ["imdsv1"], indirect=True)
def test_emulator_v1_mode_still_rejects_bad_tokens(emulator):
    assert _request(emulator, "GET", "/latest/meta-data/instance-id")[0] == 200
    assert _request(emulator, "GET", "/latest/meta-data/instance-id", {imds.TOKEN_HEADER: "forged"})[0] == 401


def test_botocore_reads_the_practice_credentials_from_the_emulator():
    given = {"access_key_id": "ASIAPRACTICEKEY00002", "secret_access_key": fake_secret_access_key(),
             "session_token": fake_session_token()}
    with ImdsEmulator("role", credentials=given) as emulator:
        fetched = InstanceMetadataFetcher(
            timeout=1, num_attempts=1, base_url=emulator.url, env={}  # the suite disables IMDS for botocore
        ).retrieve_iam_role_credentials()
    same = (fetched.get("access_key"), fetched.get("secret_key"), fetched.get("token")) == (
        given["access_key_id"],
        given["secret_access_key"],
        given["session_token"],
    )
    assert same, "botocore did not get the practice credentials from the emulator"
    assert fetched.get("role_name") == emulator.role


# -- the connection test's "instance" step ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attached", "status", "code"),
    [("PracticeRole", "ok", None), ("OtherRole", "failed", "role-mismatch")],
)
def test_instance_step_of_the_connection_test(aws_emulator, attached, status, code):
    from tests.support.aws import practice_connection
    from wizard.core import engine

    conn, secrets = practice_connection(aws_emulator, "assume-role")
    with ImdsEmulator("role", role=attached, account=aws_emulator.practice.account_id) as emulator:
        report = engine.run_test(
            conn, secrets, instance_check=lambda: imds.check_instance(conn.role, environ=_env(emulator))
        )
    step = report.steps[-1]
    assert (step.name, step.status) == ("instance", status)
    assert (step.diagnosis.code if step.diagnosis else None) == code
    if code:
        assert "OtherRole" in step.diagnosis.summary and "PracticeRole" in step.diagnosis.summary


def test_instance_role_as_cross_account_source(aws_emulator, monkeypatch):
    """Practice mode's "instance" source: the IMDS emulator hands out the practice user's keys as the instance role's
    credentials, and the cross-account test assumes the role with them (botocore reads the emulator's endpoint)."""
    from tests.support.aws import practice_connection
    from wizard.core import engine

    p = aws_emulator.practice
    keys = {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key, "session_token": ""}
    conn, _ = practice_connection(aws_emulator, "cross-account", source="instance")
    with ImdsEmulator("role", account=p.account_id, credentials=keys) as emulator:
        monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", emulator.url)
        report = engine.run_test(conn, Secrets())
    assert report.ok, report.to_text()
    assert report.identity_arn == p.user_arn
