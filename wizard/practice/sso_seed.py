"""Seeding the IAM Identity Center emulator for practice mode and tests: a start URL, two accounts, their roles.

In AWS, each permission set assigned to a user in an account is an IAM role `AWSReservedSSO_<Set>_<hash>` under the
path `/aws-reserved/sso.amazonaws.com/`, which Identity Center assumes for the user (the session is named after the
user). Here the roles are created in moto: in its default account (the AWS emulator's) and in a second account that
moto keeps apart (created through moto's `x-moto-account-id` header while signing is briefly not enforced, because
no key of that account exists yet). GetRoleCredentials then runs a real AssumeRole on moto with the AWS emulator's
administrator key, so the credentials it returns are signed and checked by moto on every later call.

`start_practice_sso(aws)` starts an emulator seeded this way; `seed_practice(sso, aws)` seeds one already running.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import urllib.request

from wizard.core import arn as arn_parts
from wizard.practice.sso_emulator import (
    PRACTICE_START_URL,
    SECOND_ACCOUNT_ID,
    SsoEmulator,
    SsoPracticeValues,
)

SSO_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"
ROLE_SECONDS = 3600  # what Identity Center gives by default (the permission set's session duration)

# permission set -> the actions its role allows (the wizard's service probes)
PERMISSION_SETS = {
    "PracticeReadOnly": ["s3:ListAllMyBuckets", "s3:ListBucket", "ec2:DescribeInstances"],
    "PracticeAdministrator": ["s3:ListAllMyBuckets", "s3:ListBucket", "ec2:DescribeInstances",
                              "workspaces:DescribeWorkspaces", "bedrock:InvokeModel", "bedrock:Converse"],
    "PracticeBilling": ["s3:ListAllMyBuckets"],  # exists in the first account, never assigned: sso-access-denied
}
FIRST_ACCOUNT_NAME = "Practice Production"
SECOND_ACCOUNT_NAME = "Practice Sandbox"
ASSIGNMENTS = (  # (which account, permission set)
    ("first", "PracticeReadOnly"),
    ("first", "PracticeAdministrator"),
    ("second", "PracticeReadOnly"),
)


def reserved_role_name(permission_set: str, account_id: str) -> str:
    digest = hashlib.sha256(f"{permission_set}/{account_id}".encode()).hexdigest()[:16]
    return f"AWSReservedSSO_{permission_set}_{digest}"


def _policy(actions) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def _moto(aws) -> tuple[str, tuple[str, str]]:
    """The AWS emulator's moto address (behind its trust gate) and administrator key: minting bypasses the gate,
    as Identity Center's own AssumeRole does not go through the user's network."""
    return aws._moto_url, aws._admin  # noqa: SLF001 - the emulator's own seeding key, used by its sibling


@contextlib.contextmanager
def _signing_paused(moto_url: str):
    """moto skips authentication for its next requests while this lasts (to seed an account that has no key yet)."""
    def reset(count: str) -> None:
        request = urllib.request.Request(f"{moto_url}/moto-api/reset-auth", data=count.encode(), method="POST",
                                         headers={"Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            response.read()

    reset("1000000")
    try:
        yield
    finally:
        reset("0")


def _create_roles(iam, account_id: str, trusted_arn: str, names) -> dict[str, str]:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": trusted_arn}, "Action": "sts:AssumeRole"}]})
    arns = {}
    for permission_set in names:
        name = reserved_role_name(permission_set, account_id)
        try:
            arns[permission_set] = iam.create_role(RoleName=name, Path=SSO_ROLE_PATH, AssumeRolePolicyDocument=trust,
                                                   MaxSessionDuration=43200)["Role"]["Arn"]
        except iam.exceptions.EntityAlreadyExistsException:  # seeded before (one AWS emulator, several SSO ones)
            arns[permission_set] = iam.get_role(RoleName=name)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName=f"{permission_set}-policy",
                            PolicyDocument=_policy(PERMISSION_SETS[permission_set]))
    return arns


def seed_practice(sso: SsoEmulator, aws) -> SsoPracticeValues:
    """Create the roles in moto, the assignments in `sso`, and let `sso` mint credentials through moto's STS."""
    moto_url, admin = _moto(aws)
    iam = aws.client("iam", *admin, endpoint_url=moto_url)
    admin_arn = iam.get_user()["User"]["Arn"]
    first = arn_parts.account(admin_arn)
    arns = {first: _create_roles(iam, first, admin_arn, PERMISSION_SETS)}
    second_sets = [name for where, name in ASSIGNMENTS if where == "second"]
    with _signing_paused(moto_url):
        other = aws.client("iam", "seeding", "seeding", endpoint_url=moto_url)
        other.meta.events.register("before-sign.iam.*", _as_account(SECOND_ACCOUNT_ID))
        arns[SECOND_ACCOUNT_ID] = _create_roles(other, SECOND_ACCOUNT_ID, admin_arn, second_sets)
    names = {"first": (first, FIRST_ACCOUNT_NAME), "second": (SECOND_ACCOUNT_ID, SECOND_ACCOUNT_NAME)}
    for where, permission_set in ASSIGNMENTS:
        account_id, account_name = names[where]
        sso.assign(account_id, account_name, permission_set)
    sts = aws.client("sts", *admin, endpoint_url=moto_url)

    def mint(account_id: str, role_name: str, user: str) -> dict:
        found = sts.assume_role(RoleArn=arns[account_id][role_name], RoleSessionName=user,
                                DurationSeconds=ROLE_SECONDS)["Credentials"]
        return {"accessKeyId": found["AccessKeyId"], "secretAccessKey": found["SecretAccessKey"],
                "sessionToken": found["SessionToken"], "expiration": int(found["Expiration"].timestamp() * 1000)}

    sso.mint = mint
    pairs = tuple((names[where][0], permission_set) for where, permission_set in ASSIGNMENTS)
    sso.practice = SsoPracticeValues(start_url=PRACTICE_START_URL, region=sso.region,
                                     accounts=tuple(sso.accounts.values()), assignments=pairs,
                                     unassigned=(first, "PracticeBilling"))
    return sso.practice


def _as_account(account_id: str):
    def add_header(request, **_):
        request.headers["x-moto-account-id"] = account_id
    return add_header


def start_practice_sso(aws, **options) -> tuple[SsoEmulator, SsoPracticeValues]:
    """An emulator on 127.0.0.1 seeded for practice against the running AWS emulator `aws`. Stop it with .stop()."""
    sso = SsoEmulator(**options).start()
    try:
        return sso, seed_practice(sso, aws)
    except BaseException:
        sso.stop()
        raise
