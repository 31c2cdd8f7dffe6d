"""Offline field checks: cleaned values, stable codes, limits read from botocore's own service models."""

import re

import botocore.session
import pytest

from wizard.core import validation
from wizard.core.connection import Connection, NetworkSettings, Secrets
from wizard.core.methods import METHODS
from wizard.core.services import BEDROCK_WARNING
from wizard.core.validation import check_field, generate_external_id

KEY = "AKIAIOSFODNN7EXAMPLE"
TEMP_KEY = "ASIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjE" + "A" * 300 + "=="
ROLE_ARN = "arn:aws:iam::123456789012:role/ReadOnlyRobot"


def codes(key, raw, values=None):
    return check_field(key, raw, values).codes


# ------------------------------------------------------------------------------------------------ table of codes

CASES = [
    # key, raw, values, expected codes
    ("access_key_id", KEY, None, ()),
    ("access_key_id", TEMP_KEY, None, ()),
    ("access_key_id", "", None, ("required",)),
    ("access_key_id", "   ", None, ("whitespace-removed", "required")),
    ("access_key_id", f"  {KEY}\n", None, ("whitespace-removed",)),
    ("access_key_id", "AKIA IOSF ODNN7EXAMPLE", None, ("whitespace-removed",)),
    ("access_key_id", "AKIAIOSF\tODNN7EXAMPLE", None, ("whitespace-removed",)),
    ("access_key_id", "AKIAIOSFODNN\r\n7EXAMPLE\r\n", None, ("whitespace-removed",)),
    ("access_key_id", "AKIAIOSFODNN7EXAMP\u200bLE", None, ("whitespace-removed",)),
    ("access_key_id", "AKIA-IOSFODNN7EXAMPLE", None, ("bad-characters",)),
    ("access_key_id", "AKIAIOSFODNN7EXAMPLÉ", None, ("bad-characters",)),
    ("access_key_id", "AKIAIOSFODNN7", None, ("too-short",)),
    ("access_key_id", "ABCDIOSFODNN7EXAMPLE", None, ("unusual-prefix",)),
    ("access_key_id", "AIDAIOSFODNN7EXAMPLE", None, ("unusual-prefix",)),
    ("access_key_id", "akiaiosfodnn7example", None, ("unusual-prefix",)),
    ("access_key_id", KEY + "X", None, ("unusual-prefix",)),
    ("access_key_id", SECRET, None, ("bad-characters",)),
    ("access_key_id", "wJalrXUtnFEMIqK7MDENGqbPxRfiCYEXAMPLEKEY", None, ("unusual-prefix",)),
    ("secret_access_key", SECRET, None, ()),
    ("secret_access_key", f" {SECRET[:20]}\r\n{SECRET[20:]} ", None, ("whitespace-removed",)),
    ("secret_access_key", SECRET[:-1], None, ("secret-length",)),
    ("secret_access_key", SECRET + "A", None, ("secret-length",)),
    ("secret_access_key", SECRET[:-1] + "!", None, ("bad-characters",)),
    ("secret_access_key", SECRET[:-1] + "=", None, ("bad-characters",)),
    ("secret_access_key", KEY, None, ("secret-length",)),
    ("secret_access_key", "", None, ("required",)),
    ("session_token", "", {"access_key_id": KEY}, ()),
    ("session_token", "", {"access_key_id": TEMP_KEY}, ("token-missing",)),
    ("session_token", "", {"access_key_id": f" {TEMP_KEY}\n"}, ("token-missing",)),
    ("session_token", TOKEN, {"access_key_id": TEMP_KEY}, ()),
    ("session_token", TOKEN, {"access_key_id": KEY}, ("token-not-expected",)),
    ("session_token", f"{TOKEN[:50]}\n{TOKEN[50:]}\n", {"access_key_id": TEMP_KEY}, ("whitespace-removed",)),
    ("session_token", SECRET, {"access_key_id": TEMP_KEY, "secret_access_key": SECRET}, ("too-short",)),
    ("session_token", TOKEN[:-3] + "!", {"access_key_id": TEMP_KEY}, ("bad-characters",)),
    ("session_token", "A" * 9000, {"access_key_id": TEMP_KEY}, ("too-long",)),
    ("role", "ReadOnlyRobot", None, ()),
    ("role", "robot+ci=x,y.z@w_1-2", None, ()),
    ("role", ROLE_ARN, None, ()),
    ("role", "arn:aws:iam::123456789012:role/service-role/team/ReadOnlyRobot", None, ()),
    ("role", "Read Only", None, ("bad-characters",)),
    ("role", "role/ReadOnlyRobot", None, ("role-name",)),
    ("role", "iam::123456789012:role/ReadOnlyRobot", None, ("role-name",)),
    ("role", "R" * 65, None, ("too-long",)),
    ("role", "", None, ("required",)),
    ("role", ROLE_ARN, {"region": "cn-north-1"}, ("partition-mismatch",)),
    ("role", ROLE_ARN.replace(":aws:", ":aws-cn:"), {"region": "cn-north-1"}, ()),
    ("role_arn", ROLE_ARN, None, ()),
    ("role_arn", f"{ROLE_ARN}\n", None, ("whitespace-removed",)),
    ("role_arn", "arn:aws-us-gov:iam::123456789012:role/R", {"region": "us-gov-west-1"}, ()),
    ("role_arn", "ReadOnlyRobot", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam::12345678901:role/R", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam::1234567890123:role/R", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam::123456789012:user/alice", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam:us-east-1:123456789012:role/R", None, ("bad-arn",)),
    ("role_arn", "arn:aws:sts::123456789012:assumed-role/R/session", None, ("bad-arn",)),
    ("role_arn", "arn:aws:s3:::my-bucket-name-here", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam::123456789012:role/", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam::123456789012:role/Bad Name", None, ("bad-arn",)),
    ("role_arn", "arn:aws:iam::123456789012:role/a b/R", None, ("bad-arn",)),
    ("role_arn", "arn:amazon:iam::123456789012:role/R", None, ("unknown-partition",)),
    ("role_arn", "arn:aws", None, ("too-short",)),
    ("external_id", "7f3a9c2e1b4d8e6f0a5c", None, ()),
    ("external_id", "Xk2-pQ9/zR4=mW7:tL1@", None, ()),
    ("external_id", "a", None, ("too-short",)),
    ("external_id", "abc def ghi jkl mno", None, ("bad-characters",)),
    ("external_id", "short-id", None, ("weak-external-id",)),
    ("external_id", "x" * 20, None, ("weak-external-id",)),
    ("external_id", "12341234123412341234", None, ("weak-external-id",)),
    ("external_id", "38472910563847291056", None, ("weak-external-id",)),
    ("external_id", "MyCompany-External-ID-2024", None, ("weak-external-id",)),
    ("external_id", "password1234567890", None, ("weak-external-id",)),
    ("external_id", "test-external-id-123456", None, ("weak-external-id",)),
    ("external_id", "abcdefghijklmnop123456", None, ("weak-external-id",)),
    ("external_id", "qwertyuiop123456789", None, ("weak-external-id",)),
    ("external_id", "", None, ("required",)),
    ("session_name", "aws-connection-wizard", None, ()),
    ("session_name", "alice@example.com", None, ()),
    ("session_name", "my session", None, ("bad-characters",)),
    ("session_name", "s", None, ("too-short",)),
    ("duration", "3600", None, ()),
    ("duration", "900", None, ()),
    ("duration", "43200", None, ("role-max-duration",)),
    ("duration", "899", None, ("duration-range",)),
    ("duration", "43201", None, ("duration-range",)),
    ("duration", "1h", None, ("duration-range",)),
    ("duration", "-900", None, ("duration-range",)),
    ("source", "default", None, ()),
    ("source", "instance", None, ()),
    ("source", "profile:prod", None, ()),
    ("source", "profile:", None, ("unknown-source",)),
    ("source", "env", None, ("unknown-source",)),
    ("region", "us-east-1", None, ()),
    ("region", "eu-central-1", {"service": "s3"}, ()),
    ("region", "US-EAST-1", None, ("unknown-region",)),
    ("region", "us-east-1a", None, ("unknown-region",)),
    ("region", "US East (N. Virginia)", None, ("unknown-region",)),
    ("region", "mars-1", None, ("unknown-region",)),
    ("region", "", None, ("required",)),
    ("region", "eu-north-1", {"service": "workspaces"}, ("region-unavailable",)),
    ("region", "us-east-1", {"service": "bedrock-runtime"}, ()),
    ("region", "af-south-1", {"service": "bedrock-runtime"}, ("availability-unknown",)),
    ("service", "s3", None, ()),
    ("service", "bedrock-runtime", None, ()),
    ("service", " EC2 ", None, ("whitespace-removed",)),
    ("service", "bedrock", None, ("bedrock-not-runtime",)),
    ("service", "bedrock-agent", None, ("bedrock-not-runtime",)),
    ("service", "bedrock-agent-runtime", None, ("bedrock-not-runtime",)),
    ("service", "dynamodb", None, ("unknown-service",)),
    ("service", "", None, ("required",)),
    ("bucket", "", None, ()),
    ("bucket", "my-reports.2024", None, ()),
    ("bucket", "ab", None, ("too-short",)),
    ("bucket", "b" * 64, None, ("too-long",)),
    ("bucket", "My-Bucket", None, ("bad-characters",)),
    ("bucket", "my_bucket", None, ("bad-characters",)),
    ("bucket", "-bucket", None, ("bucket-name",)),
    ("bucket", "my..bucket", None, ("bucket-name",)),
    ("bucket", "192.168.10.20", None, ("bucket-name",)),
    ("bucket", "xn--bucket", None, ("bucket-name",)),
    ("bucket", "data-s3alias", None, ("bucket-name",)),
    ("bucket", "s3://my-bucket", None, ("bucket-name",)),
    ("bucket", "arn:aws:s3:::my-bucket", None, ("bucket-name",)),
    ("model_id", "", None, ()),
    ("model_id", "anthropic.claude-3-haiku-20240307-v1:0", None, ()),
    ("model_id", "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-lite-v1", None, ()),
    ("model_id", "Claude 3 Haiku", None, ("bad-characters",)),
    ("endpoint_url", "", None, ()),
    ("endpoint_url", "https://vpce-1.s3.us-east-1.vpce.amazonaws.com", None, ()),
    ("endpoint_url", "http://127.0.0.1:4566", None, ()),
    ("endpoint_url", "s3.amazonaws.com", None, ("bad-url",)),
    ("endpoint_url", "ftp://files.example.com", None, ("bad-url",)),
    ("endpoint_url", "https://", None, ("bad-url",)),
    ("endpoint_url", "https://host:99999", None, ("bad-url",)),
    ("endpoint_url", "https://ho st.example.com", None, ("bad-url",)),
    ("proxy", "http://proxy.example.invalid:3128", None, ()),
    ("proxy", "proxy:3128", None, ("bad-url",)),
    ("proxy", "http://bob:hunter2@proxy.example.invalid:3128", None, ("credentials-in-url",)),
    ("ca_bundle", "", None, ()),
    ("ca_bundle", "/nonexistent/ca.pem", None, ("file-missing",)),
]


