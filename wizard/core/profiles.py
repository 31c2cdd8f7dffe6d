"""Saved profiles: the non-secret settings of tested connections, in one versioned JSON file.

File: `<home>/profiles.json`, where home (wizard.core.store_home) is `AWS_CONNECTION_WIZARD_HOME` or platformdirs'
`user_config_dir("aws-connection-wizard")` (e.g. ~/.config/aws-connection-wizard). Format (schema version 1):

    {"schema_version": 1,
     "profiles": [{"id": "<uuid4>", "name": "prod-s3", "connection": {<Connection.to_dict()>},
                   "created_at": 1795000000.0, "tested_at": null, "last_result": null, "untested": true,
                   "practice": false, "expiration": null,
                   "last_report": null, "identity_arn": null, "assumed_arn": null}]}

`last_report` is the last test's redacted report (`wizard.core.last_report`: the engine's to_json shape plus step titles
and details); `identity_arn` / `assumed_arn` are the identities that test found (not secrets): `policy NAME --trust`
uses the first without calling AWS. Files written before these keys existed load with them as null (no version change).

No secret is ever in this file (the access key id, which is not secret, may be); secrets are in the OS keychain under
the profile's id (`wizard.core.keychain`), so renaming a profile never touches the keychain.
Writes are atomic (temp file in the same directory, fsync, os.replace, fsync of the directory), the file is mode 0600
in a 0700 directory, writers hold an inter-process lock (filelock), and the previous version is kept as profiles.json.bak.
Older files are upgraded by `migrate()` when read; a newer schema than this program knows is refused.
Many changes in one write: `with store.batch():` (the import of a thousand profiles writes the file once).
Reading imports neither filelock nor keyring (`list --json` stays fast); they load on the first write.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.connection import Connection, Secrets, field_names
from wizard.core.i18n import Words
from wizard.core.keychain import KeychainError, SecretStore
from wizard.core.store_home import APP_DIR_NAME, FILE_NAME, HOME_ENV, home_dir  # noqa: F401 - names used elsewhere
from wizard.core.tokens import TokenTime, profile_time_left, to_epoch

SCHEMA_VERSION = 1
LOCK_TIMEOUT = 10.0
NAME_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}\Z")  # \Z: "$" would let a final line break in
NAME_RULE = "1-64 characters: letters, digits and . _ @ + - (starting with a letter or digit)"


def _said(text: str, **values) -> Words:
    """A profile file problem's message: English as a str (logs, `--json`), one catalogue text (with {placeholders}
    for the values) translated where it is shown (`i18n.shown`); tools/translations.py collects these calls."""
    return Words(text, "profile_store", values=values)


class StoreError(Exception):
    """The profile file cannot be read or written (an environment problem: CLI exit code 3)."""


class DamagedStoreError(StoreError):
    """The profile file is not a profile file this program can read (broken JSON, wrong types, impossible numbers).
    Nothing is written over it; the message names the file and the backup to recover from."""

    def __init__(self, path: Path, problem: str, backup: Path):
        self.path, self.problem, self.backup = path, problem, backup
        if backup.is_file():
            advice = _said("The previous version is kept in {backup}: to go back to it, close aws-connection-wizard "
                           "and copy it over the damaged file (cp '{backup}' '{path}').", backup=backup, path=path)
        else:
            advice = _said("There is no backup (profiles.json.bak) to go back to.")
        if str(problem).endswith("."):  # a sentence of its own (a schema problem)
            message = _said("The profile file {path} is damaged: {problem} Nothing was changed. {advice}",
                            path=path, problem=problem, advice=advice)
        else:
            message = _said("The profile file {path} is damaged: {problem}. Nothing was changed. {advice}",
                            path=path, problem=problem, advice=advice)
        super().__init__(message)


def _problem(exc: Exception):
    """What a layout or schema problem says: its message as made (Words, to translate where shown), else its text."""
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], Words) else str(exc)


class ProfileError(ValueError):
    """A request the store refuses: duplicate or invalid name (bad input: CLI exit code 2)."""


@dataclass
class Profile:
    id: str
    name: str
    connection: Connection
    created_at: float = field(default_factory=time.time)
    tested_at: float | None = None
    last_result: str | None = None  # "ok" or a diagnosis code of the last test
    untested: bool = True
    practice: bool = False
    expiration: float | None = None  # real expiration of the assumed role's credentials at the last test
    last_report: dict | None = None  # the last test's redacted report (wizard.core.last_report.stored_report)
    identity_arn: str | None = None  # who the keys or the source are, as the last test found (GetCallerIdentity)
    assumed_arn: str | None = None  # the assumed role's identity the last test found

    @classmethod
    def new(cls, name: str, connection: Connection, **kw) -> Profile:
        return cls(id=new_id(), name=name, connection=connection, **kw)

    def token_expires_at(self) -> float | None:
        """When the entered session token expires at the latest (entered + 12 h); None when the profile holds none
        (an assumed role's credentials are fetched afresh on every use)."""
        return self.token_time().expires_at

    def token_time(self, now: float | None = None) -> TokenTime:
        """Time left on the profile's session token (`wizard.core.tokens.profile_time_left`)."""
        return profile_time_left(self, now)

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["connection"] = self.connection.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Profile:
        known = field_names(cls)
        values = {k: v for k, v in data.items() if k in known and k != "connection"}
        return cls(connection=Connection.from_dict(data.get("connection") or {}), **values)


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ProfileError(_said("Invalid profile name {name}: use {rule}.", name=repr(name),
                                 rule=_said(NAME_RULE)))
    return name


def new_id() -> str:
    """A new profile id (uuid4); uuid is imported here, not when the file is only read."""
    import uuid

    return str(uuid.uuid4())


def default_home() -> Path:
    return Path(home_dir())


# -- reading a file another program may have written -----------------------------------------------------------------
class _LayoutError(ValueError):
    """A decoded profile file that is not what this program writes (the text says where)."""


MAX_FILE_BYTES = 64 << 20  # far above any real profile file; a bigger one is not ours


def _finite(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise _LayoutError(_said("the number {number} is too large", number=text[:40]))
    return value


def _no_constant(name: str):
    raise _LayoutError(_said("{name} is not a number JSON allows", name=name))


def decode(raw: bytes) -> object:
    """The file's JSON, refusing what would break later: NaN, Infinity, numbers beyond a float, absurd nesting."""
    if len(raw) > MAX_FILE_BYTES:
        raise _LayoutError(_said("it is {size} bytes long", size=len(raw)))
    try:
        return json.loads(raw.decode("utf-8"), parse_float=_finite, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise _LayoutError(_said("it is not UTF-8 text")) from None
    except json.JSONDecodeError as exc:
        raise _LayoutError(_said("it is not valid JSON ({problem})", problem=exc)) from None
    except RecursionError:
        raise _LayoutError(_said("it nests brackets too deeply")) from None
    except ValueError as exc:  # an integer with thousands of digits
        if isinstance(exc, _LayoutError):
            raise
        raise _LayoutError(_said("it holds a number too long to read")) from None


_TEXT, _NUMBER, _WHEN, _FLAG = (str,), "number", "time", (bool,)
_CONNECTION_TYPES = {
    "method": _TEXT, "region": _TEXT, "service": _TEXT, "access_key_id": _TEXT, "role": _TEXT, "role_arn": _TEXT,
    "external_id": _TEXT, "source": _TEXT, "session_name": _TEXT, "duration": "seconds", "bucket": _TEXT,
    "model_id": _TEXT, "invoke_model": _FLAG, "token_entered_at": _WHEN,
}
_NETWORK_TYPES = {"endpoint_url": _TEXT, "proxy": _TEXT, "proxy_user": _TEXT, "ca_bundle": _TEXT,
                  "connect_timeout": _NUMBER, "read_timeout": _NUMBER}
_PROFILE_TYPES = {
    "id": _TEXT, "name": _TEXT, "created_at": _WHEN, "tested_at": _WHEN, "last_result": _TEXT, "untested": _FLAG,
    "practice": _FLAG, "expiration": _WHEN, "last_report": (dict,), "identity_arn": _TEXT, "assumed_arn": _TEXT,
}
_NULLABLE = {"tested_at", "last_result", "expiration", "last_report", "identity_arn", "assumed_arn", "token_entered_at"}
_LAST_TIME = 253402300799.0  # 9999-12-31T23:59:59Z: the last second datetime can show


def _check_value(where: str, key: str, value, kind) -> None:
    if value is None and key in _NULLABLE:
        return
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == _WHEN:
        ok = number and 0 <= value <= _LAST_TIME
    elif kind == _NUMBER:
        ok = number and 0 < value <= 3600
    elif kind == "seconds":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**6
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise _LayoutError(_said("{where} has an impossible {key} ({kind})", where=where, key=key,
                                 kind=type(value).__name__))


def checked_profile(data) -> dict:
    """One profile of a decoded file, with every known key of the right type (unknown keys are ignored)."""
    if not isinstance(data, dict):
        raise _LayoutError(_said("a profile is a {kind}, not an object", kind=type(data).__name__))
    name = data.get("name")
    where = _said("profile {name}", name=repr(name)) if isinstance(name, str) else _said("a profile")
    for key in ("id", "name"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise _LayoutError(_said("{where} has no {key}", where=where, key=key))
    _checked_object(where, _said("the profile"), data, _PROFILE_TYPES)
    connection = _checked_object(where, _said("its connection"), data.get("connection"), _CONNECTION_TYPES)
    _checked_object(where, _said("its network settings"), connection.get("network"), _NETWORK_TYPES)
    return data


def _checked_object(where: str, what: str, value, types: dict) -> dict:
    """`value` (None counts as empty) is an object whose known keys hold values of their types."""
    value = {} if value is None else value
    if not isinstance(value, dict):
        raise _LayoutError(_said("{where}: {what} is not an object", where=where, what=what))
    for key, kind in types.items():
        if key in value:
            item = value[key]
            if type(kind) is tuple and type(item) in kind:  # the usual case (text, flag), without a call per value
                continue
            _check_value(where, key, item, kind)
    return value


# -- schema migration ------------------------------------------------------------------------------------------------
def migrate(data: dict) -> dict:
    """Upgrade a decoded profile file to SCHEMA_VERSION.

    Version 0 (no "schema_version"): {"profiles": {"NAME": {<connection fields>, "tested_at"?, "last_result"?}}}, a map
    by name with the connection's fields flat and no ids. Each step upgrades one version.
    """
    if not isinstance(data, dict):
        raise StoreError(_said("The profile file does not hold a JSON object."))
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise StoreError(_said("The profile file has an invalid schema_version {version}.", version=repr(version)))
    if version > SCHEMA_VERSION:
        raise StoreError(_said(
            "The profile file has schema version {version}, newer than this program knows ({known}); "
            "update aws-connection-wizard.", version=version, known=SCHEMA_VERSION
        ))
    if version == 0:
        data = _migrate_0_to_1(data)
    if not isinstance(data.get("profiles"), list):
        raise _LayoutError(_said("its profiles are not a list"))
    return data


def _migrate_0_to_1(data: dict) -> dict:
    profiles = []
    old = data.get("profiles") or {}
    if not isinstance(old, dict):
        raise _LayoutError(_said("its profiles (schema version 0) are not an object"))
    for name, flat in old.items():
        if not isinstance(flat, dict):
            raise _LayoutError(_said("profile {name} is a {kind}, not an object", name=repr(name),
                                     kind=type(flat).__name__))
        checked_profile({"id": "-", "name": name, "connection": flat})  # the connection's types, before converting
        for key in ("tested_at", "created_at"):
            if key in flat:
                _check_value(f"profile {name!r}", key, flat[key], _WHEN)
        if "last_result" in flat:
            _check_value(f"profile {name!r}", "last_result", flat["last_result"], _TEXT)
        flat = dict(flat)
        meta = {k: flat.pop(k) for k in ("tested_at", "last_result", "created_at") if k in flat}
        profiles.append(
            {
                "id": new_id(),
                "name": name,
                "connection": Connection.from_dict(flat).to_dict(),
                "created_at": meta.get("created_at", time.time()),
                "tested_at": meta.get("tested_at"),
                "last_result": meta.get("last_result"),
                "untested": meta.get("tested_at") is None,
                "practice": False,
                "expiration": None,
                "last_report": None,
                "identity_arn": None,
                "assumed_arn": None,
            }
        )
    return {"schema_version": 1, "profiles": profiles}


# -- atomic file writing ---------------------------------------------------------------------------------------------
def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data`: temp file in the same directory, fsync, os.replace, fsync of the directory."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the store -------------------------------------------------------------------------------------------------------
class ProfileStore:
    """The profile file. Every mutation reads, changes and writes the file under an inter-process lock."""

    def __init__(self, home: Path | str | None = None):
        self.home = Path(home) if home is not None else default_home()
        self.path = self.home / FILE_NAME
        self.backup_path = self.home / (FILE_NAME + ".bak")
        self._file_lock = None
        self._pending: list[Profile] | None = None  # the profiles of an open batch() (its thread's view)
        self._pending_thread: int | None = None

    @property
    def _lock(self):
        """The inter-process lock on the file (filelock is imported on the first write)."""
        if self._file_lock is None:
            from filelock import FileLock

            self._file_lock = FileLock(str(self.home / (FILE_NAME + ".lock")), timeout=LOCK_TIMEOUT, mode=0o600)
        return self._file_lock

    def _batching(self) -> bool:
        return self._pending is not None and self._pending_thread == threading.get_ident()

    # reading
    def _read(self) -> dict:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {"schema_version": SCHEMA_VERSION, "profiles": []}
        except OSError as exc:
            raise StoreError(_said("Cannot read {path}: {problem}", path=self.path,
                                   problem=exc.strerror or exc)) from None
        try:
            data = decode(raw)
            data = migrate(data)
            return {"schema_version": SCHEMA_VERSION, "profiles": [checked_profile(p) for p in data["profiles"]]}
        except _LayoutError as exc:
            raise DamagedStoreError(self.path, _problem(exc), self.backup_path) from None
        except StoreError as exc:
            raise DamagedStoreError(self.path, _problem(exc), self.backup_path) from None

    def _profiles(self) -> list[Profile]:
        if self._batching():
            return list(self._pending)
        try:
            return [Profile.from_dict(p) for p in self._read()["profiles"]]
        except (TypeError, KeyError, AttributeError, ValueError) as exc:  # checked_profile should have caught it
            raise DamagedStoreError(self.path, _said("unexpected layout ({kind})", kind=type(exc).__name__),
                                    self.backup_path) from None

    def list(self) -> list[Profile]:
        return self._profiles()

    def get(self, name: str) -> Profile:
        return _named(self._profiles(), name)

    def get_by_id(self, profile_id: str) -> Profile:
        for profile in self._profiles():
            if profile.id == profile_id:
                return profile
        raise KeyError(profile_id)

    def names(self) -> list[str]:
        return [p.name for p in self._profiles()]

    # writing
    def _ensure_home(self) -> None:
        try:
            self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(_said("Cannot create {path}: {problem}", path=self.home,
                                   problem=exc.strerror or exc)) from None

    def _mutate(self, change) -> object:
        """Run change(profiles) -> result under the lock and write the changed list (in a batch: written at its end)."""
        if self._batching():
            return change(self._pending)
        from filelock import Timeout

        self._ensure_home()
        try:
            with self._lock:
                profiles = self._profiles()
                result = change(profiles)
                self._write(profiles)
                return result
        except Timeout:
            raise StoreError(_said("Another program holds the lock on {path} (waited {seconds} s).",
                                       path=self.path, seconds=f"{LOCK_TIMEOUT:g}")) from None

    @contextmanager
    def batch(self):
        """Many changes, one write: inside the block this thread's changes (add, update, ... and save_connection) go to
        a list in memory, read back by this thread's list/get; the file is written once when the block ends, under the
        inter-process lock held throughout. If the block raises, what was changed before is still written (as one
        change at a time would have), then the exception goes on. Nested batches join the outer one."""
        if self._batching():
            yield self
            return
        from filelock import Timeout

        self._ensure_home()
        try:
            with self._lock:
                self._pending, self._pending_thread = self._profiles(), threading.get_ident()
                before = [p.to_dict() for p in self._pending]
                try:
                    yield self
                finally:
                    profiles, self._pending, self._pending_thread = self._pending, None, None
                    if [p.to_dict() for p in profiles] != before:
                        self._write(profiles)
        except Timeout:
            raise StoreError(_said("Another program holds the lock on {path} (waited {seconds} s).",
                                       path=self.path, seconds=f"{LOCK_TIMEOUT:g}")) from None

    def _write(self, profiles: list[Profile]) -> None:
        data = {"schema_version": SCHEMA_VERSION, "profiles": [p.to_dict() for p in profiles]}
        encoded = (json.dumps(data, indent=2, sort_keys=False) + "\n").encode("utf-8")
        try:
            if self.path.exists():
                atomic_write(self.backup_path, self.path.read_bytes())
            atomic_write(self.path, encoded)
        except OSError as exc:
            raise StoreError(_said("Cannot write {path}: {problem}", path=self.path,
                                   problem=exc.strerror or exc)) from None

    def add(self, profile: Profile) -> Profile:
        check_name(profile.name)

        def change(profiles):
            _ensure_free(profiles, profile.name)
            if any(p.id == profile.id for p in profiles):
                raise ProfileError(_said("A profile with id {id} already exists.", id=profile.id))
            profiles.append(profile)
            return profile

        return self._mutate(change)

    def update(self, profile: Profile) -> Profile:
        """Replace the stored profile with the same id (its name may change, if still unique)."""
        check_name(profile.name)

        def change(profiles):
            index = next((i for i, p in enumerate(profiles) if p.id == profile.id), None)
            if index is None:
                raise KeyError(profile.name)
            _ensure_free(profiles, profile.name, profile.id)
            profiles[index] = profile
            return profile

        return self._mutate(change)

    def rename(self, old: str, new: str) -> Profile:
        check_name(new)

        def change(profiles):
            target = _named(profiles, old)
            _ensure_free(profiles, new, target.id)
            target.name = new
            return target

        return self._mutate(change)

    def duplicate(self, name: str, new_name: str, profile_id: str | None = None) -> Profile:
        """A copy of the settings under a new name and a new id. Copy the secrets with `duplicate_profile`."""
        check_name(new_name)

        def change(profiles):
            source = _named(profiles, name)
            _ensure_free(profiles, new_name)
            copy = Profile.from_dict(source.to_dict())
            copy.id, copy.name, copy.created_at = profile_id or new_id(), new_name, time.time()
            profiles.append(copy)
            return copy

        return self._mutate(change)

    def remove(self, name: str) -> Profile:
        """Remove from the file only; `remove_profile` also deletes the keychain entries."""

        def change(profiles):
            target = _named(profiles, name)
            profiles.remove(target)
            return target

        return self._mutate(change)


def _named(profiles: list[Profile], name: str) -> Profile:
    for profile in profiles:
        if profile.name == name:
            return profile
    raise KeyError(name)


def _ensure_free(profiles: list[Profile], name: str, own_id: str | None = None) -> None:
    if any(p.name == name and p.id != own_id for p in profiles):
        raise ProfileError(_said("A profile named {name} already exists.", name=repr(name)))


# -- operations that touch both the file and the keychain (what the GUI and the CLI call) ----------------------------
def result_code(report) -> str:
    """"ok" or the diagnosis code (or status) of the failed step of an engine TestReport."""
    if getattr(report, "code", None):
        return report.code
    if report.ok:
        return "ok"
    failure = report.failure
    if failure is None:
        return "failed"
    return failure.diagnosis.code if failure.diagnosis is not None else failure.status


def has_outcome(report) -> bool:
    """Whether a TestReport says something about the connection: it passed, or a step failed or was denied (a test
    cancelled before any step failed says nothing)."""
    return bool(report.ok) or report.failure is not None


def record_test(profile: Profile, report, now: float | None = None) -> Profile:
    """Copy a TestReport's outcome into the profile (not saved): result, time, expiration, the redacted report and
    the identities it found (None when the test did not get that far)."""
    from wizard.core.last_report import stored_report

    profile.tested_at = now if now is not None else (getattr(report, "finished_at", 0.0) or time.time())
    profile.last_result = result_code(report)
    profile.untested = False
    profile.expiration = to_epoch(getattr(report, "expiration", None))
    profile.last_report = stored_report(report, profile.name)
    profile.identity_arn = getattr(report, "identity_arn", "") or None
    profile.assumed_arn = getattr(report, "assumed_arn", "") or None
    return profile


def forget_test(profile: Profile) -> Profile:
    """Mark the profile untested, with nothing kept of an earlier test (not saved)."""
    profile.untested, profile.tested_at, profile.last_result, profile.expiration = True, None, None, None
    profile.last_report = profile.identity_arn = profile.assumed_arn = None
    return profile


def save_connection(
    store: ProfileStore,
    secrets_store: SecretStore,
    name: str,
    conn: Connection,
    secrets: Secrets,
    report=None,
    untested: bool = False,
    *,
    profile_id: str | None = None,
    practice: bool = False,
) -> Profile:
    """Save a connection as profile `name`: the secrets into the keychain first, then the profile file.

    New profile unless `profile_id` names an existing one (the wizard's edit: the same id, maybe a new name). If the
    keychain fails, the KeychainError propagates and nothing is written. `report` (an engine TestReport) records the
    test; without one the profile is marked untested, and so it is with `untested` ("Save without testing") unless the
    report has an outcome: a test that failed is recorded as failed. A newly entered session token stamps
    `token_entered_at` with now.
    """
    check_name(name)
    conn = Connection.from_dict(conn.to_dict())
    previous = store.get_by_id(profile_id) if profile_id else None
    _ensure_free(store.list(), name, profile_id)
    if previous is not None and _mfa_session_outdated(previous, conn, secrets, secrets_store):
        secrets_store.delete_entry(previous.id, "mfa_session")  # another device or key: its MFA session is not theirs
    profile = Profile.new(name, conn, practice=practice) if previous is None else previous
    profile.name, profile.connection, profile.practice = name, conn, practice or profile.practice

    if secrets.session_token:
        changed = previous is not None and secrets_store.load(profile.id).session_token != secrets.session_token
        if conn.token_entered_at is None or changed:
            conn.token_entered_at = time.time()
    else:
        conn.token_entered_at = None

    if report is not None and (not untested or has_outcome(report)):
        record_test(profile, report)  # "Save without testing" after a test that failed: it failed, not untested
    else:
        forget_test(profile)
    if previous is not None:  # the id is in the file already: its entries are never orphaned
        secrets_store.save(profile.id, secrets if conn.uses_keys else Secrets())
        return store.update(profile)
    if not conn.uses_keys:
        return store.add(profile)
    from wizard.core import sweep

    with sweep.pending(store, profile.id) as settled:  # a stop before the file names the id: the sweep deletes them
        try:
            secrets_store.save(profile.id, secrets)
        except KeychainError:
            settled()  # the keychain took back what it wrote: nothing to sweep
            raise
        try:
            return store.add(profile)
        except BaseException:
            try:
                secrets_store.delete(profile.id)
            except KeychainError:
                pass
            raise


def _mfa_session_outdated(previous: Profile, conn: Connection, secrets: Secrets, secrets_store: SecretStore) -> bool:
    """An edit that changes the MFA device or the access key ends the profile's MFA session (wizard.core.mfa_session)."""
    before = previous.connection
    if not (before.mfa_serial or "").strip():
        return False
    if before.mfa_serial != conn.mfa_serial or before.access_key_id != conn.access_key_id:
        return True
    return bool(secrets.secret_access_key) and secrets_store.load(previous.id).secret_access_key != \
        secrets.secret_access_key


def remove_profile(store: ProfileStore, secrets_store: SecretStore, name: str) -> Profile:
    """Remove the profile from the file, then its keychain entries: a hard stop in between leaves entries no profile
    refers to (the next start's sweep, `wizard.core.sweep`, deletes them), never a listed profile without its secret.
    A keychain failure says the profile is gone but its entries stayed (they stay marked for the sweep).
    `wizard.core.profile_service.delete` checks for dependents first."""
    from wizard.core import sweep

    profile = store.get(name)
    with sweep.pending(store, profile.id):
        removed = store.remove(name)
        try:
            secrets_store.delete(removed.id)
            secrets_store.delete_entries(removed.id)  # its MFA session (and any other named entry it owns)
        except KeychainError as exc:
            raise KeychainError(exc.code, _said("The profile {name} was deleted, but its keychain entries could not "
                                                "be removed: {problem}", name=name, problem=exc.message)) from None
    return removed


def duplicate_profile(store: ProfileStore, secrets_store: SecretStore, name: str, new_name: str) -> Profile:
    """Copy a profile and its secrets under a new name. The secrets are copied first, under a pending marker, then the
    file names the copy: a keychain failure leaves no copy behind, and a hard stop in between leaves only entries the
    next start's sweep (`wizard.core.sweep`) deletes, never a listed copy without its secret."""
    from wizard.core import sweep

    check_name(new_name)
    source = store.get(name)
    _ensure_free(store.list(), new_name)
    copy_id = new_id()
    with sweep.pending(store, copy_id) as settled:
        try:
            secrets_store.save(copy_id, secrets_store.load(source.id))
        except KeychainError:
            settled()
            raise
        try:
            return store.duplicate(name, new_name, profile_id=copy_id)
        except BaseException:
            try:
                secrets_store.delete(copy_id)
            except KeychainError:
                pass
            raise


def renew_session_token(
    store: ProfileStore, secrets_store: SecretStore, name: str, secrets: Secrets, access_key_id: str | None = None
) -> Profile:
    """New temporary keys for a profile (a new key id comes with them): keychain first, then the profile."""
    profile = store.get(name)
    secrets_store.save(profile.id, secrets)
    if access_key_id and access_key_id != profile.connection.access_key_id:  # another key: maybe another identity
        profile.identity_arn = profile.assumed_arn = None
    if access_key_id:
        profile.connection.access_key_id = access_key_id
    profile.connection.token_entered_at = time.time() if secrets.session_token else None
    profile.untested, profile.last_result = True, None
    return store.update(profile)
