"""IAM Identity Center on the command line, end to end against the local emulators: `add --method sso`, `login
--device-code` (the code and URL printed, no browser without a display), `test --json`, `credential-process` read by
the real AWS CLI, `export --style sdk` read by the AWS CLI as it documents, and a login required after revocation.

The SSO calls reach the emulator through botocore's AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC (as in practice
mode); every other host meets the dead loopback proxy of tests/support/profiles_cli.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import botocore.session
import pytest

from tests.support.profiles_cli import REPO, cli_env, run_aws, run_cli
from tests.support.secrets_registry import register
from tests.support.sso import approve_device, remember, sso  # noqa: F401
from wizard.core.sso_tokens import SsoTokenStore, session_key

pytestmark = [
    pytest.mark.keychain,
    pytest.mark.integration,
]
ROLE = "PracticeReadOnly"


@pytest.fixture
def env(tmp_path, sso):  # noqa: F811
    environment = cli_env(tmp_path, AWS_ENDPOINT_URL_SSO=sso.url, AWS_ENDPOINT_URL_SSO_OIDC=sso.url,
                          SSO_START_URL=sso.practice.start_url, SSO_REGION=sso.practice.region)
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):  # a terminal without a display: never a browser
        environment.pop(name, None)
    (tmp_path / "aws").mkdir()
    yield environment
    run_cli(environment, "remove", "dev")  # drops the login's tokens from the keychain (no other profile uses it)


def _add(env, sso, aws_emulator, name="dev", account="", role=ROLE):  # noqa: F811
    p = sso.practice
    run = run_cli(env, "add", name, "--method", "sso", "--sso-start-url", p.start_url, "--sso-region", p.region,
                  "--sso-account-id", account or p.assignments[0][0], "--sso-role-name", role, "--region",
                  "us-east-1", "--service", "s3", "--endpoint-url", aws_emulator.url)
    assert run.returncode == 0, run.stderr
    return run


def _login_with_device_code(env, name="dev"):
    process = subprocess.Popen([sys.executable, "-m", "wizard", "login", name, "--device-code", "--timeout", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    printed = []
    try:
        complete = ""
        deadline = time.monotonic() + 30
        while not complete and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            printed.append(line)
            if line.startswith("(or open "):
                complete = line.split()[2]
        assert complete, "".join(printed) + process.stderr.read()
        approve_device(complete)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    _remember_tokens(env)
    return process.returncode, "".join(printed) + out, err


def _remember_tokens(env):
    """The login's token and registration (in the harness's keychain) join the final secret scan."""
    tokens = SsoTokenStore()
    owner = session_key(env["SSO_START_URL"], env["SSO_REGION"])
    found = [tokens.load_token(owner), tokens.load_registration(owner, "device")]
    remember(*(f for f in found if f is not None))


def test_add_login_with_device_code_and_test(env, sso, aws_emulator):  # noqa: F811
    _add(env, sso, aws_emulator)
    before = run_cli(env, "test", "dev", "--json")
    assert before.returncode == 1
    first = json.loads(before.stdout)["steps"][0]
    assert first["name"] == "sso-token" and first["diagnosis"]["code"] == "sso-login-required"

    code, out, err = _login_with_device_code(env)
    assert code == 0, err
    assert "enter the code" in out and sso.practice.start_url not in err
    tested = run_cli(env, "test", "dev", "--json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    steps = json.loads(tested.stdout)["steps"]
    assert [(s["name"], s["status"]) for s in steps] == [
        ("sso-token", "ok"), ("role-credentials", "ok"), ("identity", "ok"), ("service", "ok")]


def test_credential_process_feeds_the_real_aws_cli_and_sdk_export_is_documented(env, sso, aws_emulator):  # noqa: F811
    _add(env, sso, aws_emulator)
    assert _login_with_device_code(env)[0] == 0
    printed = run_cli(env, "credential-process", "dev")
    assert printed.returncode == 0, printed.stderr
    found = json.loads(printed.stdout)
    register(found["SecretAccessKey"], found["SessionToken"])
    assert found["Version"] == 1 and found["Expiration"]

    run = run_cli(env, "export", "dev")
    assert run.returncode == 0, run.stderr
    who = run_aws(env, "sts", "get-caller-identity", "--profile", "dev", "--output", "json")
    assert who.returncode == 0, who.stderr
    arn = json.loads(who.stdout)["Arn"]
    assert ":assumed-role/AWSReservedSSO_PracticeReadOnly_" in arn and arn.endswith("/" + sso.user)

    run = run_cli(env, "export", "dev", "--style", "sdk", "--as", "devsdk")
    assert run.returncode == 0, run.stderr
    assert "own IAM Identity Center tokens in a cache on disk" in run.stdout
    got = run_aws(env, "configure", "get", "sso_session", "--profile", "devsdk")
    assert got.returncode == 0 and got.stdout.strip() == "devsdk", got.stderr
    for key, value in (("sso_account_id", sso.practice.assignments[0][0]), ("sso_role_name", ROLE)):
        got = run_aws(env, "configure", "get", key, "--profile", "devsdk")
        assert got.stdout.strip() == value, got.stderr
    # offline, the AWS CLI resolves the profile through its sso-session and looks for its OWN token (none: no login
    # to AWS is ever made here), which proves it read the session as documented
    listed = run_aws(env, "configure", "list", "--profile", "devsdk")
    assert "devsdk" in listed.stdout and "Token for devsdk does not exist" in listed.stderr, listed.stderr
    config = botocore.session.Session(profile="devsdk")
    config.set_config_variable("config_file", env["AWS_CONFIG_FILE"])
    full = config.full_config
    assert full["sso_sessions"]["devsdk"] == {"sso_start_url": sso.practice.start_url,
                                              "sso_region": sso.practice.region,
                                              "sso_registration_scopes": "sso:account:access"}
    text = Path(env["AWS_CONFIG_FILE"]).read_text()
    assert "[sso-session devsdk]" in text and "sso_session = devsdk" in text


def test_credential_process_names_the_login_when_the_session_ended(env, sso, aws_emulator):  # noqa: F811
    _add(env, sso, aws_emulator)
    assert _login_with_device_code(env)[0] == 0
    sso.expire_access_tokens()
    sso.revoke_refresh_tokens()
    run = run_cli(env, "credential-process", "dev")
    assert run.returncode == 1 and not run.stdout
    assert "sso-login-required" in run.stderr and "aws-connection-wizard login dev" in run.stderr


def test_unassigned_role_is_access_denied(env, sso, aws_emulator):  # noqa: F811
    account, role = sso.practice.unassigned
    _add(env, sso, aws_emulator, role=role, account=account)
    assert _login_with_device_code(env)[0] == 0
    tested = run_cli(env, "test", "dev", "--json")
    steps = json.loads(tested.stdout)["steps"]
    assert tested.returncode == 1
    assert steps[1]["name"] == "role-credentials" and steps[1]["diagnosis"]["code"] == "sso-access-denied"


def test_removing_the_last_profile_of_a_login_forgets_its_tokens(env, sso, aws_emulator):  # noqa: F811
    _add(env, sso, aws_emulator)
    _add(env, sso, aws_emulator, name="dev2")
    assert _login_with_device_code(env)[0] == 0
    removed = run_cli(env, "remove", "dev2")
    assert removed.returncode == 0 and "tokens" not in removed.stdout  # dev still uses that login
    assert run_cli(env, "test", "dev", "--json").returncode == 0
    removed = run_cli(env, "remove", "dev")
    assert "Removed the IAM Identity Center login's tokens" in removed.stdout
    _add(env, sso, aws_emulator)
    again = run_cli(env, "test", "dev", "--json")
    assert json.loads(again.stdout)["steps"][0]["diagnosis"]["code"] == "sso-login-required"


def test_cross_account_with_an_sso_profile_as_its_source(env, sso, aws_emulator):  # noqa: F811
    """cross-account's source identity may be an sso profile: AssumeRole is called as the IAM Identity Center role
    (its credentials from GetRoleCredentials). The practice cross-account role trusts only the practice user, so moto
    refuses the SSO role: the report shows who called, and the refusal is the trust policy's (assume-role-denied)."""
    _add(env, sso, aws_emulator, role="PracticeAdministrator")
    assert _login_with_device_code(env)[0] == 0
    p = aws_emulator.practice
    run = run_cli(env, "add", "partner", "--method", "cross-account", "--role-arn", p.cross_role_arn, "--external-id",
                  p.external_id, "--source", "profile:dev", "--region", "us-east-1", "--service", "s3",
                  "--endpoint-url", aws_emulator.url)
    assert run.returncode == 0, run.stderr
    try:
        tested = run_cli(env, "test", "partner")
        assert tested.returncode == 1
        assert ":assumed-role/AWSReservedSSO_PracticeAdministrator_" in tested.stdout  # the identity step's caller
        assert "Diagnosis: assume-role-denied" in tested.stdout, tested.stdout
        removed = run_cli(env, "remove", "dev")
        assert removed.returncode == 2 and "partner" in removed.stderr  # the sso profile is partner's source
    finally:
        run_cli(env, "remove", "partner")
