"""The one catalogue of what an administrator enters: every field of a connection, once.

A field knows its key (the attribute of `Connection`, of `Connection.network` or of `Secrets` that holds it), its label
and help text, its placeholder, its command-line flag (none for secrets: those come from standard input or a no-echo
prompt), whether it is secret, which wizard page asks for it, when it applies to a connection, and its check. The checks
are the rules of `wizard.core.validation`; this module only says which of them a connection needs.

The wizard's pages, the CLI's `add` options, the engine's offline check and the profile import all read this catalogue:
see docs/architecture.md ("Where each field lives").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from wizard.core.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DURATION,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_SESSION_NAME,
    METHOD_IDS,
    SERVICE_IDS,
    Connection,
    Secrets,
)

NETWORK = "network"  # the page of the network settings: the wizard's "Advanced: network" dialog
NETWORK_SECTION = "Advanced: network"  # its name where a remedy points to it (the button on the Region page)
KEY_METHODS = ("access-key", "assume-role")  # the methods whose connection carries its own access key
ROLE_METHODS = ("assume-role", "cross-account")  # the methods that assume a role


def _always(conn: Connection) -> bool:
    return True


def _methods(*ids: str) -> Callable[[Connection], bool]:
    return lambda conn: conn.method in ids


def _service(service_id: str) -> Callable[[Connection], bool]:
    return lambda conn: conn.service == service_id


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the one label of the field: the wizard's, the CLI help's and (lower-cased) the messages'
    help: str
    page: str  # the wizard page (or, for NETWORK, the "Advanced: network" settings) that asks for it
    applies: Callable[[Connection], bool] = _always
    where: str = "connection"  # "connection", "network" (Connection.network) or "secrets"
    secret: bool = False  # kept in the keychain only; masked in the GUI; never on a command line
    optional: bool = False  # an empty value is fine
    placeholder: str = ""
    cli_flag: str = ""  # e.g. "--access-key-id"; "" when the CLI has no option for it (secrets: stdin or prompt)
    metavar: str = ""
    choices: tuple[str, ...] = ()  # the only values allowed (the CLI offers them; anything else is an error)
    kind: type = str  # the type of the stored value (int, float, bool or str)
    default: object = ""

    @property
    def noun(self) -> str:
        """The label as it reads inside a sentence: "Access key ID" -> "access key ID", "IAM role" stays."""
        first = self.label.split(" ")[0]
        return self.label if first.isupper() or first in ("External",) else self.label[0].lower() + self.label[1:]

    def check(self, raw, values: Mapping[str, str] | None = None):
        """Clean and check a value (-> `validation.Check`). `values`: the other fields' values as text."""
        from wizard.core import validation

        if self.key in validation.KEYS:
            return validation.check_field(self.key, raw, values)
        value = "" if raw is None else str(raw).strip()
        messages = ()
        if self.choices and value not in self.choices:
            messages = (validation.message("error", "unknown-choice", "Choose the {field}: one of {choices}.",
                                           field=validation.label_of(self.key), choices=", ".join(self.choices)),)
        elif self.kind is float:
            messages = _check_seconds(self, value)
        elif self.key == "proxy_user":
            messages = _check_proxy_user(self, value, values or {})
        return validation.Check(value, messages)


def _check_seconds(f: Field, value: str) -> tuple:
    from wizard.core.validation import label_of, message

    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_TIMEOUT:
        return (message("error", "timeout-range", "Enter the {field} in seconds, more than 0 and at most {max}.",
                        field=label_of(f.key), max=f"{MAX_TIMEOUT:g}"),)
    return ()


MAX_TIMEOUT = 300.0
MAX_PROXY_USER = 256


def _check_proxy_user(f: Field, value: str, values: Mapping[str, str]) -> tuple:
    """A proxy user name: one line of visible characters (a colon would end it inside the URL), and only with a proxy."""
    from wizard.core.validation import label_of, message

    if not value:
        return ()
    if len(value) > MAX_PROXY_USER or ":" in value or not value.isprintable() or any(c.isspace() for c in value):
        return (message("error", "bad-characters", "Enter the {field} without spaces or colons, at most {max} "
                        "characters.", field=label_of(f.key), max=MAX_PROXY_USER),)
    if not (values.get("proxy") or "").strip():
        return (message("error", "proxy-missing", "A proxy user name needs the proxy URL too."),)
    return ()