@pytest.mark.parametrize(("key", "raw", "values", "expected"), CASES)
def test_codes(key, raw, values, expected):
    result = check_field(key, raw, values)
    assert result.codes == tuple(expected)
    assert result.ok == (not any(m.level == "error" for m in result.messages))
    for message in result.messages:
        assert message.level in ("error", "warning", "info")
        assert message.text.strip() and message.text[-1] in ".)"


@pytest.mark.parametrize(
    ("raw", "cleaned", "text"),
    [
        (" AKIAIOSFODNN7EXAMPLE ", KEY, "Removed 2 spaces from the pasted value."),
        ("AKIAIOSF\tODNN7EXAMPLE\n", KEY, "Removed a tab and a line break from the pasted value."),
        ("AKIA IOSF\r\nODNN7EXAMPLE ", KEY, "Removed 2 spaces and a line break from the pasted value."),
        ("AKIA\r\nIOSF\nODNN\r7EXAMPLE", KEY, "Removed 3 line breaks from the pasted value."),
        ("\ufeffAKIAIOSFODNN7EXAMPLE\u00a0", KEY, "Removed a space and an invisible character from the pasted value."),
    ],
)
def test_pasted_whitespace_removed_and_reported(raw, cleaned, text):
    result = check_field("access_key_id", raw)
    assert result.value == cleaned
    assert result.messages == (validation.Message("info", "whitespace-removed", text),)


