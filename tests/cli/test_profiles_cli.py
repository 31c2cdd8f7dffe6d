"""The profile subcommands as an administrator or a script runs them: real subprocesses, the harness's real keychain,
and the local AWS emulator (moto on 127.0.0.1, signing enforced)."""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.secrets_registry import fake_secret_access_key, fake_session_token, register
from wizard.core.connection import Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore

pytestmark = [
    pytest.mark.keychain,
]
KEY_ID = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path)


def _store(env) -> ProfileStore:
    return ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])


def _assert_no_secret(values, *texts):
    for value in values:
        for text in texts:
            assert value not in text


def _add_keys(env, name, secret, token="", *extra, key_id=KEY_ID, region="eu-west-1"):
    return run_cli(env, "add", name, "--method", "access-key", "--region", region, "--service", "s3",
                   "--access-key-id", key_id, *extra, input=f"{secret}\n{token}\n")


# -- add / list / show / remove ----------------------------------------------------------------------------------------
def test_add_list_show_remove_never_print_a_secret(env):
    secret, token = fake_secret_access_key(), fake_session_token()
    added = _add_keys(env, "work", secret, token, key_id="ASIAIOSFODNN7EXAMPLE")
    assert added.returncode == 0, added.stderr
    assert "Saved profile work, untested (secrets in GNOME Keyring)" in added.stdout
    listed = run_cli(env, "list")
    shown = run_cli(env, "show", "work")
    as_json = run_cli(env, "show", "work", "--json")
    listed_json = run_cli(env, "list", "--json")
    assert [r.returncode for r in (listed, shown, as_json, listed_json)] == [0, 0, 0, 0]
    assert "work" in listed.stdout and "untested" in listed.stdout and "up to 11 h 59 min left (entered" in listed.stdout
    assert "ASIA…MPLE" in shown.stdout and "never shown" in shown.stdout
    data = json.loads(as_json.stdout)
    assert (data["name"], data["method"], data["region"], data["untested"]) == ("work", "access-key", "eu-west-1", True)
    assert data["token"]["kind"] == "session-token"
    assert [p["name"] for p in json.loads(listed_json.stdout)] == ["work"]
    store = _store(env)
    _assert_no_secret([secret, token], added.stdout, added.stderr, listed.stdout, shown.stdout, as_json.stdout,
                      listed_json.stdout, store.path.read_text())
    profile = store.get("work")
    assert SecretStore().load(profile.id).session_token == token

    removed = run_cli(env, "remove", "work")
    assert removed.returncode == 0, removed.stderr
    assert SecretStore().load(profile.id).secret_access_key == ""
    assert run_cli(env, "show", "work").returncode == 2


def test_add_refuses_bad_input_with_exit_2_and_saves_nothing(env):
    short = register("ShortSecretButStillSecret")
    bad_key = _add_keys(env, "bad", short)
    assert bad_key.returncode == 2
    assert "secret access key" in bad_key.stderr
    bad_region = _add_keys(env, "bad", fake_secret_access_key(), region="mars-central-1")
    assert bad_region.returncode == 2 and "region" in bad_region.stderr
    _assert_no_secret([short], bad_key.stdout, bad_key.stderr)
    assert not _store(env).path.exists()


def test_secrets_are_never_taken_from_arguments(env):
    secret = fake_secret_access_key()
    run = run_cli(env, "add", "x", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
                  "--access-key-id", KEY_ID, "--secret-access-key", secret, input="")
    assert run.returncode == 2 and "unrecognized arguments" in run.stderr


def test_duplicate_names_unknown_profiles_and_a_broken_store(env):
    assert _add_keys(env, "one", fake_secret_access_key()).returncode == 0
    again = _add_keys(env, "one", fake_secret_access_key())
    assert again.returncode == 2 and "already exists" in again.stderr
    assert run_cli(env, "remove", "ghost").returncode == 2
    assert run_cli(env, "credential-process", "ghost").returncode == 2
    path = _store(env).path
    path.write_text("{broken")
    broken = run_cli(env, "list")
    assert broken.returncode == 3 and "not valid JSON" in broken.stderr


def test_cross_account_needs_no_secret_on_stdin(env):
    run = run_cli(env, "add", "partner", "--method", "cross-account", "--region", "us-east-1", "--service", "ec2",
                  "--role-arn", "arn:aws:iam::123456789012:role/Partner", "--external-id", "Xk3v9QpL2mZr8TnW4yBc",
                  "--source", "instance", input="")
    assert run.returncode == 0, run.stderr
    profile = _store(env).get("partner")
    assert (profile.connection.source, profile.connection.external_id) == ("instance", "Xk3v9QpL2mZr8TnW4yBc")


