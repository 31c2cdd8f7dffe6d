"""The profile file, the keychain's refusal rules and error codes, and session-token time: no keychain daemon needed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from filelock import FileLock

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core import profiles as profiles_mod
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import KeychainError, SecretStore, classify, entry_name, refusal_reason
from wizard.core.profiles import (
    Profile,
    ProfileError,
    ProfileStore,
    StoreError,
    migrate,
    save_connection,
)
from wizard.core.tokens import MAX_LIFETIME, format_duration, to_epoch, to_iso, token_time

REPO = Path(__file__).resolve().parents[2]


def _conn(**kw) -> Connection:
    return Connection(method="access-key", region="eu-west-1", service="s3", access_key_id="AKIAIOSFODNN7EXAMPLE", **kw)


@pytest.fixture
def store(tmp_path) -> ProfileStore:
    return ProfileStore(tmp_path / "home")


# -- location --------------------------------------------------------------------------------------------------------
def test_home_comes_from_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONNECTION_WIZARD_HOME", str(tmp_path / "elsewhere"))
    assert ProfileStore().path == tmp_path / "elsewhere" / "profiles.json"


def test_home_defaults_to_the_platform_config_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_CONNECTION_WIZARD_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert ProfileStore().path == tmp_path / "xdg" / "aws-connection-wizard" / "profiles.json"
    else:
        assert ProfileStore().path.parent.name == "aws-connection-wizard"


# -- file format and safety ------------------------------------------------------------------------------------------
def test_add_then_read_back_every_field(store):
    conn = _conn(bucket="reports", token_entered_at=1_700_000_000.0)
    conn.network.endpoint_url = "http://127.0.0.1:5000"
    added = store.add(Profile.new("prod-s3", conn, practice=True))
    again = ProfileStore(store.home).get("prod-s3")
    assert again == added
    assert again.connection.network.endpoint_url == "http://127.0.0.1:5000"
    data = json.loads(store.path.read_text())
    assert data["schema_version"] == 1
    assert data["profiles"][0]["id"] == added.id
    assert set(data["profiles"][0]) == {
        "id", "name", "connection", "created_at", "tested_at", "last_result", "untested", "practice", "expiration",
        "last_report", "identity_arn", "assumed_arn",
    }


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_file_is_0600_in_a_0700_directory_and_no_temp_files_remain(store):
    store.add(Profile.new("a", _conn()))
    store.add(Profile.new("b", _conn()))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.backup_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.home.stat().st_mode) == 0o700
    assert sorted(p.name for p in store.home.iterdir()) == ["profiles.json", "profiles.json.bak", "profiles.json.lock"]


def test_backup_holds_the_previous_version(store):
    store.add(Profile.new("first", _conn()))
    before = store.path.read_bytes()
    store.add(Profile.new("second", _conn()))
    assert store.backup_path.read_bytes() == before
    assert [p["name"] for p in json.loads(store.backup_path.read_text())["profiles"]] == ["first"]


def test_no_secret_reaches_the_profile_file(store):
    """Even if a caller put a secret where a setting belongs, Connection has no field for it."""
    secret = fake_secret_access_key()
    store.add(Profile.new("p", Connection.from_dict({"method": "access-key", "secret_access_key": secret})))
    assert secret not in store.path.read_text()


def test_names_are_unique_and_checked(store):
    store.add(Profile.new("dup", _conn()))
    with pytest.raises(ProfileError, match="already exists"):
        store.add(Profile.new("dup", _conn()))
    for bad in ("", "has space", "-starts-with-dash", "x" * 65, "semi;colon", "br[acket]"):
        with pytest.raises(ProfileError, match="Invalid profile name"):
            store.add(Profile.new(bad, _conn()))
    assert store.names() == ["dup"]


def test_rename_keeps_the_id_and_refuses_a_taken_name(store):
    original = store.add(Profile.new("old", _conn()))
    store.add(Profile.new("other", _conn()))
    renamed = store.rename("old", "new")
    assert renamed.id == original.id
    assert store.get("new").id == original.id
    with pytest.raises(KeyError):
        store.get("old")
    with pytest.raises(ProfileError):
        store.rename("new", "other")
    with pytest.raises(KeyError):
        store.rename("missing", "x")


def test_duplicate_has_a_new_id_and_the_same_settings(store):
    original = store.add(Profile.new("orig", _conn(bucket="b1")))
    copy = store.duplicate("orig", "copy")
    assert copy.id != original.id
    assert copy.connection == original.connection
    assert {p.name for p in store.list()} == {"orig", "copy"}


def test_update_and_remove(store):
    profile = store.add(Profile.new("p", _conn()))
    profile.connection.region = "ap-south-1"
    profile.name = "p2"
    store.update(profile)
    assert store.get("p2").connection.region == "ap-south-1"
    removed = store.remove("p2")
    assert removed.id == profile.id
    assert store.list() == []
    with pytest.raises(KeyError):
        store.remove("p2")


# -- migration -------------------------------------------------------------------------------------------------------
V0_FILE = {
    "profiles": {
        "legacy-s3": {"method": "access-key", "region": "eu-central-1", "service": "s3",
                      "access_key_id": "AKIAIOSFODNN7EXAMPLE", "tested_at": 1700000000.0, "last_result": "ok"},
        "legacy-role": {"method": "cross-account", "role_arn": "arn:aws:iam::123456789012:role/Partner",
                        "external_id": "abcdefghijklmnop", "source": "instance", "region": "us-west-2"},
    }
}


def test_migrate_from_v0_fixture(store):
    store.home.mkdir(parents=True)
    store.path.write_text(json.dumps(V0_FILE))
    by_name = {p.name: p for p in store.list()}
    assert set(by_name) == {"legacy-s3", "legacy-role"}
    assert by_name["legacy-s3"].connection.region == "eu-central-1"
    assert by_name["legacy-s3"].tested_at == 1700000000.0 and by_name["legacy-s3"].untested is False
    assert by_name["legacy-role"].connection.external_id == "abcdefghijklmnop"
    assert by_name["legacy-role"].untested is True
    assert len({p.id for p in by_name.values()}) == 2
    store.add(Profile.new("new", _conn()))  # the next write stores version 1
    data = json.loads(store.path.read_text())
    assert data["schema_version"] == 1 and len(data["profiles"]) == 3
    assert json.loads(store.backup_path.read_text()) == V0_FILE


def test_current_version_passes_through_migrate_unchanged():
    data = {"schema_version": 1, "profiles": []}
    assert migrate(data) is data


def test_newer_schema_and_corrupt_files_are_refused(store):
    store.home.mkdir(parents=True)
    store.path.write_text(json.dumps({"schema_version": 99, "profiles": []}))
    with pytest.raises(StoreError, match="newer"):
        store.list()
    store.path.write_text("{not json")
    with pytest.raises(StoreError, match="not valid JSON"):
        store.list()
    store.path.write_text(json.dumps({"schema_version": 1, "profiles": [{"no": "id"}]}))
    with pytest.raises(StoreError, match="damaged: a profile has no id"):
        store.list()


# -- locking ---------------------------------------------------------------------------------------------------------
def test_a_held_lock_times_out_with_a_store_error(store, monkeypatch):
    monkeypatch.setattr(profiles_mod, "LOCK_TIMEOUT", 0.2)
    store = ProfileStore(store.home)
    store.home.mkdir(parents=True)
    with FileLock(str(store.home / "profiles.json.lock")), pytest.raises(StoreError, match="lock"):
        store.add(Profile.new("p", _conn()))


def test_concurrent_writers_in_separate_processes_lose_nothing(store):
    script = (
        "import sys\n"
        "from wizard.core.connection import Connection\n"
        "from wizard.core.profiles import Profile, ProfileStore\n"
        "s = ProfileStore(sys.argv[1])\n"
        "for i in range(15):\n"
        "    s.add(Profile.new(f'{sys.argv[2]}-{i}', Connection()))\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(store.home), tag], cwd=REPO) for tag in ("a", "b", "c")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert len(store.list()) == 45


# -- save_connection without a usable keychain -----------------------------------------------------------------------
def test_save_with_no_keyring_writes_nothing(store):
    secrets = Secrets(fake_secret_access_key(), fake_session_token())
    no_keyring = SecretStore(backend=keyring.backends.fail.Keyring())
    with pytest.raises(KeychainError) as info:
        save_connection(store, no_keyring, "p", _conn(), secrets)
    assert info.value.code == "no-keyring"
    assert not store.path.exists()
    for value in secrets.values():
        assert value not in str(info.value)


def test_cross_account_needs_no_keychain(store):
    conn = Connection(method="cross-account", role_arn="arn:aws:iam::123456789012:role/R", source="instance")
    profile = save_connection(store, SecretStore(backend=keyring.backends.fail.Keyring()), "x", conn, Secrets())
    assert store.get("x").id == profile.id and profile.untested


# -- keychain rules (pure functions) ---------------------------------------------------------------------------------
class _PlaintextKeyring:
    """Looks like keyrings.alt's file backend. Not a KeyringBackend subclass: keyring would register it globally."""

    priority = 5


