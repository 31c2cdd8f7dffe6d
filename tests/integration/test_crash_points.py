"""Hard stops: 50 SIGKILLs at random points of add, rename and remove (real subprocesses, the harness's gnome-keyring).
After each one the profile file loads, nothing reported saved is lost, no profile is without its secret; and the next
start's sweep deletes the keychain entries the killed adds left and the stale temporary files. The counts are printed.
"""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.profiles_cli import cli_env
from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore
from wizard.core.sweep import PENDING_DIR, sweep

pytestmark = [
    pytest.mark.keychain, pytest.mark.integration, pytest.mark.timeout(600),
]
REPO = Path(__file__).resolve().parents[2]
KILLS = 50
KEY = "AKIAIOSFODNN7EXAMPLE"
RENAME = "import sys; from wizard.core.profiles import ProfileStore; ProfileStore().rename(sys.argv[1], sys.argv[2])"


def _start(env, op: str, *args: str) -> subprocess.Popen:
    if op == "rename":  # the store's own rename (the CLI's `rename` comes with the profile service)
        cmd = [sys.executable, "-c", RENAME, *args]
    else:
        cmd = [sys.executable, "-m", "wizard", op, *args]
    return subprocess.Popen(cmd, cwd=REPO, env={**env, "PYTHONPATH": str(REPO)}, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_sigkill_at_random_points_never_leaves_anything_half_done(tmp_path):
    env = cli_env(tmp_path)
    store, keychain = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"]), SecretStore()
    secret = fake_secret_access_key()
    rng = random.Random(15)  # derandomized: the same 50 kill points every run
    counts = {op: {"killed": 0, "finished": 0} for op in ("add", "remove", "rename")}
    confirmed: dict[str, str] = {}  # name -> id of every profile a finished command reported
    marked: set[str] = set()
    serial = 0
    took: dict[str, list[float]] = {op: [] for op in counts}  # how long each finished command ran
    began = time.monotonic()
    try:
        while sum(c["killed"] for c in counts.values()) < KILLS:
            assert serial < 4 * KILLS, counts
            names = store.names()
            op = rng.choice(["add", "add", "remove", "rename"] if names else ["add"])
            serial += 1
            if op == "add":
                args = (f"p{serial}", "--method", "access-key", "--region", "eu-west-1", "--service", "s3",
                        "--access-key-id", KEY)
            elif op == "remove":
                args = (rng.choice(names),)
            else:
                args = (rng.choice(names), f"r{serial}")
            before = {p.name: p.id for p in store.list()}
            process = _start(env, op, *args)
            if op == "add":
                process.stdin.write(secret + "\n")
            process.stdin.close()
            started = time.monotonic()
            # a kill point inside the command: up to about as long as this kind of command has taken so far
            typical = statistics.median(took[op]) if took[op] else 1.0
            time.sleep(rng.uniform(0.02, max(0.05, 0.95 * typical)))
            killed = process.poll() is None
            if killed:
                process.send_signal(signal.SIGKILL)
            rc = process.wait()
            finished = not killed and rc == 0
            if finished:
                took[op].append(time.monotonic() - started)
            assert killed or finished, process.stderr.read()[-2000:]
            counts[op]["killed" if killed else "finished"] += 1
            pending = store.home / PENDING_DIR
            marked |= {m.name for m in pending.iterdir()} if pending.is_dir() else set()

            after = {p.name: p.id for p in store.list()}  # the file always loads
            for profile in store.list():  # no profile without its secret
                assert keychain.load(profile.id).secret_access_key == secret, (op, profile.name, killed)
            target = args[0]
            if op == "add" and finished:
                confirmed[target] = after[target]
            if op == "remove" and finished:
                assert target not in after
                confirmed.pop(target, None)
            if op == "rename":
                old_id = before[target]
                assert (after.get(target) == old_id) != (after.get(args[1]) == old_id)  # exactly one of the two
                if finished:
                    assert after[args[1]] == old_id
                    confirmed.pop(target, None)
                    confirmed[args[1]] = old_id
                elif after.get(args[1]) == old_id:
                    confirmed.pop(target, None)
                    confirmed[args[1]] = old_id
            if op == "remove" and killed and target not in after:
                confirmed.pop(target, None)
            untouched = {n: i for n, i in confirmed.items()}
            assert all(after.get(name) == pid for name, pid in untouched.items()), (op, args, killed)

        temps = len(list(store.home.glob(".profiles.json*.tmp")))
        result = sweep(store, keychain)  # what the next start does
        live = {p.id for p in store.list()}
        orphans = marked - live
        for profile_id in orphans:  # the entries killed adds left (and removes killed after the file) are gone
            assert keychain.load(profile_id).secret_access_key == ""
        assert not any((store.home / PENDING_DIR).iterdir())
        assert not list(store.home.glob(".profiles.json*.tmp"))
        print(f"\ncrash test: {KILLS} SIGKILLs in {serial} commands in {time.monotonic() - began:.0f} s: "
              + ", ".join(f"{op} {c['killed']} killed / {c['finished']} finished" for op, c in counts.items())
              + f"; {len(store.list())} profiles left, all with their secret; sweep: {result.orphans} orphaned "
              f"keychain entries and {result.temp_files} temp files removed (temp files before: {temps})")
    finally:
        for profile in store.list():
            keychain.delete(profile.id)
