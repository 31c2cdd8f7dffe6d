"""The last test report and the identities a test found, kept in the profile file (wizard.core.last_report and
profiles.record_test): what is stored, that no secret is, that the text comes back the same, that older files load."""

from __future__ import annotations

import json

import pytest

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core.connection import Connection, Secrets
from wizard.core.diagnoses import Diagnosis
from wizard.core.engine import StepResult, TestReport, run_test
from wizard.core.last_report import rebuilt_report, report_text, stored_report
from wizard.core.profiles import Profile, ProfileStore, forget_test, record_test, renew_session_token

USER_ARN = "arn:aws:iam::123456789012:user/build-robot"
ASSUMED_ARN = "arn:aws:sts::123456789012:assumed-role/Reader/aws-connection-wizard"
NEW_KEYS = ("id", "name", "connection", "created_at", "tested_at", "last_result", "untested", "practice",
            "expiration")


def _conn(**kw) -> Connection:
    return Connection(method="assume-role", region="eu-west-1", service="s3", access_key_id="AKIAIOSFODNN7EXAMPLE",
                      role="Reader", **kw)


def _denied_report(conn: Connection, leaked: str = "") -> TestReport:
    """A finished report as the engine builds it: identity and assume-role passed, the service refused."""
    diagnosis = Diagnosis("service-denied", "The role may not list the bucket", ("No s3:ListBucket on it",),
                          "Attach the permissions policy", aws_error=f"AccessDenied: not allowed {leaked}".strip(),
                          refused_action="s3:ListBucket")
    steps = [
        StepResult("identity", "Identity of the access key — GetCallerIdentity", "ok", 41, f"Signed in as {USER_ARN}"),
        StepResult("assume-role", "Assume the role — AssumeRole", "ok", 63, "Assumed arn:aws:iam::123456789012:role/R"),
        StepResult("assumed-identity", "Identity of the assumed role — GetCallerIdentity", "ok", 30,
                   f"Acting as {ASSUMED_ARN}"),
        StepResult("service", "Amazon S3: ListObjectsV2", "denied", 25, "", diagnosis),
    ]
    return TestReport(steps, identity_arn=USER_ARN, assumed_arn=ASSUMED_ARN, expiration=1_900_000_000.0, ok=False,
                      connection=conn, finished_at=1_800_000_000.0)


@pytest.fixture
def store(tmp_path) -> ProfileStore:
    return ProfileStore(tmp_path / "home")


def test_record_test_keeps_the_report_and_the_identities(store):
    conn = _conn()
    report = _denied_report(conn)
    profile = store.add(Profile.new("robot", conn))
    store.update(record_test(profile, report, now=report.finished_at))

    again = ProfileStore(store.home).get("robot")  # a new program reading the file
    assert (again.identity_arn, again.assumed_arn, again.last_result) == (USER_ARN, ASSUMED_ARN, "service-denied")
    data = again.last_report
    # the engine's to_json (what `test --json` prints) is all there ...
    expected = report.to_json("robot")
    assert (data["profile"], data["ok"], len(data["steps"])) == ("robot", False, len(expected["steps"]))
    for kept, wanted in zip(data["steps"], expected["steps"]):
        assert {k: kept[k] for k in wanted if k != "diagnosis"} == {k: v for k, v in wanted.items() if k != "diagnosis"}
    assert data["steps"][3]["diagnosis"] == {**expected["steps"][3]["diagnosis"],
                                             "aws_error": "AccessDenied: not allowed", "refused_action": "s3:ListBucket"}
    # ... plus what the text needs; the text itself is not stored
    assert data["steps"][0]["title"].startswith("Identity of the access key")
    assert "detail" not in data["steps"][3]
    assert "AWS Connection Wizard — connection test" not in store.path.read_text(encoding="utf-8")
    # the plain text comes back exactly as the engine wrote it after the test
    assert report_text(again) == report.to_text()
    assert "Refused action: s3:ListBucket" in report_text(again)


def test_no_secret_reaches_the_stored_report_even_if_the_engine_let_one_slip(store):
    secret, token = fake_secret_access_key(), fake_session_token()
    conn = _conn()
    report = _denied_report(conn, leaked=f"{secret} {token}")
    report.steps[0] = StepResult("identity", "Identity", "ok", 1, f"key {secret}")
    profile = store.add(Profile.new("leaky", conn))
    store.update(record_test(profile, report))
    on_disk = store.path.read_text()
    backup = store.backup_path.read_text()
    for value in (secret, token):
        assert value not in on_disk and value not in backup
        assert value not in report_text(store.get("leaky"))
    assert "[redacted]" in on_disk