MFA_METHODS = ("access-key", "assume-role", "cross-account")  # the methods that may name an MFA device (not SSO)


CATALOGUE: tuple[Field, ...] = (
    Field("method", "Authentication method", "How this computer signs in to AWS.", "method",
          cli_flag="--method", choices=METHOD_IDS, default="access-key"),
    Field("access_key_id", "Access key ID",
          "The access key of an IAM user (starts with AKIA) or temporary credentials (starts with ASIA).",
          "credentials", _methods(*KEY_METHODS), placeholder="AKIAIOSFODNN7EXAMPLE", cli_flag="--access-key-id",
          metavar="ID"),
    Field("secret_access_key", "Secret access key",
          "The 40-character secret shown once when the access key was created.",
          "credentials", _methods(*KEY_METHODS), where="secrets", secret=True),
    Field("session_token", "Session token",
          "Required for temporary keys (ASIA...), issued by AWS STS; lasts 15 minutes to 12 hours. Leave empty for AKIA "
          "keys.", "credentials", _methods(*KEY_METHODS), where="secrets", secret=True, optional=True),
    Field("role", "IAM role",
          "The role to assume: its name (e.g. ReadOnlyRobot) or its full ARN. The keys' user needs sts:AssumeRole on "
          "it.", "credentials", _methods("assume-role"),
          placeholder="ReadOnlyRobot or arn:aws:iam::123456789012:role/ReadOnlyRobot", cli_flag="--role",
          metavar="NAME_OR_ARN"),
    Field("role_arn", "IAM role ARN", "The full ARN of the role to assume in the other account.",
          "credentials", _methods("cross-account"), placeholder="arn:aws:iam::123456789012:role/PartnerAccess",
          cli_flag="--role-arn", metavar="ARN"),
    Field("external_id", "External ID",
          "A value the role's trust policy requires (sts:ExternalId); it protects against the confused deputy problem.",
          "credentials", _methods("cross-account"), cli_flag="--external-id", metavar="X"),
    Field("source", "Assume the role as",
          "Whose credentials call AssumeRole: this machine's default credentials, the EC2 instance role, or a saved "
          "profile.", "credentials", _methods("cross-account"), cli_flag="--source",
          metavar="{default,instance,profile:NAME}", default="default"),
    Field("session_name", "Session name",
          "Appears in the role's CloudTrail entries so you can tell this program's sessions apart.",
          "credentials", _methods(*ROLE_METHODS), placeholder=DEFAULT_SESSION_NAME, cli_flag="--session-name",
          metavar="NAME", default=DEFAULT_SESSION_NAME),
    Field("duration", "Session duration",
          "How long the role's temporary credentials last: 900 to 43200 seconds (15 minutes to 12 hours).",
          "credentials", _methods(*ROLE_METHODS), placeholder=str(DEFAULT_DURATION), cli_flag="--duration",
          metavar="S", kind=int, default=DEFAULT_DURATION),
    # IAM Identity Center (sso): the login's start URL and region, then the account and role picked after the login
    Field("sso_start_url", "Start URL",
          "The AWS access portal URL of your organisation's IAM Identity Center: https://NAME.awsapps.com/start or "
          "a custom domain.", "credentials", _methods("sso"), placeholder="https://my-company.awsapps.com/start",
          cli_flag="--sso-start-url", metavar="URL"),
    Field("sso_region", "SSO region",
          "The region where IAM Identity Center lives (its settings show it); it may differ from the connection's "
          "region.", "credentials", _methods("sso"), placeholder="eu-west-1", cli_flag="--sso-region", metavar="R"),
    Field("sso_account_id", "AWS account ID", "The 12-digit account to work in, from the list the login allows.",
          "sso-role", _methods("sso"), placeholder="123456789012", cli_flag="--sso-account-id", metavar="ID"),
    Field("sso_role_name", "Role (permission set)",
          "The role IAM Identity Center gives you in that account (the permission set's name).", "sso-role",
          _methods("sso"), placeholder="ReadOnlyAccess", cli_flag="--sso-role-name", metavar="NAME"),
    Field("mfa_serial", "MFA device",
          "Optional: the ARN of your MFA device (arn:aws:iam::123456789012:mfa/NAME) when AWS demands MFA; the test "
          "then asks for its six-digit code. Only virtual or hardware TOTP devices work: FIDO security keys can't be "
          "used with STS calls.", "credentials", _methods(*MFA_METHODS), optional=True,
          placeholder="arn:aws:iam::123456789012:mfa/NAME", cli_flag="--mfa-serial", metavar="ARN"),
    Field("service", "AWS service", "The AWS service this connection is for; the test proves access to it.",
          "service", cli_flag="--service", choices=SERVICE_IDS, default="s3"),
    Field("bucket", "S3 bucket",
          "Also test reading this one bucket (ListObjectsV2, one key): for roles limited to a single bucket.",
          "service", _service("s3"), optional=True, placeholder="my-team-reports", cli_flag="--bucket", metavar="B"),
    Field("model_id", "Model ID",
          "A Bedrock model the connection will use; the test only calls it if you allow it.",
          "service", _service("bedrock-runtime"), optional=True, placeholder="anthropic.claude-3-haiku-20240307-v1:0",
          cli_flag="--model-id", metavar="M"),
    Field("invoke_model", "Invoke the model during the test (may cost a fraction of a cent)",
          "The test then calls the model once with a tiny prompt.", "service",
          lambda conn: conn.service == "bedrock-runtime" and bool(conn.model_id), optional=True, kind=bool,
          default=False),
    Field("region", "Region", "The AWS Region to connect to, e.g. us-east-1.", "region", cli_flag="--region",
          default="us-east-1"),
    Field("endpoint_url", "Endpoint URL",
          "Endpoint for every service (VPC endpoint, FIPS, local emulator); empty: AWS's usual endpoints.", NETWORK,
          where="network", optional=True, placeholder="https://vpce-0123-abcd.s3.us-east-1.vpce.amazonaws.com",
          cli_flag="--endpoint-url", metavar="URL"),
    Field("proxy", "Proxy URL",
          "The HTTPS proxy this network requires, e.g. http://proxy.example.com:3128; empty: connect directly. "
          "Put no password in it: it has its own field.", NETWORK, where="network", optional=True,
          placeholder="http://proxy.example.com:3128", cli_flag="--proxy", metavar="URL"),
    Field("proxy_user", "Proxy user name",
          "Only for a proxy that asks for a user name and password; the password is kept in the keychain only.",
          NETWORK, where="network", optional=True, cli_flag="--proxy-user", metavar="USER"),
    Field("ca_bundle", "CA bundle file",
          "PEM file of the certificate authorities to trust, e.g. your company's when a proxy inspects HTTPS; "
          "empty: this computer's trust store.", NETWORK, where="network", optional=True, cli_flag="--ca-bundle",
          metavar="PATH"),
    Field("connect_timeout", "Connect timeout", "Seconds to wait for a connection to AWS.", NETWORK,
          where="network", placeholder=f"{DEFAULT_CONNECT_TIMEOUT:g}", cli_flag="--connect-timeout", metavar="S",
          kind=float, default=DEFAULT_CONNECT_TIMEOUT),
    Field("read_timeout", "Read timeout", "Seconds to wait for AWS's answer.", NETWORK, where="network",
          placeholder=f"{DEFAULT_READ_TIMEOUT:g}", cli_flag="--read-timeout", metavar="S", kind=float,
          default=DEFAULT_READ_TIMEOUT),
)

