"""MFA through the command line against the local AWS (moto on 127.0.0.1, its trust gate checking the codes), the real
keychain and the real AWS CLI: `add --mfa-serial`, `test --mfa-code`, `renew`, `credential-process`, `export`.

Each test uses a fresh virtual MFA device of the practice user, so no test waits for a code another one used.
"""

from __future__ import annotations

import configparser
import json
import time
from pathlib import Path

import pytest

from tests.support.mfa_codes import codes_used
from tests.support.mfa_codes import fresh_code as code
from tests.support.profiles_cli import cli_env, run_aws, run_cli
from tests.support.secrets_registry import register, register_gate_sessions, register_mfa_code

pytestmark = [
    pytest.mark.keychain,
    pytest.mark.integration,
]


@pytest.fixture
def env(tmp_path):
    environment = cli_env(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):  # no display: credential-process must never try a window
        environment.pop(name, None)
    Path(environment["AWS_CONFIG_FILE"]).parent.mkdir(parents=True)
    yield environment
    Path(environment["AWS_SHARED_CREDENTIALS_FILE"]).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _sessions_registered(aws_emulator):
    yield
    register_gate_sessions(aws_emulator)  # sessions started by the CLI subprocesses: the final scan looks for them


@pytest.fixture
def device(aws_emulator):
    serial, seed = aws_emulator.new_mfa_device("practice-user")
    register(seed)
    return serial


@pytest.fixture
def short_sessions(aws_emulator):
    yield aws_emulator.gate
    aws_emulator.gate.session_seconds = None


def wrong(found: str) -> str:
    return register_mfa_code(f"{(int(found) + 500_000) % 1_000_000:06d}")


def add(env, emulator, name, method, *extra, keys=None):
    p = emulator.practice
    key_id, secret = keys or (p.access_key_id, p.secret_access_key)
    args = ["add", name, "--method", method, "--region", p.region, "--service", "s3", "--endpoint-url", emulator.url]
    if method in ("access-key", "assume-role"):
        args += ["--access-key-id", key_id]
    run = run_cli(env, *args, *extra, input=f"{secret}\n" if method != "cross-account" else "")
    assert run.returncode == 0, run.stderr


def add_mfa_partner(env, emulator, device, name="partner"):
    """An access-key profile "keys" and a cross-account profile NAME: the practice MFA role, with its External ID,
    sourced from "keys", the code asked for DEVICE."""
    p = emulator.practice
    add(env, emulator, "keys", "access-key")
    add(env, emulator, name, "cross-account", "--role-arn", p.mfa_role_arn, f"--external-id={p.external_id}",
        "--source", "profile:keys", "--mfa-serial", device)


def json_test(env, name, *extra):
    run = run_cli(env, "test", name, "--json", *extra, input="")
    assert "Traceback" not in run.stderr, run.stderr
    return run, json.loads(run.stdout)


def failure(report: dict) -> dict:
    return next(s for s in report["steps"] if s["status"] in ("failed", "denied"))["diagnosis"]


@pytest.mark.parametrize("method", ["access-key", "assume-role"])
def test_a_method_with_mfa_passes_and_reuses_its_session(env, aws_emulator, device, method, short_sessions):
    p = aws_emulator.practice
    extra = ["--role", p.mfa_role_arn] if method == "assume-role" else []
    add(env, aws_emulator, "mfa", method, "--mfa-serial", device, *extra)
    run, report = json_test(env, "mfa")
    assert run.returncode == 1 and failure(report)["code"] == "invalid-input"  # no code, no terminal
    assert "--mfa-code" in failure(report)["summary"]
    run, report = json_test(env, "mfa", "--mfa-code", code(aws_emulator, device))
    assert run.returncode == 0 and report["ok"], run.stdout
    run, report = json_test(env, "mfa")  # the MFA session from the keychain: no second code
    assert run.returncode == 0 and report["ok"], run.stdout
    short_sessions.session_seconds = 62  # a session over two seconds after it starts (the margin is one minute)
    run, report = json_test(env, "mfa", "--mfa-code", code(aws_emulator, device))
    assert run.returncode == 0 and report["ok"], run.stdout  # the kept session is still good: the code is not used
    assert codes_used(aws_emulator, device) == 1
    assert run_cli(env, "renew", "mfa", "--mfa-code", code(aws_emulator, device), input="").returncode == 0
    time.sleep(2.5)
    run, report = json_test(env, "mfa")  # expired: a code is needed again
    assert run.returncode == 1 and failure(report)["code"] == "invalid-input" and device in failure(report)["summary"]


