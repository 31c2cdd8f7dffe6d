"""The keychain against a real Secret Service: the harness's private, unlocked gnome-keyring-daemon (tests/run.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
import secretstorage

from tests.support.keychain_lock import locked_keychain
from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import SERVICE, KeychainError, SecretStore
from wizard.core.profiles import ProfileStore, duplicate_profile, remove_profile, save_connection

pytestmark = [
    pytest.mark.keychain,
]
REPO = Path(__file__).resolve().parents[2]


def _items(username_prefix: str) -> list:
    """Every Secret Service item of this program whose username starts with the profile id (locked or not)."""
    with closing(secretstorage.dbus_init()) as conn:
        found = secretstorage.search_items(conn, {"service": SERVICE})
        return [i.get_attributes()["username"] for i in found if i.get_attributes()["username"].startswith(username_prefix)]


def _conn() -> Connection:
    return Connection(method="access-key", region="us-east-1", access_key_id="ASIAIOSFODNN7EXAMPLE")


@pytest.fixture
def secret_store() -> SecretStore:
    return SecretStore(unlock_timeout=10)


def test_the_harness_keychain_is_gnome_keyring(secret_store):
    assert type(keyring.get_keyring()).__module__ == "keyring.backends.SecretService"
    assert secret_store.backend_name() == "GNOME Keyring"


def test_round_trip_with_a_4096_character_token_and_delete(secret_store):
    pid = str(uuid.uuid4())
    secrets = Secrets(fake_secret_access_key(), fake_session_token(4096))
    assert len(secrets.session_token) == 4096
    secret_store.save(pid, secrets)
    assert sorted(_items(pid)) == [f"{pid}/secret_access_key", f"{pid}/session_token"]
    loaded = SecretStore().load(pid)
    assert loaded == secrets
    secret_store.delete(pid)
    assert _items(pid) == []
    assert secret_store.load(pid) == Secrets()
    secret_store.delete(pid)  # deleting again is fine


def test_an_empty_token_removes_the_stored_one(secret_store):
    pid = str(uuid.uuid4())
    secret_store.save(pid, Secrets(fake_secret_access_key(), fake_session_token()))
    key_only = Secrets(fake_secret_access_key())
    secret_store.save(pid, key_only)
    assert secret_store.load(pid) == key_only
    assert _items(pid) == [f"{pid}/secret_access_key"]
    secret_store.delete(pid)


def test_profile_lifecycle_keeps_secrets_by_id(tmp_path, secret_store):
    store = ProfileStore(tmp_path / "home")
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    profile = save_connection(store, secret_store, "life", _conn(), secrets, untested=True)
    assert profile.untested and profile.connection.token_entered_at is not None
    store.rename("life", "renamed")
    assert secret_store.load(store.get("renamed").id) == secrets
    copy = duplicate_profile(store, secret_store, "renamed", "copy")
    assert copy.id != profile.id and secret_store.load(copy.id) == secrets
    for value in secrets.values():
        assert value not in store.path.read_text() and value not in store.backup_path.read_text()
    remove_profile(store, secret_store, "renamed")
    remove_profile(store, secret_store, "copy")
    assert _items(profile.id) == [] and _items(copy.id) == []
    assert store.list() == []


def test_edit_with_a_new_token_restamps_the_entry_time(tmp_path, secret_store):
    store = ProfileStore(tmp_path / "home")
    first = save_connection(store, secret_store, "e", _conn(), Secrets(fake_secret_access_key(), fake_session_token()))
    stamped = first.connection.token_entered_at
    time.sleep(0.01)
    kept = save_connection(store, secret_store, "e", first.connection, secret_store.load(first.id), profile_id=first.id)
    assert kept.connection.token_entered_at == stamped
    renewed = save_connection(
        store, secret_store, "e2", kept.connection, Secrets(fake_secret_access_key(), fake_session_token()),
        profile_id=first.id,
    )
    assert renewed.id == first.id and renewed.name == "e2"
    assert renewed.connection.token_entered_at > stamped
    remove_profile(store, secret_store, "e2")


# -- no backend --------------------------------------------------------------------------------------------------------
@contextmanager
def _active_keyring(backend):
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_no_backend_in_process_saves_nothing(tmp_path):
    store = ProfileStore(tmp_path / "home")
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    with _active_keyring(keyring.backends.fail.Keyring()), pytest.raises(KeychainError) as info:
        save_connection(store, SecretStore(), "nokey", _conn(), secrets)
    assert info.value.code == "no-keyring"
    assert not store.path.exists()
    assert not any(f.is_file() for f in tmp_path.rglob("*"))


def _cli_add(tmp_path, secrets: Secrets, **env) -> subprocess.CompletedProcess:
    """`aws-connection-wizard add` of an access-key profile, secrets on stdin, profile home under tmp_path."""
    return subprocess.run(
        [sys.executable, "-m", "wizard", "add", "p", "--method", "access-key", "--region", "us-east-1",
         "--service", "s3", "--access-key-id", "ASIAIOSFODNN7EXAMPLE"],
        input=f"{secrets.secret_access_key}\n{secrets.session_token}\n", capture_output=True, text=True,
        env=dict(os.environ, AWS_CONNECTION_WIZARD_HOME=str(tmp_path / "home"), **env), cwd=REPO, timeout=60,
        check=False,
    )


def test_no_backend_from_the_command_line_exits_3_and_writes_nothing(tmp_path):
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    run = _cli_add(tmp_path, secrets, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert run.returncode == 3, run.stderr
    assert "no-keyring" in run.stderr
    assert not (tmp_path / "home" / "profiles.json").exists()
    for value in secrets.values():
        assert value not in run.stdout + run.stderr
    assert not any(f.is_file() and f.name != "profiles.json.lock" for f in tmp_path.rglob("*"))


# -- locked keychain ---------------------------------------------------------------------------------------------------
def test_locked_keychain_reports_keyring_locked_and_saves_nothing(tmp_path):
    """gnome-keyring asks its prompter to unlock; with no display the prompt fails at once and SecretStore reports
    keyring-locked. With a display the prompt would wait: `unlock_timeout` bounds that (10 s here)."""
    store = ProfileStore(tmp_path / "home")
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    entries_before = sorted(_items(""))
    with locked_keychain():
        started = time.monotonic()
        with pytest.raises(KeychainError) as info:
            save_connection(store, SecretStore(unlock_timeout=10), "locked", _conn(), secrets)
        assert time.monotonic() - started < 30
        with pytest.raises(KeychainError) as load_info:
            SecretStore(unlock_timeout=10).load(str(uuid.uuid4()))
    assert info.value.code == "keyring-locked" and load_info.value.code == "keyring-locked"
    assert not store.path.exists()
    assert sorted(_items("")) == entries_before
    for value in secrets.values():
        assert value not in str(info.value)


def test_keyring_library_itself_raises_keyring_locked_not_a_hang():
    """What keyring does on its own (without our bounded pre-check): documents the behaviour we rely on."""
    with locked_keychain(), pytest.raises(keyring.errors.KeyringLocked):
        keyring.get_keyring().get_password(SERVICE, "probe/secret_access_key")


def test_locked_keychain_from_the_command_line_exits_3_and_writes_nothing(tmp_path):
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    with locked_keychain():
        run = _cli_add(tmp_path, secrets)
    assert run.returncode == 3, run.stderr
    assert "keyring-locked" in run.stderr
    assert not (tmp_path / "home" / "profiles.json").exists()
    for value in secrets.values():
        assert value not in run.stdout + run.stderr
