"""`policy NAME --trust` takes the principal from the identity the profile's last test found, without calling AWS, and
asks AWS (GetCallerIdentity) only when no test found one. Real subprocesses, the harness's keychain, the local AWS
emulator (moto on 127.0.0.1, signing enforced, trust policies enforced by its trust gate)."""

from __future__ import annotations

import json
import socket

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.secrets_registry import fake_secret_access_key
from wizard.core import policies
from wizard.core.profiles import ProfileStore

pytestmark = [
    pytest.mark.keychain,
]


@pytest.fixture
def env(tmp_path):
    yield cli_env(tmp_path)
    for profile in ProfileStore(tmp_path / "wizard-home").list():
        run_cli(cli_env(tmp_path), "remove", profile.name)


class Listener:
    """A loopback port that accepts connections and never answers: counts whether anything connected."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    found = Listener()
    yield found
    found.close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def move_endpoint(env, url: str, *names: str) -> None:
    """Point saved profiles somewhere else, as an administrator who went offline would find them."""
    store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])
    for name in names:
        profile = store.get(name)
        profile.connection.network.endpoint_url = url
        store.update(profile)


def add_pair(env, emulator, external_id: str) -> None:
    """A saved access-key profile `src` and a cross-account profile `partner` assuming the role with its keys."""
    p = emulator.practice
    added = run_cli(env, "add", "src", "--method", "access-key", "--region", p.region, "--service", "s3",
                    "--endpoint-url", emulator.url, "--access-key-id", p.access_key_id,
                    input=f"{p.secret_access_key}\n")
    assert added.returncode == 0, added.stderr
    added = run_cli(env, "add", "partner", "--method", "cross-account", "--region", p.region, "--service", "s3",
                    "--endpoint-url", emulator.url, "--role-arn", p.cross_role_arn, "--external-id", external_id,
                    "--source", "profile:src", input="")
    assert added.returncode == 0, added.stderr


def test_a_failed_trust_uses_the_identity_the_test_found_without_asking_aws(env, aws_emulator, listener):
    """The case the trust policy is for: AssumeRole refused (here: the External ID the role does not expect). The
    test found the caller's identity before the refusal; `policy --trust` then needs no network at all."""
    p = aws_emulator.practice
    add_pair(env, aws_emulator, external_id="not-the-expected-id-42")
    tested = run_cli(env, "test", "partner", "--json")
    assert tested.returncode == 1, tested.stdout + tested.stderr
    steps = {s["name"]: s for s in json.loads(tested.stdout)["steps"]}
    assert steps["identity"]["status"] == "ok" and steps["assume-role"]["status"] in ("failed", "denied")
    stored = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"]).get("partner")
    assert stored.identity_arn == p.user_arn and stored.assumed_arn is None

    move_endpoint(env, listener.url, "partner", "src")
    trust = run_cli(env, "policy", "partner", "--trust", timeout=60)
    assert trust.returncode == 0, trust.stderr
    assert json.loads(trust.stdout) == policies.trust_policy(p.user_arn, external_id="not-the-expected-id-42")
    assert "the identity the last test of partner found" in trust.stderr and "AWS was not contacted" in trust.stderr
    assert listener.connections() == 0, "policy --trust made a request although the identity was stored"
    assert p.secret_access_key not in trust.stdout + trust.stderr


def test_without_a_tested_identity_it_asks_aws_and_says_so(env, aws_emulator, listener):
    p = aws_emulator.practice
    add_pair(env, aws_emulator, external_id=p.external_id)  # saved untested: no identity stored

    asked = run_cli(env, "policy", "partner", "--trust", timeout=60)
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout) == policies.trust_policy(p.user_arn, external_id=p.external_id)
    assert "found now with GetCallerIdentity" in asked.stderr

    move_endpoint(env, closed_port_url(), "partner", "src")  # and when AWS cannot be reached: exit 1, say why
    unreachable = run_cli(env, "policy", "partner", "--trust", timeout=60)
    assert unreachable.returncode == 1
    assert unreachable.stdout == ""
    assert "could not find the identity" in unreachable.stderr and "--principal" in unreachable.stderr

    # once a test has found the identity, the same unreachable endpoint no longer matters
    move_endpoint(env, aws_emulator.url, "partner", "src")
    assert run_cli(env, "test", "partner").returncode == 0
    move_endpoint(env, listener.url, "partner", "src")
    stored = run_cli(env, "policy", "partner", "--trust", timeout=60)
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout) == json.loads(asked.stdout)
    assert "AWS was not contacted" in stored.stderr
    assert listener.connections() == 0


def test_an_access_key_profile_has_no_trust_policy_to_install(env):
    """An access key assumes no role: `--trust` says so (exit 2) instead of printing a role's trust policy."""
    added = run_cli(env, "add", "keys", "--method", "access-key", "--region", "us-east-1", "--service", "s3",
                    "--access-key-id", "AKIAIOSFODNN7EXAMPLE", input=f"{fake_secret_access_key()}\n")
    assert added.returncode == 0, added.stderr
    trust = run_cli(env, "policy", "keys", "--trust", "--principal", "arn:aws:iam::123456789012:user/robot")
    assert trust.returncode == 2
    assert trust.stdout == ""
    assert "assumes no role" in trust.stderr and "--permissions" in trust.stderr
