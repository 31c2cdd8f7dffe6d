"""Time-based one-time codes (TOTP, RFC 6238, via pyotp): what an authenticator app shows for a virtual MFA device.

Used by practice mode: its virtual MFA device's current code and the seconds until the next, for the practice panel.
AWS's virtual devices use the RFC's defaults: SHA-1, six digits, a 30-second step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp

STEP = 30  # seconds each code lasts


@dataclass(frozen=True)
class CurrentCode:
    code: str
    seconds_left: int  # 1..STEP: until the next code

    def __repr__(self) -> str:  # a live code is a secret for its window
        return f"CurrentCode(code='······', seconds_left={self.seconds_left})"


def new_secret() -> str:
    """A fresh base32 seed (160 bits), like the one AWS gives for a new virtual device."""
    return pyotp.random_base32(32)


def code_at(secret: str, when: float) -> str:
    return pyotp.TOTP(secret, interval=STEP).at(when)


def current_code(secret: str, now: float | None = None) -> CurrentCode:
    """The code valid now and how many whole seconds it has left."""
    when = time.time() if now is None else now
    left = STEP - int(when) % STEP
    return CurrentCode(code_at(secret, when), left)


def window(when: float) -> int:
    """The 30-second window a moment falls in (codes are unique per window)."""
    return int(when) // STEP


def matching_window(secret: str, code: str, when: float, *, drift: int = 1) -> int | None:
    """The window (now, or up to `drift` windows either side, as AWS allows for clock drift) whose code is `code`."""
    for offset in sorted(range(-drift, drift + 1), key=abs):
        at = when + offset * STEP
        if code_at(secret, at) == code:
            return window(at)
    return None