def test_a_real_engine_report_offline_holds_no_secret_and_rebuilds_the_same_text(store, monkeypatch):
    """The engine, run for real: a session token with a long-term AKIA key is refused before any network call."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    conn = Connection(method="access-key", region="eu-west-1", service="s3", access_key_id="AKIAIOSFODNN7EXAMPLE")
    report = run_test(conn, secrets)
    assert report.code == "token-not-expected"
    profile = store.add(Profile.new("offline", conn))
    store.update(record_test(profile, report, now=report.finished_at))
    saved = store.get("offline")
    assert saved.identity_arn is None and saved.assumed_arn is None  # the test never reached AWS
    assert saved.last_report["steps"][0]["diagnosis"]["code"] == "token-not-expected"
    assert report_text(saved) == report.to_text()
    for value in secrets.values():
        assert value not in store.path.read_text()


def test_the_stored_report_stays_small(store):
    conn = _conn()
    profile = store.add(Profile.new("small", conn))
    before = len(store.path.read_bytes())
    store.update(record_test(profile, _denied_report(conn)))
    added = len(store.path.read_bytes()) - before
    assert added < 3000, f"a four-step report added {added} bytes"


def test_a_version_1_file_written_before_these_keys_loads_and_gains_them(store):
    store.home.mkdir(parents=True)
    old = {"schema_version": 1, "profiles": [{
        "id": "7a1c7d43-4c43-4a39-9a55-0f6bde0c1e31", "name": "older", "connection": _conn().to_dict(),
        "created_at": 1_700_000_000.0, "tested_at": 1_700_000_100.0, "last_result": "ok", "untested": False,
        "practice": False, "expiration": None}]}
    assert set(old["profiles"][0]) == set(NEW_KEYS)
    store.path.write_text(json.dumps(old))
    profile = store.get("older")
    assert (profile.last_report, profile.identity_arn, profile.assumed_arn) == (None, None, None)
    assert report_text(profile) == "" and rebuilt_report(profile) is None
    store.update(profile)  # written back: same version, the new keys present as null
    data = json.loads(store.path.read_text())
    assert data["schema_version"] == 1
    assert {k: data["profiles"][0][k] for k in ("last_report", "identity_arn", "assumed_arn")} == dict.fromkeys(
        ("last_report", "identity_arn", "assumed_arn"))


def test_a_version_0_file_migrates_with_the_new_keys_empty(store):
    store.home.mkdir(parents=True)
    store.path.write_text(json.dumps({"profiles": {"legacy": {"method": "access-key", "region": "eu-central-1",
                                                               "tested_at": 1_700_000_000.0, "last_result": "ok"}}}))
    profile = store.get("legacy")
    assert profile.tested_at == 1_700_000_000.0
    assert (profile.last_report, profile.identity_arn, profile.assumed_arn) == (None, None, None)


def test_untested_and_new_keys_forget_what_no_longer_holds(store):
    conn = _conn()
    profile = store.add(Profile.new("robot", conn))
    store.update(record_test(profile, _denied_report(conn)))
    # a renewed token for the same key id: same identity, kept
    renew_session_token(store, _NoKeychain(), "robot", Secrets("x" * 40, "t" * 20))
    assert store.get("robot").identity_arn == USER_ARN
    # another key id: maybe another identity, forgotten (the report stays as the record of that test)
    renew_session_token(store, _NoKeychain(), "robot", Secrets("x" * 40, "t" * 20), "ASIAIOSFODNN7EXAMPLE")
    renewed = store.get("robot")
    assert (renewed.identity_arn, renewed.assumed_arn) == (None, None) and renewed.last_report is not None
    forgotten = forget_test(renewed)
    assert (forgotten.last_report, forgotten.tested_at, forgotten.untested) == (None, None, True)


class _NoKeychain:
    """Accepts saves and keeps nothing (renew_session_token's keychain half is tested with the real keychain)."""

    def save(self, profile_id, secrets):
        pass


def test_anything_without_to_json_stores_no_report():
    assert stored_report(object(), "x") is None