FIELDS: dict[str, Field] = {f.key: f for f in CATALOGUE}
PAGES = ("method", "credentials", "sso-role", "service", "region")  # the pages that ask for fields, in the wizard's order


def field(key: str) -> Field:
    return FIELDS[key]


def fields_for(conn: Connection, page: str | None = None) -> tuple[Field, ...]:
    """The fields that apply to this connection (its method and service), in the wizard's order; only one page's when
    `page` is given."""
    if conn.method not in METHOD_IDS:
        raise ValueError(f"unknown method: {conn.method}")
    return tuple(f for f in CATALOGUE if f.applies(conn) and (page is None or f.page == page))


def keys_for(conn: Connection, page: str | None = None) -> tuple[str, ...]:
    return tuple(f.key for f in fields_for(conn, page))


def method_keys(method_id: str, page: str = "credentials") -> tuple[str, ...]:
    """The keys a method asks for on a page (by default the credentials page)."""
    return keys_for(Connection(method=method_id), page)


def secret_fields() -> tuple[Field, ...]:
    """The secrets, in the order the CLI reads them from standard input."""
    return tuple(f for f in CATALOGUE if f.secret)


# ---- values -----------------------------------------------------------------------------------------------------------
def _holder(f: Field, conn: Connection, secrets: Secrets | None):
    return {"connection": conn, "network": conn.network, "secrets": secrets}[f.where]


