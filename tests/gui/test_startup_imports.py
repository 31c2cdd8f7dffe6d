"""Opening the manager loads nothing of the AWS SDK or the keychain before its first paint: the program as a user
starts it (`python -m wizard`, offscreen Qt, a profile file with profiles), reporting through its
AWSCW_REPORT_FIRST_EXPOSE hook which modules are loaded when the first window is exposed. Not a timing test."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.profiles_cli import REPO
from wizard.core.connection import Connection
from wizard.core.profiles import Profile, ProfileStore

MUST_NOT_LOAD = ("boto3", "botocore", "keyring", "moto", "asyncio")


def test_the_manager_shows_before_boto3_botocore_keyring_moto_or_asyncio_load(tmp_path):
    store = ProfileStore(tmp_path / "home")
    for name, method in (("keys", "access-key"), ("robot", "assume-role")):
        store.add(Profile.new(name, Connection(method=method, access_key_id="AKIAIOSFODNN7EXAMPLE",
                                               role="arn:aws:iam::123456789012:role/R" if method == "assume-role" else "")))
    env = dict(os.environ, AWS_CONNECTION_WIZARD_HOME=str(store.home), QT_QPA_PLATFORM="offscreen",
               AWSCW_QUIT_AFTER_SHOW="1", AWSCW_REPORT_FIRST_EXPOSE="1", AWS_EC2_METADATA_DISABLED="true")
    run = subprocess.run([sys.executable, "-m", "wizard"], capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    line = next(line for line in run.stdout.splitlines() if line.startswith("first-expose "))
    loaded = set(line.split()[2].split(","))
    assert "window-shown" in run.stdout
    assert loaded.isdisjoint(MUST_NOT_LOAD), f"loaded before the first paint: {sorted(loaded & set(MUST_NOT_LOAD))}"
