"""Exported profiles work in the real AWS CLI and in boto3 against the local emulator, and import/export round-trips.

Every AWS call goes to the emulator's 127.0.0.1 endpoint_url written into the exported profile; any request that
ignored it would meet a dead loopback proxy (tests/support/profiles_cli.py) instead of leaving the machine.
"""

from __future__ import annotations

import configparser
import json
from pathlib import Path

import boto3
import pytest

from tests.support.profiles_cli import cli_env, run_aws, run_cli
from tests.support.secrets_registry import register

pytestmark = [
    pytest.mark.keychain,
    pytest.mark.integration,
]
OTHER_PROFILES = (
    "# hand-written config: comments, odd spacing and other profiles must survive\n"
    "[default]\n"
    "region=eu-west-1\n"
    "\n"
    "[profile  colleague]   \n"
    "  region =   us-west-2\n"
    "; retired\n"
)


@pytest.fixture
def env(tmp_path):
    environment = cli_env(tmp_path)
    Path(environment["AWS_CONFIG_FILE"]).parent.mkdir(parents=True)
    Path(environment["AWS_CONFIG_FILE"]).write_text(OTHER_PROFILES)
    yield environment
    # a test's stand-in for the user's credentials file holds secrets; the final scan must not find it
    Path(environment["AWS_SHARED_CREDENTIALS_FILE"]).unlink(missing_ok=True)


def _add(env, emulator, name, method, *extra, secret=True):
    p = emulator.practice
    args = ["add", name, "--method", method, "--region", p.region, "--service", "s3", "--endpoint-url", emulator.url]
    if method in ("access-key", "assume-role"):
        args += ["--access-key-id", p.access_key_id]
    run = run_cli(env, *args, *extra, input=f"{p.secret_access_key}\n" if secret else "")
    assert run.returncode == 0, run.stderr


def _add_keys_and_partner(env, emulator, name="partner", external_id=None):
    """An access-key profile "keys" and a cross-account profile NAME whose source is "keys" (the practice External ID
    unless another is given)."""
    p = emulator.practice
    _add(env, emulator, "keys", "access-key")
    _add(env, emulator, name, "cross-account", "--role-arn", p.cross_role_arn, "--external-id",
         p.external_id if external_id is None else external_id, "--source", "profile:keys", secret=False)


def _export(env, *args):
    run = run_cli(env, "export", *args)
    assert run.returncode == 0, run.stderr
    return run


