"""The test options the profile manager passes to `ConnectionTestView.start` (and so to
`wizard.core.credentials.plan_test`), kept as a thin call until the manager calls `plan_test` itself.

Which steps a test runs (the EC2 instance step of assume-role, the calling credentials) is decided in
`wizard.core.credentials`, not here.
"""

from __future__ import annotations

from collections.abc import Mapping

from wizard.core.connection import Connection


def engine_options(conn: Connection, environ: Mapping[str, str] | None = None) -> dict:
    """`plan_test`'s options for testing `conn`: where the EC2 instance checks look (`environ`; os.environ when not
    given). The connection itself no longer changes them."""
    del conn  # kept in the signature for the callers; plan_test reads the connection
    return {} if environ is None else {"environ": environ}
