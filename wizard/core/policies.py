"""The IAM policies an AWS administrator must install for a connection to work, as JSON ready to copy or save.

- `trust_policy`: the role's trust policy. The principal is the identity the connection test discovered
  (an assumed-role session ARN is turned into its role's ARN, which is what a trust policy can name); for the
  cross-account method it demands the External ID (`sts:ExternalId`, StringEquals).
- `permissions_policy`: least privilege for the chosen service. Its actions come from the probe table
  (`wizard.core.probes.iam_actions`: exactly what the wizard's own test calls) plus the documented use-case actions
  in `USE_CASE_ACTIONS` (S3 read-only as in the reference guide adds s3:GetObject on the bucket's objects; Bedrock adds
  both invoke actions, streaming included). Nothing else.
- `caller_policy`: the caller's own permission to call sts:AssumeRole on the role.

Linting: tests run every generated policy through parliament. Trust policies are linted with `"Resource": "*"` added
(parliament lints identity policies and calls a statement without Resource malformed; trust policies have none).
For the Bedrock policy parliament (1.6.x) reports RESOURCE_MISMATCH, a known false positive and not a reason to widen
the resource: it demands every alternative resource type of bedrock:InvokeModel (inference profiles, provisioned
models, ...) at once, and it refuses the colon that versioned model ids carry (`...-v1:0`).
"""

from __future__ import annotations

import json
import re

from wizard.core import probes
from wizard.core.i18n import Words

VERSION = "2012-10-17"

# Actions the connection's use needs beyond what the probe calls (see the module docstring). Keyed by service;
# s3's entry applies when a bucket is named (without a bucket only the probe's s3:ListAllMyBuckets is granted).
USE_CASE_ACTIONS: dict[str, tuple[str, ...]] = {
    "s3": ("s3:GetObject",),
    "bedrock-runtime": ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"),
}

_ASSUMED_ROLE = re.compile(
    r"^arn:(?P<partition>[\w-]+):sts::(?P<account>\d{12}):assumed-role/(?P<role>[\w+=,.@-]+)/.+$"
)
_IAM_ARN = re.compile(r"^arn:[\w-]+:iam::\d{12}:(root|user/.+|role/.+)$")
_STS_ARN = re.compile(r"^arn:[\w-]+:sts::\d{12}:federated-user/.+$")
_ACCOUNT = re.compile(r"^\d{12}$")


def _said(text: str, **values) -> Words:
    """A message for the user: English as a str, translated where it is shown (`i18n.shown`); tools/translations.py
    collects these calls."""
    return Words(text, "policies", values=values)


def principal_for(identity_arn: str) -> str:
    """The principal a trust policy names for an identity: assumed-role sessions become their role's ARN.

    A role with a path (`role/team/name`) cannot be recovered from a session ARN, which drops the path; the
    administrator then edits the role ARN (IAM rejects an ARN that names no role).
    """
    identity_arn = identity_arn.strip()
    assumed = _ASSUMED_ROLE.match(identity_arn)
    if assumed:
        return f"arn:{assumed['partition']}:iam::{assumed['account']}:role/{assumed['role']}"
    if _IAM_ARN.match(identity_arn) or _STS_ARN.match(identity_arn) or _ACCOUNT.match(identity_arn):
        return identity_arn
    raise ValueError(_said("not an IAM identity ARN or account id: {value}", value=repr(identity_arn)))


def trust_policy(principal_arn: str, external_id: str | None = None) -> dict:
    """The role's trust policy: `principal_arn` may call sts:AssumeRole (with this External ID when given)."""
    statement: dict = {
        "Sid": "TrustTheConnectingIdentity",
        "Effect": "Allow",
        "Principal": {"AWS": principal_for(principal_arn)},
        "Action": "sts:AssumeRole",
    }
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": VERSION, "Statement": [statement]}


def permission_actions(service: str, *, bucket: str | None = None, model_id: str | None = None) -> list[str]:
    """The actions a permissions policy grants: the probe's (from the probe table) plus the use case's."""
    actions = list(probes.iam_actions(service, bucket=bucket, model_id=model_id))
    if service != "s3" or bucket:
        actions += [a for a in USE_CASE_ACTIONS.get(service, ()) if a not in actions]
    return actions


def _resource(action: str, *, bucket: str | None, model_id: str | None, region: str, partition: str) -> str:
    """The narrowest resource for one action (\"*\" where the action has no resource-level permissions)."""
    if action == "s3:ListBucket":
        return f"arn:{partition}:s3:::{bucket}"
    if action == "s3:GetObject":
        return f"arn:{partition}:s3:::{bucket}/*"
    if action.startswith("bedrock:InvokeModel"):
        return f"arn:{partition}:bedrock:{region}::foundation-model/{model_id or '*'}"
    return "*"  # s3:ListAllMyBuckets, ec2:DescribeInstances, workspaces:DescribeWorkspaces


def _sid(actions: list[str]) -> str:
    """A readable statement id from its first action: "s3:ListBucket" -> "S3ListBucket"."""
    service, _, name = actions[0].partition(":")
    return service.capitalize() + name


def permissions_policy(
    service: str, *, bucket: str | None = None, model_id: str | None = None, region: str, partition: str = "aws"
) -> dict:
    """Least privilege for the service: one statement per resource, actions from `permission_actions`."""
    if service not in probes.PROBES:
        raise ValueError(f"unknown service {service!r}")
    by_resource: dict[str, list[str]] = {}
    for action in permission_actions(service, bucket=bucket, model_id=model_id):
        resource = _resource(action, bucket=bucket, model_id=model_id, region=region, partition=partition)
        by_resource.setdefault(resource, []).append(action)
    statements = [
        {"Sid": _sid(sorted(actions)), "Effect": "Allow", "Action": sorted(actions), "Resource": resource}
        for resource, actions in by_resource.items()
    ]
    return {"Version": VERSION, "Statement": statements}


def caller_policy(role_arn: str) -> dict:
    """The caller's own permission to assume the role (attach to the user or role that calls sts:AssumeRole)."""
    return {
        "Version": VERSION,
        "Statement": [{"Sid": "AssumeTheRole", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}],
    }


def to_json(policy: dict) -> str:
    return json.dumps(policy, indent=2)


def allowed_actions(policy: dict) -> set[str]:
    """Every action an Allow statement of the policy names (for tests and the policies view)."""
    found: set[str] = set()
    for statement in policy.get("Statement", []):
        if statement.get("Effect") == "Allow":
            actions = statement.get("Action", [])
            found.update([actions] if isinstance(actions, str) else actions)
    return found