def test_inner_spaces_kept_and_flagged_outside_keys():
    result = check_field("role", "  Read Only\n")
    assert result.value == "Read Only"
    assert result.codes == ("whitespace-removed", "bad-characters")
    assert "Remove the spaces" in result.errors[0].text


def test_token_messages_say_what_to_do():
    not_expected = check_field("session_token", TOKEN, {"access_key_id": KEY}).errors[0]
    assert not_expected.text == "This key starts with AKIA (a long-term key): leave the session token empty."
    missing = check_field("session_token", "", {"access_key_id": TEMP_KEY}).errors[0]
    assert "ASIA" in missing.text and "session token" in missing.text


def test_bedrock_message_is_the_reference_warning():
    assert check_field("service", "bedrock").errors[0].text == BEDROCK_WARNING


def test_service_value_is_normalised():
    assert check_field("service", " S3 ").value == "s3"


def test_unknown_key_is_refused():
    with pytest.raises(KeyError):
        check_field("password", "x")


def test_readable_pem_ca_bundle(tmp_path):
    pem = tmp_path / "ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    assert check_field("ca_bundle", str(pem)).codes == ()
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert check_field("ca_bundle", str(other)).codes == ("not-pem",)
    assert check_field("ca_bundle", str(tmp_path)).codes == ("file-missing",)


