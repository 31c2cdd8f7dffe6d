"""Importing a thousand AWS profiles: the profile file is written once (not once per profile), every profile and its
secret arrive (the harness's real gnome-keyring), and a keychain failure part-way keeps what was saved."""

from __future__ import annotations

import time

import pytest

import wizard.core.profiles as profiles_module
from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.awsconfig import import_profiles
from wizard.core.keychain import KeychainError, SecretStore
from wizard.core.profiles import ProfileStore

pytestmark = [
    pytest.mark.keychain,
]
COUNT = 1000
GENEROUS_SECONDS = 240  # about 10-25 s on a loaded 2-core machine (gnome-keyring's own writes); bench/ has the figure


def _credentials(tmp_path, count: int) -> tuple[object, list[str]]:
    secrets = [fake_secret_access_key() for _ in range(count)]
    path = tmp_path / "credentials"
    path.write_text("".join(f"[p{i:04d}]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {s}\n"
                            for i, s in enumerate(secrets)), encoding="utf-8")
    return path, secrets


@pytest.fixture
def writes(monkeypatch):
    """Paths written by the store's atomic_write (the profile file and its backup)."""
    seen: list[str] = []
    real = profiles_module.atomic_write

    def counting(path, data, mode=0o600):
        seen.append(path.name)
        real(path, data, mode)

    monkeypatch.setattr(profiles_module, "atomic_write", counting)
    return seen


@pytest.mark.timeout(GENEROUS_SECONDS * 2)
def test_a_thousand_profiles_are_imported_with_one_write(tmp_path, writes):
    store, secret_store = ProfileStore(tmp_path / "home"), SecretStore()
    credentials, secrets = _credentials(tmp_path, COUNT)
    started = time.monotonic()
    try:
        items = import_profiles(store, secret_store, tmp_path / "no-config", credentials)
        took = time.monotonic() - started
    finally:
        credentials.unlink()  # the stand-in for the user's file; the final secret scan must not find it
    try:
        assert [i.status for i in items].count("imported") == COUNT
        assert writes.count(profiles_module.FILE_NAME) == 1, writes
        assert sorted(store.names()) == [f"p{i:04d}" for i in range(COUNT)]
        for index in (0, 499, COUNT - 1):
            profile = store.get(f"p{index:04d}")
            assert profile.untested and secret_store.load(profile.id).secret_access_key == secrets[index]
        assert took < GENEROUS_SECONDS
    finally:
        with secret_store.batch():
            for profile in store.list():
                secret_store.delete(profile.id)


def test_a_keychain_failure_part_way_keeps_what_was_saved(tmp_path, writes):
    store = ProfileStore(tmp_path / "home")

    class FailingAfterThree(SecretStore):
        saved = 0

        def save(self, profile_id, secrets):
            if self.saved == 3:
                raise KeychainError("keyring-locked", "locked part-way (test)")
            super().save(profile_id, secrets)
            self.saved += 1

    secret_store = FailingAfterThree()
    credentials, _ = _credentials(tmp_path, 6)
    try:
        with pytest.raises(KeychainError):
            import_profiles(store, secret_store, tmp_path / "no-config", credentials)
    finally:
        credentials.unlink()
    try:
        assert store.names() == ["p0000", "p0001", "p0002"]  # the three whose secrets are in the keychain
        assert writes.count(profiles_module.FILE_NAME) == 1
    finally:
        for profile in store.list():
            secret_store.delete(profile.id)
