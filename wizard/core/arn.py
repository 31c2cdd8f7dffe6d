"""Amazon Resource Names: the one place where an ARN is taken apart or built (over botocore's `ArnParser`).

    arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE     e.g. arn:aws:iam::123456789012:role/path/ReadOnlyRobot

A role may be entered as a name or as an ARN; a name belongs to the account (and partition) of the identity that
assumes it, which `role_arn()` fills in from the caller's ARN.
"""

from __future__ import annotations

from dataclasses import dataclass

import functools


@functools.cache
def _parser():
    """botocore's parser, imported on first use: botocore.utils is heavy, and the window paints before it is needed."""
    from botocore.utils import ArnParser, InvalidArnException

    return ArnParser(), InvalidArnException


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str  # e.g. "role/path/Name", "assumed-role/Name/session", "user/alice", "root"

    @property
    def resource_type(self) -> str:
        """"role", "assumed-role", "user", ... ("" for a resource without a type, such as "root")."""
        return self.resource.split("/", 1)[0] if "/" in self.resource else ""

    @property
    def role_name(self) -> str:
        """The role's name for a role ARN (its path dropped) or an assumed-role session ARN; "" otherwise."""
        parts = self.resource.split("/")
        if parts[0] == "role" and len(parts) > 1:
            return parts[-1]
        if parts[0] == "assumed-role" and len(parts) > 1:
            return parts[1]
        return ""

    @property
    def resource_name(self) -> str:
        """The last part of the resource (a role's, user's or bucket's name)."""
        return self.resource.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse(text: str) -> Arn:
    """The parts of `text`; ValueError when it is not an ARN (six colon-separated parts starting with "arn")."""
    text = (text or "").strip()
    if not text.startswith("arn:"):
        raise ValueError("not an ARN: it starts with 'arn:'")
    parser, invalid = _parser()
    try:
        parts = parser.parse_arn(text)
    except invalid:
        raise ValueError("not an ARN: arn:partition:service:region:account:resource") from None
    return Arn(**parts)


def try_parse(text: str) -> Arn | None:
    """`parse(text)`, or None when it is not an ARN."""
    try:
        return parse(text)
    except ValueError:
        return None


def is_arn(text: str) -> bool:
    return try_parse(text) is not None


def account(text: str) -> str:
    """The account id in an ARN ("" when `text` is not an ARN)."""
    found = try_parse(text)
    return found.account if found else ""


def partition(text: str) -> str:
    """The partition of an ARN (aws, aws-cn, aws-us-gov...; "" when `text` is not an ARN)."""
    found = try_parse(text)
    return found.partition if found else ""


def role_name(text: str) -> str:
    """The role's name in a role ARN or an assumed-role ARN; a bare name is returned as it is (trimmed)."""
    text = (text or "").strip()
    found = try_parse(text)
    if found is None:
        return text
    return found.role_name or found.resource_name


def role_arn(role: str, caller_arn: str) -> str:
    """A role name becomes arn:<partition>:iam::<caller's account>:role/<name>; a full ARN is kept.

    ValueError when `role` is a name and `caller_arn` is not an ARN (the account is then unknown)."""
    role = (role or "").strip()
    if role.startswith("arn:"):
        return role
    caller = parse(caller_arn)
    return build_role_arn(caller.partition, caller.account, role)


def build_role_arn(partition_name: str, account_id: str, name: str) -> str:
    return f"arn:{partition_name}:iam::{account_id}:role/{name.lstrip('/')}"
