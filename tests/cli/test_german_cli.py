"""The command line in German: its human output and help from the same catalogue as the window (--lang de or the
environment's language); --json stays English and the same in every language."""

from __future__ import annotations

import json

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.secrets_registry import fake_secret_access_key

pytestmark = [pytest.mark.keychain, pytest.mark.integration]


@pytest.fixture
def env(tmp_path):
    return cli_env(tmp_path, LANGUAGE="", LC_ALL="", LC_MESSAGES="", LANG="C.UTF-8")


def _add_wrong_secret(env, aws_emulator) -> None:
    p = aws_emulator.practice
    run = run_cli(env, "add", "wrong", "--method", "access-key", "--region", p.region, "--service", "s3",
                  "--endpoint-url", aws_emulator.url, "--access-key-id", p.access_key_id,
                  input=f"{fake_secret_access_key()}\n")
    assert run.returncode == 0, run.stderr


def test_lang_de_speaks_german_and_json_stays_english(env, aws_emulator):
    listed = run_cli(env, "--lang", "de", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("Noch keine Profile."), listed.stdout
    _add_wrong_secret(env, aws_emulator)
    shown = run_cli(env, "--lang", "de", "show", "wrong")
    assert "Methode:" in shown.stdout and "Zugriffsschlüssel" in shown.stdout, shown.stdout
    human = run_cli(env, "--lang", "de", "test", "wrong")
    assert human.returncode == 1
    assert "Diagnose: wrong-secret-key – Der geheime Zugriffsschlüssel passt nicht zur Zugriffsschlüssel-ID" \
        in human.stdout, human.stdout
    assert "Was zu tun ist:" in human.stdout
    english = json.loads(run_cli(env, "test", "wrong", "--json").stdout)
    german = json.loads(run_cli(env, "--lang", "de", "test", "wrong", "--json").stdout)
    failed = [s for s in german["steps"] if s.get("diagnosis")]
    assert failed and failed[0]["diagnosis"]["summary"] == "The secret access key does not match the access key ID"
    assert [s.get("diagnosis") for s in german["steps"]] == [s.get("diagnosis") for s in english["steps"]]


def test_the_environment_chooses_german_and_lang_overrides_it(env):
    german_env = dict(env, LANG="de_DE.UTF-8")
    assert run_cli(german_env, "list").stdout.startswith("Noch keine Profile.")
    assert run_cli(german_env, "--lang", "en", "list").stdout.startswith("No profiles yet.")
    assert "Ein Profil umbenennen." in run_cli(german_env, "--help").stdout + run_cli(german_env, "rename", "-h").stdout
