"""Two writers at once against the real gnome-keyring of the harness: every save succeeds (a transient Secret Service
error on a write is retried, bounded), and the retry itself, with one function's stand-in backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from secretstorage.exceptions import ItemNotFoundException, LockedException

from tests.support.secrets_registry import fake_secret_access_key
from wizard.core import keychain
from wizard.core.connection import Secrets
from wizard.core.keychain import KeychainError, SecretStore
from wizard.core.profiles import ProfileStore

REPO = Path(__file__).resolve().parents[2]
SAVES = 100

WRITER = r"""
import json, sys, time
from pathlib import Path
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import KeychainError, SecretStore
from wizard.core.profiles import ProfileStore, StoreError, save_connection

home, tag, start, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
secret = sys.stdin.readline().strip()
store, secrets = ProfileStore(home), SecretStore()
while time.time() < start:
    time.sleep(0.001)
ok, failed = 0, []
for i in range(count):
    conn = Connection(method="access-key", region="eu-west-1", access_key_id="AKIAIOSFODNN7EXAMPLE")
    try:
        save_connection(store, secrets, f"{tag}-{i}", conn, Secrets(secret), untested=True)
        ok += 1
    except (KeychainError, StoreError) as exc:
        failed.append(type(exc).__name__ + ": " + getattr(exc, "code", ""))
print(json.dumps({"ok": ok, "failed": failed}))
"""


class _Flaky:
    """A backend whose writes fail `fails` times with gnome-keyring's transient error (or `error`), then work."""

    priority = 5

    def __init__(self, fails: int, error=ItemNotFoundException("Item does not exist!")):
        self.fails, self.error, self.calls, self.saved = fails, error, 0, {}

    def set_password(self, service, name, value):
        self.calls += 1
        if self.calls <= self.fails:
            raise self.error
        self.saved[name] = value

    def get_password(self, service, name):
        return self.saved.get(name)

    def delete_password(self, service, name):
        self.saved.pop(name, None)


def test_a_transient_write_error_is_retried_then_succeeds(monkeypatch):
    monkeypatch.setattr(keychain, "RETRY_PAUSES", (0.0, 0.0))
    backend = _Flaky(fails=2)
    SecretStore(backend=backend).save("id-1", Secrets("x" * 40))
    assert backend.calls == 3 and backend.saved == {"id-1/secret_access_key": "x" * 40}


def test_the_retry_is_bounded_and_then_reported(monkeypatch):
    monkeypatch.setattr(keychain, "RETRY_PAUSES", (0.0, 0.0))
    backend = _Flaky(fails=10)
    with pytest.raises(KeychainError) as info:
        SecretStore(backend=backend).save("id-1", Secrets("x" * 40))
    assert info.value.code == "keyring-error" and backend.calls == keychain.WRITE_TRIES


def test_a_locked_keychain_is_not_retried(monkeypatch):
    backend = _Flaky(fails=10, error=LockedException("locked"))
    with pytest.raises(KeychainError) as info:
        SecretStore(backend=backend).save("id-1", Secrets("x" * 40))
    assert info.value.code == "keyring-locked" and backend.calls == 1


@pytest.mark.keychain
@pytest.mark.timeout(600)
def test_two_processes_saving_at_the_same_moment_all_succeed(tmp_path):
    home = tmp_path / "home"
    start = time.time() + 3.0  # both start their first save at this moment (imports done by then)
    secrets = [fake_secret_access_key(), fake_secret_access_key()]
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(home), tag, str(start), str(SAVES)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
               for tag in ("left", "right")]
    results = []
    began = time.monotonic()
    for writer, secret in zip(writers, secrets):
        out, err = writer.communicate(secret + "\n", timeout=500)
        assert writer.returncode == 0, err[-2000:]
        results.append(json.loads(out))
    elapsed = time.monotonic() - began
    store, secret_store = ProfileStore(home), SecretStore()
    try:
        print(f"\nconcurrent saves: {[r['ok'] for r in results]} ok of {SAVES} each in {elapsed:.1f} s; "
              f"failures {[r['failed'] for r in results]}")
        assert [r["ok"] for r in results] == [SAVES, SAVES], results
        profiles = store.list()
        assert len(profiles) == 2 * SAVES
        for profile in profiles:
            expected = secrets[0] if profile.name.startswith("left-") else secrets[1]
            assert secret_store.load(profile.id).secret_access_key == expected
    finally:
        for profile in store.list():
            secret_store.delete(profile.id)
