"""From a profile to the credentials that call AWS, and from a profile to its connection test: the one path every
front end (the wizard's test page, the profile manager's Test, the CLI's `test`, `credential-process` and `policy`)
takes, so that they all choose the same credentials and run the same steps.

Which credentials call AWS first (the *calling* credentials) depends on the method:

| method / source              | calling credentials                                            | source class    |
|------------------------------|----------------------------------------------------------------|-----------------|
| access-key, assume-role      | the profile's own access key (secret from the keychain)         | `OwnKeys`       |
| cross-account, profile:NAME  | what saved profile NAME signs in with (resolved recursively)    | `SavedProfile`  |
| cross-account, instance      | the EC2 instance role, from the instance metadata (IMDSv2)      | `InstanceRole`  |
| cross-account, default       | boto3's default chain (environment, ~/.aws files, SSO...)       | `DefaultChain`  |
| sso                          | the IAM Identity Center role (login token -> GetRoleCredentials) | `SsoRole`       |
| access-key, assume-role + MFA device | the MFA session of the access key (GetSessionToken with a code) | `MfaSession` |

MFA (a profile naming a device, `mfa_serial`): access-key and assume-role sign in with an MFA session
(`wizard.core.mfa_session`), kept in the keychain until it expires, so a code is asked for once per session; the role of
assume-role is assumed on that session (it counts as MFA for a trust policy). cross-account sends the device and a code
with AssumeRole itself (`role_parameters`), and the role's credentials are kept the same way (`MfaKeep`, the
`mfa_role_session` entry) so that the next use needs no code until they expire. The code comes from a *code prompter*
(`MfaCode`) the front end passes to `plan_test()` / `calling_source()` / `assume_role()`: a callable
`(device) -> code or None`, called in the worker thread only when a code is needed (no usable session), or a code as
text, or None (then `CredentialsError("mfa-code-needed")`). Where the MFA credentials are kept is an `MfaKeep`: the
keychain under a saved profile's id, or an `MfaMemory` for a connection being entered in the wizard.

assume-role and cross-account then call AssumeRole with those credentials: `assume_role()` is the only place its
parameters are built (the engine's assume-role step and `credential-process` both call it).

A source is resolved only when the test (or command) needs it, in the thread that makes the AWS calls: reading the
keychain or the instance metadata never happens on a GUI thread. Credentials travel as `Credentials`, a frozen type
whose repr/str never show the secret or the token (and mask the key id), never as plain dicts.

Adding a way to sign in (an MFA session, an IAM Identity Center role...) happens here, once:
1. write a class with `describe()` and `resolve() -> Credentials | None` (see `CredentialSource`); `resolve()` may
   block (network, keychain) and raises `CredentialsError` with a `reason` when it can't find credentials;
2. return it from `calling_source()` for the connections that use it (a new `source` value or method);
3. anything the AssumeRole call itself needs (SerialNumber + TokenCode for MFA) goes into `role_parameters()`.
The engine, the wizard, the manager and the CLI then use it without change: they only call `plan_test()`,
`calling_source()` and `assume_role()`.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from wizard.core import arn as arns
from wizard.core import proxy_auth
from wizard.core.connection import DEFAULT_SESSION_NAME, Connection, NetworkSettings, Secrets
from wizard.core.i18n import Words
from wizard.core.redact import mask_access_key_id
from wizard.core.tokens import to_epoch

if TYPE_CHECKING:  # only for annotations: the stores and the engine are imported where they are used
    from wizard.core.engine import ConnectionTest
    from wizard.core.keychain import SecretStore
    from wizard.core.mfa_session import MfaMemory, MfaSessions
    from wizard.core.profiles import Profile, ProfileStore

PROFILE_PREFIX = "profile:"

# How an MFA code reaches the calls that need one: a callable asked with the device's ARN (in the worker thread; it
# returns the six digits, or None when the user gave none), a code already typed, or None (no way to ask).
MfaCode = Callable[[str], "str | None"] | str | None


@dataclass(frozen=True)
class Credentials:
    """Keys that sign AWS requests. repr/str show the masked key id and whether a secret and token are set, never their
    values, so a Credentials is safe in a log line or an exception message."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(default="", repr=False)
    expiration: float | None = None  # epoch seconds (temporary credentials), None when unknown or long-term

    def __repr__(self) -> str:
        when = ""
        if self.expiration is not None:
            stamp = _dt.datetime.fromtimestamp(self.expiration, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            when = f", expiration={stamp}"
        return (f"Credentials(access_key_id={mask_access_key_id(self.access_key_id)}, "
                f"secret_access_key={'<set>' if self.secret_access_key else '<empty>'}, "
                f"session_token={'<set>' if self.session_token else '<empty>'}{when})")

    __str__ = __repr__

    def secret_values(self) -> list[str]:
        """The values to redact wherever text about a request could show them."""
        return [v for v in (self.secret_access_key, self.session_token) if v]

    @property
    def temporary(self) -> bool:
        return bool(self.session_token)

    @classmethod
    def from_sts(cls, found: Mapping) -> Credentials:
        """From the `Credentials` element of an STS answer (AssumeRole, GetSessionToken, GetRoleCredentials...)."""
        return cls(found["AccessKeyId"], found["SecretAccessKey"], found.get("SessionToken") or "",
                   to_epoch(found.get("Expiration")))

    @classmethod
    def from_keys(cls, access_key_id: str, secrets: Secrets) -> Credentials:
        return cls(access_key_id.strip(), secrets.secret_access_key, secrets.session_token)


def _said(text: str, **values) -> Words:
    """A CredentialsError's message: English as a str (logs, `--json`), one catalogue text (with {placeholders} for
    the values) translated where it is shown (`i18n.shown`); tools/translations.py collects these calls."""
    return Words(text, "credentials", values=values)


class CredentialsError(Exception):
    """The calling credentials could not be found. `reason`: unknown-profile, no-own-keys, no-secret,
    no-instance-role, source-loop or mfa-code-needed (an MFA code is needed and none was given). The message names profiles, never a secret."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class CredentialSource(Protocol):
    """Where a connection's calling credentials come from (the extension point: see the module docstring)."""

    def describe(self) -> str:
        """A few words for a report or an error ("the access key of the profile", "the EC2 instance role"...)."""

    def resolve(self) -> Credentials | None:
        """The credentials (None: let boto3's default chain find them). Blocking; CredentialsError when missing."""


@dataclass(frozen=True)
class OwnKeys:
    """The connection's own access key (access-key and assume-role), its secret already read."""

    credentials: Credentials

    def describe(self) -> str:
        return "the connection's access key"

    def resolve(self) -> Credentials:
        if not self.credentials.access_key_id or not self.credentials.secret_access_key:
            raise CredentialsError("no-secret", _said("the access key ID and secret access key are required"))
        return self.credentials


@dataclass(frozen=True)
class Given:
    """Credentials the caller already holds (a test handing the practice user's keys, for instance)."""

    credentials: Credentials
    what: str = "the given credentials"

    def describe(self) -> str:
        return self.what

    def resolve(self) -> Credentials:
        return self.credentials


@dataclass(frozen=True)
class DefaultChain:
    """boto3's default chain: environment variables, the ~/.aws files, SSO, container or instance role."""

    def describe(self) -> str:
        return "this computer's default AWS credentials"

    def resolve(self) -> None:
        return None


@dataclass(frozen=True)
class InstanceRole:
    """The EC2 instance role's credentials from the instance metadata service (IMDSv2), looking where `environ` says
    (AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_DISABLED)."""

    network: NetworkSettings
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    def describe(self) -> str:
        return "the EC2 instance role"

    def resolve(self) -> Credentials:
        found = instance_role_credentials(self.network, self.environ)
        if found is None:
            raise CredentialsError("no-instance-role",
                                   _said("no instance role credentials here (not on EC2, or no role attached; see: "
                                         "aws-connection-wizard check-instance)"))
        return found


@dataclass(frozen=True)
class SavedProfile:
    """A saved profile lends the identity it signs in with: its access key (access-key, assume-role) or, for a
    cross-account profile, the role it assumes, its own source resolved through `profile_credentials` in turn. A chain
    that comes back to a profile already on it is refused (`source-loop`)."""

    name: str
    profile_store: ProfileStore | None = None  # None: the default store, opened when resolving
    secret_store: SecretStore | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    seen: tuple[str, ...] = ()  # the profiles already on the chain (names), for the loop guard
    mfa_code: MfaCode = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        return f"saved profile {self.name}"

    def resolve(self) -> Credentials:
        store, secret_store = _stores(self.profile_store, self.secret_store)
        try:
            profile = store.get(self.name)
        except KeyError:
            raise CredentialsError("unknown-profile",
                                   _said("no profile named {name} (see: aws-connection-wizard list)",
                                         name=repr(self.name))) from None
        return profile_credentials(profile, profile_store=store, secret_store=secret_store, environ=self.environ,
                                   seen=self.seen, mfa_code=self.mfa_code)


@dataclass(frozen=True)
class ProfileKeys:
    """A saved profile's own access key, its secret read from the keychain when resolved."""

    profile: Profile
    secret_store: SecretStore | None = None

    def describe(self) -> str:
        return f"the access key of profile {self.profile.name}"

    def resolve(self) -> Credentials:
        secret_store = self.secret_store
        if secret_store is None:
            from wizard.core.keychain import SecretStore

            secret_store = SecretStore()
        return own_credentials(self.profile, secret_store)


@dataclass(frozen=True, eq=False)
class SsoRole:
    """An IAM Identity Center role (method `sso`): the login's access token from the keychain, refreshed when it is
    close to expiry (`token()`, the test's `sso-token` step), then GetRoleCredentials for the account and role
    (`role_credentials()`, the `role-credentials` step). No login yet, or a refused refresh:
    `wizard.core.sso_login.SsoLoginError` "sso-login-required". The tokens are shared by every profile of one login
    (`session_key(start_url, sso_region)`). The endpoints are botocore's (AWS_ENDPOINT_URL_SSO_OIDC and
    AWS_ENDPOINT_URL_SSO point them at a local emulator); the connection's endpoint URL is for the AWS services."""

    conn: Connection
    secret_store: SecretStore | None = None

    def describe(self) -> str:
        return f"the IAM Identity Center role {self.conn.sso_role_name} in account {self.conn.sso_account_id}"

    @property
    def target(self):
        return sso_target(self.conn)

    @property
    def owner(self) -> str:
        return sso_owner(self.conn)

    def token_store(self):
        from wizard.core.sso_tokens import SsoTokenStore

        return SsoTokenStore(_stores(None, self.secret_store)[1] if self.secret_store is None else self.secret_store)

    def token(self):
        """Blocking: (SsoToken, "valid" | "refreshed"), or SsoLoginError sso-login-required."""
        from wizard.core import sso_login

        return sso_login.current_token(self.target, self.owner, self.token_store())

    def role_credentials(self, token) -> Credentials:
        """Blocking: GetRoleCredentials with `token` for the connection's account and role."""
        from wizard.core import sso_roles

        found = sso_roles.role_credentials(self.target, token, self.conn.sso_account_id.strip(),
                                           self.conn.sso_role_name.strip())
        return Credentials(found.access_key_id, found.secret_access_key, found.session_token,
                           found.expiration.timestamp())

    def resolve(self) -> Credentials:
        token, _state = self.token()
        return self.role_credentials(token)


def sso_target(conn: Connection):
    """The IAM Identity Center login of an sso connection (start URL, SSO region, the connection's network settings
    for the proxy, CA bundle and timeouts)."""
    from wizard.core.sso_login import SsoTarget

    return SsoTarget(conn.sso_start_url.strip(), conn.sso_region.strip(), conn.network)


def sso_owner(conn: Connection) -> str:
    """Where an sso connection's tokens live in the keychain: shared by every profile of the same login."""
    from wizard.core.sso_tokens import session_key

    return session_key(conn.sso_start_url, conn.sso_region)


def ask_mfa_code(mfa_code: MfaCode, serial: str) -> str:
    """The code for device `serial` from the front end's prompter (see `MfaCode`), or CredentialsError."""
    code = mfa_code(serial) if callable(mfa_code) else mfa_code
    code = (code or "").strip()
    if not code:
        raise CredentialsError("mfa-code-needed", _said(
            "a six-digit code from the MFA device {serial} is needed (on the command line: --mfa-code CODE, or run it "
            "on a terminal to be asked)", serial=serial))
    return code


MEMORY_OWNER = "wizard"  # the owner of the sessions an MfaMemory keeps (a connection not saved yet has no id)


@dataclass(frozen=True)
class MfaKeep:
    """Where a connection's MFA credentials (its MFA session, a role assumed with a code) are kept between uses: the
    keychain under saved profile `profile_id`, else `memory` (the wizard's life), else nowhere (used once)."""

    profile_id: str = ""
    secret_store: SecretStore | None = None
    memory: MfaMemory | None = None

    def __bool__(self) -> bool:
        return bool(self.profile_id) or self.memory is not None

    def sessions(self, entry: str) -> tuple[MfaSessions, str] | None:
        """The sessions of kind `entry` (`mfa_session.ENTRY`, `ROLE_ENTRY`) and their owner, or None."""
        from wizard.core import mfa_session

        if self.profile_id:
            store = self.secret_store
            if store is None:
                from wizard.core.keychain import SecretStore

                store = SecretStore()
            return mfa_session.MfaSessions(store, entry=entry), self.profile_id
        if self.memory is not None:
            return mfa_session.MfaSessions(self.memory, entry=entry), MEMORY_OWNER
        return None


def _bound(*parts: str) -> str:
    return json.dumps([(part or "").strip() for part in parts])


def session_binding(keys: CredentialSource, serial: str, region: str, network: NetworkSettings) -> str:
    """What an MFA session is won for: the key (when known without the keychain), device, region and endpoint."""
    key_id = ""
    if isinstance(keys, OwnKeys):
        key_id = keys.credentials.access_key_id
    elif isinstance(keys, ProfileKeys):
        key_id = keys.profile.connection.access_key_id
    return _bound("session", key_id, serial, region, network.endpoint_url)


def role_binding(conn: Connection) -> str:
    """What a role assumed with an MFA code is kept for: the role, device, External ID, session name, endpoint."""
    return _bound("role", entered_role(conn), role_mfa_serial(conn), conn.external_id,
                  conn.session_name or DEFAULT_SESSION_NAME, conn.region, conn.network.endpoint_url)


@dataclass(frozen=True)
class MfaSession:
    """An access key that signs in with MFA: the profile's MFA session while it lasts (kept in the keychain under
    `profile_id`), else GetSessionToken with the device and a code from `mfa_code`, the new session kept. Without a
    `profile_id` (a connection being entered in the wizard) the session is used for this test only. Keys that are
    already temporary (a session token) can't call GetSessionToken: they are used as they are."""

    keys: CredentialSource  # the long-term access key (OwnKeys, ProfileKeys)
    serial: str
    region: str
    network: NetworkSettings
    profile_id: str = ""
    secret_store: SecretStore | None = None
    mfa_code: MfaCode = field(default=None, compare=False, repr=False)
    memory: MfaMemory | None = field(default=None, compare=False, repr=False)  # without a profile id: the wizard's

    def describe(self) -> str:
        return f"an MFA session of {self.keys.describe()} (device {self.serial})"

    def resolve(self) -> Credentials:
        from wizard.core import mfa_session

        kept = MfaKeep(self.profile_id, self.secret_store, self.memory).sessions(mfa_session.ENTRY)
        binding = session_binding(self.keys, self.serial, self.region, self.network)
        if kept is not None:
            sessions, owner = kept
            cached = sessions.cached_session(owner, binding=binding)
            if cached is not None:
                return _from_session(cached)
        keys = self.keys.resolve()
        if keys.session_token:
            return keys
        code = ask_mfa_code(self.mfa_code, self.serial)
        if kept is not None:
            found = sessions.start(owner, keys.access_key_id, keys.secret_access_key, self.serial, code,
                                   region=self.region, network=self.network, binding=binding)
        else:
            found = mfa_session.get_session_token(keys.access_key_id, keys.secret_access_key, self.serial, code,
                                                  region=self.region, network=self.network)
        return _from_session(found)


def _from_session(found) -> Credentials:
    return Credentials(found.access_key_id, found.secret_access_key, found.session_token,
                       found.expiration.timestamp())


def uses_mfa_session(conn: Connection) -> bool:
    """The connection signs in with an MFA session: long-term keys of its own and an MFA device (temporary keys can't
    call GetSessionToken; a connection without keys sends the code with AssumeRole instead)."""
    from wizard.core.tokens import has_session_token

    return conn.uses_keys and bool((conn.mfa_serial or "").strip()) and not has_session_token(conn)


def keeps_mfa_credentials(conn: Connection) -> bool:
    """A code wins credentials that are kept until they expire: an MFA session (`uses_mfa_session`), or a role
    assumed with a code by a connection without keys of its own (cross-account with a device)."""
    return uses_mfa_session(conn) or bool(role_mfa_serial(conn))


def _with_mfa(conn: Connection, keys: CredentialSource, *, profile_id: str = "", secret_store=None,
              mfa_code: MfaCode = None, memory: MfaMemory | None = None) -> CredentialSource:
    """`keys`, or their MFA session when the connection names an MFA device."""
    serial = (conn.mfa_serial or "").strip()
    if not serial:
        return keys
    return MfaSession(keys, serial, conn.region, conn.network, profile_id, secret_store, mfa_code, memory)


def _stores(profile_store, secret_store):
    if profile_store is None:
        from wizard.core.profiles import ProfileStore

        profile_store = ProfileStore()
    if secret_store is None:
        from wizard.core.keychain import SecretStore

        secret_store = SecretStore()
    return profile_store, secret_store


# --- choosing ---------------------------------------------------------------------------------------------------------

def calling_source(conn: Connection, secrets: Secrets | None = None, *, profile_store: ProfileStore | None = None,
                   secret_store: SecretStore | None = None, environ: Mapping[str, str] | None = None,
                   seen: tuple[str, ...] = (), mfa_code: MfaCode = None, profile_id: str = "",
                   mfa_memory: MfaMemory | None = None) -> CredentialSource:
    """Where `conn`'s calling credentials come from (see the table in the module docstring). Doesn't block: nothing
    is read until `resolve()`. `mfa_code`: the code prompter (`MfaCode`); `profile_id`: the saved profile whose MFA
    session is used and kept ("" for a connection being entered: then in `mfa_memory` when given)."""
    environ = dict(os.environ if environ is None else environ)
    if conn.uses_keys:
        own = OwnKeys(Credentials.from_keys(conn.access_key_id, secrets or Secrets()))
        return _with_mfa(conn, own, profile_id=profile_id, secret_store=secret_store, mfa_code=mfa_code,
                         memory=mfa_memory)
    if conn.method == "sso":
        return SsoRole(conn, secret_store)
    if conn.source.startswith(PROFILE_PREFIX):
        return SavedProfile(conn.source[len(PROFILE_PREFIX):], profile_store, secret_store, environ, seen, mfa_code)
    if conn.source == "instance":
        return InstanceRole(conn.network, environ)
    return DefaultChain()


def profile_source(profile: Profile, *, profile_store: ProfileStore | None = None,
                   secret_store: SecretStore | None = None,
                   environ: Mapping[str, str] | None = None, mfa_code: MfaCode = None) -> CredentialSource:
    """Where saved profile `profile`'s calling credentials come from: its own keys (read from the keychain when
    resolved; their MFA session when the profile names a device), or its source (`calling_source`). Doesn't block."""
    if profile.connection.uses_keys:
        return _with_mfa(profile.connection, ProfileKeys(profile, secret_store), profile_id=profile.id,
                         secret_store=secret_store, mfa_code=mfa_code)
    return calling_source(profile.connection, profile_store=profile_store, secret_store=secret_store, environ=environ,
                          seen=(profile.name,), mfa_code=mfa_code)


def own_credentials(profile: Profile, secret_store: SecretStore) -> Credentials:
    """Blocking: the profile's own access key, its secret (and token) from the keychain."""
    if not profile.connection.uses_keys:
        raise CredentialsError("no-own-keys", _said("profile {name} has no access key of its own",
                                                     name=repr(profile.name)))
    secrets = secret_store.load(profile.id)
    if not secrets.secret_access_key:
        raise CredentialsError("no-secret", _said("the keychain has no secret access key for profile {name}; enter it "
                                                  "again in the wizard", name=repr(profile.name)))
    return Credentials.from_keys(profile.connection.access_key_id, secrets)


def profile_credentials(profile: Profile, *, profile_store: ProfileStore | None = None,
                        secret_store: SecretStore | None = None, environ: Mapping[str, str] | None = None,
                        seen: tuple[str, ...] = (), mfa_code: MfaCode = None) -> Credentials:
    """Blocking: what saved profile `profile` signs in with when another profile names it as its source (see
    `SavedProfile`)."""
    if profile.name in seen:
        chain = " -> ".join((*seen, profile.name))
        raise CredentialsError("source-loop", _said("the source profiles go round in a circle ({chain})", chain=chain))
    profile_store, secret_store = _stores(profile_store, secret_store)
    if profile.connection.uses_keys:
        return _with_mfa(profile.connection, ProfileKeys(profile, secret_store), profile_id=profile.id,
                         secret_store=secret_store, mfa_code=mfa_code).resolve()
    if profile.connection.method == "sso":  # an sso profile lends its IAM Identity Center role
        return SsoRole(profile.connection, secret_store).resolve()
    keep = MfaKeep(profile.id, secret_store)
    kept = kept_role(profile.connection, keep)  # a role assumed with a code earlier: no source, no code needed
    if kept is not None:
        return kept.credentials
    source = calling_source(profile.connection, profile_store=profile_store, secret_store=secret_store,
                            environ=environ, seen=(*seen, profile.name), mfa_code=mfa_code)
    return assume_role(profile.connection, source.resolve(), mfa_code=mfa_code, keep=keep).credentials


def mfa_expiration(profile: Profile, secret_store: SecretStore) -> float | None:
    """Blocking (keychain): when the MFA credentials kept for `profile` end (epoch seconds), or None when it keeps
    none that are usable (a code is needed)."""
    from wizard.core import mfa_session

    conn = profile.connection
    if uses_mfa_session(conn):
        entry, binding = mfa_session.ENTRY, session_binding(ProfileKeys(profile), conn.mfa_serial.strip(),
                                                            conn.region, conn.network)
    elif role_mfa_serial(conn):
        entry, binding = mfa_session.ROLE_ENTRY, role_binding(conn)
    else:
        return None
    found = mfa_session.MfaSessions(secret_store, entry=entry).cached_session(profile.id, binding=binding)
    return found.expiration.timestamp() if found is not None else None


def renew_mfa(profile: Profile, *, profile_store: ProfileStore | None = None,
              secret_store: SecretStore | None = None, environ: Mapping[str, str] | None = None,
              mfa_code: MfaCode = None) -> Credentials:
    """Blocking: new MFA credentials for `profile` with a code (`renew NAME`, the manager's Renew): the kept ones are
    forgotten first, then an MFA session is started (own keys with a device) or the role assumed with the code
    (cross-account with a device) and kept. Returns them (their expiration). ValueError for a profile with neither."""
    from wizard.core import mfa_session

    profile_store, secret_store = _stores(profile_store, secret_store)
    conn = profile.connection
    if uses_mfa_session(conn):
        mfa_session.MfaSessions(secret_store).forget(profile.id)
        return profile_source(profile, profile_store=profile_store, secret_store=secret_store, environ=environ,
                              mfa_code=mfa_code).resolve()
    if not role_mfa_serial(conn):
        raise ValueError(f"profile {profile.name!r} keeps no MFA credentials")
    mfa_session.MfaSessions(secret_store, entry=mfa_session.ROLE_ENTRY).forget(profile.id)
    return profile_credentials(profile, profile_store=profile_store, secret_store=secret_store, environ=environ,
                               mfa_code=mfa_code)


# --- AssumeRole -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssumedRole:
    credentials: Credentials
    role_arn: str  # the role assumed (a role name completed from the caller's ARN)


def entered_role(conn: Connection) -> str:
    """The role as the connection holds it: assume-role's `role` (a name or an ARN), cross-account's `role_arn`."""
    return (conn.role_arn if conn.method == "cross-account" else conn.role).strip()


def role_mfa_serial(conn: Connection) -> str:
    """The device whose code AssumeRole itself carries: cross-account's (a connection with its own keys signs in with
    an MFA session instead, and assumes the role on it)."""
    return "" if conn.uses_keys else (conn.mfa_serial or "").strip()


def role_parameters(conn: Connection, role_arn: str, mfa_code: str = "") -> dict:
    """AssumeRole's parameters for `conn` (the one place they are built). With an MFA device on a connection without
    keys of its own: SerialNumber and TokenCode (`mfa_code`, checked offline: ValueError when malformed)."""
    params = {"RoleArn": role_arn, "RoleSessionName": conn.session_name or DEFAULT_SESSION_NAME,
              "DurationSeconds": int(conn.duration)}
    if conn.method == "cross-account" and conn.external_id:
        params["ExternalId"] = conn.external_id
    serial = role_mfa_serial(conn)
    if serial:
        from wizard.core.mfa_session import assume_role_mfa_parameters

        params.update(assume_role_mfa_parameters(serial, mfa_code))
    return params


def kept_role(conn: Connection, keep: MfaKeep | None) -> AssumedRole | None:
    """Blocking (keychain): the role `conn` assumed with an MFA code earlier, while it lasts (kept in `keep`), else
    None. Only for a connection whose AssumeRole carries a code (`role_mfa_serial`)."""
    if not keep or not role_mfa_serial(conn):
        return None
    from wizard.core import mfa_session

    sessions, owner = keep.sessions(mfa_session.ROLE_ENTRY)
    found = sessions.cached_session(owner, binding=role_binding(conn))
    if found is None:
        return None
    return AssumedRole(_from_session(found), found.role_arn or entered_role(conn))


def _keep_role(conn: Connection, keep: MfaKeep, assumed: AssumedRole) -> None:
    from wizard.core import mfa_session

    creds = assumed.credentials
    if creds.expiration is None:
        return
    ends = _dt.datetime.fromtimestamp(creds.expiration, _dt.timezone.utc)
    sessions, owner = keep.sessions(mfa_session.ROLE_ENTRY)
    sessions.save(owner, mfa_session.SessionCredentials(creds.access_key_id, creds.secret_access_key,
                                                        creds.session_token, ends, assumed.role_arn),
                  role_binding(conn))


def assume_role(conn: Connection, caller: Credentials | None, *, caller_arn: str = "", client=None,
                mfa_code: MfaCode = None, keep: MfaKeep | None = None) -> AssumedRole:
    """Blocking: AssumeRole for `conn` as `caller` (None: boto3's default chain). A role entered by name belongs to
    the caller's account: `caller_arn` when known (the engine's identity step found it), else one GetCallerIdentity
    call finds it. `client`: an STS client for `caller` to reuse (the engine's, on its session); else one is made.
    botocore's exceptions propagate (the caller diagnoses them: `wizard.core.diagnoses.diagnose`); a failure of the
    GetCallerIdentity call carries `step = "identity"`. `mfa_code`: asked (see `MfaCode`) when AssumeRole carries the
    connection's MFA device (`role_mfa_serial`). `keep`: where a role assumed with a code is kept (`MfaKeep`): while
    it lasts it is returned without calling AssumeRole (no code), and a new one is kept there."""
    kept = kept_role(conn, keep)
    if kept is not None:
        return kept
    if client is None:
        from wizard.core import aws

        client = aws.make_client("sts", conn.region, caller, conn.network)
    role = entered_role(conn)
    if not role.startswith("arn:"):
        if not arns.is_arn(caller_arn):
            try:
                caller_arn = client.get_caller_identity()["Arn"]
            except Exception as exc:
                exc.step = "identity"
                raise
        role = arns.role_arn(role, caller_arn)
    serial = role_mfa_serial(conn)
    code = ask_mfa_code(mfa_code, serial) if serial else ""
    found = client.assume_role(**role_parameters(conn, role, code))
    assumed = AssumedRole(Credentials.from_sts(found["Credentials"]), role)
    if serial and keep:
        _keep_role(conn, keep, assumed)
    return assumed


# --- the instance role ------------------------------------------------------------------------------------------------

def instance_role_credentials(network: NetworkSettings, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Blocking: the instance role's credentials from the instance metadata service (IMDSv2, one attempt), or None
    when there are none (not on EC2, no role, metadata disabled). The endpoint and the disabling switch are read from
    `environ` as botocore reads them from the environment."""
    from botocore.credentials import InstanceMetadataFetcher, InstanceMetadataProvider

    from wizard.core import imds

    environ = dict(os.environ if environ is None else environ)
    if imds.is_disabled(environ):
        return None
    fetcher = InstanceMetadataFetcher(
        timeout=network.connect_timeout, num_attempts=1, env=environ,
        config={"ec2_metadata_service_endpoint": imds.endpoint(environ),
                "ec2_metadata_service_endpoint_mode": environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")},
    )
    found = InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
    if found is None:
        return None
    frozen = found.get_frozen_credentials()
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token or "")


# --- the test ---------------------------------------------------------------------------------------------------------

def instance_check(conn: Connection, environ: Mapping[str, str] | None = None):
    """The engine's `instance` step for `conn`, or None. An assume-role connection is meant for a program on an EC2
    instance with the role attached: its test ends by checking this machine's instance metadata for the entered role
    (the step is skipped off EC2). The other methods have no such step."""
    if conn.method != "assume-role":
        return None
    from wizard.core import imds

    where = dict(os.environ if environ is None else environ)  # as it is now: the check runs later, in a thread
    return functools.partial(imds.check_instance, conn.role or None, environ=where)


def plan_test(target: Profile | Connection, secrets: Secrets | None = None, *,
              secret_store: SecretStore | None = None, profile_store: ProfileStore | None = None,
              environ: Mapping[str, str] | None = None, timeout: float | None = None,
              source_credentials: Credentials | None = None, mfa_code: MfaCode = None,
              mfa_profile_id: str = "", mfa_memory: MfaMemory | None = None) -> ConnectionTest:
    """The connection test of a saved profile or of a connection being entered; the wizard's test page, the profile
    manager's Test and the CLI's `test` all build their test here, so they run the same steps.

    `secrets`: the connection's own secrets when the caller holds them (the wizard); for a saved profile they are read
    from `secret_store` when not given, which blocks (call it off a GUI thread). A source profile's keys and the
    instance role are read later, by the test's identity step, in its worker thread. `environ`: where the EC2 checks
    look (os.environ unless a test points them at a local metadata emulator). `timeout`: seconds for the whole test;
    the step running when it runs out fails with the `timeout` diagnosis. `source_credentials`: calling credentials
    the caller already holds (replaces the lookup for a cross-account source). `mfa_code`: the code prompter (`MfaCode`),
    called in the test's worker thread only when a code is needed (no usable MFA session of the profile);
    `mfa_profile_id`: for a connection given as such, the saved profile whose MFA session it uses and keeps (the
    manager's Test hands the profile's connection and secrets); `mfa_memory`: for a connection with no profile id,
    where its MFA session or MFA-assumed role is kept meanwhile (the wizard's `MfaMemory`), so a second test needs no
    code."""
    from wizard.core.engine import ConnectionTest
    from wizard.core.profiles import Profile

    if isinstance(target, Profile):
        conn = copy.deepcopy(target.connection)
        if secrets is None and conn.uses_keys:
            secret_store = _stores(profile_store, secret_store)[1]
            secrets = secret_store.load(target.id)
        if proxy_auth.uses_password(conn):  # the proxy's password, from the keychain into memory only
            conn = proxy_auth.for_test(_stores(profile_store, secret_store)[1], target.id, conn)
        seen, profile_id = (target.name,), target.id
    else:
        conn, seen, profile_id = copy.deepcopy(target), (), mfa_profile_id
    secrets = secrets if secrets is not None else Secrets()
    if timeout is not None:
        if timeout <= 0:
            raise ValueError("the timeout must be positive")
        conn.network.connect_timeout = min(conn.network.connect_timeout, timeout)
        conn.network.read_timeout = min(conn.network.read_timeout, timeout)
    if source_credentials is not None and not conn.uses_keys and conn.method != "sso":
        source: CredentialSource = Given(source_credentials)
    else:
        source = calling_source(conn, secrets, profile_store=profile_store, secret_store=secret_store,
                                environ=environ, seen=seen, mfa_code=mfa_code, profile_id=profile_id,
                                mfa_memory=mfa_memory)
    keep = MfaKeep(profile_id, secret_store, None if profile_id else mfa_memory)
    return ConnectionTest(conn, secrets, caller=source, instance_check=instance_check(conn, environ), timeout=timeout,
                          mfa_code=mfa_code, mfa_keep=keep)
