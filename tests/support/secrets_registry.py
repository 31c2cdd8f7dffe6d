"""Every secret value the tests use, so the last test (tests/test_zz_no_secrets_left.py) can prove none reached a file.

Make test secrets with `fake_secret_access_key()` / `fake_session_token()`, or `register(value)` any other secret a test
sees (e.g. assumed-role credentials printed by credential-process). The registry lives in memory only: writing the
values down would defeat the scan.
"""

from __future__ import annotations

import secrets as _random
import string

_ALPHABET = string.ascii_letters + string.digits + "+/"
_REGISTERED: set[str] = set()
MIN_LENGTH = 12  # shorter values would match by chance


def register(*values: str) -> str:
    """Remember secret values; returns the first (handy inline)."""
    for value in values:
        if value and len(value) >= MIN_LENGTH:
            _REGISTERED.add(value)
    return values[0] if values else ""


def registered() -> frozenset[str]:
    return frozenset(_REGISTERED)


_MFA_CODES: set[str] = set()


def register_mfa_code(*codes: str) -> str:
    """Remember MFA codes the tests typed (six digits: too short for `register`; the scan looks for them as whole
    numbers in text files). Returns the first."""
    _MFA_CODES.update(c for c in codes if c)
    return codes[0] if codes else ""


def registered_mfa_codes() -> frozenset[str]:
    return frozenset(_MFA_CODES)


def register_gate_sessions(emulator) -> None:
    """Register every MFA session the emulator's gate issued (GetSessionToken in a CLI subprocess included)."""
    for session in list(emulator.gate.sessions.values()):
        register(session.secret, session.token)


def fake_secret_access_key() -> str:
    """A fresh 40-character secret access key, registered."""
    return register("".join(_random.choice(_ALPHABET) for _ in range(40)))


def fake_session_token(length: int = 356) -> str:
    """A fresh session-token-like value (base64 alphabet), registered."""
    return register("IQoJb3JpZ2luX2Vj" + "".join(_random.choice(_ALPHABET) for _ in range(length - 16)))