def test_cross_account_sends_the_device_and_code_with_assume_role(env, aws_emulator, device):
    add_mfa_partner(env, aws_emulator, device)
    run, report = json_test(env, "partner", "--mfa-code", wrong(code(aws_emulator, device)))
    assert run.returncode == 1 and failure(report)["code"] == "mfa-code-invalid"
    run, report = json_test(env, "partner", "--mfa-code", code(aws_emulator, device))
    assert run.returncode == 0 and report["ok"], run.stdout


def test_each_mfa_diagnosis_from_its_fault(env, aws_emulator, device):
    p = aws_emulator.practice
    # a role whose trust policy demands MFA, assumed without a device: assume-role-denied, MFA named as a cause
    add(env, aws_emulator, "no-device", "assume-role", "--role", p.mfa_role_arn)
    run, report = json_test(env, "no-device")
    found = failure(report)
    assert found["code"] == "assume-role-denied" and any("MultiFactorAuthPresent" in c for c in found["causes"])
    # a user denied everything until MFA: mfa-required, with its remedy
    add(env, aws_emulator, "mfa-user", "access-key", keys=(p.mfa_user_access_key_id, p.mfa_user_secret_access_key))
    register(p.mfa_user_secret_access_key)
    run, report = json_test(env, "mfa-user")
    found = failure(report)
    assert found["code"] == "mfa-required" and "MFA device field" in found["remedy"]
    # a wrong code and a reused one: mfa-code-invalid
    add(env, aws_emulator, "mfa", "access-key", "--mfa-serial", device)
    run, report = json_test(env, "mfa", "--mfa-code", wrong(code(aws_emulator, device)))
    assert failure(report)["code"] == "mfa-code-invalid" and "Wait for your authenticator" in failure(report)["remedy"]
    used = code(aws_emulator, device)
    assert json_test(env, "mfa", "--mfa-code", used)[1]["ok"]
    run = run_cli(env, "renew", "mfa", "--mfa-code", used, input="")  # the same code again: refused
    assert run.returncode == 1 and "mfa-code-invalid" in run.stderr and used not in run.stderr + run.stdout
    # a device that isn't the caller's: mfa-device-unknown
    add(env, aws_emulator, "other-device", "access-key", "--mfa-serial", p.mfa_user_serial)
    run, report = json_test(env, "other-device", "--mfa-code", code(aws_emulator, p.mfa_user_serial))
    found = failure(report)
    assert found["code"] == "mfa-device-unknown" and "MFA device field" in found["remedy"]


def test_the_aws_cli_uses_one_mfa_session_until_it_expires(env, aws_emulator, device, short_sessions):
    p = aws_emulator.practice
    add(env, aws_emulator, "mfa", "access-key", "--mfa-serial", device)
    run = run_cli(env, "export", "mfa")
    assert run.returncode == 0, run.stderr
    assert "credential-process --prompt gui mfa" in Path(env["AWS_CONFIG_FILE"]).read_text()
    run = run_cli(env, "credential-process", "mfa", input="")  # never started: names renew
    assert run.returncode == 1 and "aws-connection-wizard renew mfa" in run.stderr and not run.stdout
    run = run_cli(env, "renew", "mfa", "--mfa-code", code(aws_emulator, device), input="")
    assert run.returncode == 0 and "New MFA session for mfa" in run.stdout, run.stderr
    for _ in range(2):  # one code, two uses
        got = run_aws(env, "sts", "get-caller-identity", "--profile", "mfa", "--output", "json")
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout)["Arn"] == p.user_arn
    # a session that ends (the gate makes it last 62 s: one minute is the margin, so it is over in 2 s)
    short_sessions.session_seconds = 62
    run = run_cli(env, "renew", "mfa", "--mfa-code", code(aws_emulator, device), input="")
    assert run.returncode == 0, run.stderr
    time.sleep(2.5)
    run = run_cli(env, "credential-process", "mfa", "--prompt", "gui", input="")  # no display: no window
    assert run.returncode == 1 and not run.stdout
    assert "has expired" in run.stderr and "aws-connection-wizard renew mfa" in run.stderr
    got = run_aws(env, "sts", "get-caller-identity", "--profile", "mfa")
    assert got.returncode != 0 and "aws-connection-wizard renew mfa" in got.stderr


