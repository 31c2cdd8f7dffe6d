"""Running `aws-connection-wizard` (and the real AWS CLI) as a subprocess in a private profile home and AWS files.

`cli_env(tmp_path)` gives each test its own AWS_CONNECTION_WIZARD_HOME, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
(under tmp_path), the harness's D-Bus session (so the real keychain), and a proxy on a dead loopback port for every
host but 127.0.0.1: a request that escaped the emulator's endpoint_url fails instead of leaving the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AWS_CLI = Path(sys.executable).with_name("aws")
DEAD_PROXY = "http://127.0.0.1:9"


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AWS_CONNECTION_WIZARD_HOME=str(tmp_path / "wizard-home"),
        AWS_CONFIG_FILE=str(tmp_path / "aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "aws" / "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        HTTPS_PROXY=DEAD_PROXY, HTTP_PROXY=DEAD_PROXY, https_proxy=DEAD_PROXY, http_proxy=DEAD_PROXY,
        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
    )
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "PYTHON_KEYRING_BACKEND"):
        env.pop(name, None)
    env.update(extra)
    return env


def run_cli(env: dict[str, str], *args: str, input: str | None = None, timeout: float = 90) -> subprocess.CompletedProcess:
    """`aws-connection-wizard ARGS` (as `python -m wizard`, the same entry point)."""
    return subprocess.run([sys.executable, "-m", "wizard", *args], input=input, capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=timeout, check=False)


def run_aws(env: dict[str, str], *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """The real AWS CLI (awscli from PyPI, installed by the test extra)."""
    return subprocess.run([str(AWS_CLI), *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=timeout,
                          check=False)
