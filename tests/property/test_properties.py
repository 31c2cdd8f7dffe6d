"""Property-based tests (hypothesis, derandomized): arbitrary input never crashes the field checks, the ARN check, the
import of AWS files, the loading of a profile file or the export's text edit, and what passes is always safe to write.
Each target runs tests.support.property_counts.examples() examples (2,000; 10,000 with `python -m tests.run --long`)."""

from __future__ import annotations

import configparser
import json
import tempfile
from pathlib import Path

import pytest
from botocore.exceptions import BotoCoreError
from botocore.utils import ArnParser, InvalidArnException
from hypothesis import given
from hypothesis import strategies as st

from tests.support.property_counts import count, settings
from wizard.commands.profiles import summary
from wizard.core.awsconfig import MARKER, merge_sections, plan_import, plan_sections, read_shared_files, split_lines
from wizard.core.connection import Connection
from wizard.core.profiles import Profile, ProfileStore, StoreError
from wizard.core.validation import KEYS, check_field, present_value_errors, unsafe_characters

# Text with the characters that broke things: line ends of every kind, NUL, invisible and format characters.
ODD = "\n\r\x00\x85\x0c\x0b\x1c\u2028\u2029\u200b\ufeff\u202e \t²٣é[]=#;:/~"
TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(ODD)), max_size=80)
PROGRAM = "/opt/aws-connection-wizard/bin/aws-connection-wizard"

pytestmark = pytest.mark.timeout(600)


# -- every field -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", KEYS)
def test_every_field_check_is_total_and_what_passes_is_one_safe_line(key):
    @settings()
    @given(raw=TEXT, other=TEXT)
    def run(raw, other):
        count(f"validation.{key}")
        check = check_field(key, raw, {"region": other, "access_key_id": other, "service": other})
        assert isinstance(check.value, str)
        if check.ok and check.value:
            assert not unsafe_characters(check.value) and "\n" not in check.value and "\r" not in check.value
            assert check.value == check.value.strip()

    run()


# -- ARNs --------------------------------------------------------------------------------------------------------------
PART = st.text(alphabet=st.sampled_from("aws-cnugov0123456789iamstsrole/:_.+=,@ \n\x00é"), max_size=20)
ARNISH = st.builds(lambda p, s, r, a, res: f"arn:{p}:{s}:{r}:{a}:{res}",
                   st.one_of(st.sampled_from(["aws", "aws-cn", "aws-us-gov"]), PART),
                   st.one_of(st.just("iam"), PART), st.one_of(st.just(""), PART),
                   st.one_of(st.from_regex(r"\A[0-9]{12}\Z"), PART),
                   st.one_of(st.builds(lambda n: f"role/{n}", PART),
                             st.from_regex(r"\Arole(/[A-Za-z0-9_]{1,5})*/[A-Za-z0-9+=,.@_-]{1,64}\Z"), PART))


def test_role_arns_that_pass_parse_as_iam_role_arns_with_botocore():
    @settings()
    @given(raw=st.one_of(ARNISH, TEXT))
    def run(raw):
        count("arn.role_arn")
        check = check_field("role_arn", raw)
        if not check.ok:
            return
        parsed = ArnParser().parse_arn(check.value)  # raises InvalidArnException if the check let a non-ARN through
        assert parsed["service"] == "iam" and parsed["region"] == ""
        assert parsed["account"].isdigit() and len(parsed["account"]) == 12 and parsed["resource"].startswith("role/")

    run()


def test_botocore_and_the_role_check_agree_on_what_is_an_arn():
    @settings()
    @given(raw=ARNISH)
    def run(raw):
        count("arn.botocore_agreement")
        try:
            ArnParser().parse_arn(raw)
        except InvalidArnException:
            assert not check_field("role", raw).ok

    run()


# -- import of arbitrary AWS files -------------------------------------------------------------------------------------
KEYS_IN_FILES = ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region", "role_arn",
                 "source_profile", "external_id", "duration_seconds", "credential_source", "endpoint_url", "ca_bundle",
                 "role_session_name", "credential_process", "sso_session", "s3"]
