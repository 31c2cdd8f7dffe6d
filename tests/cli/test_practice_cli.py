"""`--practice list` and `--practice show` read the practice window's profiles (kept under the real store's home, in
`practice/`, while the practice window is open), and the messages say where practice profiles are and that they end
with practice mode. Real subprocesses and the harness's real keychain."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore, save_connection

pytestmark = [
    pytest.mark.keychain,
]


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path)


def practice_store(env) -> ProfileStore:
    """The store the practice window writes (wizard.practice.session: the real home's `practice` directory)."""
    return ProfileStore(Path(env["AWS_CONNECTION_WIZARD_HOME"]) / "practice")


def add_practice_profiles(env, names) -> None:
    store, secrets = practice_store(env), SecretStore()
    for name in names:
        conn = Connection(method="access-key", region="us-east-1", service="s3", access_key_id="AKIAIOSFODNN7EXAMPLE",
                          network=NetworkSettings(endpoint_url="http://127.0.0.1:9"))
        save_connection(store, secrets, name, conn, Secrets("p" * 40), untested=True, practice=True)


def test_practice_list_and_show_read_the_practice_window_s_profiles(env):
    names = [f"practice-{n}" for n in ("keys", "role", "cross", "bedrock", "denied")]
    add_practice_profiles(env, names)
    listed = run_cli(env, "--practice", "list")
    assert listed.returncode == 0, listed.stderr
    for name in names:
        assert f"{name} (practice)" in listed.stdout
    shown = run_cli(env, "--practice", "show", "practice-keys")
    assert shown.returncode == 0, shown.stderr
    assert "Practice:" in shown.stdout and "local emulator only" in shown.stdout
    real = run_cli(env, "list")
    assert "practice-keys" not in real.stdout and "No profiles yet" in real.stdout


def test_show_of_a_practice_profile_without_practice_says_so(env):
    add_practice_profiles(env, ["practice-keys"])
    shown = run_cli(env, "show", "practice-keys")
    assert shown.returncode == 2
    assert "is a practice profile" in shown.stderr and "--practice show practice-keys" in shown.stderr
    assert "deleted when practice mode ends" in shown.stderr


def test_without_a_practice_window_the_messages_say_where_practice_profiles_are(env):
    home = str(Path(env["AWS_CONNECTION_WIZARD_HOME"]) / "practice")
    listed = run_cli(env, "--practice", "list")
    assert listed.returncode == 0
    assert "only while the practice window is open" in listed.stdout and home in listed.stdout
    shown = run_cli(env, "--practice", "show", "practice-keys")
    assert shown.returncode == 2 and "no practice profile named 'practice-keys'" in shown.stderr
    assert "deleted when practice mode ends" in shown.stderr
    missing = run_cli(env, "show", "nowhere")
    assert missing.returncode == 2 and "no profile named 'nowhere'" in missing.stderr
    assert "--practice list" in missing.stderr
