"""diagnoses.diagnose: botocore exceptions and AWS error codes -> stable codes with causes and a remedy.

The exceptions are built the way botocore builds them (ClientError from a parsed error response; connection errors
wrapping urllib3's), one function under test; the end-to-end paths are in tests/integration/test_engine*.py.
"""

from __future__ import annotations

import email.utils
import socket
import ssl
import time

import pytest
from botocore import exceptions as bx

from tests.support import secrets_registry
from wizard.core import diagnoses, probes
from wizard.core.connection import Connection
from wizard.core.diagnoses import CODES, diagnose


def client_error(code: str, message: str = "m", status: int = 400, date_offset: float | None = 0.0,
                 operation: str = "GetCallerIdentity") -> bx.ClientError:
    headers = {}
    if date_offset is not None:
        headers["date"] = email.utils.formatdate(time.time() + date_offset, usegmt=True)
    response = {"Error": {"Code": code, "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers}}
    return bx.ClientError(response, operation)


@pytest.mark.parametrize(("code", "expected"), [
    ("InvalidClientTokenId", "unknown-access-key"),
    ("InvalidAccessKeyId", "unknown-access-key"),
    ("UnrecognizedClientException", "unknown-access-key"),
    ("AuthFailure", "unknown-access-key"),
    ("SignatureDoesNotMatch", "wrong-secret-key"),
    ("InvalidSignatureException", "wrong-secret-key"),
    ("ExpiredToken", "expired-token"),
    ("ExpiredTokenException", "expired-token"),
    ("RequestExpired", "expired-token"),
    ("RequestTimeTooSkewed", "clock-skew"),
    ("OptInRequired", "region-disabled"),
    ("RegionDisabledException", "region-disabled"),
    ("Throttling", "throttled"),
    ("ThrottlingException", "throttled"),
    ("TooManyRequestsException", "throttled"),
    ("RequestLimitExceeded", "throttled"),
    ("ServiceUnavailable", "service-unavailable"),
    ("InternalFailure", "service-unavailable"),
    ("ValidationError", "invalid-input"),
    ("SomethingNobodyHasSeen", "unexpected"),
])
def test_aws_error_codes(code, expected):
    assert diagnose(client_error(code), step="identity").code == expected


@pytest.mark.parametrize(("offset", "code"), [(20 * 60, "clock-skew"), (-20 * 60, "clock-skew"), (60, "wrong-secret-key"),
                                              (None, "wrong-secret-key")])
def test_signature_mismatch_is_clock_skew_only_when_the_date_is_off(offset, code):
    assert diagnose(client_error("SignatureDoesNotMatch", status=403, date_offset=offset), step="identity").code == code


def test_skew_summary_says_which_way():
    behind = diagnose(client_error("SignatureDoesNotMatch", date_offset=20 * 60), step="identity")
    ahead = diagnose(client_error("SignatureDoesNotMatch", date_offset=-30 * 60), step="identity")
    assert "20 minutes behind" in behind.summary
    assert "30 minutes ahead of" in ahead.summary


def test_request_expired_with_skew_is_clock_skew():
    assert diagnose(client_error("RequestExpired", date_offset=-600), step="service").code == "clock-skew"


def test_access_denied_on_assume_role_names_three_causes():
    d = diagnose(client_error("AccessDenied", "User: arn:aws:iam::1:user/u is not authorized to perform: "
                                              "sts:AssumeRole on resource: arn:aws:iam::2:role/r", 403),
                 step="assume-role")
    assert d.code == "assume-role-denied" and d.refused_action == "sts:AssumeRole"
    assert len(d.causes) == 3
    assert "sts:AssumeRole" in d.causes[0] and "trust policy" in d.causes[1] and "External ID" in d.causes[2]


@pytest.mark.parametrize(("code", "message", "action"), [
    ("UnauthorizedOperation", "You are not authorized to perform this operation. User: arn:aws:iam::1:user/u is not "
                              "authorized to perform: ec2:DescribeInstances because no identity-based policy allows",
     "ec2:DescribeInstances"),
    ("AccessDeniedException", "User: x is not authorized to perform: workspaces:DescribeWorkspaces",
     "workspaces:DescribeWorkspaces"),
    ("AccessDenied", "Access Denied", "s3:ListAllMyBuckets"),  # S3 doesn't say: the probe table does
])
def test_service_denied_names_the_refused_action(code, message, action):
    conn = Connection(service=action.split(":")[0])
    d = diagnose(client_error(code, message, 403), step="service", connection=conn)
    assert (d.code, d.refused_action) == ("service-denied", action)
    assert action in d.summary


def test_service_denied_for_the_bucket_probe():
    conn = Connection(service="s3", bucket="reports")
    d = diagnose(client_error("AccessDenied", "Access Denied", 403), step="service", connection=conn)
    assert d.refused_action == "s3:ListBucket"


def test_bedrock_model_access():
    conn = Connection(service="bedrock-runtime", model_id="anthropic.claude-3-haiku", invoke_model=True)
    d = diagnose(client_error("AccessDeniedException", "You don't have access to the model with the specified model ID.",
                              403), step="service", connection=conn)
    assert d.code == "model-access"
    plain_denied = diagnose(client_error("AccessDeniedException", "User: x is not authorized to perform: "
                                                                  "bedrock:InvokeModel", 403),
                            step="service", connection=conn)
    assert (plain_denied.code, plain_denied.refused_action) == ("service-denied", "bedrock:InvokeModel")


def test_xml_error_in_a_json_service_is_read():
    raw = ('<?xml version="1.0"?><ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security '
           'token included in the request is invalid.</Message></Error></Errors></ErrorResponse>')
    assert diagnose(client_error("403", raw, 403), step="service").code == "unknown-access-key"


def test_http_status_fallbacks():
    assert diagnose(client_error("429", "", 429), step="service").code == "throttled"
    assert diagnose(client_error("502", "", 502), step="service").code == "service-unavailable"


class _Urllib3Like(Exception):
    pass


@pytest.mark.parametrize(("exc", "code"), [
    (bx.ProxyConnectionError(proxy_url="http://127.0.0.1:9", error=ConnectionRefusedError()), "proxy-error"),
    (bx.SSLError(endpoint_url="https://x.invalid", error=ssl.SSLCertVerificationError("certificate verify failed")),
     "tls-error"),
    (bx.ConnectTimeoutError(endpoint_url="https://x.invalid"), "timeout"),
    (bx.ReadTimeoutError(endpoint_url="https://x.invalid"), "timeout"),
    (bx.EndpointConnectionError(endpoint_url="https://127.0.0.1:9", error=ConnectionRefusedError(111, "refused")),
     "endpoint-unreachable"),
    (bx.EndpointConnectionError(endpoint_url="https://x.invalid",
                                error=socket.gaierror(socket.EAI_NONAME, "Name or service not known")), "dns-failure"),
    (bx.NoCredentialsError(), "invalid-input"),
    (bx.ParamValidationError(report="Invalid length for parameter RoleSessionName"), "invalid-input"),
    (RuntimeError("boom"), "unexpected"),
])
def test_network_and_client_errors(exc, code):
    assert diagnose(exc, step="identity").code == code


def test_tls_error_is_never_called_a_credentials_problem():
    d = diagnose(bx.SSLError(endpoint_url="https://x.invalid", error="certificate verify failed"), step="identity")
    assert "CA bundle" in d.remedy
    assert "not a problem with the credentials" in " ".join(d.causes)


def test_keychain_errors_keep_their_code():
    class KeychainError(Exception):
        code = "keyring-locked"

    assert diagnose(KeychainError("locked"), step="identity").code == "keyring-locked"


def test_unexpected_error_is_redacted():
    secret = secrets_registry.fake_secret_access_key()
    token = secrets_registry.fake_session_token()
    d = diagnose(RuntimeError(f"failed with AKIAIOSFODNN7EXAMPLE {secret} and {token}"), step="identity",
                 secrets=[secret])
    assert d.code == "unexpected"
    assert secret not in d.aws_error and token not in d.aws_error
    assert "AKIA…MPLE" in d.aws_error and "AKIAIOSFODNN7EXAMPLE" not in d.aws_error


def test_every_code_has_words_an_admin_can_act_on():
    for code in CODES:
        d = diagnoses.make(code)
        assert d.summary and d.causes and d.remedy, code
        assert set(d.to_json()) == {"code", "summary", "causes", "remedy"}


def test_iam_actions_follow_the_probe_table():
    assert probes.iam_actions("s3") == ["s3:ListAllMyBuckets"]
    assert probes.iam_actions("s3", bucket="b") == ["s3:ListBucket"]
    assert probes.iam_actions("ec2") == ["ec2:DescribeInstances"]
    assert probes.iam_actions("workspaces") == ["workspaces:DescribeWorkspaces"]
    assert probes.iam_actions("bedrock-runtime") == []  # reach only: no action on the service
    assert probes.iam_actions("bedrock-runtime", model_id="m") == ["bedrock:InvokeModel"]
    narrow = probes.select("bedrock-runtime", model_id="m", invoke_model=True)
    assert narrow.may_cost and narrow.resolved_params(model_id="m")["modelId"] == "m"
    assert probes.select("bedrock-runtime", model_id="m", invoke_model=False).operation == probes.REACH_ONLY


def test_unknown_key_in_an_opt_in_region_mentions_the_region():
    d = diagnose(client_error("InvalidClientTokenId", status=403), step="identity",
                 connection=Connection(region="af-south-1"))
    assert d.code == "unknown-access-key"
    assert "af-south-1 is an opt-in region" in d.causes[0]
    plain = diagnose(client_error("InvalidClientTokenId", status=403), step="identity",
                     connection=Connection(region="eu-west-1"))
    assert not any("opt-in" in c for c in plain.causes)
    assert not diagnoses.is_opt_in_region("us-gov-west-1") and not diagnoses.is_opt_in_region("cn-north-1")


def test_proxy_password_is_redacted():
    d = diagnose(bx.ProxyConnectionError(proxy_url="http://admin:Pr0xyPassw0rd@127.0.0.1:3128", error="refused"),
                 step="identity")
    assert d.code == "proxy-error"
    assert "Pr0xyPassw0rd" not in d.aws_error and "admin" not in d.aws_error
    assert "http://[redacted]@127.0.0.1:3128" in d.aws_error
