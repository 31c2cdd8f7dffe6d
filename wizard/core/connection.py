"""What a connection is: the settings an administrator enters, and the secrets kept apart from them.

`Connection` holds everything that may be written to the profile file. `Secrets` holds what may only live in the OS
keychain; its repr never shows a value, so it is safe in logs and exception messages.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field

METHOD_IDS = ("access-key", "assume-role", "cross-account", "sso")
SERVICE_IDS = ("s3", "ec2", "workspaces", "bedrock-runtime")

DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 10.0
DEFAULT_SESSION_NAME = "aws-connection-wizard"
DEFAULT_DURATION = 3600


@dataclass
class NetworkSettings:
    """Per-connection network settings: all optional; empty means botocore's usual behaviour."""

    endpoint_url: str = ""  # override for every service (VPC endpoint, FIPS, local emulator)
    proxy: str = ""  # HTTPS proxy URL, e.g. http://proxy.example.invalid:3128 (never with a password in it)
    proxy_user: str = ""  # the proxy's user name; its password lives only in the keychain (wizard.core.proxy_auth)
    # The proxy's password, in memory only while a test runs (read from the keychain): never in `to_dict()`, so never
    # in the profile file, a copy made through `from_dict`, or any JSON.
    proxy_password: str = field(default="", repr=False, compare=False)
    ca_bundle: str = ""  # path to a PEM file of trusted CAs
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT


@dataclass
class Connection:
    """The non-secret settings of one connection. Attribute names are the keys of the field catalogue
    (`wizard.core.fields`), which says which of them a connection's method and service use."""

    method: str = "access-key"
    region: str = "us-east-1"
    service: str = "s3"
    access_key_id: str = ""
    role: str = ""  # assume-role: a role name or a full role ARN
    role_arn: str = ""  # cross-account: the role ARN
    external_id: str = ""  # cross-account (not a secret: it sits in the role's trust policy)
    source: str = "default"  # cross-account source identity: "default", "instance" or "profile:NAME"
    session_name: str = DEFAULT_SESSION_NAME
    duration: int = DEFAULT_DURATION  # seconds, 900-43200
    bucket: str = ""  # s3: optional bucket for the narrower probe
    model_id: str = ""  # bedrock-runtime: optional model id for the opt-in invoke probe
    invoke_model: bool = False  # bedrock-runtime: the user accepted that the model probe may cost a fraction of a cent
    sso_start_url: str = ""  # sso: the AWS access portal URL of IAM Identity Center
    sso_region: str = ""  # sso: the region where IAM Identity Center lives
    sso_account_id: str = ""  # sso: the account picked from the login's list
    sso_role_name: str = ""  # sso: the role (permission set) picked in that account
    token_entered_at: float | None = None  # epoch seconds when a session token was entered
    mfa_serial: str = ""  # optional MFA device (arn:aws:iam::ACCOUNT:mfa/NAME): sign in with a one-time code
    network: NetworkSettings = field(default_factory=NetworkSettings)

    def to_dict(self) -> dict:
        """The fields as plain data: `dataclasses.asdict(self)`, without its deep copy of every string and number; the
        proxy's password (in memory only, see NetworkSettings) is left out."""
        data = _plain(self)
        data["network"].pop("proxy_password", None)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Connection:
        known = field_names(cls)
        values = {k: v for k, v in data.items() if k in known and k != "network"}
        net_known = field_names(NetworkSettings)
        net = {k: v for k, v in (data.get("network") or {}).items() if k in net_known and k != "proxy_password"}
        return cls(**values, network=NetworkSettings(**net))

    @property
    def uses_keys(self) -> bool:
        """True when the connection carries its own access key (the field catalogue says for which methods)."""
        from wizard.core.fields import FIELDS

        return FIELDS["access_key_id"].applies(self)


_LEAVES = frozenset((str, int, float, bool, type(None)))
_FIELD_NAMES: dict[type, dict[str, None]] = {}


def field_names(cls) -> dict[str, None]:
    """The names of a dataclass's fields, in order, as dict keys (fast `in`); looked up once per class: from_dict and
    to_dict run for every profile of the file."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = dict.fromkeys(f.name for f in dataclasses.fields(cls))
    return names


def _plain(value):
    """`dataclasses.asdict` for dataclasses, lists and dicts of them; immutable leaves are kept, not deep-copied."""
    if type(value) in _LEAVES:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {}
        for name in field_names(type(value)):
            item = getattr(value, name)
            data[name] = item if type(item) in _LEAVES else _plain(item)
        return data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return copy.deepcopy(value)


@dataclass
class Secrets:
    """Values that live only in the OS keychain. repr/str never show them."""

    secret_access_key: str = ""
    session_token: str = ""

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={'<set>' if v else '<empty>'}" for k, v in self.items())
        return f"Secrets({shown})"

    __str__ = __repr__

    def items(self):
        return (("secret_access_key", self.secret_access_key), ("session_token", self.session_token))

    def values(self) -> list[str]:
        return [v for _, v in self.items() if v]
