"""A damaged or hostile profiles.json: a clear StoreError naming the file and the backup, never a crash; lock files
0600; the sweep removes stale temporary files and only the keychain entries this store marked."""

from __future__ import annotations

import json
import os
import stat

import pytest

from wizard.core.connection import Connection
from wizard.core.profiles import DamagedStoreError, Profile, ProfileStore, StoreError
from wizard.core.sweep import PENDING_DIR, pending, sweep

GOOD = {"id": "0d6d3f0e-1111-4222-8333-444455556666", "name": "p", "connection": {"method": "access-key"}}
DAMAGED = {
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "v0-list-profile": '{"profiles":{"a":[[]]}}',
    "v0-list-profiles": '{"profiles":[[]]}',
    "v0-number-field": '{"profiles":{"a":{"region":["x"],"tested_at":"soon"}}}',
    "list-date": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "created_at": [1, 2]}]}),
    "huge-date": '{"schema_version": 1, "profiles": [' + json.dumps(GOOD)[:-1] + ', "created_at": 1e400}]}',
    "nan": '{"schema_version": 1, "profiles": [' + json.dumps(GOOD)[:-1] + ', "tested_at": NaN}]}',
    "infinity": '{"schema_version": 1, "profiles": [' + json.dumps(GOOD)[:-1] + ', "expiration": -Infinity}]}',
    "long-int": '{"schema_version": 1, "profiles": [' + json.dumps(GOOD)[:-1] + ', "created_at": ' + "9" * 5000 + "}]}",
    "bool-version": '{"schema_version": true, "profiles": []}',
    "string-profile": '{"schema_version": 1, "profiles": ["p"]}',
    "connection-list": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "connection": []}]}),
    "network-string": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "connection": {"network": "x"}}]}),
    "timeout-text": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "connection": {"network": {
        "read_timeout": "10"}}}]}),
    "duration-float": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "connection": {"duration": 1.5}}]}),
    "name-number": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "name": 7}]}),
    "report-list": json.dumps({"schema_version": 1, "profiles": [{**GOOD, "last_report": []}]}),
    "not-utf8": b"\xff\xfe{}",
    "top-list": "[]",
}


@pytest.fixture
def store(tmp_path) -> ProfileStore:
    return ProfileStore(tmp_path / "home")


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_file_is_a_clear_store_error_naming_the_file_and_backup(store, case):
    store.add(Profile.new("kept", Connection()))
    store.add(Profile.new("kept2", Connection()))  # the second write leaves a backup
    content = DAMAGED[case]
    store.path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = store.path.read_bytes()
    with pytest.raises(DamagedStoreError) as info:
        store.list()
    message = str(info.value)
    assert str(store.path) in message and str(store.backup_path) in message and "damaged" in message
    with pytest.raises(StoreError):  # no write goes over it
        store.add(Profile.new("new", Connection()))
    assert store.path.read_bytes() == before
    json.loads(store.backup_path.read_text())  # the backup offered is a readable profile file


def test_without_a_backup_the_message_says_so(store):
    store.home.mkdir(parents=True)
    store.path.write_text("[" * 100_000)
    with pytest.raises(DamagedStoreError, match="There is no backup"):
        store.list()


def test_lock_files_are_0600(store):
    old = os.umask(0o022)
    try:
        store.add(Profile.new("a", Connection()))
    finally:
        os.umask(old)
    locks = list(store.home.glob("*.lock"))
    assert locks and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in locks)


class _Keychain:
    """In-process stand-in for one function's unit test: records the ids deleted."""

    def __init__(self):
        self.deleted = []

    def delete(self, profile_id):
        self.deleted.append(profile_id)


def test_sweep_removes_stale_temp_files_and_only_marked_orphans(store, tmp_path):
    kept = store.add(Profile.new("kept", Connection()))
    for name in (".profiles.json.abc123.tmp", ".profiles.json.bak.x9.tmp"):
        (store.home / name).write_bytes(b"{")
    (store.home / "unrelated.tmp").write_bytes(b"")
    pending_dir = store.home / PENDING_DIR
    pending_dir.mkdir()
    dead = 2 ** 22 + 12345  # above pid_max's default: no such process
    (pending_dir / "orphan-id").write_text(f"{dead}\n")
    (pending_dir / kept.id).write_text(f"{dead}\n")  # the operation finished its file part: not an orphan
    (pending_dir / "in-flight").write_text(f"{os.getpid()}\n")  # a live writer: left alone
    keychain = _Keychain()
    result = sweep(store, keychain)
    assert (result.temp_files, result.orphans, result.markers) == (2, 1, 2)
    assert keychain.deleted == ["orphan-id"]
    assert sorted(p.name for p in store.home.iterdir() if p.suffix == ".tmp") == ["unrelated.tmp"]
    assert sorted(p.name for p in pending_dir.iterdir()) == ["in-flight"]


def test_sweep_never_touches_the_keychain_when_the_file_is_damaged(store):
    store.home.mkdir(parents=True)
    (store.home / PENDING_DIR).mkdir()
    (store.home / PENDING_DIR / "x").write_text(f"{2 ** 22 + 1}\n")
    store.path.write_text("[[")
    keychain = _Keychain()
    assert sweep(store, keychain).orphans == 0 and keychain.deleted == []


def test_sweep_with_nothing_to_do_is_one_listing(store):
    store.add(Profile.new("a", Connection()))

    class Refuse:
        def delete(self, profile_id):
            raise AssertionError("the keychain was touched")

    assert sweep(store, Refuse()).markers == 0


def test_a_failed_block_keeps_its_mark(store):
    with pytest.raises(RuntimeError), pending(store, "abc"):
        raise RuntimeError
    assert (store.home / PENDING_DIR / "abc").read_text().strip() == str(os.getpid())
    with pending(store, "def"):
        pass
    assert not (store.home / PENDING_DIR / "def").exists()
