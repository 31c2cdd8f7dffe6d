"""The CLI's `test` runs the test every front end runs (wizard.core.credentials.plan_test): real subprocesses, the
harness's real keychain, the local AWS emulator (moto on 127.0.0.1, signing enforced) and the IMDS emulator on
127.0.0.1."""

from __future__ import annotations

import json
import time

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.responders import SilentEndpoint
from tests.support.secrets_registry import fake_secret_access_key
from wizard.practice.imds_emulator import ImdsEmulator

pytestmark = [
    pytest.mark.keychain,
]


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path)


def _add_assume_role(env, emulator, name: str):
    p = emulator.practice
    added = run_cli(env, "add", name, "--method", "assume-role", "--region", p.region, "--service", "s3",
                    "--endpoint-url", emulator.url, "--access-key-id", p.access_key_id, "--role", p.role_name,
                    input=f"{p.secret_access_key}\n")
    assert added.returncode == 0, added.stderr


@pytest.mark.parametrize(("attached", "status", "code", "exit_code"), [
    ("PracticeRole", "ok", None, 0),
    ("OtherRole", "failed", "role-mismatch", 1),
])
def test_cli_test_of_an_assume_role_profile_runs_the_instance_step(env, aws_emulator, attached, status, code,
                                                                   exit_code):
    """As the window does: the last step checks this machine's instance metadata for the profile's role."""
    _add_assume_role(env, aws_emulator, "robot")
    with ImdsEmulator("role", role=attached, account=aws_emulator.practice.account_id) as imds:
        env.pop("AWS_EC2_METADATA_DISABLED")
        env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url
        run = run_cli(env, "test", "robot", "--json")
        assert [r for r in imds.requests if r[1] == "/latest/api/token"], "the check used IMDSv2"
    assert run.returncode == exit_code, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert [s["name"] for s in report["steps"]] == ["identity", "assume-role", "assumed-identity", "service",
                                                    "instance"]
    instance = report["steps"][-1]
    assert instance["status"] == status
    assert (instance["diagnosis"] or {}).get("code") == code
    assert report["ok"] is (code is None)


def test_timeout_names_the_hanging_step_and_diagnoses_it(env):
    """`--timeout S` covers the whole test: the step hanging when S runs out fails with the `timeout` diagnosis (not
    `cancelled` without one), within S + 0.5 s of the test's own clock."""
    seconds = 2.0
    secret = fake_secret_access_key()
    with SilentEndpoint() as silent:
        added = run_cli(env, "add", "silent", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                        "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--endpoint-url", silent.url,
                        input=f"{secret}\n")
        assert added.returncode == 0, added.stderr
        started = time.monotonic()
        run = run_cli(env, "test", "silent", "--json", "--timeout", f"{seconds:g}")
        elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)
    statuses = {s["name"]: s["status"] for s in report["steps"]}
    assert statuses == {"identity": "failed", "service": "skipped"}
    identity = report["steps"][0]
    assert identity["diagnosis"]["code"] == "timeout"
    assert identity["duration_ms"] <= (seconds + 0.5) * 1000
    assert elapsed < seconds + 30  # generous: the process's start-up on a loaded machine
    assert secret not in run.stdout + run.stderr
    shown = run_cli(env, "show", "silent", "--json")
    assert json.loads(shown.stdout)["last_result"] == "timeout"  # the diagnosed failure is recorded
