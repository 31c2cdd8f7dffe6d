"""How long a profile's temporary credentials have left.

Two cases:
- a session token the administrator entered (temporary keys, ASIA...): AWS never says when it expires, only that STS
  tokens last 15 minutes to 12 hours, so what we know is "entered N ago, at most 12 h - N left";
- an assumed role's credentials (`token_time` with an `expiration`): the real expiration time a test received.

A saved profile's time left is `profile_time_left`, the one function the CLI's `list`/`show` and the manager's table
and details read, so that they agree. It counts only an entered session token: an assume-role or cross-account
profile's role credentials are fetched afresh on every use, so the expiration of the last test's role credentials is
not time left on the profile (it stays in the test report). Renewing belongs to session tokens only (`can_renew`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from wizard.core.i18n import translate

MIN_LIFETIME = 15 * 60  # shortest session token STS issues
MAX_LIFETIME = 12 * 3600  # longest the wizard assumes (role sessions and the guide's 15 min-12 h)


@dataclass(frozen=True)
class TokenTime:
    kind: str  # "none" | "session-token" | "assumed-role"
    state: str  # "none" | "valid" (certainly still valid) | "maybe" (may have expired) | "expired"
    expires_at: float | None  # exact (assumed role) or the latest possible time (session token)
    entered_at: float | None = None  # session token: when it was entered
    now: float = 0.0

    @property
    def seconds_left(self) -> float | None:
        return None if self.expires_at is None else max(0.0, self.expires_at - self.now)

    @property
    def needs_renewal(self) -> bool:
        return self.state == "expired"

    def describe(self, translate=translate) -> str:
        """Short text for a table cell: "up to 11 h 40 min left (entered 20 min ago)", "expires in 42 min", ...
        in the user's language (`translate`); `to_json` gives it in English."""
        if self.kind == "none":
            return ""
        left = self.seconds_left or 0.0
        if self.kind == "session-token":
            ago = format_duration(self.now - (self.entered_at or self.now))
            if self.state == "expired":
                return translate("tokens", "expired (entered {ago} ago): renew the session token").format(ago=ago)
            return translate("tokens", "up to {left} left (entered {ago} ago)").format(left=format_duration(left),
                                                                                       ago=ago)
        if self.state == "expired":
            return translate("tokens", "expired {duration} ago").format(
                duration=format_duration(self.now - (self.expires_at or self.now)))
        return translate("tokens", "expires in {duration}").format(duration=format_duration(left))

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "state": self.state,
            "expires_at": self.expires_at,
            "entered_at": self.entered_at,
            "seconds_left": self.seconds_left,
            "needs_renewal": self.needs_renewal,
            "text": self.describe(_english),
        }


def _english(context: str, text: str) -> str:
    return text


EXPIRED_RESULT = "expired-token"  # the diagnosis code of a test that AWS answered with ExpiredToken


def token_time(
    token_entered_at: float | None, expiration: float | None, now: float | None = None, last_result: str | None = None
) -> TokenTime:
    """Time left for a profile: its connection's `token_entered_at` and its last test's `expiration` (epoch seconds).

    An entered session token wins over an assumed role's expiration: it is what the administrator must renew. A last
    test that failed with `expired-token` means expired, whatever the clock says (the token may have been issued long
    before it was entered).
    """
    now = time.time() if now is None else now
    if token_entered_at is not None:
        latest = token_entered_at + MAX_LIFETIME
        if now >= latest or last_result == EXPIRED_RESULT:
            state = "expired"
        elif now < token_entered_at + MIN_LIFETIME:
            state = "valid"
        else:
            state = "maybe"
        return TokenTime("session-token", state, latest, token_entered_at, now)
    if expiration is not None:
        return TokenTime("assumed-role", "expired" if now >= expiration else "valid", expiration, None, now)
    return TokenTime("none", "none", None, None, now)


def profile_time_left(profile, now: float | None = None) -> TokenTime:
    """A saved profile's time left: its entered session token's, with the last test's verdict (a test that failed with
    `expired-token` means expired); kind "none" when the profile holds no session token."""
    conn = profile.connection
    entered = conn.token_entered_at if has_session_token(conn) else None
    return token_time(entered, None, now, profile.last_result)


def has_session_token(conn) -> bool:
    """Whether the connection's own keys are temporary (a session token was entered with them, or the key id is a
    temporary one, ASIA...). Long-term keys (AKIA...) never expire, whatever the method does with them."""
    if not conn.uses_keys:
        return False
    return conn.token_entered_at is not None or conn.access_key_id.startswith("ASIA")


def can_renew(profile) -> bool:
    """Whether "Renew token" applies: the profile holds temporary keys with a session token."""
    return profile is not None and has_session_token(profile.connection)


def to_epoch(value) -> float | None:
    """An expiration as epoch seconds, from a datetime, an ISO 8601 string, a number, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp() if value.tzinfo else value.replace(tzinfo=timezone.utc).timestamp()
    text = str(value).strip().replace("Z", "+00:00")
    return to_epoch(datetime.fromisoformat(text))


def to_iso(epoch: float) -> str:
    """Epoch seconds as the ISO 8601 UTC form credential_process expects ("2026-11-27T15:00:00Z")."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_duration(seconds: float) -> str:
    """12 h, 3 h 5 min, 42 min, 30 s."""
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"
