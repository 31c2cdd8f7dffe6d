"""--self-test from the source install (the packaging tests run the same against the installed build)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wizard", "--self-test", *args], input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_importing_the_self_test_does_not_import_qt():
    code = "import sys, wizard.selftest, wizard.cli; print(sorted(m for m in sys.modules if 'PySide6' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_source_self_test_against_the_emulator_passes_and_prints_one_line_per_check(aws_emulator):
    p = aws_emulator.practice
    result = _run("--endpoint-url", aws_emulator.url, stdin=f"{p.access_key_id}\n{p.secret_access_key}\n")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[1:5]] == ["window", "keychain", "validation", "engine"]
    assert all(line.split()[1] == "ok" for line in lines[1:5]) and lines[-1] == "Self-test passed."
    assert p.secret_access_key not in result.stdout + result.stderr


def test_wrong_credentials_make_the_self_test_fail(aws_emulator):
    p = aws_emulator.practice
    result = _run("--endpoint-url", aws_emulator.url, stdin=f"{p.access_key_id}\n{'x' * 40}\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "engine     FAILED" in result.stdout and "wrong-secret-key" in result.stdout


def test_an_endpoint_that_refuses_connections_is_an_environment_problem():
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _run("--endpoint-url", f"http://127.0.0.1:{port}")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "engine     ENVIRONMENT" in result.stdout and "endpoint-unreachable" in result.stdout
