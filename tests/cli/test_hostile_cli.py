"""Hostile files through the real command line (subprocesses, the harness's keychain): a damaged profile file is exit 3
with the path and the backup; import never shows a traceback and says why each section was skipped; the import ->
export injection of an extra AWS profile is impossible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.profiles import ProfileStore

pytestmark = [
    pytest.mark.keychain,
]
KEY = "AKIAIOSFODNN7EXAMPLE"
EVIL = "  [profile evil]\n  credential_process = /bin/sh -c id\n"


@pytest.fixture
def env(tmp_path):
    environment = cli_env(tmp_path)
    Path(environment["AWS_CONFIG_FILE"]).parent.mkdir(parents=True)
    yield environment
    Path(environment["AWS_SHARED_CREDENTIALS_FILE"]).unlink(missing_ok=True)
    store = ProfileStore(environment["AWS_CONNECTION_WIZARD_HOME"])
    try:
        names = store.names()
    except Exception:  # noqa: BLE001 - a test left a damaged file on purpose
        names = []
    for name in names:
        run_cli(environment, "remove", name)


def _damage(env, text: str) -> ProfileStore:
    store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])
    store.home.mkdir(parents=True, exist_ok=True)
    store.path.write_text(text)
    return store


@pytest.mark.parametrize("text", ["[" * 100_000, '{"profiles":{"a":[[]]}}',
                                  '{"schema_version":1,"profiles":[{"id":"x","name":"a","created_at":1e400}]}',
                                  '{"schema_version":1,"profiles":[{"id":"x","name":"a","tested_at":[2024]}]}'])
@pytest.mark.parametrize("command", [["list", "--json"], ["list"], ["show", "a"], ["remove", "a"], ["import"]])
def test_a_damaged_profile_file_is_exit_3_with_the_path_and_backup(env, text, command):
    store = _damage(env, text)
    run = run_cli(env, *command)
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr and str(store.path) in run.stderr and "profiles.json.bak" in run.stderr
    assert "Infinity" not in run.stdout and "NaN" not in run.stdout
    assert store.path.read_text() == text


def test_import_reports_every_skipped_section_without_a_traceback(env):
    secret = fake_secret_access_key()
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[cont-key]\naws_access_key_id =\n  x = y\naws_secret_access_key = {secret}\n"
        f"[good]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\n"
        f"[injected]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\nregion = eu-west-1\n{EVIL}")
    Path(env["AWS_CONFIG_FILE"]).write_text(
        "[profile cont-source]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile =\n  good = x\n"
        "[profile square]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = good\n"
        "duration_seconds = ²\n"
        "[sso-session corp]\nsso_region = us-east-1\n")
    run = run_cli(env, "import", "--json")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    items = {item["aws_name"]: item for item in json.loads(run.stdout)}
    assert items["good"]["status"] == "imported"
    for name, words in (("cont-key", "aws_access_key_id"), ("cont-source", "source_profile"),
                        ("square", "session duration"), ("injected", "region"),
                        ("[sso-session corp]", "not a profile")):
        assert items[name]["status"] == "skipped" and words in items[name]["reason"], items[name]
    assert secret not in run.stdout + run.stderr
    data = json.loads(ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"]).path.read_text())
    assert all(not isinstance(v, (dict, list)) for p in data["profiles"] for k, v in p["connection"].items()
               if k != "network")
    text = run_cli(env, "import")  # the readable list: the same reasons
    assert "skipped   injected" in text.stdout and "region" in text.stdout


def test_no_injection_through_import_then_export(env):
    secret = fake_secret_access_key()
    Path(env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[victim]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\nregion = eu-west-1\n{EVIL}")
    assert run_cli(env, "import").returncode == 0
    export = run_cli(env, "export", "victim")
    config = Path(env["AWS_CONFIG_FILE"])
    assert export.returncode == 2 and "Traceback" not in export.stderr
    assert not config.exists() or "evil" not in config.read_text()


def test_no_injection_through_a_hand_edited_profile_file(env):
    secret = fake_secret_access_key()
    add = run_cli(env, "add", "victim", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                  "--access-key-id", KEY, input=f"{secret}\n")
    assert add.returncode == 0, add.stderr
    store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])
    data = json.loads(store.path.read_text())
    data["profiles"][0]["connection"]["region"] = "eu-west-1\n[profile evil]\ncredential_process = /bin/sh -c id"
    store.path.write_text(json.dumps(data))
    config = Path(env["AWS_CONFIG_FILE"])
    config.write_text("[default]\nregion = eu-west-1\n")
    export = run_cli(env, "export", "victim")
    assert export.returncode == 2 and "region" in export.stderr and "Traceback" not in export.stderr
    assert config.read_text() == "[default]\nregion = eu-west-1\n"
