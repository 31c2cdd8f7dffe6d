"""The extra arguments of a connection test (`engine.ConnectionTest(conn, secrets, **options)`) that depend on the
method, shared by the wizard's test page and the profile manager's re-test so that both run the same steps.

For `assume-role` that is the EC2 instance check (docs/architecture.md): the test's last step, `instance`, checks this
machine's instance metadata for the entered role (skipped off EC2). A cross-account source profile's keys are not
here: only the profile manager can read them from the keychain (wizard.ui.connection_actions.test_inputs).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping

from wizard.core import imds
from wizard.core.connection import Connection


def engine_options(conn: Connection, environ: Mapping[str, str] | None = None) -> dict:
    """`instance_check` for an assume-role connection (looking where `environ` says: os.environ unless a test points
    it at a local metadata emulator); nothing for the other methods."""
    if conn.method != "assume-role":
        return {}
    where = dict(environ if environ is not None else os.environ)  # as it is now: the check runs later, in a thread
    return {"instance_check": functools.partial(imds.check_instance, conn.role or None, environ=where)}
