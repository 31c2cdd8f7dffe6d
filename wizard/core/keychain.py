"""The OS keychain: where the secret access key and the session token live, and nowhere else.

Key scheme (one `keyring` service for the whole program; the "username" names the profile by its stable id, so renaming
a profile never touches the keychain):

    service:  "aws-connection-wizard"
    username: "<profile-id>/secret_access_key"     the secret access key
              "<profile-id>/session_token"         the session token (absent when the profile has none)
              "<owner>/<name>"                     a named entry (`NAMED_ENTRIES`: the MFA session from
                                                   GetSessionToken as JSON, a role assumed with an MFA
                                                   code, IAM Identity Center tokens and client
                                                   registration, the HTTPS proxy's password), `owner` a profile id or
                                                   an SSO session key

`<profile-id>` is the profile's uuid4 from the profile file (`wizard.core.profiles`). On Linux the entries appear in
GNOME Keyring / KWallet (Secret Service) with the attributes service=aws-connection-wizard, username=<as above>.

The backend is chosen without keyring's discovery, which imports every backend it knows (macOS's asks
`ctypes.util.find_library`, which runs `ldconfig` and a compiler on Linux): an explicit choice (PYTHON_KEYRING_BACKEND,
keyringrc.cfg, or `keyring.set_keyring` in this process) wins; otherwise the platform's own backend is taken directly
(`platform_backend()`): Secret Service or KWallet on Linux and the BSDs, Windows Credential Manager, macOS Keychain.
`keyring` itself is imported on first use, so reading the profile file never loads it.

No plaintext fallback, ever: a backend that stores secrets in a file (keyrings.alt), the "fail" and "null" backends, and
any backend with priority below 1 are refused with a `KeychainError("no-keyring")`. Every failure becomes a
`KeychainError` whose code is one of `CODES`; its message never contains a secret value.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable
from contextlib import closing, contextmanager

from wizard.core.connection import Secrets
from wizard.core.i18n import Words

SERVICE = "aws-connection-wizard"
SECRET_FIELDS = ("secret_access_key", "session_token")
CODES = ("no-keyring", "keyring-locked", "keyring-error")
MAX_SECRET_LENGTH = 4096
NAMED_ENTRIES = ("mfa_session", "mfa_role_session", "sso_access_token", "sso_refresh_token", "sso_registration_device",
                 "sso_registration_authorization_code", "proxy_password")
MAX_ENTRY_LENGTH = 16384  # a named entry holds a small JSON document (an SSO token and its expiry)
DEFAULT_UNLOCK_TIMEOUT = 120.0  # seconds the user gets to answer an unlock prompt

WRITE_TRIES = 3  # a transient Secret Service error on a write is retried this many times in all
RETRY_PAUSES = (0.05, 0.2)  # seconds before the 2nd and 3rd try
_FINAL_NAMES = ("LockedException", "PromptDismissedException", "SecretServiceNotAvailableException")

class _LazyKeyring:
    """The `keyring` package, imported when first used (`keyring.errors`, `keyring.core`, ...)."""

    def __getattr__(self, name: str):
        import keyring
        import keyring.core
        import keyring.errors

        return getattr(keyring, name)


keyring = _LazyKeyring()

# The platform's own backends, best first ("module:class"); each one's priority says whether it works here.
PLATFORM_BACKENDS = {
    "win32": ("keyring.backends.Windows:WinVaultKeyring",),
    "darwin": ("keyring.backends.macOS:Keyring",),
    "other": ("keyring.backends.SecretService:Keyring", "keyring.backends.kwallet:DBusKeyring"),
}

_REFUSED_CLASS_WORDS = ("fail", "null", "plaintext")
_REFUSED_MODULE_PARTS = ("fail", "null", "file", "plaintext")


def _said(text: str, **values) -> Words:
    """A keychain error's message: English as a str (logs, `--json`), one catalogue text (with {placeholders} for the
    values) translated where it is shown; tools/translations.py collects the literals of these calls."""
    return Words(text, "keychain", values=values)


class KeychainError(Exception):
    """The keychain could not be used. `code` is one of CODES; `message` is safe to show (no secret in it): a `Words`
    made by `_said` for the user's language where it is shown, English in `str(exc)`."""

    def __init__(self, code: str, message: str):
        if code not in CODES:
            raise ValueError(f"unknown keychain error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def entry_name(profile_id: str, field: str) -> str:
    """The keyring "username" of one secret of one profile (see the module docstring)."""
    if field not in SECRET_FIELDS:
        raise ValueError(f"not a secret field: {field!r}")
    return f"{profile_id}/{field}"


def named_entry(owner: str, name: str) -> str:
    """The keyring "username" of a named entry (see the module docstring)."""
    if name not in NAMED_ENTRIES:
        raise ValueError(f"not a named keychain entry: {name!r}")
    if not owner or "/" in owner:
        raise ValueError("a keychain entry's owner is a profile id or an SSO session key")
    return f"{owner}/{name}"


def refusal_reason(backend) -> str | None:
    """Why `backend` must not hold secrets (plaintext, fail, null, low priority), or None when it is acceptable."""
    cls = type(backend)
    module = cls.__module__
    name = f"{module}.{cls.__name__}"
    if module.startswith("keyrings.alt"):
        return f"{name} stores secrets in a plain or weakly protected file"
    if module.startswith("keyring.backends.chainer"):
        chained = list(backend.backends)
        if not chained:
            return "no keyring backend is available"
        for inner in chained:
            reason = refusal_reason(inner)
            if reason:
                return reason
        return None
    module_parts = module.lower().split(".")
    if any(w in cls.__name__.lower() for w in _REFUSED_CLASS_WORDS) or set(module_parts) & set(_REFUSED_MODULE_PARTS):
        return f"{name} does not keep secrets safely"
    try:
        priority = backend.priority
    except Exception as exc:  # noqa: BLE001 - a backend's priority raises anything when it cannot work here
        return f"{name} cannot be used: {type(exc).__name__}"
    if priority < 1:
        return f"{name} has priority {priority} (not a recommended keyring)"
    return None


def platform_backend():
    """The keyring backend to use: an explicit choice (PYTHON_KEYRING_BACKEND, keyringrc.cfg, `keyring.set_keyring`),
    else the best working backend of this platform (PLATFORM_BACKENDS), else keyring's "fail" backend, which
    `refusal_reason` refuses. Probing a candidate talks to D-Bus or the OS API; it never starts a process."""
    import importlib

    core = keyring.core
    chosen = getattr(core, "_keyring_backend", None) or core.load_env() or core.load_config()
    if chosen is not None:
        return chosen
    best, best_priority = None, 0.0
    for spec in PLATFORM_BACKENDS.get(sys.platform, PLATFORM_BACKENDS["other"]):
        module_name, _, class_name = spec.partition(":")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
            priority = cls.priority
        except Exception:  # noqa: BLE001 - a backend that cannot work here raises anything (ImportError, RuntimeError)
            continue
        if best is None or priority > best_priority:
            best, best_priority = cls, priority
    if best is None:
        return keyring.backends.fail.Keyring()  # not remembered: a keychain started later is found on the next call
    chosen = best()
    core.set_keyring(chosen)  # keyring's own functions (and later calls) use the same backend
    return chosen


def direct_secret_service() -> bool:
    """True when `platform_backend()` would pick keyring's Secret Service backend without anyone having chosen it: a
    Linux/BSD desktop, no PYTHON_KEYRING_BACKEND, no keyringrc.cfg, no `keyring.set_keyring` in this process, and no
    dbus-python (without it KWallet's backend can't work, so it can't be preferred). Then the keychain can be read with
    secretstorage directly (`_read_secret_service`), the same entries keyring reads, without importing keyring (about
    50 ms of a command's start). Whether the Secret Service is there is found out by reading."""
    import importlib.util
    import os
    from pathlib import Path

    if sys.platform in ("win32", "darwin") or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return False
    loaded = sys.modules.get("keyring.core")
    if loaded is not None and getattr(loaded, "_keyring_backend", None) is not None:
        return False
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    if (Path(config_home) / "python_keyring" / "keyringrc.cfg").exists():
        return False
    return importlib.util.find_spec("secretstorage") is not None and importlib.util.find_spec("dbus") is None


def _read_secret_service(service: str, names: list[str], unlock_timeout: float) -> dict[str, str]:
    """Blocking: the entries `names` of `service` from the Secret Service's default collection, as keyring's
    SecretService backend finds them (attributes service and username, the first match), on one D-Bus connection and
    one encrypted session. A locked collection gets its unlock prompt for at most `unlock_timeout` seconds."""
    import secretstorage

    found: dict[str, str] = {}
    with closing(secretstorage.dbus_init()) as conn:
        if not secretstorage.check_service_availability(conn):
            raise KeychainError("no-keyring", _said("The Secret Service is not running. Nothing secret was saved."))
        collection = secretstorage.get_default_collection(conn)
        _unlock_collection(collection, unlock_timeout)
        for name in names:
            for item in collection.search_items({"username": name, "service": service}):
                if item.is_locked():
                    item.unlock()
                    if item.is_locked():
                        raise KeychainError("keyring-locked", _said("The keychain entry stayed locked."))
                if collection.session is None:
                    collection.session = secretstorage.util.open_session(conn)  # one session for every entry
                item.session = collection.session
                found[name] = item.get_secret().decode("utf-8")
                break
    return found


def _chained(backend) -> list:
    if type(backend).__module__.startswith("keyring.backends.chainer"):
        return list(backend.backends)
    return [backend]


def _is_secret_service(backend) -> bool:
    return type(backend).__module__ == "keyring.backends.SecretService"


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for value in secrets:
        if value:
            text = text.replace(value, "[redacted]")
    return text


def classify(exc: BaseException, secrets: Iterable[str] = ()) -> KeychainError:
    """Turn any exception raised by a keyring backend into a KeychainError (the message is scrubbed of secrets)."""
    if isinstance(exc, KeychainError):
        return exc
    detail = _scrub(f"{type(exc).__name__}: {exc}", secrets)[:300]
    module = type(exc).__module__ or ""
    if isinstance(exc, keyring.errors.NoKeyringError):
        return KeychainError("no-keyring", _said(
            "No usable keychain on this system ({detail}). Nothing secret was saved.", detail=detail))
    if isinstance(exc, keyring.errors.KeyringLocked) or type(exc).__name__ in ("LockedException", "PromptDismissedException"):
        return KeychainError(
            "keyring-locked", _said("The keychain is locked and was not unlocked. Unlock it (log in again or open your "
                                    "keyring manager) and retry.")
        )
    if module.startswith("secretstorage") and type(exc).__name__ == "SecretServiceNotAvailableException":
        return KeychainError("no-keyring", _said(
            "The Secret Service is not running ({detail}). Nothing secret was saved.", detail=detail))
    return KeychainError("keyring-error", _said("The keychain reported an error: {detail}", detail=detail))


def transient(exc: BaseException) -> bool:
    """True for a Secret Service error worth another try: gnome-keyring answers two writers of the same entry at once
    with `ItemNotFoundException: Item does not exist!` (one replaced the item the other was replacing), and D-Bus calls
    can fail the same way. Locked, dismissed, missing keychains and every other backend's errors are final."""
    if isinstance(exc, (KeychainError, keyring.errors.KeyringLocked, keyring.errors.NoKeyringError)):
        return False
    if type(exc).__name__ in _FINAL_NAMES:
        return False
    return (type(exc).__module__ or "").startswith(("secretstorage", "jeepney"))


def _retried(call, *args):
    """`call(*args)`, tried up to WRITE_TRIES times while it fails with a transient error."""
    for attempt in range(WRITE_TRIES):
        try:
            return call(*args)
        except Exception as exc:  # noqa: BLE001 - backends raise anything; only transient ones are retried
            if attempt == WRITE_TRIES - 1 or not transient(exc):
                raise
            time.sleep(RETRY_PAUSES[min(attempt, len(RETRY_PAUSES) - 1)])
    raise AssertionError("unreachable")


class SecretStore:
    """Secrets of profiles in the OS keychain, keyed by profile id.

    `backend` defaults to `platform_backend()` (honours PYTHON_KEYRING_BACKEND and keyringrc). When the backend is
    the Secret Service and its collection is locked, an unlock prompt gets `unlock_timeout` seconds; a dismissed or
    unanswered prompt is `keyring-locked`.
    """

    def __init__(self, service: str = SERVICE, *, backend=None, unlock_timeout: float = DEFAULT_UNLOCK_TIMEOUT):
        self.service = service
        self._backend = backend
        self.unlock_timeout = unlock_timeout
        self._batch_backend = None  # during batch(): the backend on one connection, for the batch's thread only
        self._batch_thread: int | None = None

    # -- backend -----------------------------------------------------------------------------------------------------
    def backend(self):
        """The keyring backend, or KeychainError("no-keyring") when it would not keep secrets safely."""
        if self._batch_backend is not None and self._batch_thread == threading.get_ident():
            return self._batch_backend
        try:
            backend = self._backend if self._backend is not None else platform_backend()
        except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
            raise classify(exc) from None
        reason = refusal_reason(backend)
        if reason:
            raise KeychainError("no-keyring", _said("No usable keychain: {reason}. Nothing secret was saved.",
                                                    reason=reason))
        return backend

    def backend_name(self) -> str:
        """A name an administrator recognises ("GNOME Keyring", "macOS Keychain", ...), or "none" when refused."""
        try:
            backend = self.backend()
        except KeychainError:
            return "none"
        names = [_friendly_name(b) for b in _chained(backend)]
        return " + ".join(names)

    def _ready(self, secrets: Iterable[str] = ()):
        backend = self.backend()
        for inner in _chained(backend):
            if _is_secret_service(inner):
                _ensure_unlocked(inner, self.unlock_timeout, secrets)
        return backend

    # -- operations --------------------------------------------------------------------------------------------------
    def check(self) -> None:
        """Blocking: raise KeychainError when the keychain can't be used now (none usable, or locked and not unlocked
        within `unlock_timeout`; a locked one gets its unlock prompt). Nothing is read or written."""
        self._ready()

    def save(self, profile_id: str, secrets: Secrets) -> None:
        """Store the profile's secrets; an empty session token removes a stored one. All or nothing."""
        values = secrets.values()
        for value in secrets.values():
            if len(value) > MAX_SECRET_LENGTH:
                raise KeychainError("keyring-error", _said("A secret is longer than {limit} characters.",
                                                           limit=MAX_SECRET_LENGTH))
        backend = self._ready(values)
        written: list[str] = []
        try:
            for field, value in secrets.items():
                name = entry_name(profile_id, field)
                if value:
                    _retried(backend.set_password, self.service, name, value)
                    written.append(name)
                else:
                    _delete_quietly(backend, self.service, name)
        except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
            for name in written:  # all or nothing: take back what this call wrote
                _delete_quietly(backend, self.service, name)
            raise classify(exc, values) from None

    def load(self, profile_id: str) -> Secrets:
        """The profile's secrets; a missing entry is an empty string. Both entries are read on one keychain connection:
        with the Secret Service, one D-Bus connection and one encrypted session instead of one each; where nothing
        else was chosen (`direct_secret_service`), without importing `keyring` at all."""
        names = [entry_name(profile_id, field) for field in SECRET_FIELDS]
        if self._backend is None and self._batch_backend is None and direct_secret_service():
            try:
                found = _read_secret_service(self.service, names, self.unlock_timeout)
            except KeychainError:
                raise
            except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
                raise classify(exc, ()) from None
            return Secrets(**{field: found.get(name, "") for field, name in zip(SECRET_FIELDS, names)})
        with self.batch():
            backend = self._ready()
            found = {}
            try:
                for field in SECRET_FIELDS:
                    found[field] = _retried(backend.get_password, self.service, entry_name(profile_id, field)) or ""
            except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
                raise classify(exc, found.values()) from None
        return Secrets(**found)

    def delete(self, profile_id: str) -> None:
        """Remove the profile's entries, its named ones too (proxy password, MFA session); missing ones are fine."""
        backend = self._ready()
        names = [entry_name(profile_id, field) for field in SECRET_FIELDS]
        names += [named_entry(profile_id, name) for name in NAMED_ENTRIES]
        for name in names:
            try:
                _retried(_delete_one, backend, self.service, name)
            except keyring.errors.PasswordDeleteError:
                pass
            except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
                raise classify(exc) from None

    @contextmanager
    def batch(self):
        """Many operations on one keychain connection (an import of a thousand profiles): with the Secret Service, one
        D-Bus connection and one encrypted session for this thread's calls inside the block, instead of a new
        connection, session and unlock check per secret (about 50 ms each). The entries are the same as keyring's.
        Other backends are used as they are; nested batches join the outer one."""
        if self._batch_backend is not None and self._batch_thread == threading.get_ident():
            yield self
            return
        backend = self._ready()
        if not _is_secret_service(backend):
            yield self
            return
        try:
            shared = _SharedSecretService(backend)
        except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
            raise classify(exc) from None
        self._batch_backend, self._batch_thread = shared, threading.get_ident()
        try:
            yield self
        finally:
            self._batch_backend, self._batch_thread = None, None
            shared.close()

    def has_secret(self, profile_id: str) -> bool:
        return bool(self.load(profile_id).secret_access_key)

    # -- named entries (NAMED_ENTRIES) ---------------------------------------------------------------------------------
    def set_entry(self, owner: str, name: str, value: str) -> None:
        """Store one named entry of `owner`; an empty value removes it."""
        entry = named_entry(owner, name)
        if len(value) > MAX_ENTRY_LENGTH:
            raise KeychainError("keyring-error", _said("A keychain entry is longer than {limit} characters.",
                                                       limit=MAX_ENTRY_LENGTH))
        backend = self._ready((value,))
        try:
            if value:
                backend.set_password(self.service, entry, value)
            else:
                _delete_quietly(backend, self.service, entry)
        except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
            raise classify(exc, (value,)) from None

    def get_entry(self, owner: str, name: str) -> str:
        """One named entry of `owner`, or "" when there is none."""
        entry = named_entry(owner, name)
        backend = self._ready()
        try:
            return backend.get_password(self.service, entry) or ""
        except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
            raise classify(exc) from None

    def delete_entries(self, owner: str) -> None:
        """Remove every named entry of `owner` (missing ones are fine)."""
        for name in NAMED_ENTRIES:
            self.set_entry(owner, name, "")

    def delete_entry(self, owner: str, name: str) -> None:
        """Remove one named entry of `owner` (a missing entry is fine)."""
        self.set_entry(owner, name, "")


def _delete_one(backend, service: str, name: str) -> None:
    """Delete one entry; one that vanished under us (another writer deleted it) counts as deleted."""
    try:
        backend.delete_password(service, name)
    except Exception as exc:  # noqa: BLE001 - see transient()
        if type(exc).__name__ == "ItemNotFoundException":
            raise keyring.errors.PasswordDeleteError("No such password!") from None
        raise


def _shared_secret_service_class():
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    class SharedSecretService(SecretServiceKeyring):
        """keyring's Secret Service backend (same attributes, labels, scheme) on one D-Bus connection whose encrypted
        session is opened once; closed by `close()`. The collection was unlocked when it was opened."""

        priority = 5  # the Secret Service it wraps was already chosen and checked

        def __init__(self, chosen):
            super().__init__()
            for name in ("preferred_collection", "scheme", "appid"):
                if name in vars(chosen):
                    setattr(self, name, getattr(chosen, name))
            self._collection = SecretServiceKeyring.get_preferred_collection(self)

        def get_preferred_collection(self):
            return self._collection

        def get_password(self, service, username):
            for item in self._collection.search_items(self._query(service, username)):
                self.unlock(item)
                return item.get_secret().decode("utf-8")
            return None

        def set_password(self, service, username, password):
            """As secretstorage's `Collection.create_item(..., replace=True)` (same label, attributes, encryption),
            without building the Item it returns: that costs a D-Bus round trip (its Label) nobody reads."""
            from secretstorage.exceptions import PromptDismissedException
            from secretstorage.util import SS_PREFIX, exec_prompt, format_secret, open_session

            attributes = self._query(service, username, application=self.appid)
            label = f"Password for '{username}' on '{service}'"
            collection = self._collection
            collection.ensure_not_locked()
            if not collection.session:
                collection.session = open_session(collection.connection)
            properties = {SS_PREFIX + "Item.Label": ("s", label), SS_PREFIX + "Item.Attributes": ("a{ss}", attributes)}
            item_path, prompt = self._calls.call("CreateItem", "a{sv}(oayays)b", properties,
                                                 format_secret(collection.session, password, "text/plain"), True)
            if len(item_path) <= 1 and exec_prompt(collection.connection, prompt)[0]:
                raise PromptDismissedException("Prompt dismissed.")

        @property
        def _calls(self):
            from secretstorage.defines import SS_PREFIX
            from secretstorage.util import DBusAddressWrapper

            return DBusAddressWrapper(self._collection.collection_path, SS_PREFIX + "Collection",
                                      self._collection.connection)

        def delete_password(self, service, username):
            for item in self._collection.search_items(self._query(service, username)):
                return item.delete()
            raise keyring.errors.PasswordDeleteError("No such password!")

        def close(self):
            self._collection.connection.close()

    return SharedSecretService


def _SharedSecretService(chosen):  # noqa: N802 - builds the class above on first use (keyring is imported lazily)
    return _shared_secret_service_class()(chosen)


def _delete_quietly(backend, service: str, name: str) -> None:
    try:
        _retried(_delete_one, backend, service, name)
    except keyring.errors.PasswordDeleteError:
        pass


def _friendly_name(backend) -> str:
    module = type(backend).__module__
    if module == "keyring.backends.SecretService":
        return "GNOME Keyring" if _gnome_keyring_running() else "Secret Service"
    return {
        "keyring.backends.macOS": "macOS Keychain",
        "keyring.backends.Windows": "Windows Credential Manager",
        "keyring.backends.kwallet": "KWallet",
        "keyring.backends.libsecret": "libsecret",
    }.get(module, f"{module}.{type(backend).__name__}")


def _gnome_keyring_running() -> bool:
    """True when the Secret Service is gnome-keyring-daemon (it exports its own interface next to the standard one)."""
    try:
        import secretstorage
        from secretstorage.util import DBusAddressWrapper

        with closing(secretstorage.dbus_init()) as conn:
            service = DBusAddressWrapper("/org/freedesktop/secrets", "org.freedesktop.DBus.Introspectable", conn)
            (xml,) = service.call("Introspect", "")
            return "org.gnome.keyring." in xml
    except Exception:  # noqa: BLE001 - only a display name depends on it
        return False


def _unlock_collection(collection, timeout: float) -> None:
    """A locked Secret Service collection gets its unlock prompt for at most `timeout` seconds, else keyring-locked."""
    if not collection.is_locked():
        return
    try:
        collection.unlock(timeout=timeout)
    except TimeoutError:
        raise KeychainError(
            "keyring-locked", _said("The keychain is locked and the unlock prompt was not answered in {seconds} s.",
                                    seconds=f"{timeout:g}")
        ) from None
    if collection.is_locked():
        raise KeychainError("keyring-locked",
                             _said("The keychain is locked and unlocking was refused or could not be asked."))


def _ensure_unlocked(backend, timeout: float, secrets: Iterable[str]) -> None:
    """Unlock the Secret Service collection keyring will use, giving a prompt at most `timeout` seconds.

    keyring itself waits for the prompt forever; this bounded check runs first so nothing hangs.
    """
    try:
        import secretstorage

        with closing(secretstorage.dbus_init()) as conn:
            path = getattr(backend, "preferred_collection", None)
            collection = (
                secretstorage.Collection(conn, path) if path else secretstorage.get_default_collection(conn)
            )
            _unlock_collection(collection, timeout)
    except KeychainError:
        raise
    except Exception as exc:  # noqa: BLE001 - backends raise anything; classify() sorts it
        raise classify(exc, secrets) from None