# -- credential-process (keys) ---------------------------------------------------------------------------------------------
def test_credential_process_prints_version_1_json(env):
    secret, token = fake_secret_access_key(), fake_session_token()
    assert _add_keys(env, "perm", secret).returncode == 0
    assert _add_keys(env, "temp", secret, token, key_id="ASIAIOSFODNN7EXAMPLE").returncode == 0
    perm = run_cli(env, "credential-process", "perm")
    assert perm.returncode == 0, perm.stderr
    assert json.loads(perm.stdout) == {"Version": 1, "AccessKeyId": KEY_ID, "SecretAccessKey": secret}
    assert perm.stderr == ""
    temp = json.loads(run_cli(env, "credential-process", "temp").stdout)
    assert temp["SessionToken"] == token
    entered = _store(env).get("temp").connection.token_entered_at
    expected = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(entered + 12 * 3600))
    assert temp["Expiration"] == expected


def test_credential_process_refuses_an_expired_session_token(env):
    secret, token = fake_secret_access_key(), fake_session_token()
    assert _add_keys(env, "old", secret, token, key_id="ASIAIOSFODNN7EXAMPLE").returncode == 0
    store = _store(env)
    profile = store.get("old")
    profile.connection.token_entered_at = time.time() - 13 * 3600
    store.update(profile)
    run = run_cli(env, "credential-process", "old")
    assert run.returncode == 1 and "expired" in run.stderr and run.stdout == ""
    _assert_no_secret([secret, token], run.stderr)


