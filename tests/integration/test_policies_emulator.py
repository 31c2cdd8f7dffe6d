"""Generated policies installed in the local AWS emulator (moto on 127.0.0.1, signing enforced, trust gate in front).

The user's day: a cross-account test fails with assume-role-denied; the wizard writes the trust policy for the identity
that test discovered, with the External ID; the administrator installs it; the same test then passes, and a test
with another External ID is still refused.
"""

from __future__ import annotations

import secrets as _secrets

import pytest
from botocore.exceptions import ClientError

from tests.support import secrets_registry
from wizard.core import engine, policies
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.credentials import Credentials
from wizard.practice.aws_emulator import AwsEmulator

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def emulator():
    with AwsEmulator() as running:
        p = running.practice
        secrets_registry.register(p.secret_access_key, p.denied_secret_access_key)
        yield running


def _practice_client(emulator, service: str):
    p = emulator.practice
    return emulator.client(service, p.access_key_id, p.secret_access_key)


def _new_role(emulator, trust: dict) -> str:
    iam = emulator.admin_client("iam")
    name = "GeneratedTrust" + _secrets.token_hex(4)
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=policies.to_json(trust))["Role"]["Arn"]


def _assume(emulator, role_arn: str, external_id: str | None):
    params = {"RoleArn": role_arn, "RoleSessionName": "policy-test"}
    if external_id is not None:
        params["ExternalId"] = external_id
    return _practice_client(emulator, "sts").assume_role(**params)


def test_generated_trust_policy_admits_only_the_external_id(emulator):
    external_id = _secrets.token_urlsafe(24)
    role_arn = _new_role(emulator, policies.trust_policy(emulator.practice.user_arn, external_id=external_id))

    assumed = _assume(emulator, role_arn, external_id)
    assert assumed["AssumedRoleUser"]["Arn"].split(":")[5].startswith("assumed-role/" + role_arn.rsplit("/", 1)[-1])

    for wrong in ("another-external-id", None):
        with pytest.raises(ClientError) as refused:
            _assume(emulator, role_arn, wrong)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_generated_trust_policy_admits_only_the_principal(emulator):
    """The denied user (another identity in the same account) is refused by the same trust policy."""
    external_id = _secrets.token_urlsafe(24)
    role_arn = _new_role(emulator, policies.trust_policy(emulator.practice.user_arn, external_id=external_id))
    p = emulator.practice
    other = emulator.client("sts", p.denied_access_key_id, p.denied_secret_access_key)
    with pytest.raises(ClientError) as refused:
        other.assume_role(RoleArn=role_arn, RoleSessionName="policy-test", ExternalId=external_id)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def _cross_account_test(emulator, role_arn: str, external_id: str) -> engine.TestReport:
    p = emulator.practice
    conn = Connection(
        method="cross-account",
        region=p.region,
        service="s3",
        bucket=p.bucket,
        role_arn=role_arn,
        external_id=external_id,
        source="profile:practice",
        network=NetworkSettings(endpoint_url=emulator.url),
    )
    return engine.run_test(conn, Secrets(), source_credentials=Credentials(p.access_key_id, p.secret_access_key))