def _caller_arn_aws_cli(env, profile: str) -> str:
    run = run_aws(env, "sts", "get-caller-identity", "--profile", profile, "--output", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["Arn"]


def _caller_arn_boto3(env, profile: str, monkeypatch) -> str:
    for key in ("AWS_CONNECTION_WIZARD_HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HTTPS_PROXY",
                "HTTP_PROXY", "NO_PROXY"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.setenv("PATH", env.get("PATH", ""))
    session = boto3.Session(profile_name=profile)
    frozen = session.get_credentials().get_frozen_credentials()
    register(frozen.secret_key, frozen.token or "")
    return session.client("sts").get_caller_identity()["Arn"]


def _assert_both_sign_in_as_the_partner_role(env, emulator, profile: str, monkeypatch) -> None:
    """The AWS CLI and boto3, on the exported PROFILE, are the practice cross-account role's session."""
    p = emulator.practice
    role_name = p.cross_role_arn.rsplit("/", 1)[1]
    expected = f"arn:aws:sts::{p.account_id}:assumed-role/{role_name}/aws-connection-wizard"
    assert _caller_arn_aws_cli(env, profile) == expected
    assert _caller_arn_boto3(env, profile, monkeypatch) == expected


def _assert_rest_unchanged(env):
    text = Path(env["AWS_CONFIG_FILE"]).read_text()
    assert text.startswith(OTHER_PROFILES)
    return text


def test_access_key_profile_via_credential_process(env, aws_emulator, monkeypatch):
    p = aws_emulator.practice
    _add(env, aws_emulator, "keys", "access-key")
    out = _export(env, "keys")
    assert "credential_process" in out.stdout and "Backed up" in out.stdout
    text = _assert_rest_unchanged(env)
    assert "credential-process keys" in text and p.secret_access_key not in text
    assert _caller_arn_aws_cli(env, "keys") == p.user_arn
    assert _caller_arn_boto3(env, "keys", monkeypatch) == p.user_arn


def test_cross_account_with_external_id_as_role_arn_and_source_profile(env, aws_emulator, monkeypatch):
    p = aws_emulator.practice
    _add_keys_and_partner(env, aws_emulator)
    _export(env, "partner", "--as", "partner-sdk", "--style", "sdk")
    parser = configparser.RawConfigParser()
    parser.read(env["AWS_CONFIG_FILE"])
    section = dict(parser.items("profile partner-sdk"))
    assert section["role_arn"] == p.cross_role_arn and section["external_id"] == p.external_id
    assert section["source_profile"] == "keys" and "credential_process" not in section
    _assert_rest_unchanged(env)
    _assert_both_sign_in_as_the_partner_role(env, aws_emulator, "partner-sdk", monkeypatch)


def test_cross_account_without_the_external_id_is_refused_by_the_trust_policy(env, aws_emulator):
    """The same export with a wrong External ID fails: the ARN checks above prove the ID was really sent."""
    _add_keys_and_partner(env, aws_emulator, "wrong-id", external_id="Wr0ngExternalIdValue12345")
    _export(env, "wrong-id", "--as", "wrong-id-sdk", "--style", "sdk")
    run = run_aws(env, "sts", "get-caller-identity", "--profile", "wrong-id-sdk")
    assert run.returncode != 0 and "AccessDenied" in run.stderr
    _export(env, "wrong-id")  # credential_process: our diagnosis reaches the administrator through the AWS CLI
    run = run_aws(env, "sts", "get-caller-identity", "--profile", "wrong-id")
    assert run.returncode != 0 and "assume-role-denied" in run.stderr and "External ID" in run.stderr


def test_cross_account_as_credential_process(env, aws_emulator, monkeypatch):
    _add_keys_and_partner(env, aws_emulator)
    _export(env, "partner", "--as", "partner-proc", "--style", "process")
    _assert_both_sign_in_as_the_partner_role(env, aws_emulator, "partner-proc", monkeypatch)


def test_assume_role_both_kinds(env, aws_emulator):
    p = aws_emulator.practice
    _add(env, aws_emulator, "robot", "assume-role", "--role", p.role_arn)
    _export(env, "robot", "--as", "robot-proc")  # the default kind: credential_process
    _export(env, "robot", "--style", "sdk")  # robot-keys (credential_process --source-keys) + robot (role_arn ...)
    _assert_rest_unchanged(env)
    expected = f"arn:aws:sts::{p.account_id}:assumed-role/{p.role_name}/aws-connection-wizard"
    cache = Path(env["HOME"], ".aws", "cli", "cache")
    before = set(cache.glob("*.json")) if cache.exists() else set()
    assert _caller_arn_aws_cli(env, "robot-proc") == expected
    assert (set(cache.glob("*.json")) if cache.exists() else set()) == before  # credential_process: nothing cached
    assert _caller_arn_aws_cli(env, "robot-keys") == p.user_arn
    assert _caller_arn_aws_cli(env, "robot") == expected
    # Why "sdk" is opt-in: for role_arn profiles the AWS CLI itself caches the role's temporary credentials on disk.
    cached = set(cache.glob("*.json")) - before
    assert cached, "the AWS CLI is expected to cache assumed-role credentials for role_arn profiles"
    for path in cached:
        path.unlink()


def test_import_then_export_round_trips(env, aws_emulator, tmp_path):
    """AWS files with plain keys -> import -> export under a new name -> the AWS CLI gets the same identity, and the
    original config is byte-for-byte the start of the new one."""
    p = aws_emulator.practice
    config, credentials = Path(env["AWS_CONFIG_FILE"]), Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    config.write_text(OTHER_PROFILES + f"[profile legacy]\nregion = {p.region}\nendpoint_url = {aws_emulator.url}\n")
    credentials.write_text(f"[legacy]\naws_access_key_id = {p.access_key_id}\naws_secret_access_key = "
                           f"{p.secret_access_key}\n")
    original = config.read_bytes()
    assert _caller_arn_aws_cli(env, "legacy") == p.user_arn
    imported = run_cli(env, "import")
    assert imported.returncode == 0, imported.stderr
    assert "imported  legacy" in imported.stdout and "skipped   colleague" in imported.stdout
    assert p.secret_access_key not in imported.stdout + imported.stderr
    credentials.unlink()  # the secret now lives only in the keychain
    _export(env, "legacy", "--as", "legacy-wizard")
    assert config.read_bytes().startswith(original)
    assert _caller_arn_aws_cli(env, "legacy-wizard") == p.user_arn
    again = run_cli(env, "import")
    assert "skipped   legacy-wizard  (written by aws-connection-wizard)" in again.stdout
