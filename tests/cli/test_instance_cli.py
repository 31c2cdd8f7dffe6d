"""`check-instance` and `policy` run as real subprocesses, against the IMDS emulator and the local AWS emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.support import secrets_registry
from wizard.core import policies
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import Profile, ProfileStore
from wizard.practice.imds_emulator import ImdsEmulator

CONTRACT_KEYS = [
    "on_ec2", "imds_version", "imdsv1_enabled", "instance_id", "region", "availability_zone", "account",
    "instance_profile_arn", "role", "credentials_expiration", "findings",
]


def run_cli(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in a subprocess; the suite's AWS_EC2_METADATA_DISABLED=true stays unless `env` names the metadata
    endpoint (always the loopback emulator)."""
    full_env = dict(os.environ)
    if "AWS_EC2_METADATA_SERVICE_ENDPOINT" in (env or {}):
        full_env.pop("AWS_EC2_METADATA_DISABLED", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "wizard.cli", *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


def check_instance(emulator: ImdsEmulator, *args: str) -> subprocess.CompletedProcess:
    return run_cli("check-instance", *args, env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url})


# -- check-instance ---------------------------------------------------------------------------------------------------


def test_role_mismatch_in_json():
    with ImdsEmulator("role", role="app-instance-role") as emulator:
        result = check_instance(emulator, "--role", "reporting-role", "--json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == CONTRACT_KEYS
    assert report["on_ec2"] is True and report["role"] == "app-instance-role"
    assert [f["code"] for f in report["findings"]] == ["role-mismatch"]
    assert "reporting-role" in report["findings"][0]["summary"]
    assert set(report["findings"][0]) == {"code", "summary"}


def test_matching_role_passes_with_the_full_report():
    with ImdsEmulator("role", role="app-instance-role") as emulator:
        role_arn = f"arn:aws:iam::{emulator.account}:role/app-instance-role"
        result = check_instance(emulator, "--role", role_arn, "--json")
        expected = {
            "on_ec2": True, "imds_version": 2, "imdsv1_enabled": False, "instance_id": emulator.instance_id,
            "region": emulator.region, "availability_zone": emulator.availability_zone, "account": emulator.account,
            "instance_profile_arn": emulator.instance_profile_arn, "role": "app-instance-role",
            "credentials_expiration": emulator.credentials_expiration, "findings": [],
        }
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


@pytest.mark.parametrize(
    ("scenario", "exit_code", "codes"),
    [
        ("imdsv1", 0, ["imdsv1-enabled"]),  # a warning: the role works
        ("no-role", 1, ["no-role-attached"]),
        ("hop-limit", 0, ["hop-limit", "imdsv1-enabled"]),
        ("down", 1, ["not-on-ec2"]),
        ("silent", 1, ["not-on-ec2", "imds-timeout"]),
    ],
)
def test_exit_codes_and_findings(scenario, exit_code, codes):
    with ImdsEmulator(scenario) as emulator:
        result = check_instance(emulator, "--json")
    assert result.returncode == exit_code, result.stderr
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == codes


def test_metadata_disabled_is_an_environment_problem():
    with ImdsEmulator("role") as emulator:
        result = run_cli(
            "check-instance", "--json",
            env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": emulator.url, "AWS_EC2_METADATA_DISABLED": "true"},
        )
        assert emulator.requests == []
    assert result.returncode == 3
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["imds-disabled"]


def test_human_report():
    with ImdsEmulator("imdsv1", role="app-instance-role") as emulator:
        result = check_instance(emulator, "--role", "other-role")
    assert result.returncode == 1
    assert "Attached role:" in result.stdout and "app-instance-role" in result.stdout
    assert "[error] role-mismatch:" in result.stdout
    assert "[warning] imdsv1-enabled:" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_closed_port_answers_quickly_from_the_cli():
    with ImdsEmulator("down") as emulator:
        started = time.monotonic()
        result = check_instance(emulator, "--json")
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    # The interpreter's start-up is included here; the check itself is bounded in tests/integration/test_imds.py.
    assert elapsed < 10


# -- policy -----------------------------------------------------------------------------------------------------------


def test_policy_from_flags():
    alice = "arn:aws:iam::111122223333:user/alice"
    result = run_cli("policy", "--trust", "--principal", alice, "--external-id", "x-12345678")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == policies.trust_policy(alice, "x-12345678")
    assert "trust policy" in result.stderr

    result = run_cli("policy", "--permissions", "--service", "bedrock-runtime", "--region", "cn-north-1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == policies.permissions_policy(
        "bedrock-runtime", region="cn-north-1", partition="aws-cn"
    )

    result = run_cli("policy", "--caller", "--role-arn", "arn:aws:iam::111122223333:role/reader")
    assert json.loads(result.stdout) == policies.caller_policy("arn:aws:iam::111122223333:role/reader")


@pytest.mark.parametrize(
    "args",
    [
        ("policy", "--trust"),  # no principal, no profile
        ("policy", "--trust", "--principal", "alice"),  # not an ARN
        ("policy", "--permissions", "--service", "s3"),  # no region
        ("policy", "--caller"),  # no role
        ("policy", "--trust", "--permissions", "--principal", "123456789012"),  # one kind at a time
        ("policy", "no-such-profile", "--permissions"),
    ],
)
def test_policy_bad_input(args, tmp_path):
    result = run_cli(*args, env={"AWS_CONNECTION_WIZARD_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.fixture
def saved_profile(tmp_path, aws_emulator):
    """A cross-account profile whose source is a saved access-key profile, both against the local AWS emulator."""
    p = aws_emulator.practice
    store = ProfileStore(home=tmp_path)
    network = NetworkSettings(endpoint_url=aws_emulator.url)
    source = Profile.new("practice", Connection(method="access-key", region=p.region, access_key_id=p.access_key_id,
                                                network=network))
    cross = Profile.new("partner", Connection(
        method="cross-account", region=p.region, service="s3", bucket=p.bucket, role_arn=p.cross_role_arn,
        external_id=p.external_id, source="profile:practice", network=network))
    keychain = SecretStore()
    keychain.save(source.id, Secrets(secrets_registry.register(p.secret_access_key)))
    store.add(source)
    store.add(cross)
    yield {"AWS_CONNECTION_WIZARD_HOME": str(tmp_path)}
    keychain.delete(source.id)


def test_policy_for_a_saved_profile(saved_profile, aws_emulator):
    p = aws_emulator.practice
    trust = run_cli("policy", "partner", "--trust", env=saved_profile)
    assert trust.returncode == 0, trust.stderr
    # The principal is the source profile's identity, found with GetCallerIdentity against the emulator.
    assert json.loads(trust.stdout) == policies.trust_policy(p.user_arn, external_id=p.external_id)
    assert p.cross_role_arn in trust.stderr

    permissions = run_cli("policy", "partner", "--permissions", env=saved_profile)
    assert permissions.returncode == 0, permissions.stderr
    assert json.loads(permissions.stdout) == policies.permissions_policy("s3", bucket=p.bucket, region=p.region)

    caller = run_cli("policy", "partner", "--caller", env=saved_profile)
    assert json.loads(caller.stdout) == policies.caller_policy(p.cross_role_arn)

    override = run_cli("policy", "partner", "--trust", "--principal", "arn:aws:iam::111122223333:root",
                       "--external-id", "other-id-1234", env=saved_profile)
    assert json.loads(override.stdout) == policies.trust_policy("arn:aws:iam::111122223333:root", "other-id-1234")
    for result in (trust, permissions, caller, override):
        assert p.secret_access_key not in result.stdout + result.stderr