VALUES = st.one_of(TEXT, st.sampled_from(["AKIAIOSFODNN7EXAMPLE", "A" * 40, "eu-west-1", "default", "a",
                                          "arn:aws:iam::123456789012:role/R", "3600", "²", "Ec2InstanceMetadata"]))
EXTRA = st.one_of(st.builds(lambda v: f"  {v}", VALUES), st.builds(lambda c: f"# {c}", TEXT), st.just(""))


@st.composite
def aws_file(draw, headers):
    """An AWS file: sections with distinct names, distinct keys in each, values that may continue on indented lines,
    comments and blank lines anywhere (mostly readable by configparser, as real files are)."""
    lines = [draw(EXTRA) for _ in range(draw(st.integers(0, 1)))]
    for header in draw(st.lists(headers, max_size=4, unique=True)):
        lines.append(f"[{header}]")
        for key, value in draw(st.dictionaries(st.sampled_from(KEYS_IN_FILES), VALUES, max_size=5)).items():
            lines.append(f"{key} = {value}")
            lines += draw(st.lists(EXTRA, max_size=2))
    return "\n".join(lines)


SECTION_NAMES = st.one_of(st.sampled_from(["default", "profile a", "profile b", "a", "b", "sso-session c"]),
                          TEXT.map(lambda t: t.replace("]", "").replace("\n", "")))
FILE_TEXT = aws_file(SECTION_NAMES)


def test_import_of_arbitrary_config_and_credentials_text():
    with tempfile.TemporaryDirectory() as folder:
        config, credentials = Path(folder, "config"), Path(folder, "credentials")

        @settings()
        @given(config_text=FILE_TEXT, credentials_text=FILE_TEXT)
        def run(config_text, credentials_text):
            count("import.aws_files")
            config.write_text(config_text, encoding="utf-8", errors="surrogatepass")
            credentials.write_text(credentials_text, encoding="utf-8", errors="surrogatepass")
            try:
                plans = plan_import(read_shared_files(config, credentials))
            except (BotoCoreError, UnicodeDecodeError):
                return  # a file configparser refuses: the CLI reports it (exit 2), nothing imported
            count("import.aws_files (readable by configparser)")
            for name, conn, secrets, reason in plans:
                if conn is None:
                    assert reason
                    continue
                assert present_value_errors(conn, secrets) == []
                fields = conn.to_dict()  # built anew on every call: the network dict is compared with this one's
                for value in list(fields.values()) + list(fields["network"].values()):
                    assert not isinstance(value, (dict, list)) or value is fields["network"]
                    if isinstance(value, str):
                        assert not unsafe_characters(value)

        run()
        credentials.unlink()


# -- loading an arbitrary profile file ---------------------------------------------------------------------------------
def _containers(inner):
    keys = st.one_of(st.sampled_from(["id", "name", "connection", "network", "created_at", "tested_at", "duration",
                                      "region", "method", "profiles", "schema_version", "last_report"]), TEXT)
    return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | TEXT, _containers, max_leaves=20)
GOOD = {"id": "x", "name": "a", "connection": {"method": "access-key"}}
PROFILE_FILE = st.one_of(
    st.binary(max_size=200),
    JSON.map(lambda v: json.dumps(v).encode()),
    st.builds(lambda v, k: json.dumps({"schema_version": 1, "profiles": [{**GOOD, k: v}]}).encode(),
              JSON, st.sampled_from(["created_at", "tested_at", "connection", "name", "expiration", "last_report"])),
    st.builds(lambda v: json.dumps({"profiles": {"a": v}}).encode(), JSON),
)


def test_loading_an_arbitrary_profile_file():
    with tempfile.TemporaryDirectory() as folder:
        store = ProfileStore(folder)

        @settings()
        @given(raw=PROFILE_FILE)
        def run(raw):
            count("store.load")
            store.path.write_bytes(raw)
            try:
                profiles = store.list()
            except StoreError as exc:
                assert str(store.path) in str(exc)
                return
            json.dumps([summary(p) for p in profiles], allow_nan=False)  # `list --json` is always valid JSON

        run()


