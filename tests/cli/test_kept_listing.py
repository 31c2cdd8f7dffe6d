"""`list --json` copies the listing it kept while that is the listing of the profile file as it is now
(wizard.core.listing): the same bytes, without loading the profile code; any change to the file, by this program or
another, and the usual path again; a listing that depends on the clock, a tampered one or half-done changes never
take the short path."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.support.profiles_cli import REPO, cli_env, run_cli
from wizard.core import listing
from wizard.core.connection import Connection
from wizard.core.profiles import Profile, ProfileStore

KEY_ID = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def env(tmp_path):
    env = cli_env(tmp_path)
    store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])
    with store.batch():
        for i in range(50):
            store.add(Profile.new(f"kept-{i:02d}", Connection(access_key_id=KEY_ID, region="eu-west-1")))
    return env


def _home(env) -> str:
    return env["AWS_CONNECTION_WIZARD_HOME"]


def _listed(env) -> tuple[str, bool]:
    """The listing printed, and whether the profile code was loaded to print it (the usual path)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "wizard", "list", "--json"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=90, check=True)
    return done.stdout, "wizard.core.profiles" in done.stderr


def test_the_second_listing_is_the_kept_one_byte_for_byte(env):
    first, usual = _listed(env)
    assert usual and first.startswith("[") and first.count('"name": "kept-') == 50
    kept = os.path.join(_home(env), listing.NAME)
    assert os.stat(kept).st_mode & 0o777 == 0o600
    second, usual = _listed(env)
    assert not usual  # copied before the profile code loaded
    assert second == first


def test_any_change_to_the_profile_file_is_listed_at_once(env):
    _listed(env)
    assert run_cli(env, "rename", "kept-07", "renamed-7").returncode == 0
    after_rename, usual = _listed(env)
    assert usual and '"name": "renamed-7"' in after_rename and '"name": "kept-07"' not in after_rename
    # another program edits the file in place: same size, same modification time
    path = os.path.join(_home(env), "profiles.json")
    before = os.stat(path)
    text = open(path, encoding="utf-8").read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace('"name": "kept-11"', '"name": "edit-11"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size
    edited, usual = _listed(env)
    assert usual and '"name": "edit-11"' in edited


def test_a_listing_that_depends_on_the_clock_is_never_kept(env):
    store = ProfileStore(_home(env))
    store.add(Profile.new("with-token", Connection(access_key_id="ASIAIOSFODNN7EXAMPLE", region="eu-west-1",
                                                    token_entered_at=time.time())))
    os.remove(os.path.join(_home(env), listing.NAME)) if os.path.exists(os.path.join(_home(env), listing.NAME)) else None
    first, usual = _listed(env)
    assert usual and '"seconds_left"' in first
    assert not os.path.exists(os.path.join(_home(env), listing.NAME))
    assert _listed(env)[1]  # the usual path again: its seconds left are counted now


@pytest.mark.parametrize("tamper", ["escape", "length", "size", "contents", "version"])
def test_a_tampered_kept_listing_is_not_printed(env, tamper):
    real, _ = _listed(env)
    kept = os.path.join(_home(env), listing.NAME)
    header, _, body = open(kept, "rb").read().partition(b"\n")
    words = header.split(b" ")
    if tamper == "escape":  # same length: a terminal escape in place of the first name's first letter
        body = body.replace(b'"name": "k', b'"name": "\x1b', 1)
    elif tamper == "length":
        body = body + b"[]\n"
    elif tamper == "size":
        words[-5] = str(int(words[-5]) + 1).encode()  # another file's size
    elif tamper == "contents":
        words[-2] = str(int(words[-2]) ^ 1).encode()  # another file's bytes (their CRC-32)
    else:
        words[3] = b"0.0.1"  # kept by another version of the program, which may list differently
    with open(kept, "wb") as handle:
        handle.write(b" ".join(words) + b"\n" + body)
    shown, usual = _listed(env)
    assert usual and shown == real


def test_half_done_changes_take_the_usual_path_and_its_sweep(env):
    _listed(env)
    pending = os.path.join(_home(env), "pending")
    os.makedirs(pending, exist_ok=True)
    with open(os.path.join(pending, "0f1e2d3c-0000-4000-8000-000000000000"), "w") as handle:
        handle.write("999999999")  # a process that is gone
    shown, usual = _listed(env)
    assert usual and shown.count('"name": "kept-') == 50
    assert not os.listdir(pending)  # the sweep ran and dropped the marker
