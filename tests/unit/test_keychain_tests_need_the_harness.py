"""A test marked `keychain`, run outside the harness (`./dev test`, `python -m tests.run`), fails at setup and says why:
it is never skipped, so a run without the keychain cannot pass by not running those tests (tests/conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEYCHAIN_TESTS = "tests/integration/test_keychain.py"
MESSAGE = "needs the harness's keychain: run ./dev test or python -m tests.run"


def test_keychain_tests_fail_outside_the_harness():
    env = {k: v for k, v in os.environ.items() if k != "AWSCW_TEST_SESSION"}
    run = subprocess.run([sys.executable, "-m", "pytest", KEYCHAIN_TESTS, "-q", "-p", "no:cacheprovider"],
                         capture_output=True, text=True, env=env, cwd=REPO, timeout=300, check=False)
    out = run.stdout + run.stderr
    summary = out.strip().splitlines()[-1]
    assert run.returncode == 1, out
    assert MESSAGE in out
    assert "error" in summary and "passed" not in summary, summary
    assert "skipped" not in out, out
