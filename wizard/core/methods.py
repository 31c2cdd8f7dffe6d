"""The ways to sign in, as texts: what each is best for, its limitations, and when it is recommended.

Which fields a method asks for is not written here: `fields` reads the field catalogue (`wizard.core.fields`), where each
field says which methods it applies to. See docs/architecture.md ("How to add a sign-in method").
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core import fields as _fields
from wizard.core.connection import Connection
from wizard.core.fields import Field


@dataclass(frozen=True)
class Method:
    id: str
    title: str
    best_for: str
    limitations: str
    recommended_for: str
    credentials_intro: str  # the credentials page's subtitle

    @property
    def fields(self) -> tuple[Field, ...]:
        """The fields of the credentials page for this method, then the region (from the field catalogue)."""
        conn = Connection(method=self.id)
        return _fields.fields_for(conn, "credentials") + (_fields.field("region"),)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


METHODS: dict[str, Method] = {
    m.id: m
    for m in (
        Method(
            "access-key",
            "Access key",
            "A program on this computer that signs in with an IAM user's access key, or quick tests with keys you "
            "were given.",
            "A long-term key (AKIA…) works until it is deactivated: rotate it regularly. Temporary keys (ASIA…) come "
            "with a session token and stop working after 15 minutes to 12 hours.",
            "Recommended for quick tests.",
            "Enter the access key of the IAM user this computer will sign in as.",
        ),
        Method(
            "assume-role",
            "Access key + assume role",
            "A program that signs in with an IAM user's access key and then works as a role with narrower or other "
            "permissions (the user itself can do little more than assume the role).",
            "Needs an access key on this computer as well as the role; the role's session lasts 15 minutes to 12 hours "
            "and is renewed from the key. On EC2 with an instance role no key is needed: use the cross-account method "
            "with \"the EC2 instance role\" as who assumes it.",
            "Recommended when permissions are given to a role rather than to the user.",
            "Enter the access key that will assume the role, and the role.",
        ),
        Method(
            "cross-account",
            "Cross-account role with External ID",
            "Unattended production use without long-term IAM keys on this machine.",
            "The role's trust policy must name the identity that assumes it and require the External ID.",
            "Recommended for unattended production.",
            "Enter the role in the other account, its External ID, and who assumes it.",
        ),
        Method(
            "sso",
            "IAM Identity Center (SSO)",
            "People who sign in to AWS through their organisation's access portal: no long-term keys on this "
            "machine; the login happens in the browser.",
            "Needs a login in the browser (or with a device code) when the session ends, typically after 8 hours to "
            "a few days; unattended programs can't do that login.",
            "Recommended for people whose organisation uses IAM Identity Center.",
            "Enter your organisation's start URL (the AWS access portal URL) and the region of IAM Identity Center; "
            "you log in next.",
        ),
    )
}
