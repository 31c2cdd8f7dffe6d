"""MFA sessions: GetSessionToken with a device and a one-time code, and the session kept until it expires.

An access-key profile that names an MFA device (`mfa_serial`) signs in once with a six-digit code:
GetSessionToken(SerialNumber, TokenCode, DurationSeconds) returns temporary credentials (ASIA… key, secret, session
token, expiration). They are kept in the OS keychain only, as one entry `<profile-id>/mfa_session` (JSON), never in a
file, and every later call of the profile uses them until `cached_session` says they have expired (minus a margin, so
a test never starts on a session about to end); then a new code is needed.

Assume-role and cross-account profiles with a device send the device and code with AssumeRole itself:
`assume_role_mfa_parameters(serial, code)` gives the two parameters to add to the call. A role assumed that way
(cross-account: its source is not the profile's own key) is kept the same way, as the entry
`<profile-id>/mfa_role_session` (`ROLE_ENTRY`), so its credentials serve every use until they expire.

Each kept entry may carry a *binding*: a text naming what the credentials were won for (the device, the key, the role,
the endpoint); asked with another binding, the entry is forgotten (an edit changed the profile). A connection being
entered in the wizard has no profile id: its sessions live in an `MfaMemory` for the wizard's life (the same
interface as the keychain's named entries), copied into the keychain under the profile's id when it is saved.

Nothing here prints or raises a secret: `SessionCredentials`' repr masks them, and an MFA code never enters a message.
`get_session_token` and the keychain calls block: call them from an executor, never from the GUI thread.
"""

from __future__ import annotations

import datetime
import json
import threading
from dataclasses import dataclass, field

from wizard.core import aws
from wizard.core.connection import NetworkSettings
from wizard.core.i18n import Words
from wizard.core.keychain import SecretStore
from wizard.core.validation import check_mfa_code, check_mfa_serial


def _said(text: str, **values) -> Words:
    """A message for the user: English as a str, translated where it is shown (`i18n.shown`); tools/translations.py
    collects these calls."""
    return Words(text, "mfa_session", values=values)


MIN_DURATION = 900  # GetSessionToken's DurationSeconds for IAM users: 15 minutes ...
MAX_DURATION = 129600  # ... to 36 hours
DEFAULT_DURATION = 43200  # 12 hours, AWS's default
EXPIRY_MARGIN = 60.0  # seconds before the expiration when a session no longer counts as usable
ENTRY = "mfa_session"  # the keychain entry's name (wizard.core.keychain.NAMED_ENTRIES)
ROLE_ENTRY = "mfa_role_session"  # a role assumed with an MFA code (cross-account), kept the same way
ENTRIES = (ENTRY, ROLE_ENTRY)


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
    role_arn: str = ""  # the role these credentials are for (ROLE_ENTRY); "" for an MFA session

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

    def to_json(self, binding: str = "") -> str:
        data = {"access_key_id": self.access_key_id, "secret_access_key": self.secret_access_key,
                "session_token": self.session_token, "expiration": self.expiration.isoformat()}
        if self.role_arn:
            data["role_arn"] = self.role_arn
        if binding:
            data["binding"] = binding
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> SessionCredentials:
        data = json.loads(text)
        return cls(str(data["access_key_id"]), str(data["secret_access_key"]), str(data["session_token"]),
                   datetime.datetime.fromisoformat(str(data["expiration"])), str(data.get("role_arn") or ""))


