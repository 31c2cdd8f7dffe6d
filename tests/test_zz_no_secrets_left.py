"""After the whole suite: no file the tests wrote holds a secret value the tests used.

The secrets are those registered in tests/support/secrets_registry.py (fake keys and tokens, the emulator's practice
keys, temporary credentials tests received). The files are everything under the harness's private root
(AWSCW_TEST_ROOT: HOME with ~/.aws, the XDG config/data/cache/state dirs with the profile file and the keyring, the
wizard home) and pytest's temporary directories. tests/conftest.py moves this module to the end of the run.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from tests.support.secrets_registry import fake_secret_access_key, registered, registered_mfa_codes

MAX_FILE_BYTES = 64 * 1024 * 1024


def scan(roots: list[Path], secrets: frozenset[str] | set[str]) -> list[tuple[Path, str]]:
    """(file, masked secret) for every regular file under `roots` containing one of `secrets` (raw UTF-8 bytes)."""
    if not secrets:
        return []
    # One regex alternation of thousands of secrets is slow (it tries each at every byte). Instead: a secret lies inside
    # one run of the bytes secrets are made of; every window of `head` bytes of such a run is looked up by its start.
    encoded = [v.encode() for v in secrets]
    head = min(len(v) for v in encoded)
    heads: dict[bytes, list[bytes]] = {}
    for value in encoded:
        heads.setdefault(value[:head], []).append(value)
    alphabet = b"".join(re.escape(bytes([c])) for c in sorted({c for v in encoded for c in v}))
    runs = re.compile(b"[" + alphabet + b"]{" + str(head).encode() + b",}")
    found = []
    seen: set[Path] = set()
    for root in roots:
        for directory, _dirs, files in os.walk(root, followlinks=False):
            for name in files:
                path = Path(directory, name)
                if path in seen:
                    continue
                seen.add(path)
                try:
                    info = path.lstat()
                    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                        continue
                    data = path.read_bytes()
                except OSError:  # vanished or unreadable (a socket dir, a file being replaced)
                    continue
                hit = _first_secret(data, runs, heads, head)
                if hit is not None:
                    found.append((path, f"{hit[:4]}…({len(hit)} chars)"))
    return found


def _first_secret(data: bytes, runs, heads: dict[bytes, list[bytes]], head: int) -> str | None:
    """The first registered secret found in `data`, or None."""
    for run in runs.finditer(data):
        text, start = run.group(), 0
        for start in range(len(text) - head + 1):
            for value in heads.get(text[start:start + head], ()):
                if text.startswith(value, start):
                    return value.decode()
    return None


def _roots(tmp_path_factory) -> list[Path]:
    roots = [Path(tmp_path_factory.getbasetemp())]
    if os.environ.get("AWSCW_TEST_ROOT"):
        roots.insert(0, Path(os.environ["AWSCW_TEST_ROOT"]))
    return [r for r in roots if r.exists()]


def test_the_scanner_finds_a_planted_secret():
    """The scan below is only worth something if it finds a secret where one is; planted outside the scanned roots
    and removed at once."""
    secret = fake_secret_access_key()
    planted = Path(tempfile.mkdtemp(prefix="awscw-scan-selftest-"))
    try:
        (planted / "nested").mkdir()
        (planted / "nested" / "leak.json").write_bytes(b'{"SecretAccessKey": "' + secret.encode() + b'"}')
        (planted / "clean.txt").write_text("nothing here")
        hits = scan([planted], {secret})
        assert [path.name for path, _ in hits] == ["leak.json"]
        assert secret not in hits[0][1]
    finally:
        shutil.rmtree(planted)


@pytest.mark.timeout(900)  # it reads every file the whole suite wrote (the frozen build too) for every secret it used
def test_no_secret_value_is_left_in_any_file(tmp_path_factory):
    secrets = registered()
    if not secrets:
        pytest.skip("no test in this run used a secret value (run the whole suite)")
    roots = _roots(tmp_path_factory)
    assert roots, "nothing to scan: AWSCW_TEST_ROOT is not set (run through ./dev test)"
    hits = scan(roots, secrets)
    assert not hits, "secret values found in files:\n" + "\n".join(f"  {path}: {masked}" for path, masked in hits)


def scan_codes(roots: list[Path], codes: frozenset[str] | set[str]) -> list[tuple[Path, str]]:
    """(file, masked code) for every text file (no NUL byte) under `roots` holding one of the six-digit `codes` as a
    whole word (not inside a longer number or name, nor the microseconds of a timestamp such as 1796101160.342151,
    where it would appear by chance)."""
    if not codes:
        return []
    pattern = re.compile(rb"(?<![0-9A-Za-z])(?<![0-9]\.)(?:" + b"|".join(c.encode() for c in sorted(codes)) + rb")(?![0-9A-Za-z])")
    found = []
    for root in roots:
        for directory, _dirs, files in os.walk(root, followlinks=False):
            for name in files:
                path = Path(directory, name)
                try:
                    info = path.lstat()
                    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if b"\0" in data:
                    continue
                match = pattern.search(data)
                if match:
                    found.append((path, match.group().decode()[:2] + "…"))
    return found


def test_the_code_scanner_finds_a_planted_code():
    planted = Path(tempfile.mkdtemp(prefix="awscw-scan-selftest-"))
    try:
        (planted / "leak.log").write_text("TokenCode=123456\n")
        (planted / "clean.json").write_text('{"tested_at": 1764123456.5, "id": "a1234567b", "at": 1796101160.234567}')
        assert [path.name for path, _ in scan_codes([planted], {"123456", "234567"})] == ["leak.log"]
    finally:
        shutil.rmtree(planted)


def test_no_mfa_code_is_left_in_any_text_file(tmp_path_factory):
    codes = registered_mfa_codes()
    if not codes:
        pytest.skip("no test in this run typed an MFA code (run the whole suite)")
    hits = scan_codes(_roots(tmp_path_factory), codes)
    assert not hits, "MFA codes found in files:\n" + "\n".join(f"  {path}: {masked}" for path, masked in hits)