_PlaintextKeyring.__module__ = "keyrings.alt.file"


class _LowPriority:
    priority = 0.5


_LowPriority.__module__ = "some.thirdparty.backend"
_LowPriority.__name__ = "Vault"


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), _PlaintextKeyring(), _LowPriority()],
    ids=["fail", "null", "keyrings.alt", "low-priority"],
)
def test_plaintext_and_fallback_backends_are_refused(backend):
    assert refusal_reason(backend)
    with pytest.raises(KeychainError) as info:
        SecretStore(backend=backend).save("id", Secrets(fake_secret_access_key()))
    assert info.value.code == "no-keyring"
    assert SecretStore(backend=backend).backend_name() == "none"


def test_chainer_with_no_backends_is_refused(monkeypatch):
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [], raising=False)
    assert "no keyring backend" in refusal_reason(keyring.backends.chainer.ChainerBackend())


def test_key_scheme():
    assert entry_name("1234", "secret_access_key") == "1234/secret_access_key"
    assert entry_name("1234", "session_token") == "1234/session_token"
    with pytest.raises(ValueError):
        entry_name("1234", "access_key_id")


def test_error_codes_and_messages_never_hold_the_secret():
    import secretstorage.exceptions

    secret = fake_secret_access_key()
    cases = {
        keyring.errors.NoKeyringError(f"no backend {secret}"): "no-keyring",
        keyring.errors.KeyringLocked("Failed to unlock"): "keyring-locked",
        secretstorage.exceptions.LockedException("Collection is locked!"): "keyring-locked",
        secretstorage.exceptions.PromptDismissedException("dismissed"): "keyring-locked",
        RuntimeError(f"SecretStorage broke while storing {secret}"): "keyring-error",
        keyring.errors.PasswordSetError("set failed"): "keyring-error",
        OSError("dbus socket closed"): "keyring-error",
    }
    for exc, code in cases.items():
        error = classify(exc, [secret])
        assert error.code == code, exc
        assert secret not in str(error) and secret not in error.message


