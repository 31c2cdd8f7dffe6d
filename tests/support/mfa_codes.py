"""Codes of an emulator's virtual MFA devices for tests: one that AWS (the gate) accepts now and for the next seconds,
and how many it has accepted."""

from __future__ import annotations

import time

from tests.support.secrets_registry import register_mfa_code
from wizard.core import totp


def fresh_code(emulator, serial: str) -> str:
    """An unused code the gate accepts now and for the next seconds (registered as a secret for the final scan). Not
    the previous window's: the gate stops accepting it when the window turns while a subprocess or a dialog starts, so
    then (and when the window's codes are used up) the next window's is waited for."""
    secret = emulator.gate.mfa_devices[serial].secret
    found = emulator.gate.unused_code(serial)
    if found is None or found == totp.code_at(secret, time.time() - totp.STEP):
        time.sleep(totp.current_code(secret).seconds_left + 0.2)
        found = emulator.gate.unused_code(serial)
    return register_mfa_code(found)


def codes_used(emulator, serial: str) -> int:
    """How many codes of the device the gate has accepted."""
    return sum(1 for used in emulator.gate._used_codes if used[0] == serial)
