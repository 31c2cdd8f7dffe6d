"""MFA sessions: GetSessionToken with a device and a one-time code, and the session kept until it expires.

An access-key profile that names an MFA device (`mfa_serial`) signs in once with a six-digit code:
GetSessionToken(SerialNumber, TokenCode, DurationSeconds) returns temporary credentials (ASIA… key, secret, session
token, expiration). They are kept in the OS keychain only, as one entry `<profile-id>/mfa_session` (JSON), never in a
file, and every later call of the profile uses them until `cached_session` says they have expired (minus a margin, so
a test never starts on a session about to end); then a new code is needed.

Assume-role and cross-account profiles with a device send the device and code with AssumeRole itself:
`assume_role_mfa_parameters(serial, code)` gives the two parameters to add to the call.

Nothing here prints or raises a secret: `SessionCredentials`' repr masks them, and an MFA code never enters a message.
`get_session_token` and the keychain calls block: call them from an executor, never from the GUI thread.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from wizard.core import aws
from wizard.core.connection import NetworkSettings
from wizard.core.keychain import SecretStore
from wizard.core.validation import check_mfa_code, check_mfa_serial

MIN_DURATION = 900  # GetSessionToken's DurationSeconds for IAM users: 15 minutes ...
MAX_DURATION = 129600  # ... to 36 hours
DEFAULT_DURATION = 43200  # 12 hours, AWS's default
EXPIRY_MARGIN = 60.0  # seconds before the expiration when a session no longer counts as usable
ENTRY = "mfa_session"  # the keychain entry's name (wizard.core.keychain.NAMED_ENTRIES)


def _utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return _utc(now) if now is not None else datetime.datetime.now(datetime.timezone.utc)


@dataclass(frozen=True)
class SessionCredentials:
    """Temporary credentials and their expiration (timezone-aware UTC). repr/str never show the secrets.

    The same four fields, by name, as `wizard.core.credentials.Credentials`: `Credentials(**session.fields())`.
    """

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime.datetime

    def __post_init__(self):
        object.__setattr__(self, "expiration", _utc(self.expiration))

    def __repr__(self) -> str:
        key = self.access_key_id
        shown = f"{key[:4]}…{key[-4:]}" if len(key) > 8 else "…"
        return f"SessionCredentials(access_key_id={shown!r}, expiration={self.expiration.isoformat()!r})"

    __str__ = __repr__

    def fields(self) -> dict:
        """The four fields by name (for `Credentials(**...)`)."""
        return {"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key,
                "session_token": self.session_token, "expiration": self.expiration}

    def client_keys(self) -> dict:
        """The three keys by name (boto3's aws_access_key_id... without the prefix)."""
        return {"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key,
                "session_token": self.session_token}

    def seconds_left(self, now: datetime.datetime | None = None) -> float:
        return (self.expiration - _now(now)).total_seconds()

    def usable(self, now: datetime.datetime | None = None, margin: float = EXPIRY_MARGIN) -> bool:
        return self.seconds_left(now) > margin

    def secrets(self) -> tuple[str, str]:
        """The values to redact from logs and reports (wizard.core.aws.register_secrets)."""
        return self.secret_access_key, self.session_token

    def to_json(self) -> str:
        return json.dumps({"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key,
                           "session_token": self.session_token, "expiration": self.expiration.isoformat()})

    @classmethod
    def from_json(cls, text: str) -> SessionCredentials:
        data = json.loads(text)
        return cls(str(data["access_key_id"]), str(data["secret_access_key"]), str(data["session_token"]),
                   datetime.datetime.fromisoformat(str(data["expiration"])))


def check_duration(seconds: int) -> int:
    """GetSessionToken's duration for an IAM user, or ValueError."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not MIN_DURATION <= seconds <= MAX_DURATION:
        raise ValueError(f"An MFA session lasts from {MIN_DURATION} to {MAX_DURATION} seconds (15 minutes to 36 "
                         "hours).")
    return seconds


def _checked(serial: str, code: str) -> tuple[str, str]:
    """The cleaned device and code, or ValueError with the first message (never the code itself)."""
    serial_check, code_check = check_mfa_serial(serial), check_mfa_code(code)
    if not serial_check.value:
        raise ValueError("No MFA device is set for this profile.")
    for found in (serial_check, code_check):
        if found.errors:
            raise ValueError(found.errors[0].text)
    return serial_check.value, code_check.value


def assume_role_mfa_parameters(serial: str, code: str) -> dict[str, str]:
    """The MFA parameters of AssumeRole: {} without a device, else {"SerialNumber", "TokenCode"} (checked offline;
    ValueError when the device is set and the code is missing or malformed)."""
    if not (serial or "").strip():
        return {}
    serial, code = _checked(serial, code)
    return {"SerialNumber": serial, "TokenCode": code}


def get_session_token(access_key_id: str, secret_access_key: str, serial: str, code: str, *, region: str,
                      network: NetworkSettings, duration: int = DEFAULT_DURATION, session=None) -> SessionCredentials:
    """One GetSessionToken call with the device and code (one attempt, the connection's timeouts, endpoint and proxy:
    `wizard.core.aws.make_client`). Raises botocore's errors as they are (see `diagnoses.diagnose_mfa`)."""
    serial, code = _checked(serial, code)
    check_duration(duration)
    from wizard.core.credentials import Credentials

    client = aws.make_client("sts", region, Credentials(access_key_id, secret_access_key), network, session=session)
    found = client.get_session_token(SerialNumber=serial, TokenCode=code, DurationSeconds=duration)["Credentials"]
    return SessionCredentials(found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"],
                              found["Expiration"])


class MfaSessions:
    """The MFA sessions of profiles, in the keychain (`store`), keyed by profile id."""

    def __init__(self, store: SecretStore, *, margin: float = EXPIRY_MARGIN):
        self.store = store
        self.margin = margin

    def save(self, profile_id: str, credentials: SessionCredentials) -> None:
        self.store.set_entry(profile_id, ENTRY, credentials.to_json())

    def cached_session(self, profile_id: str, now: datetime.datetime | None = None) -> SessionCredentials | None:
        """The profile's session while it has more than `margin` seconds left; None when there is none, it has
        expired or the entry is unreadable (then the entry is removed): a code is needed."""
        text = self.store.get_entry(profile_id, ENTRY)
        if not text:
            return None
        try:
            found = SessionCredentials.from_json(text)
        except (ValueError, KeyError, TypeError):
            found = None
        if found is None or not found.usable(now, self.margin):
            self.forget(profile_id)
            return None
        return found

    def forget(self, profile_id: str) -> None:
        """Remove the profile's session (renew, delete, a changed device or key)."""
        self.store.delete_entry(profile_id, ENTRY)

    def start(self, profile_id: str, access_key_id: str, secret_access_key: str, serial: str, code: str, *,
              region: str, network: NetworkSettings, duration: int = DEFAULT_DURATION) -> SessionCredentials:
        """GetSessionToken with the code, and keep the new session (replacing any older one)."""
        found = get_session_token(access_key_id, secret_access_key, serial, code, region=region, network=network,
                                  duration=duration)
        self.save(profile_id, found)
        return found
