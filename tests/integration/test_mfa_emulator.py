"""MFA against the local AWS (moto on 127.0.0.1, signing enforced) and its trust gate, which checks the codes.

Each MFA refusal is produced for real and diagnosed: a wrong code, a reused code, a device that isn't the caller's,
a role whose trust policy demands MFA, and a user denied everything until MFA is presented. Sessions from
GetSessionToken work as the user, are kept in the real keychain, and end when they expire.
"""

from __future__ import annotations

import datetime
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support import secrets_registry
from wizard.core import mfa_session, totp
from wizard.core.connection import NetworkSettings
from wizard.core.diagnoses import classify_mfa_error, diagnose_mfa
from wizard.core.keychain import SecretStore
from wizard.core.mfa_session import MfaSessions, assume_role_mfa_parameters, get_session_token

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def aws(aws_emulator):
    p = aws_emulator.practice
    secrets_registry.register(p.mfa_totp_secret, p.mfa_user_secret_access_key, p.mfa_user_totp_secret)
    return aws_emulator


@pytest.fixture()
def device(aws):
    """A fresh virtual MFA device of the practice user: (serial, TOTP seed)."""
    serial, seed = aws.new_mfa_device("practice-user")
    secrets_registry.register(seed)
    return serial, seed


def _network(aws) -> NetworkSettings:
    return NetworkSettings(endpoint_url=aws.url)


def _code(aws, serial: str) -> str:
    code = aws.gate.unused_code(serial)
    if code is None:  # three windows' codes used already: the next window brings a fresh one
        time.sleep(totp.current_code(aws.gate.mfa_devices[serial].secret).seconds_left + 0.2)
        code = aws.gate.unused_code(serial)
    return code


def _wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def _session(aws, serial, *, key=None, secret=None):
    p = aws.practice
    return get_session_token(key or p.access_key_id, secret or p.secret_access_key, serial, _code(aws, serial),
                             region=p.region, network=_network(aws))


def _client(aws, service, creds: dict):
    return boto3.session.Session().client(
        service, region_name=aws.practice.region, endpoint_url=aws.url,
        aws_access_key_id=creds["access_key_id"], aws_secret_access_key=creds["secret_access_key"],
        aws_session_token=creds.get("session_token") or None, config=Config(retries={"total_max_attempts": 1}))


