"""What happens to saved profiles as a whole: rename, delete, duplicate, renew a session token, save an edit.

The profile manager's actions and the command line call these, so that a capability behaves the same in the window
and in a script. No Qt; every function blocks on the profile file and the keychain (the window runs them off the GUI
thread). A profile's secrets live in the keychain under its id, not its name (`wizard.core.profiles`):

- rename keeps the id, so the keychain is untouched; the cross-account profiles whose source is the renamed profile
  ("profile:OLD") are repointed to the new name;
- delete refuses while cross-account profiles assume their role with the profile's keys (`DependentsError`, naming
  them) unless `force` is given; it removes the profile from the file first, then its keychain entries, so that a hard
  stop in between never leaves a listed profile without its secret (at worst an unlisted entry in the keychain);
- duplicate copies the settings under a new name and id, and the secrets in the keychain;
- renew stores new temporary keys for a profile that holds a session token (never for long-term AKIA keys).
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.connection import Connection, Secrets
from wizard.core.i18n import Words
from wizard.core.keychain import SecretStore
from wizard.core.profiles import (
    Profile,
    ProfileError,
    ProfileStore,
    duplicate_profile,
    remove_profile,
    renew_session_token,
    save_connection,
)
from wizard.core.tokens import can_renew

SOURCE_PREFIX = "profile:"  # a cross-account connection's source when it assumes its role with a saved profile's keys


def _said(text: str, **values) -> Words:
    """A refusal's message: English as a str, translated where it is shown (`i18n.shown`); tools/translations.py
    collects these calls."""
    return Words(text, "profile_service", values=values)


class DependentsError(ProfileError):
    """Deleting the profile would break the cross-account profiles that assume their role with its keys."""

    def __init__(self, name: str, dependents: list[str]):
        super().__init__(_said(
            "profile {name} is the source of {dependents}: they assume their role with its keys and would stop "
            "working. Delete or edit them first, or delete anyway (--force).",
            name=repr(name), dependents=", ".join(dependents)))
        self.name = name
        self.dependents = dependents


class NotRenewableError(ProfileError):
    """Renew was asked for a profile with no session token."""


@dataclass(frozen=True)
class Deleted:
    """What `delete` did: the profile removed, and the profiles left without their source (deleted with `force`)."""

    profile: Profile
    orphaned: list[str]
    forgot_login: bool = False  # sso: its IAM Identity Center login's tokens were removed (no other profile used them)


def source_name(conn: Connection) -> str | None:
    """The saved profile a cross-account connection assumes its role with ("profile:NAME" -> NAME), or None."""
    if conn.method == "cross-account" and conn.source.startswith(SOURCE_PREFIX):
        return conn.source.removeprefix(SOURCE_PREFIX)
    return None


def dependents(profiles: list[Profile], name: str) -> list[Profile]:
    """The cross-account profiles whose source identity is saved profile `name`."""
    return [p for p in profiles if source_name(p.connection) == name]


def free_name(taken, base: str) -> str:
    """`base`-copy, or `base`-copy-2, -3...: the first not in `taken` (a suggestion for a duplicate's name)."""
    taken = set(taken)
    candidate, n = f"{base}-copy", 2
    while candidate in taken:
        candidate, n = f"{base}-copy-{n}", n + 1
    return candidate


def _repoint(store: ProfileStore, old: str, new: str) -> list[str]:
    """Cross-account profiles assumed from profile `old` now name `new`; their names."""
    moved = []
    for dependent in dependents(store.list(), old):
        dependent.connection.source = SOURCE_PREFIX + new
        store.update(dependent)
        moved.append(dependent.name)
    return moved


def rename(store: ProfileStore, old: str, new: str) -> Profile:
    """Rename profile `old` (same id: the keychain is untouched) and repoint its dependents. KeyError: no such
    profile; ProfileError: `new` is invalid or taken."""
    renamed = store.rename(old, new)
    _repoint(store, old, new)
    return renamed


def delete(store: ProfileStore, secret_store: SecretStore, name: str, *, force: bool = False) -> Deleted:
    """Delete profile `name` and its keychain entries. DependentsError when cross-account profiles use it as their
    source, unless `force` (they are kept, and fail to test until their source is changed)."""
    profile = store.get(name)
    users = [p.name for p in dependents(store.list(), name)]
    if users and not force:
        raise DependentsError(name, users)
    remove_profile(store, secret_store, name)  # the file first, then the keychain
    return Deleted(profile, users, forget_unused_login(store, secret_store, profile))


def forget_unused_login(store: ProfileStore, secret_store: SecretStore, removed: Profile) -> bool:
    """After sso profile `removed` was deleted: drop its IAM Identity Center login's tokens from the keychain unless
    another profile uses the same login (start URL + SSO region: the tokens are shared). True when dropped."""
    if removed.connection.method != "sso":
        return False
    from wizard.core.credentials import sso_owner
    from wizard.core.sso_tokens import SsoTokenStore

    owner = sso_owner(removed.connection)
    if any(p.connection.method == "sso" and sso_owner(p.connection) == owner for p in store.list()):
        return False
    SsoTokenStore(secret_store).forget(owner)
    return True


def duplicate(store: ProfileStore, secret_store: SecretStore, name: str, new_name: str) -> Profile:
    """A copy of profile `name` under `new_name` and a new id, its secrets copied in the keychain."""
    return duplicate_profile(store, secret_store, name, new_name)


def renew(store: ProfileStore, secret_store: SecretStore, name: str, session_token: str, *,
          secret_access_key: str = "", access_key_id: str = "") -> Profile:
    """New temporary credentials for a profile holding a session token: the token, and with a new key id its secret
    (an empty secret keeps the stored one). Keychain first, then the file; the profile becomes untested."""
    profile = store.get(name)
    if not can_renew(profile):
        raise NotRenewableError(_said("profile {name} holds no session token: there is nothing to renew",
                                      name=repr(name)))
    if not session_token:
        raise NotRenewableError(_said("a session token is required"))
    secret = secret_access_key or secret_store.load(profile.id).secret_access_key
    secrets = Secrets(secret_access_key=secret, session_token=session_token)
    return renew_session_token(store, secret_store, name, secrets, access_key_id or None)


def save_edit(store: ProfileStore, secret_store: SecretStore, previous: Profile | None, name: str, conn: Connection,
              secrets: Secrets, **kw) -> Profile:
    """Save a connection from the wizard: new, or `previous` edited under its id (`save_connection`'s keywords). An
    edit that renamed the profile repoints its dependents, like `rename`."""
    saved = save_connection(store, secret_store, name, conn, secrets,
                            profile_id=previous.id if previous else None, **kw)
    if previous is not None and saved.name != previous.name:
        _repoint(store, previous.name, saved.name)
    return saved