def test_credential_process_with_no_keychain_exits_3(env):
    assert _add_keys(env, "k", fake_secret_access_key()).returncode == 0
    run = run_cli(dict(env, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"), "credential-process", "k")
    assert run.returncode == 3 and "no-keyring" in run.stderr and run.stdout == ""


# -- against the emulator -------------------------------------------------------------------------------------------------
def _add_practice(env, emulator, name, method="access-key", *extra):
    p = emulator.practice
    args = ["add", name, "--method", method, "--region", p.region, "--service", "s3", "--endpoint-url", emulator.url]
    if method in ("access-key", "assume-role"):
        args += ["--access-key-id", p.access_key_id]
    return run_cli(env, *args, *extra, input=f"{p.secret_access_key}\n")


def test_add_then_test_json_end_to_end(env, aws_emulator):
    added = _add_practice(env, aws_emulator, "practice-keys")
    assert added.returncode == 0, added.stderr
    tested = run_cli(env, "test", "practice-keys", "--json", "--timeout", "60")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    report = json.loads(tested.stdout)
    assert report["profile"] == "practice-keys" and report["ok"] is True
    assert [s["name"] for s in report["steps"]][:1] == ["identity"]
    assert all(s["status"] in ("ok", "skipped") and s["diagnosis"] is None for s in report["steps"])
    assert set(report["steps"][0]) == {"name", "status", "duration_ms", "diagnosis"}
    profile = _store(env).get("practice-keys")
    assert profile.untested is False and profile.last_result == "ok" and profile.tested_at
    text = run_cli(env, "test", "practice-keys")
    assert text.returncode == 0 and aws_emulator.practice.user_arn in text.stdout
    _assert_no_secret([aws_emulator.practice.secret_access_key], tested.stdout, tested.stderr, text.stdout)


def test_failed_test_exits_1_with_a_diagnosis_code(env, aws_emulator):
    p = aws_emulator.practice
    wrong = fake_secret_access_key()
    run = run_cli(env, "add", "wrong", "--method", "access-key", "--region", p.region, "--service", "s3",
                  "--endpoint-url", aws_emulator.url, "--access-key-id", p.access_key_id, input=f"{wrong}\n")
    assert run.returncode == 0, run.stderr
    tested = run_cli(env, "test", "wrong", "--json")
    assert tested.returncode == 1
    report = json.loads(tested.stdout)
    assert report["ok"] is False
    failed = next(s for s in report["steps"] if s["status"] in ("failed", "denied"))
    assert failed["diagnosis"]["code"] and failed["diagnosis"]["remedy"]
    assert _store(env).get("wrong").last_result == failed["diagnosis"]["code"]
    _assert_no_secret([wrong], tested.stdout, tested.stderr)


def test_cross_account_from_a_saved_profile_end_to_end(env, aws_emulator):
    p = aws_emulator.practice
    assert _add_practice(env, aws_emulator, "src").returncode == 0
    added = run_cli(env, "add", "partner", "--method", "cross-account", "--region", p.region, "--service", "s3",
                    "--endpoint-url", aws_emulator.url, "--role-arn", p.cross_role_arn, "--external-id",
                    p.external_id, "--source", "profile:src", input="")
    assert added.returncode == 0, added.stderr
    tested = run_cli(env, "test", "partner", "--json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert [s["name"] for s in json.loads(tested.stdout)["steps"]][:3] == ["identity", "assume-role", "assumed-identity"]
    assert _store(env).get("partner").expiration is not None


def test_credential_process_assumes_the_role(env, aws_emulator):
    p = aws_emulator.practice
    assert _add_practice(env, aws_emulator, "robot", "assume-role", "--role", p.role_name).returncode == 0
    run = run_cli(env, "credential-process", "robot")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    register(out["SecretAccessKey"], out["SessionToken"])
    assert out["Version"] == 1 and out["AccessKeyId"] != p.access_key_id and out["SessionToken"]
    assert out["Expiration"].endswith("Z")
    who = aws_emulator.client("sts", out["AccessKeyId"], out["SecretAccessKey"], out["SessionToken"])
    assert f":assumed-role/{p.role_name}/" in who.get_caller_identity()["Arn"]
    keys = json.loads(run_cli(env, "credential-process", "--source-keys", "robot").stdout)
    assert keys == {"Version": 1, "AccessKeyId": p.access_key_id, "SecretAccessKey": p.secret_access_key}


def test_timeout_bounds_a_test_against_a_silent_endpoint(env):
    from tests.support.responders import SilentEndpoint

    secret = fake_secret_access_key()
    with SilentEndpoint() as silent:
        assert _add_keys(env, "silent", secret, "", "--endpoint-url", silent.url).returncode == 0
        started = time.monotonic()
        run = run_cli(env, "test", "silent", "--json", "--timeout", "2")
        elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stdout + run.stderr
    assert json.loads(run.stdout)["ok"] is False
    assert elapsed < 45  # generous: process start-up on a loaded machine; without the bound it would be 10 s per call
    _assert_no_secret([secret], run.stdout, run.stderr)


def _read_until(fd: int, marker: bytes, timeout: float = 60) -> bytes:
    import select

    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_on_a_terminal_secrets_are_prompted_for_without_echo(env):
    import pty
    import sys

    from tests.support.profiles_cli import REPO

    secret, token = fake_secret_access_key(), fake_session_token()
    args = [sys.executable, "-m", "wizard", "add", "typed", "--method", "access-key", "--region", "us-east-1",
            "--service", "s3", "--access-key-id", "ASIAIOSFODNN7EXAMPLE"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI with the pseudo-terminal as its controlling terminal
        os.chdir(REPO)
        os.execve(sys.executable, args, env)
    try:
        screen = _read_until(fd, b"Secret access key: ")
        os.write(fd, secret.encode() + b"\n")
        screen += _read_until(fd, b"Session token")
        os.write(fd, token.encode() + b"\n")
        screen += _read_until(fd, b"Saved profile")
        screen += _read_until(fd, b"\n", timeout=5)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, screen.decode(errors="replace")
    assert b"Saved profile typed" in screen
    assert secret.encode() not in screen and token.encode() not in screen  # no echo
    assert SecretStore().load(_store(env).get("typed").id) == Secrets(secret, token)


def test_add_takes_timeouts_and_a_proxy_user_whose_password_goes_to_the_keychain_only(env):
    secret, password = fake_secret_access_key(), "Pr0xyPassw0rd" + str(time.monotonic_ns())[-6:]
    added = run_cli(env, "add", "behind-proxy", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                    "--access-key-id", KEY_ID, "--proxy", "http://127.0.0.1:3128", "--proxy-user", "robot",
                    "--connect-timeout", "4.5", "--read-timeout", "20", input=f"{secret}\n\n{password}\n")
    assert added.returncode == 0, added.stderr
    profile = _store(env).get("behind-proxy")
    net = profile.connection.network
    assert (net.proxy, net.proxy_user, net.connect_timeout, net.read_timeout) == (
        "http://127.0.0.1:3128", "robot", 4.5, 20.0)
    file_text = (_store(env).path).read_text()
    assert password not in file_text and secret not in file_text
    assert SecretStore().get_entry(profile.id, "proxy_password") == password
    shown = run_cli(env, "show", "behind-proxy")
    assert password not in shown.stdout + shown.stderr and "robot" in shown.stdout
    bad = run_cli(env, "add", "slow", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                  "--access-key-id", KEY_ID, "--connect-timeout", "0", input=f"{secret}\n")
    assert bad.returncode == 2 and "connect timeout" in bad.stderr
    in_url = run_cli(env, "add", "in-url", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                     "--access-key-id", KEY_ID, "--proxy", "http://robot:pw@127.0.0.1:3128", input=f"{secret}\n")
    assert in_url.returncode == 2 and "credentials-in-url" in in_url.stderr
    removed = run_cli(env, "remove", "behind-proxy")
    assert removed.returncode == 0
    assert SecretStore().get_entry(profile.id, "proxy_password") == ""


def test_a_reader_that_stops_early_ends_the_listing_quietly(env):
    """`list --json | head`: the pipe closes while the listing is written; no traceback, the closed pipe's status."""
    import subprocess
    import sys

    from wizard.core.connection import Connection
    from wizard.core.profiles import Profile

    store = _store(env)
    with store.batch():
        for i in range(200):  # about 200 KB of JSON: more than a pipe holds
            store.add(Profile.new(f"many-{i:03d}", Connection(access_key_id=KEY_ID, region="eu-west-1")))
    for path in ("the profile file read", "the kept listing copied"):
        listing = subprocess.Popen([sys.executable, "-m", "wizard", "list", "--json"], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert listing.stdout.read(100).startswith(b"[")
        listing.stdout.close()  # the reader stops, as `head -c 100` does
        errors = listing.stderr.read().decode()
        assert (listing.wait(timeout=60), errors) == (141, ""), path
