"""Profiles as a whole (wizard.core.profile_service) with the harness's real keychain: rename repoints cross-account
profiles, delete refuses or handles dependents and removes the keychain entries after the file entry, duplicate copies
the secrets, renew applies to session tokens only. The `remove` and `rename` commands over the same functions."""

from __future__ import annotations

import pytest

from tests.support.profiles_cli import cli_env, run_cli
from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core import profile_service
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import KeychainError, SecretStore
from wizard.core.profiles import ProfileStore, save_connection

pytestmark = [
    pytest.mark.keychain,
]


def keys(key_id: str = "AKIAIOSFODNN7EXAMPLE") -> Connection:
    return Connection(method="access-key", region="eu-west-1", service="s3", access_key_id=key_id)


def partner(source: str) -> Connection:
    return Connection(method="cross-account", region="eu-west-1", service="s3",
                      role_arn="arn:aws:iam::123456789012:role/partner", external_id="x-1234567890", source=source)


def test_rename_repoints_the_cross_account_profiles_and_keeps_the_keychain(stores):
    store, secret_store = stores
    secret = fake_secret_access_key()
    source = save_connection(store, secret_store, "ci", keys(), Secrets(secret), untested=True)
    save_connection(store, secret_store, "partner", partner("profile:ci"), Secrets(), untested=True)
    save_connection(store, secret_store, "other", partner("profile:cid"), Secrets(), untested=True)

    renamed = profile_service.rename(store, "ci", "build")
    assert renamed.id == source.id and secret_store.load(source.id).secret_access_key == secret
    assert store.get("partner").connection.source == "profile:build"
    assert store.get("other").connection.source == "profile:cid"  # only exact "profile:OLD"


def test_an_edit_that_renames_repoints_too(stores):
    store, secret_store = stores
    secret = fake_secret_access_key()
    source = save_connection(store, secret_store, "ci", keys(), Secrets(secret), untested=True)
    save_connection(store, secret_store, "partner", partner("profile:ci"), Secrets(), untested=True)
    edited = profile_service.save_edit(store, secret_store, source, "ci-eu", keys(), Secrets(secret), untested=True)
    assert edited.id == source.id and store.get("partner").connection.source == "profile:ci-eu"


def test_delete_refuses_with_dependents_unless_forced_and_removes_the_keychain_entries(stores):
    store, secret_store = stores
    source = save_connection(store, secret_store, "ci", keys(), Secrets(fake_secret_access_key()), untested=True)
    save_connection(store, secret_store, "partner", partner("profile:ci"), Secrets(), untested=True)

    with pytest.raises(profile_service.DependentsError, match="partner") as refused:
        profile_service.delete(store, secret_store, "ci")
    assert refused.value.dependents == ["partner"]
    assert "ci" in store.names() and secret_store.has_secret(source.id)

    deleted = profile_service.delete(store, secret_store, "ci", force=True)
    assert (deleted.profile.id, deleted.orphaned) == (source.id, ["partner"])
    assert "ci" not in store.names() and not secret_store.has_secret(source.id)


class BrokenKeychain:
    """A keychain whose delete fails (a locked collection): the profile file is written first, so it no longer lists
    the profile, and the error says the entries stayed."""

    def __init__(self, real: SecretStore) -> None:
        self.real = real

    def delete(self, profile_id: str) -> None:
        raise KeychainError("keyring-locked", "locked")


def test_delete_writes_the_file_before_the_keychain(stores):
    store, secret_store = stores
    source = save_connection(store, secret_store, "ci", keys(), Secrets(fake_secret_access_key()), untested=True)
    with pytest.raises(KeychainError, match="was deleted, but its keychain entries could not be removed"):
        profile_service.delete(store, BrokenKeychain(secret_store), "ci")
    assert "ci" not in store.names()  # never a listed profile without its secret
    assert secret_store.has_secret(source.id)  # the entry left behind (removed by the fixture)
    secret_store.delete(source.id)


def test_duplicate_copies_the_secrets_and_renew_is_for_session_tokens_only(stores):
    store, secret_store = stores
    secret, token = fake_secret_access_key(), fake_session_token()
    long_term = save_connection(store, secret_store, "ci", keys(), Secrets(secret), untested=True)
    copy = profile_service.duplicate(store, secret_store, "ci", profile_service.free_name(store.names(), "ci"))
    assert copy.name == "ci-copy" and copy.id != long_term.id
    assert secret_store.load(copy.id).secret_access_key == secret
    assert profile_service.free_name(store.names(), "ci") == "ci-copy-2"

    with pytest.raises(profile_service.NotRenewableError):
        profile_service.renew(store, secret_store, "ci", token)
    temporary = save_connection(store, secret_store, "temp", keys("ASIAIOSFODNN7EXAMPLE"), Secrets(secret, token),
                                untested=True)
    new_token = fake_session_token()
    renewed = profile_service.renew(store, secret_store, "temp", new_token)
    assert renewed.id == temporary.id and renewed.untested
    assert secret_store.load(temporary.id) == Secrets(secret, new_token)  # the stored secret kept


# -- the commands ----------------------------------------------------------------------------------------------------
def test_remove_and_rename_commands(tmp_path):
    env = cli_env(tmp_path)
    secret = fake_secret_access_key()
    added = run_cli(env, "add", "ci", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                    "--access-key-id", "AKIAIOSFODNN7EXAMPLE", input=f"{secret}\n\n")
    assert added.returncode == 0, added.stderr
    partner_added = run_cli(env, "add", "partner", "--method", "cross-account", "--region", "eu-west-1", "--service",
                            "s3", "--role-arn", "arn:aws:iam::123456789012:role/partner", "--external-id",
                            "x-1234567890", "--source", "profile:ci")
    assert partner_added.returncode == 0, partner_added.stderr
    store, secret_store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"]), SecretStore()
    ci_id = store.get("ci").id
    try:
        renamed = run_cli(env, "rename", "ci", "build")
        assert renamed.returncode == 0, renamed.stderr
        assert store.get("partner").connection.source == "profile:build"
        assert run_cli(env, "rename", "nope", "x").returncode == 2
        assert run_cli(env, "rename", "build", "partner").returncode == 2  # taken

        refused = run_cli(env, "remove", "build")
        assert refused.returncode == 2 and "partner" in refused.stderr
        assert "build" in store.names() and secret_store.has_secret(ci_id)
        forced = run_cli(env, "remove", "build", "--force")
        assert forced.returncode == 0, forced.stderr
        assert "partner" in forced.stderr  # warned: it will fail until its source changes
        assert "build" not in store.names() and not secret_store.has_secret(ci_id)
        assert run_cli(env, "remove", "partner").returncode == 0
        assert "--force" in run_cli(env, "remove", "--help").stdout
        for text in (renamed.stdout, refused.stderr, forced.stdout, forced.stderr):
            assert secret not in text
    finally:
        secret_store.delete(ci_id)