def _binding(text: str) -> str:
    """The binding a kept entry was saved with ("" for none, or when unreadable)."""
    try:
        found = json.loads(text).get("binding", "")
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def check_duration(seconds: int) -> int:
    """GetSessionToken's duration for an IAM user, or ValueError."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not MIN_DURATION <= seconds <= MAX_DURATION:
        raise ValueError(_said("An MFA session lasts from {low} to {high} seconds (15 minutes to 36 hours).",
                               low=MIN_DURATION, high=MAX_DURATION))
    return seconds


def _checked(serial: str, code: str) -> tuple[str, str]:
    """The cleaned device and code, or ValueError with the first message (never the code itself)."""
    serial_check, code_check = check_mfa_serial(serial), check_mfa_code(code)
    if not serial_check.value:
        raise ValueError(_said("No MFA device is set for this profile."))
    for found in (serial_check, code_check):
        if found.errors:
            first = found.errors[0]
            raise ValueError(Words(first.template or first.text, "validation", values=first.values))
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
    """The MFA sessions of profiles, in the keychain (`store`), keyed by profile id: GetSessionToken's (`ENTRY`, the
    default) or a role's assumed with a code (`entry=ROLE_ENTRY`). `store` may be an `MfaMemory` instead."""

    def __init__(self, store: SecretStore, *, margin: float = EXPIRY_MARGIN, entry: str = ENTRY):
        if entry not in ENTRIES:
            raise ValueError(f"not an MFA entry: {entry!r}")
        self.store = store
        self.margin = margin
        self.entry = entry

    def save(self, profile_id: str, credentials: SessionCredentials, binding: str = "") -> None:
        self.store.set_entry(profile_id, self.entry, credentials.to_json(binding))

    def cached_session(self, profile_id: str, now: datetime.datetime | None = None,
                       binding: str = "") -> SessionCredentials | None:
        """The profile's session while it has more than `margin` seconds left; None when there is none, it has
        expired, the entry is unreadable or was kept for another `binding` (then the entry is removed): a code is
        needed. An entry kept without a binding matches any."""
        text = self.store.get_entry(profile_id, self.entry)
        if not text:
            return None
        try:
            found = SessionCredentials.from_json(text)
        except (ValueError, KeyError, TypeError):
            found = None
        kept_for = _binding(text) if found is not None else ""
        if found is None or not found.usable(now, self.margin) or (binding and kept_for and kept_for != binding):
            self.forget(profile_id)
            return None
        return found

    def forget(self, profile_id: str) -> None:
        """Remove the profile's session (renew, delete, a changed device or key)."""
        self.store.delete_entry(profile_id, self.entry)

    def start(self, profile_id: str, access_key_id: str, secret_access_key: str, serial: str, code: str, *,
              region: str, network: NetworkSettings, duration: int = DEFAULT_DURATION,
              binding: str = "") -> SessionCredentials:
        """GetSessionToken with the code, and keep the new session (replacing any older one)."""
        found = get_session_token(access_key_id, secret_access_key, serial, code, region=region, network=network,
                                  duration=duration)
        self.save(profile_id, found, binding)
        return found


class MfaMemory:
    """The MFA sessions of a connection being entered (the wizard's life): the keychain's named-entry interface
    (`set_entry`, `get_entry`, `delete_entry`) over a dict in memory, so `MfaSessions(MfaMemory())` keeps them there.
    Nothing is written anywhere; `copy_to` hands them to the keychain when the connection is saved."""

    def __init__(self):
        self._entries: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()  # the test's worker thread writes, the GUI thread copies at Finish

    def __repr__(self) -> str:
        return f"MfaMemory({len(self._entries)} entries)"

    def set_entry(self, owner: str, name: str, value: str) -> None:
        with self._lock:
            if value:
                self._entries[(owner, name)] = value
            else:
                self._entries.pop((owner, name), None)

    def get_entry(self, owner: str, name: str) -> str:
        with self._lock:
            return self._entries.get((owner, name), "")

    def delete_entry(self, owner: str, name: str) -> None:
        self.set_entry(owner, name, "")

    def copy_to(self, store: SecretStore, profile_id: str) -> int:
        """Blocking (keychain): keep the sessions still usable under saved profile `profile_id`; how many were kept.
        Each keeps its binding, so a later use checks it against the saved connection."""
        with self._lock:
            found = list(self._entries.items())
        kept = 0
        for (owner, name), text in found:
            sessions = MfaSessions(self, entry=name)
            if sessions.cached_session(owner) is None:
                continue
            store.set_entry(profile_id, name, text)
            kept += 1
        return kept
