"""The local AWS for tests: a session fixture `aws_emulator` (moto's server on 127.0.0.1, signing enforced, behind the
trust gate) and helpers that build practice connections for it.

Use it from any test module: `pytest_plugins` in tests/conftest.py registers this module's fixtures.
"""

from __future__ import annotations

import pytest

from tests.support import secrets_registry
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.credentials import Credentials
from wizard.practice.aws_emulator import AwsEmulator


@pytest.fixture(scope="session")
def aws_emulator():
    """One emulator for the whole session. Tests must not change its seeded users, keys or roles."""
    with AwsEmulator() as emulator:
        p = emulator.practice
        secrets_registry.register(p.secret_access_key, p.denied_secret_access_key, p.expired_secret_access_key,
                                  p.expired_session_token)
        yield emulator


def practice_connection(emulator: AwsEmulator, method: str = "access-key", service: str = "s3",
                        **overrides) -> tuple[Connection, Secrets]:
    """A connection (and its secrets) that passes against the emulator; `overrides` change Connection fields."""
    p = emulator.practice
    network = overrides.pop("network", None) or NetworkSettings(endpoint_url=emulator.url)
    values = dict(method=method, service=service, region=p.region, network=network)
    if method in ("access-key", "assume-role"):
        values["access_key_id"] = p.access_key_id
    if method == "assume-role":
        values["role"] = p.role_name
    if method == "cross-account":
        values.update(role_arn=p.cross_role_arn, external_id=p.external_id, source="profile:practice")
    values.update(overrides)
    return Connection(**values), Secrets(p.secret_access_key)


def practice_source(emulator: AwsEmulator) -> Credentials:
    """source_credentials for a cross-account test whose source is the saved practice profile."""
    p = emulator.practice
    return Credentials(p.access_key_id, p.secret_access_key)


def denied_connection(emulator: AwsEmulator, service: str = "s3", **overrides) -> tuple[Connection, Secrets]:
    """The "denied" user: valid keys with no permissions at all."""
    p = emulator.practice
    conn, _ = practice_connection(emulator, "access-key", service, access_key_id=p.denied_access_key_id, **overrides)
    return conn, Secrets(p.denied_secret_access_key)
