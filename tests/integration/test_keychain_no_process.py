"""Using the keychain starts no process: the backend is the platform's own, picked without keyring's discovery (which
runs `ldconfig -p` and a compiler through `ctypes.util.find_library` on Linux).

A real subprocess with an audit hook records every process-starting event (subprocess.Popen, os.exec*, os.posix_spawn,
os.system, os.fork) while `credential-process NAME` reads the secret from the harness's gnome-keyring.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.profiles_cli import REPO, cli_env
from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import ProfileStore, save_connection

pytestmark = [
    pytest.mark.keychain,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the process check is for Linux"),
]

AUDITED = textwrap.dedent(
    """
    import contextlib, io, json, sys
    events = []
    def hook(event, args):
        if event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "os.fork", "os.forkpty"):
            events.append([event, repr(args)[:300]])
    sys.addaudithook(hook)
    from wizard.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # the credentials JSON holds the secret: never printed here
        code = main(["credential-process", sys.argv[1]])
    got = json.loads(out.getvalue()) if code == 0 else {}
    from wizard.core.keychain import SecretStore
    backend = type(SecretStore().backend())
    print(json.dumps({"code": code, "events": events, "secret_read": bool(got.get("SecretAccessKey")),
                      "backend": f"{backend.__module__}.{backend.__name__}"}))
    """
)


def test_a_command_reading_the_keychain_starts_no_process(tmp_path):
    env = cli_env(tmp_path)
    store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])
    conn = Connection(method="access-key", access_key_id="AKIAIOSFODNN7EXAMPLE", region="eu-west-1", service="s3")
    save_connection(store, SecretStore(), "reader", conn, Secrets(fake_secret_access_key()), untested=True)
    try:
        run = subprocess.run([sys.executable, "-c", AUDITED, "reader"], capture_output=True, text=True, env=env,
                             cwd=REPO, timeout=60, check=False)
        assert run.returncode == 0, run.stderr[-2000:]
        result = json.loads(run.stdout.strip().splitlines()[-1])
        assert result["code"] == 0 and result["secret_read"], result
        assert result["backend"] == "keyring.backends.SecretService.Keyring"
        assert result["events"] == [], f"processes started while reading the keychain: {result['events']}"
    finally:
        SecretStore().delete(store.get("reader").id)


READER = textwrap.dedent(
    """
    import json, sys
    from wizard.core.keychain import SecretStore, direct_secret_service
    secrets = SecretStore().load(sys.argv[1])
    print(json.dumps({"direct": direct_secret_service(), "keyring_imported": "keyring" in sys.modules,
                      "secret_read": bool(secrets.secret_access_key), "token": secrets.session_token}))
    """
)


def test_reading_a_profiles_secrets_needs_no_keyring_import(tmp_path):
    """Nothing chose a backend: the Secret Service is read with secretstorage directly (one connection), the same
    entries keyring writes, and `keyring` is not imported."""
    env = cli_env(tmp_path)
    store = ProfileStore(env["AWS_CONNECTION_WIZARD_HOME"])
    conn = Connection(method="access-key", access_key_id="AKIAIOSFODNN7EXAMPLE", region="eu-west-1", service="s3")
    secret = fake_secret_access_key()
    save_connection(store, SecretStore(), "direct", conn, Secrets(secret), untested=True)
    profile_id = store.get("direct").id
    try:
        run = subprocess.run([sys.executable, "-c", READER, profile_id], capture_output=True, text=True, env=env,
                             cwd=REPO, timeout=60, check=False)
        assert run.returncode == 0, run.stderr[-2000:]
        result = json.loads(run.stdout.strip().splitlines()[-1])
        assert result == {"direct": True, "keyring_imported": False, "secret_read": True, "token": ""}, result
        same = SecretStore().load(profile_id) == Secrets(secret)  # keyring's own read finds the same entry
        assert same
    finally:
        SecretStore().delete(profile_id)