def test_policies_after_denied_cross_account_tests(emulator):
    """assume-role-denied -> install the trust policy -> service-denied -> install the permissions policy -> ok."""
    iam = emulator.admin_client("iam")
    external_id = _secrets.token_urlsafe(24)
    # The role as the administrator first set it up: it trusts some other account only, and may do nothing.
    role_arn = _new_role(emulator, policies.trust_policy("arn:aws:iam::111122223333:root", external_id=external_id))
    role_name = role_arn.rsplit("/", 1)[-1]

    first = _cross_account_test(emulator, role_arn, external_id)
    assert first.code == "assume-role-denied"
    assert first.identity_arn == emulator.practice.user_arn  # the identity the test discovered

    trust = policies.trust_policy(first.identity_arn, external_id=external_id)  # what the wizard hands the admin
    iam.update_assume_role_policy(RoleName=role_name, PolicyDocument=policies.to_json(trust))

    second = _cross_account_test(emulator, role_arn, external_id)
    assert [s.status for s in second.steps] == ["ok", "ok", "ok", "denied"]
    assert second.code == "service-denied"
    assert second.failure.diagnosis.refused_action == "s3:ListBucket"

    conn = second.connection
    permissions = policies.permissions_policy(conn.service, bucket=conn.bucket, region=conn.region)
    iam.put_role_policy(RoleName=role_name, PolicyName="generated", PolicyDocument=policies.to_json(permissions))

    third = _cross_account_test(emulator, role_arn, external_id)
    assert third.ok, third.to_text()
    assert [s.status for s in third.steps] == ["ok", "ok", "ok", "ok"]

    wrong = _cross_account_test(emulator, role_arn, "not-the-external-id")
    assert wrong.code == "assume-role-denied"


def test_caller_policy_is_enough_to_assume_the_role(emulator):
    """The denied user (no permissions) gets only the generated caller policy, and can then assume a role that
    trusts it."""
    iam = emulator.admin_client("iam")
    p = emulator.practice
    denied_arn = p.user_arn.replace(":user/practice-user", ":user/denied-user")
    role_arn = _new_role(emulator, policies.trust_policy(denied_arn))
    sts = emulator.client("sts", p.denied_access_key_id, p.denied_secret_access_key)
    with pytest.raises(ClientError):
        sts.assume_role(RoleArn=role_arn, RoleSessionName="before")
    caller = policies.to_json(policies.caller_policy(role_arn))
    iam.put_user_policy(UserName="denied-user", PolicyName="generated-caller", PolicyDocument=caller)
    try:
        assert sts.assume_role(RoleArn=role_arn, RoleSessionName="after")["AssumedRoleUser"]["Arn"]
    finally:
        iam.delete_user_policy(UserName="denied-user", PolicyName="generated-caller")


def test_s3_permissions_policy_is_read_only_on_the_bucket(emulator):
    """A role holding only the generated S3 policy can list and read the bucket, and nothing more."""
    p = emulator.practice
    iam = emulator.admin_client("iam")
    admin_s3 = emulator.admin_client("s3")
    admin_s3.put_object(Bucket=p.bucket, Key="reports/today.csv", Body=b"a,b\n")
    admin_s3.create_bucket(Bucket="another-bucket")
    admin_s3.put_object(Bucket="another-bucket", Key="secret.csv", Body=b"x")
    role_arn = _new_role(emulator, policies.trust_policy(p.user_arn))
    permissions = policies.permissions_policy("s3", bucket=p.bucket, region=p.region)
    iam.put_role_policy(RoleName=role_arn.rsplit("/", 1)[-1], PolicyName="generated",
                        PolicyDocument=policies.to_json(permissions))
    creds = _assume(emulator, role_arn, None)["Credentials"]
    secrets_registry.register(creds["SecretAccessKey"], creds["SessionToken"])
    s3 = emulator.client("s3", creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])

    assert s3.list_objects_v2(Bucket=p.bucket, MaxKeys=1)["KeyCount"] == 1
    assert s3.get_object(Bucket=p.bucket, Key="reports/today.csv")["Body"].read() == b"a,b\n"
    refused = {
        "ListBuckets": lambda: s3.list_buckets(),
        "PutObject": lambda: s3.put_object(Bucket=p.bucket, Key="x", Body=b"x"),
        "DeleteObject": lambda: s3.delete_object(Bucket=p.bucket, Key="reports/today.csv"),
        "ListObjectsV2 on another bucket": lambda: s3.list_objects_v2(Bucket="another-bucket"),
        "GetObject in another bucket": lambda: s3.get_object(Bucket="another-bucket", Key="secret.csv"),
    }
    for name, call in refused.items():
        with pytest.raises(ClientError) as denied:
            call()
        assert denied.value.response["Error"]["Code"] == "AccessDenied", name
