"""The three authentication methods and their fields, as data.

This is the single source from which the GUI builds its forms, the CLI its options, and validation its rules
(`wizard.core.validation.check_field(field.key, value, values)`). A field's `key` is the attribute of
`wizard.core.connection.Connection` (or of `Secrets` when `secret` is true) that holds its value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    help: str
    secret: bool = False  # kept in the keychain only; masked in the GUI; never on a command line
    required: bool = True  # the session token's requirement depends on the key (AKIA/ASIA); validation decides
    cli_option: str = ""  # e.g. "--access-key-id"; empty for secrets (read from stdin or a prompt)
    placeholder: str = ""


@dataclass(frozen=True)
class Method:
    id: str
    title: str
    best_for: str
    limitations: str
    recommended_for: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


ACCESS_KEY_ID = Field(
    "access_key_id",
    "Access key ID",
    "The access key of an IAM user (starts with AKIA) or temporary credentials (starts with ASIA).",
    cli_option="--access-key-id",
    placeholder="AKIAIOSFODNN7EXAMPLE",
)
SECRET_ACCESS_KEY = Field(
    "secret_access_key",
    "Secret access key",
    "The 40-character secret shown once when the access key was created.",
    secret=True,
)
SESSION_TOKEN = Field(
    "session_token",
    "Session token",
    "Required for temporary keys (ASIA...), issued by AWS STS; lasts 15 minutes to 12 hours. Leave empty for AKIA keys.",
    secret=True,
    required=False,
)
ROLE = Field(
    "role",
    "IAM role",
    "The role to assume: its name (e.g. ReadOnlyRobot) or its full ARN. The keys' user needs sts:AssumeRole on it.",
    cli_option="--role",
    placeholder="ReadOnlyRobot or arn:aws:iam::123456789012:role/ReadOnlyRobot",
)
ROLE_ARN = Field(
    "role_arn",
    "IAM role ARN",
    "The full ARN of the role to assume in the other account.",
    cli_option="--role-arn",
    placeholder="arn:aws:iam::123456789012:role/PartnerAccess",
)
EXTERNAL_ID = Field(
    "external_id",
    "External ID",
    "A value the role's trust policy requires (sts:ExternalId); it protects against the confused deputy problem.",
    cli_option="--external-id",
)
SOURCE = Field(
    "source",
    "Assume the role as",
    "Whose credentials call AssumeRole: this machine's default credentials, the EC2 instance role, or a saved profile.",
    cli_option="--source",
)
REGION = Field(
    "region",
    "Region",
    "The AWS Region to connect to, e.g. us-east-1.",
    cli_option="--region",
)

METHODS: dict[str, Method] = {
    m.id: m
    for m in (
        Method(
            "access-key",
            "Access key",
            "Quick connections and testing with existing IAM credentials.",
            "A session token expires after 15 minutes to 12 hours; the connection must then be renewed.",
            "Recommended for quick tests.",
            (ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, REGION),
        ),
        Method(
            "assume-role",
            "Access key + assume role",
            "Programs running on an AWS EC2 instance with an attached IAM role.",
            "Must run on an EC2 instance with the role attached; the session token expires.",
            "Recommended for robots on EC2.",
            (ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, ROLE, REGION),
        ),
        Method(
            "cross-account",
            "Cross-account role with External ID",
            "Unattended production use without long-term IAM keys on this machine.",
            "The role's trust policy must name the identity that assumes it and require the External ID.",
            "Recommended for unattended production.",
            (ROLE_ARN, EXTERNAL_ID, SOURCE, REGION),
        ),
    )
}