def _denied(call, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value


def test_a_session_with_mfa_works_as_the_user(aws, device):
    p = aws.practice
    found = _session(aws, device[0])
    secrets_registry.register(*found.secrets())
    assert found.access_key_id.startswith("ASIA") and 43000 < found.seconds_left() <= 43200
    who = _client(aws, "sts", found.client_keys()).get_caller_identity()
    assert who["Arn"] == p.user_arn
    _client(aws, "s3", found.client_keys()).list_buckets()  # moto checks the user's policy, re-signed by the gate
    wrong_secret = dict(found.client_keys(), secret_access_key="A" * 40)
    assert _denied(_client(aws, "sts", wrong_secret).get_caller_identity).response["Error"]["Code"] \
        == "SignatureDoesNotMatch"
    no_token = dict(found.client_keys(), session_token="")
    assert _denied(_client(aws, "sts", no_token).get_caller_identity).response["Error"]["Code"] \
        == "InvalidClientTokenId"
    again = _denied(_client(aws, "sts", found.client_keys()).get_session_token)
    assert "session credentials" in again.response["Error"]["Message"]


def test_a_wrong_code_is_refused_as_aws_does(aws):
    p = aws.practice  # the practice user's own device: a wrong code uses up nothing
    error = _denied(get_session_token, access_key_id=p.access_key_id, secret_access_key=p.secret_access_key,
                    serial=p.mfa_serial, code=_wrong(_code(aws, p.mfa_serial)), region=p.region,
                    network=_network(aws))
    assert error.response["Error"] == {"Code": "AccessDenied", "Type": "Sender",
                                       "Message": "MultiFactorAuthentication failed with invalid MFA one time pass "
                                                  "code."}
    assert diagnose_mfa(error, has_mfa_device=True).code == "mfa-code-invalid"


def test_a_reused_code_is_refused(aws, device):
    p = aws.practice
    code = _code(aws, device[0])
    first = get_session_token(p.access_key_id, p.secret_access_key, device[0], code, region=p.region,
                              network=_network(aws))
    secrets_registry.register(*first.secrets())
    error = _denied(get_session_token, access_key_id=p.access_key_id, secret_access_key=p.secret_access_key,
                    serial=device[0], code=code, region=p.region, network=_network(aws))
    assert "invalid MFA one time pass code" in error.response["Error"]["Message"]
    found = diagnose_mfa(error, has_mfa_device=True)
    assert found.code == "mfa-code-invalid" and "30-second window" in " ".join(found.causes)


@pytest.mark.parametrize("whose", ["another user's", "nobody's"])
def test_a_device_that_is_not_the_callers(aws, whose):
    p = aws.practice
    serial = p.mfa_user_serial if whose == "another user's" else f"arn:aws:iam::{p.account_id}:mfa/nobody"
    code = _code(aws, p.mfa_user_serial)
    error = _denied(get_session_token, access_key_id=p.access_key_id, secret_access_key=p.secret_access_key,
                    serial=serial, code=code, region=p.region, network=_network(aws))
    assert error.response["Error"]["Message"] == ("MultiFactorAuthentication failed, unable to validate MFA code.  "
                                                  "Please verify your MFA serial number is valid and associated with "
                                                  "this user.")
    assert diagnose_mfa(error, has_mfa_device=True).code == "mfa-device-unknown"


def test_a_role_that_demands_mfa(aws, device):
    p = aws.practice
    sts = _client(aws, "sts", {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key})
    error = _denied(sts.assume_role, RoleArn=p.mfa_role_arn, RoleSessionName="no-mfa")
    assert error.response["Error"]["Message"] == (f"User: {p.user_arn} is not authorized to perform: sts:AssumeRole "
                                                  f"on resource: {p.mfa_role_arn}")
    assert classify_mfa_error("AccessDenied", error.response["Error"]["Message"], False) is None  # assume-role-denied
    wrong = _denied(sts.assume_role, RoleArn=p.mfa_role_arn, RoleSessionName="wrong-code",
                    **assume_role_mfa_parameters(p.mfa_serial, _wrong(_code(aws, p.mfa_serial))))
    assert diagnose_mfa(wrong, True).code == "mfa-code-invalid"
    assumed = sts.assume_role(RoleArn=p.mfa_role_arn, RoleSessionName="with-mfa",
                              **assume_role_mfa_parameters(device[0], _code(aws, device[0])))["Credentials"]
    secrets_registry.register(assumed["SecretAccessKey"], assumed["SessionToken"])
    assert ":assumed-role/PracticeMfaRole/with-mfa" in _client(aws, "sts", {
        "access_key_id": assumed["AccessKeyId"], "secret_access_key": assumed["SecretAccessKey"],
        "session_token": assumed["SessionToken"]}).get_caller_identity()["Arn"]
    on_session = _session(aws, device[0])  # the MFA session counts as MFA for the trust policy
    secrets_registry.register(*on_session.secrets())
    again = _client(aws, "sts", on_session.client_keys()).assume_role(RoleArn=p.mfa_role_arn,
                                                                     RoleSessionName="on-session")["Credentials"]
    secrets_registry.register(again["SecretAccessKey"], again["SessionToken"])
    plain_session = _client(aws, "sts", {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key})
    without = plain_session.get_session_token()["Credentials"]  # AWS allows a session without MFA ...
    secrets_registry.register(without["SecretAccessKey"], without["SessionToken"])
    keys = {"access_key_id": without["AccessKeyId"], "secret_access_key": without["SecretAccessKey"],
            "session_token": without["SessionToken"]}
    assert _denied(_client(aws, "sts", keys).assume_role, RoleArn=p.mfa_role_arn,  # ... which isn't MFA
                   RoleSessionName="no-mfa-session").response["Error"]["Code"] == "AccessDenied"


def test_a_user_denied_everything_until_mfa(aws):
    p = aws.practice
    keys = {"access_key_id": p.mfa_user_access_key_id, "secret_access_key": p.mfa_user_secret_access_key}
    assert _client(aws, "sts", keys).get_caller_identity()["Arn"].endswith(":user/mfa-user")  # always allowed
    error = _denied(_client(aws, "s3", keys).list_buckets)
    assert error.response["Error"]["Message"] == (f"User: arn:aws:iam::{p.account_id}:user/mfa-user is not authorized"
                                                  " to perform: s3:ListAllMyBuckets with an explicit deny in an "
                                                  "identity-based policy")
    found = diagnose_mfa(error, has_mfa_device=False)
    assert found.code == "mfa-required" and found.refused_action == "s3:ListAllMyBuckets"
    assert diagnose_mfa(error, has_mfa_device=True) is None
    ec2 = _denied(_client(aws, "ec2", keys).describe_instances)
    assert ec2.response["Error"]["Code"] == "UnauthorizedOperation" and diagnose_mfa(ec2, False).code == "mfa-required"
    session = _session(aws, aws.new_mfa_device("mfa-user")[0], key=p.mfa_user_access_key_id,
                       secret=p.mfa_user_secret_access_key)
    secrets_registry.register(*session.secrets())
    _client(aws, "s3", session.client_keys()).list_buckets()  # with MFA: allowed


@pytest.mark.keychain
def test_the_session_is_kept_in_the_keychain_and_ends_when_it_expires(aws, device):
    p = aws.practice
    sessions, profile = MfaSessions(SecretStore(unlock_timeout=10), margin=0), f"test-{uuid.uuid4()}"
    aws.gate.session_seconds = 3
    try:
        started = sessions.start(profile, p.access_key_id, p.secret_access_key, device[0], _code(aws, device[0]),
                                 region=p.region, network=_network(aws), duration=900)
        secrets_registry.register(*started.secrets())
        cached = sessions.cached_session(profile)
        assert cached == started and cached.seconds_left() <= 3
        for _ in range(2):  # two uses, no second code
            assert _client(aws, "sts", cached.client_keys()).get_caller_identity()["Arn"] == p.user_arn
        time.sleep(max(0.0, cached.seconds_left()) + 1.1)
        expired = _denied(_client(aws, "sts", cached.client_keys()).get_caller_identity)
        assert expired.response["Error"]["Code"] == "ExpiredToken"
        assert sessions.cached_session(profile) is None  # a code is needed again
        later = datetime.datetime.now(datetime.timezone.utc)
        assert sessions.cached_session(profile, later) is None
    finally:
        aws.gate.session_seconds = None
        sessions.forget(profile)


def test_the_client_makes_one_attempt(aws, monkeypatch):
    p = aws.practice
    calls = []
    real = mfa_session.aws.make_client

    def counting(*args, **kwargs):
        client = real(*args, **kwargs)
        client.meta.events.register("before-send.sts.GetSessionToken", lambda **kw: calls.append(1))
        assert client.meta.config.retries["total_max_attempts"] == 1
        return client

    monkeypatch.setattr(mfa_session.aws, "make_client", counting)
    _denied(get_session_token, access_key_id=p.access_key_id, secret_access_key=p.secret_access_key,
            serial=p.mfa_serial, code=_wrong(_code(aws, p.mfa_serial)), region=p.region, network=_network(aws))
    assert calls == [1]


def test_a_badly_signed_request_does_not_use_up_the_code(aws, device):
    p = aws.practice
    code = _code(aws, device[0])
    bad = _client(aws, "sts", {"access_key_id": p.access_key_id, "secret_access_key": "B" * 40})
    for call, kwargs in ((bad.get_session_token, {}), (bad.assume_role, {"RoleArn": p.mfa_role_arn,
                                                                         "RoleSessionName": "bad-signature"})):
        error = _denied(call, SerialNumber=device[0], TokenCode=code, **kwargs)
        assert error.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert not [used for used in aws.gate._used_codes if used[0] == device[0]]  # the right request can still use it
    found = get_session_token(p.access_key_id, p.secret_access_key, device[0], code, region=p.region,
                              network=_network(aws))
    secrets_registry.register(*found.secrets())


def test_unused_code_of_an_unknown_device_is_none(aws):
    assert aws.gate.unused_code("arn:aws:iam::123456789012:mfa/nobody") is None