def test_sdk_export_writes_the_mfa_device(env, aws_emulator, device):
    p = aws_emulator.practice
    add(env, aws_emulator, "role", "assume-role", "--role", p.mfa_role_arn, "--mfa-serial", device)
    run = run_cli(env, "export", "role", "--style", "sdk")
    assert run.returncode == 0, run.stderr
    parser = configparser.RawConfigParser()
    parser.read(env["AWS_CONFIG_FILE"])
    assert dict(parser.items("profile role"))["mfa_serial"] == device


def test_removing_a_profile_forgets_its_mfa_session(env, aws_emulator, device):
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore

    add(env, aws_emulator, "mfa", "access-key", "--mfa-serial", device)
    profile_id = ProfileStore(Path(env["AWS_CONNECTION_WIZARD_HOME"])).get("mfa").id
    assert run_cli(env, "renew", "mfa", "--mfa-code", code(aws_emulator, device), input="").returncode == 0
    assert SecretStore(unlock_timeout=10).get_entry(profile_id, "mfa_session")
    assert run_cli(env, "remove", "mfa").returncode == 0
    assert SecretStore(unlock_timeout=10).get_entry(profile_id, "mfa_session") == ""


@pytest.fixture
def role_source(request, env, aws_emulator):
    """The source of a cross-account profile: a saved profile, the default chain (the practice user's keys in the
    environment) or the EC2 instance role (the metadata emulator handing out the same keys)."""
    p = aws_emulator.practice
    if request.param == "profile":
        add(env, aws_emulator, "keys", "access-key")
        yield "profile:keys"
    elif request.param == "default":
        env.update(AWS_ACCESS_KEY_ID=p.access_key_id, AWS_SECRET_ACCESS_KEY=p.secret_access_key)
        yield "default"
    else:
        from wizard.practice.imds_emulator import ImdsEmulator

        keys = {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key}
        with ImdsEmulator("role", account=p.account_id, credentials=keys) as metadata:
            env.update(AWS_EC2_METADATA_SERVICE_ENDPOINT=metadata.url, AWS_EC2_METADATA_DISABLED="false")
            yield "instance"


@pytest.mark.parametrize("role_source", ["profile", "default", "instance"], indirect=True)
def test_a_cross_account_role_with_mfa_is_kept_until_it_expires(env, aws_emulator, device, role_source,
                                                                 short_sessions):
    p = aws_emulator.practice
    add(env, aws_emulator, "partner", "cross-account", "--role-arn", p.mfa_role_arn, f"--external-id={p.external_id}",
        "--source", role_source,
        "--mfa-serial", device)
    run, report = json_test(env, "partner", "--mfa-code", code(aws_emulator, device))
    assert run.returncode == 0 and report["ok"], run.stdout
    run, report = json_test(env, "partner")  # the role assumed with the code, from the keychain: no second code
    assert run.returncode == 0 and report["ok"], run.stdout
    assert {s["name"]: s["status"] for s in report["steps"]}["assumed-identity"] == "ok"
    assert codes_used(aws_emulator, device) == 1  # the gate saw one code in all
    # a role that ends (the gate says it lasts 62 s: one minute is the margin, so it is over in 2 s)
    short_sessions.session_seconds = 62
    run = run_cli(env, "renew", "partner", "--mfa-code", code(aws_emulator, device), input="")
    assert run.returncode == 0 and "New MFA session for partner" in run.stdout, run.stderr
    run, report = json_test(env, "partner")  # renewed: still no code
    assert run.returncode == 0 and report["ok"], run.stdout
    time.sleep(2.5)
    run, report = json_test(env, "partner")  # expired: a code is asked for again (none here: no terminal)
    assert run.returncode == 1 and failure(report)["code"] == "invalid-input" and device in failure(report)["summary"]
    run, report = json_test(env, "partner", "--mfa-code", code(aws_emulator, device))
    assert run.returncode == 0 and report["ok"], run.stdout


def test_the_aws_cli_uses_one_mfa_role_until_it_expires(env, aws_emulator, device, short_sessions):
    add_mfa_partner(env, aws_emulator, device)
    assert run_cli(env, "export", "partner").returncode == 0
    run = run_cli(env, "credential-process", "partner", input="")  # never assumed: names renew
    assert run.returncode == 1 and "aws-connection-wizard renew partner" in run.stderr and not run.stdout
    run = run_cli(env, "renew", "partner", "--mfa-code", code(aws_emulator, device), input="")
    assert run.returncode == 0, run.stderr
    for _ in range(2):  # one code, two uses
        got = run_aws(env, "sts", "get-caller-identity", "--profile", "partner", "--output", "json")
        assert got.returncode == 0, got.stderr
        assert ":assumed-role/PracticeMfaRole/" in json.loads(got.stdout)["Arn"]
    short_sessions.session_seconds = 62
    assert run_cli(env, "renew", "partner", "--mfa-code", code(aws_emulator, device), input="").returncode == 0
    time.sleep(2.5)
    run = run_cli(env, "credential-process", "partner", "--prompt", "gui", input="")  # no display: no window
    assert run.returncode == 1 and not run.stdout
    assert "has expired" in run.stderr and "aws-connection-wizard renew partner" in run.stderr