# ------------------------------------------------------------------------------- limits straight from botocore


def _model_metadata(service, shape=None, operation=None, member=None):
    model = botocore.session.get_session().get_service_model(service)
    if operation:
        return model.operation_model(operation).input_shape.members[member].metadata
    return model.shape_for(shape).metadata


def _java_class_chars(pattern):
    """The ASCII characters a botocore pattern like [\\w+=,.@-]* accepts (Java's \\w is [A-Za-z0-9_])."""
    return [chr(c) for c in range(33, 127) if re.fullmatch(pattern, chr(c), re.ASCII)]


TEXT_LIMITS = [
    # key, botocore source, a good character, a value-builder turning a length into a valid value, refused char
    ("access_key_id", ("iam", "accessKeyIdType", None, None), lambda n: "AKIA" + "A" * (n - 4), "-"),
    ("role", ("iam", "roleNameType", None, None), lambda n: "R" * n, " "),
    ("external_id", ("sts", None, "AssumeRole", "ExternalId"), lambda n: "x" * n, "#"),
    ("session_name", ("sts", None, "AssumeRole", "RoleSessionName"), lambda n: "s" * n, ":"),
]


@pytest.mark.parametrize(("key", "source", "make", "refused"), TEXT_LIMITS)
def test_text_limits_match_botocore_models(key, source, make, refused):
    meta = _model_metadata(*source)
    low, high, pattern = meta["min"], meta["max"], meta["pattern"]
    limit = validation.LIMITS[key]
    assert (limit.min, limit.max, limit.pattern) == (low, high, pattern)
    accepted = _java_class_chars(pattern)
    assert refused not in accepted
    for c in accepted:  # every character the model allows passes the validator, and nothing else does
        assert not (set(check_field(key, make(low + 1)[:-1] + c).codes) & {"bad-characters", "bad-arn"}), c
    for c in sorted(set(map(chr, range(33, 127))) - set(accepted)):  # ":" and "/" in a role name get role-name
        assert set(codes(key, make(low + 1)[:-1] + c)) & {"bad-characters", "role-name"}, c
    assert "too-long" in codes(key, make(high + 1))
    assert not set(codes(key, make(high))) & {"too-long", "too-short", "bad-characters"}
    assert not set(codes(key, make(low))) & {"too-long", "too-short", "bad-characters"}
    below = codes(key, make(low - 1)) if low > 1 else codes(key, "")
    assert below[0] in ("too-short", "required")
    inside = make(low + 2)
    assert "bad-characters" in codes(key, inside[:1] + refused + inside[2:])


def test_role_arn_limits_match_botocore_model():
    meta = _model_metadata("sts", operation="AssumeRole", member="RoleArn")
    limit = validation.LIMITS["role_arn"]
    assert (limit.min, limit.max) == (meta["min"], meta["max"])
    prefix = "arn:aws:iam::123456789012:role/"
    at_max = f"{prefix}{'p' * (meta['max'] - len(prefix) - 2)}/R"
    assert len(at_max) == meta["max"]
    assert codes("role_arn", at_max) == ("bad-arn",)  # within RoleArn's length, but the path is longer than IAM allows
    assert codes("role_arn", at_max + "R") == ("too-long",)
    assert codes("role_arn", "arn:aws:iam::" + "1" * (meta["min"] - 14)) == ("too-short",)
    path_max = _model_metadata("iam", "pathType")["max"]
    assert codes("role_arn", f"{prefix}{'p' * (path_max - 2)}/R") == ()
    assert codes("role_arn", f"{prefix}{'p' * (path_max - 1)}/R") == ("bad-arn",)
    name_max = _model_metadata("iam", "roleNameType")["max"]
    assert codes("role_arn", prefix + "R" * name_max) == ()
    assert codes("role_arn", prefix + "R" * (name_max + 1)) == ("bad-arn",)
    assert codes("role_arn", prefix + "Ro#bot") == ("bad-arn",)