def test_values_longer_than_4096_are_refused_before_reaching_any_backend():
    with pytest.raises(KeychainError, match="4096"):
        SecretStore(backend=keyring.backends.null.Keyring()).save("id", Secrets("x", "t" * 4097))


# -- session-token time ----------------------------------------------------------------------------------------------
def test_entered_session_token_time_left():
    entered = 1_000_000.0
    fresh = token_time(entered, None, now=entered + 5 * 60)
    assert (fresh.kind, fresh.state, fresh.needs_renewal) == ("session-token", "valid", False)
    assert fresh.describe() == "up to 11 h 55 min left (entered 5 min ago)"
    later = token_time(entered, None, now=entered + 3600)
    assert later.state == "maybe" and later.seconds_left == MAX_LIFETIME - 3600
    assert token_time(entered, None, now=entered + 3600, last_result="expired-token").needs_renewal
    old = token_time(entered, None, now=entered + MAX_LIFETIME + 1)
    assert old.needs_renewal and old.describe().startswith("expired (entered 12 h ago)")


def test_assumed_role_real_expiration_and_nothing_to_expire():
    now = 2_000_000.0
    role = token_time(None, now + 42 * 60, now=now)
    assert (role.kind, role.state, role.describe()) == ("assumed-role", "valid", "expires in 42 min")
    gone = token_time(None, now - 180, now=now)
    assert gone.needs_renewal and gone.describe() == "expired 3 min ago"
    nothing = token_time(None, None, now=now)
    assert (nothing.kind, nothing.describe(), nothing.needs_renewal) == ("none", "", False)
    assert token_time(now - 60, now + 600, now=now).kind == "session-token"  # what the admin must renew wins


def test_profile_token_expires_at():
    profile = Profile.new("p", _conn(token_entered_at=100.0))
    assert profile.token_expires_at() == 100.0 + MAX_LIFETIME
    assert Profile.new("q", _conn(), expiration=555.0).token_expires_at() is None  # role credentials: fetched anew
    assert Profile.new("r", _conn()).token_expires_at() is None


def test_time_conversions():
    from datetime import datetime, timezone

    stamp = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
    assert to_epoch(stamp) == stamp.timestamp()
    assert to_epoch("2026-11-27T15:00:00Z") == stamp.timestamp()
    assert to_epoch(None) is None
    assert to_iso(stamp.timestamp()) == "2026-11-27T15:00:00Z"
    assert [format_duration(s) for s in (30, 60, 3600, 3660)] == ["30 s", "1 min", "1 h", "1 h 1 min"]