# -- export into arbitrary config text ---------------------------------------------------------------------------------
EXPORT_VALUE = st.text(alphabet=st.sampled_from("abc =#;\x0c\x85\u2028\x1c\t"), max_size=10)
EXPORT_EXTRA = st.one_of(
    st.builds(lambda v: f"    {v}", st.text(alphabet=st.sampled_from("abc=[]\x0c\x85"), max_size=10)),
    st.builds(lambda c, p: f"{p}{c}", st.text(alphabet=st.sampled_from(" \x0c\x85\u2028\x1cé[]a"), max_size=10),
              st.sampled_from(["#", ";", " #", "\x0c#"])),
    st.just(""), st.just("\x0c"), st.just("\x85"),
)


@st.composite
def config_lines(draw):
    lines = draw(st.lists(EXPORT_EXTRA, max_size=2))
    for header in draw(st.lists(st.sampled_from(["default", "profile a", "profile b", "sso-session c", "x",
                                                 "profile  a", "profile hyp"]), max_size=4, unique=True)):
        lines.append(f"[{header}]")
        for key, value in draw(st.dictionaries(st.sampled_from(["region", "output", "s3", "role_arn"]), EXPORT_VALUE,
                                               max_size=3)).items():
            lines.append(f"{key} = {value}")
            lines += draw(st.lists(EXPORT_EXTRA, max_size=2))
    return lines


def _configparser(text: str) -> configparser.RawConfigParser | None:
    parser = configparser.RawConfigParser()  # what botocore's raw_config_parse uses
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser


def test_export_into_arbitrary_config_text():
    folder = tempfile.mkdtemp()
    store = ProfileStore(folder)
    store.add(Profile.new("hyp", Connection(method="access-key", region="eu-west-1")))
    profile = store.get("hyp")
    first = plan_sections(store, profile, "hyp", "process", PROGRAM)
    profile.connection.region = "us-east-2"
    second = plan_sections(store, profile, "hyp", "process", PROGRAM)

    @settings()
    @given(lines=config_lines(), crlf=st.booleans(), final=st.booleans())
    def run(lines, crlf, final):
        count("export.config_text")
        newline = "\r\n" if crlf else "\n"
        text = newline.join(lines) + (newline if final and lines else "")
        if _configparser(text) is None or "[profile hyp]" in text:
            return  # the AWS tools cannot read it either / a foreign section of that name (export refuses it)
        count("export.config_text (readable by configparser)")
        exported = merge_sections(text, first)
        assert exported.startswith(text)  # appended: every byte before it unchanged
        parser = _configparser(exported)
        assert parser is not None and parser.get("profile hyp", "credential_process").endswith("credential-process hyp")
        again = merge_sections(exported, second)  # re-export replaces only its own section
        assert again.replace(second["hyp"], first["hyp"]) == exported
        parser = _configparser(again)
        assert parser.get("profile hyp", "region") == "us-east-2"
        assert [line for line in split_lines(again) if MARKER in line] and len(split_lines(again)) == len(
            split_lines(exported))

    run()


def test_re_export_in_the_middle_of_arbitrary_config_text():
    folder = tempfile.mkdtemp()
    store = ProfileStore(folder)
    store.add(Profile.new("hyp", Connection(method="access-key", region="eu-west-1")))
    profile = store.get("hyp")
    first = plan_sections(store, profile, "hyp", "process", PROGRAM)["hyp"]
    profile.connection.region = "us-east-2"
    second = plan_sections(store, profile, "hyp", "process", PROGRAM)["hyp"]

    @settings()
    @given(before=config_lines(), after=config_lines())
    def run(before, after):
        count("export.re_export_in_the_middle")
        head = "\n".join(before) + ("\n" if before else "")
        text = head + first + "\n".join(after)
        parser = _configparser(text)
        if parser is None or "[profile hyp]" in head + "\n".join(after):
            return
        if dict(parser.items("profile hyp")) != dict(_configparser(first).items("profile hyp")):
            return  # the lines after it continue its last value (configparser reads them as part of the section)
        count("export.re_export_in_the_middle (readable by configparser)")
        again = merge_sections(text, {"hyp": second})
        assert again == head + second + "\n".join(after)  # every byte outside the section unchanged
        assert _configparser(again).get("profile hyp", "region") == "us-east-2"

    run()