def test_duration_limits_match_botocore_model():
    meta = _model_metadata("sts", operation="AssumeRole", member="DurationSeconds")
    low, high = meta["min"], meta["max"]
    assert (validation.LIMITS["duration"].min, validation.LIMITS["duration"].max) == (low, high)
    assert "duration-range" in codes("duration", str(low - 1))
    assert "duration-range" not in codes("duration", str(low))
    assert "duration-range" not in codes("duration", str(high))
    assert "duration-range" in codes("duration", str(high + 1))
    assert "duration-range" in codes("duration", "9O0")


def test_limits_module_attribute_is_the_cached_table():
    assert validation.LIMITS is validation.limits()
    with pytest.raises(AttributeError):
        validation.NO_SUCH_NAME  # noqa: B018


# ------------------------------------------------------------------------------------------------- external id


def test_generated_external_ids_are_long_random_and_accepted():
    drawn = [generate_external_id() for _ in range(1000)]
    assert len(set(drawn)) == 1000
    for value in drawn:
        assert len(value) == 40 and re.fullmatch(r"[0-9a-f]{40}", value)  # 160 bits of hex
        assert validation.LIMITS["external_id"].matches(value)
    for value in drawn[:100]:
        assert check_field("external_id", value).messages == ()
    # every hex digit turns up in roughly equal share: 40 000 digits, expected 2500 each
    counts = [sum(v.count(d) for v in drawn) for d in "0123456789abcdef"]
    assert min(counts) > 2200 and max(counts) < 2800


# ------------------------------------------------------------------------------------------ whole connections


def _access_key_connection(**changes):
    conn = Connection(method="access-key", access_key_id=KEY, region="us-east-1", service="s3")
    for name, value in changes.items():
        setattr(conn, name, value)
    return conn


def test_check_connection_covers_each_methods_fields():
    for method in METHODS.values():
        keys = list(validation.check_connection(Connection(method=method.id), Secrets()))
        picked = ["sso_account_id", "sso_role_name"] if method.id == "sso" else []  # the sso-role page
        expected = ["method", *(f.key for f in method.fields if f.key != "region"), *picked, "service", "bucket",
                    "region"]
        assert keys[: len(expected)] == expected  # the wizard's order: method, credentials, service, region
        assert {"endpoint_url", "proxy", "ca_bundle", "bucket"} <= set(keys)  # the default service is s3
        assert ("session_name" in keys) == ("duration" in keys) == (method.id in ("assume-role", "cross-account"))


def test_valid_access_key_connection_has_no_error():
    conn = _access_key_connection()
    checks = validation.check_connection(conn, Secrets(SECRET))
    assert all(c.ok for c in checks.values()), {k: c.codes for k, c in checks.items()}
    assert validation.first_error(conn, Secrets(SECRET)) is None


def test_first_error_in_wizard_order():
    conn = _access_key_connection(access_key_id=TEMP_KEY, region="nowhere-1")
    error = validation.first_error(conn, Secrets(SECRET))
    assert error.code == "token-missing"
    conn.access_key_id = KEY
    assert validation.first_error(conn, Secrets(SECRET, TOKEN)).code == "token-not-expected"
    assert validation.first_error(conn, Secrets(SECRET)).code == "unknown-region"


def test_cross_account_connection_checks_role_external_id_and_network():
    conn = Connection(method="cross-account", role_arn=ROLE_ARN, external_id=generate_external_id(), source="default",
                      region="eu-west-1", service="bedrock-runtime", model_id="bad model",
                      network=NetworkSettings(proxy="proxy.invalid"))
    checks = validation.check_connection(conn, Secrets())
    assert checks["role_arn"].codes == ()
    assert checks["external_id"].codes == ()
    assert checks["model_id"].codes == ("bad-characters",)
    assert checks["proxy"].codes == ("bad-url",)
    assert "bucket" not in checks and "access_key_id" not in checks
    assert validation.first_error(conn, Secrets()).code == "bad-characters"


def test_unknown_method_is_refused():
    with pytest.raises(ValueError):
        validation.check_connection(Connection(method="password"), Secrets())