def value_of(conn: Connection, secrets: Secrets | None, key: str):
    holder = _holder(FIELDS[key], conn, secrets)
    return getattr(holder, key) if holder is not None else ""


def text_of(value) -> str:
    return "" if value is None else str(value)


def values(conn: Connection, secrets: Secrets | None = None) -> dict[str, str]:
    """Every field's value as text (what the checks read as the other fields' values)."""
    return {f.key: text_of(value_of(conn, secrets, f.key)) for f in CATALOGUE
            if f.where != "secrets" or secrets is not None}


def store(conn: Connection, secrets: Secrets | None, key: str, value) -> None:
    """Put a (cleaned) value where the field lives, converted to its type; an empty number keeps the default."""
    f = FIELDS[key]
    if f.kind is bool:
        value = value if isinstance(value, bool) else text_of(value).strip().lower() in ("1", "true", "yes")
    elif f.kind in (int, float):
        text = text_of(value).strip()
        try:
            value = f.kind(text) if text else f.default
        except ValueError:
            value = f.default
    elif f.key == "session_name":
        value = text_of(value) or DEFAULT_SESSION_NAME
    holder = _holder(f, conn, secrets)
    if holder is not None:
        setattr(holder, key, value)


def without_unused(conn: Connection, secrets: Secrets) -> tuple[Connection, Secrets]:
    """Copies in which every field that does not apply to the connection is back to its default (a role typed before
    switching to the access-key method is not saved, nor a bucket after switching to EC2)."""
    conn = Connection.from_dict(conn.to_dict())
    secrets = Secrets(*(v for _, v in secrets.items()))
    for f in CATALOGUE:
        if not f.applies(conn) and f.where != "network":
            store(conn, secrets, f.key, f.default)
    if not secrets.session_token:
        conn.token_entered_at = None
    return conn, secrets


# ---- checks -----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One error of one field: which field, and the message (never the value)."""

    field: Field
    message: object  # validation.Message

    def __str__(self) -> str:
        return f"{self.field.noun}: {self.message.text} [{self.message.code}]"


def check_connection(conn: Connection, secrets: Secrets, page: str | None = None) -> dict:
    """{key: validation.Check} for every field that applies to the connection (or to one page of it)."""
    texts = values(conn, secrets)
    return {f.key: f.check(texts.get(f.key, ""), texts) for f in fields_for(conn, page)}


def problems(conn: Connection, secrets: Secrets, page: str | None = None) -> list[Problem]:
    """The errors of the fields that apply, in the wizard's order (empty: the connection can be tested and saved)."""
    return [Problem(FIELDS[key], m) for key, check in check_connection(conn, secrets, page).items()
            for m in check.errors]


def cleaned(conn: Connection, secrets: Secrets) -> tuple[Connection, Secrets, dict]:
    """Copies holding each applicable field's cleaned value (where it has no error), and the checks."""
    conn = Connection.from_dict(conn.to_dict())
    secrets = Secrets(*(v for _, v in secrets.items()))
    checks = check_connection(conn, secrets)
    for key, check in checks.items():
        if check.ok:
            store(conn, secrets, key, check.value)
    return conn, secrets, checks
