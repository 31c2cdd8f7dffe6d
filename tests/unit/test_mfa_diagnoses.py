"""MFA refusals -> mfa-required / mfa-code-invalid / mfa-device-unknown, from AWS's real error texts.

`classify_mfa_error` is pure; the canned responses (tests/support/responders.py) go through botocore's real STS
client and parser on 127.0.0.1, so the error code and message are what the engine will see.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.support.responders import _ERRORS, FaultResponder
from wizard.core import diagnoses
from wizard.core.diagnoses import ALL_CODES, CODES, MFA_CODES, classify_mfa_error, diagnose_mfa


def _sts_error(kind: str, call: str = "get_session_token") -> ClientError:
    with FaultResponder(kind) as responder:
        client = boto3.session.Session().client(
            "sts", region_name="us-east-1", endpoint_url=responder.url, aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
            aws_secret_access_key="x" * 40, config=Config(retries={"total_max_attempts": 1}))
        kwargs = {"SerialNumber": "arn:aws:iam::111122223333:mfa/alice", "TokenCode": "123456"}
        if call == "assume_role":
            kwargs.update(RoleArn="arn:aws:iam::111122223333:role/Admin", RoleSessionName="mfa-test")
        with pytest.raises(ClientError) as caught:
            getattr(client, call)(**kwargs)
    return caught.value


@pytest.mark.parametrize("kind, has_device, expected", [
    ("mfa-code-invalid", True, "mfa-code-invalid"),
    ("mfa-code-invalid", False, "mfa-code-invalid"),
    ("mfa-device-unknown", True, "mfa-device-unknown"),
    ("mfa-both-needed", False, "mfa-required"),
    ("mfa-both-needed", True, "mfa-code-invalid"),
    ("mfa-explicit-deny", False, "mfa-required"),
    ("mfa-explicit-deny", True, None),  # MFA was presented: the deny is about something else
    ("assume-role-denied", False, None),  # indistinguishable from an untrusting role: stays assume-role-denied
    ("expired-token", False, None),
    ("throttled", False, None),
])
@pytest.mark.parametrize("call", ["get_session_token", "assume_role"])
def test_canned_aws_refusals(kind, has_device, expected, call):
    error = _sts_error(kind, call)
    assert error.response["Error"]["Message"] == _ERRORS[kind][2]  # botocore hands the text over unchanged
    found = diagnose_mfa(error, has_device)
    assert (found.code if found else None) == expected
    if found:
        assert found.aws_error.startswith("AccessDenied: ") and found.remedy and found.causes


def test_the_codes_are_published_with_texts():
    assert set(MFA_CODES) <= set(CODES) and set(MFA_CODES) <= set(ALL_CODES)
    assert set(diagnoses._TEXT) == set(CODES)
    assert "30-second window" in " ".join(diagnoses.make("mfa-code-invalid").causes)
    assert "next code" in diagnoses.make("mfa-code-invalid").remedy
    assert "mfa/" in diagnoses.make("mfa-required").remedy and "MFA" in diagnoses.make("mfa-required").summary
    assert "another user" in " ".join(diagnoses.make("mfa-device-unknown").causes)


@pytest.mark.parametrize("code, message, has_device, expected", [
    ("AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", True,
     "mfa-code-invalid"),
    ("AccessDenied", "MultiFactorAuthentication failed, Cannot find device authentication information", True,
     "mfa-device-unknown"),
    ("AccessDeniedException", "User: x is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an "
     "identity-based policy", False, "mfa-required"),
    ("InvalidClientTokenId", "MultiFactorAuthentication failed with invalid MFA one time pass code.", True, None),
    ("AccessDenied", "", False, None),
    ("AccessDenied", None, False, None),
])
def test_classify_is_pure(code, message, has_device, expected):
    assert classify_mfa_error(code, message, has_device) == expected


def test_a_secret_in_the_message_is_redacted():
    error = ClientError({"Error": {"Code": "AccessDenied", "Message": "MultiFactorAuthentication failed with invalid "
                                   "MFA one time pass code. AKIAIOSFODNN7EXAMPLE"}}, "GetSessionToken")
    found = diagnose_mfa(error, True)
    assert "AKIAIOSFODNN7EXAMPLE" not in found.aws_error and "AKIA…MPLE" in found.aws_error