def test_removing_a_cross_account_profile_forgets_its_mfa_role(env, aws_emulator, device):
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore

    add_mfa_partner(env, aws_emulator, device)
    profile_id = ProfileStore(Path(env["AWS_CONNECTION_WIZARD_HOME"])).get("partner").id
    assert run_cli(env, "renew", "partner", "--mfa-code", code(aws_emulator, device), input="").returncode == 0
    assert SecretStore(unlock_timeout=10).get_entry(profile_id, "mfa_role_session")
    assert run_cli(env, "rename", "partner", "partner2").returncode == 0  # same id: the role is still kept
    run, report = json_test(env, "partner2")
    assert run.returncode == 0 and report["ok"], run.stdout
    assert run_cli(env, "remove", "partner2").returncode == 0
    assert SecretStore(unlock_timeout=10).get_entry(profile_id, "mfa_role_session") == ""


@pytest.mark.parametrize("method", ["access-key", "cross-account"])
def test_credential_process_asks_in_a_window_when_the_session_has_expired(env, aws_emulator, device, short_sessions,
                                                                         method):
    """`credential-process NAME --prompt gui` on a real display (Xvfb): the AWS CLI runs it with no terminal, its
    window asks for the code (typed with xdotool, as a person would), and the AWS CLI gets the identity; the next
    call needs no code."""
    import subprocess

    from tests.packaging.xvfb import Xvfb
    from tests.support.profiles_cli import AWS_CLI, REPO

    p = aws_emulator.practice
    if method == "access-key":
        add(env, aws_emulator, "mfa", "access-key", "--mfa-serial", device)
        identity = p.user_arn
    else:
        add_mfa_partner(env, aws_emulator, device, "mfa")
        identity = ":assumed-role/PracticeMfaRole/"
    assert run_cli(env, "export", "mfa").returncode == 0
    short_sessions.session_seconds = 62  # a session that is over two seconds after it starts (the margin is 60 s)
    assert run_cli(env, "renew", "mfa", "--mfa-code", code(aws_emulator, device), input="").returncode == 0
    short_sessions.session_seconds = None
    time.sleep(2.5)
    with Xvfb() as display:
        shown = display.env(env)
        aws = subprocess.Popen([str(AWS_CLI), "sts", "get-caller-identity", "--profile", "mfa", "--output", "json"],
                               env=shown, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        try:
            window = display.wait_for_window("MFA code", timeout=60, process=aws)
            typed = code(aws_emulator, device)
            for command in (["windowfocus", "--sync", window], ["type", "--delay", "40", typed],
                            ["key", "Return"]):
                subprocess.run(["xdotool", *command], env=shown, check=True, timeout=30)
            out, err = aws.communicate(timeout=90)
        finally:
            if aws.poll() is None:
                aws.kill()
                aws.wait()
        assert aws.returncode == 0, err
        assert identity in json.loads(out)["Arn"]
        assert typed not in out + err
        again = run_aws(shown, "sts", "get-caller-identity", "--profile", "mfa", "--output", "json")
        assert again.returncode == 0 and identity in json.loads(again.stdout)["Arn"], again.stderr
        assert not display.visible_windows("MFA code")


def test_renew_explains_a_malformed_code_in_the_user_s_language(env, aws_emulator, device):
    add(env, aws_emulator, "mfa", "access-key", "--mfa-serial", device)
    german = run_cli(env, "--lang", "de", "renew", "mfa", "--mfa-code", "12345", input="")
    english = run_cli(env, "renew", "mfa", "--mfa-code", "12345", input="")
    assert german.returncode == english.returncode == 2
    assert "The code has six digits; this has 5." in english.stderr, english.stderr
    assert "5" in german.stderr and "six digits" not in german.stderr and "sechs" in german.stderr, german.stderr
    assert codes_used(aws_emulator, device) == 0  # checked offline: nothing was sent
