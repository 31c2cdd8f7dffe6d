"""Hostile values given to the field checks: never an exception, and nothing with a line break or control character
passes (every value written into an AWS file is one line of allowed characters)."""

from __future__ import annotations

import pytest

from wizard.core.validation import KEYS, LABELS, check_field, unsafe_characters


@pytest.mark.parametrize("raw", ["~nosuchuser/ca.pem", "/tmp/" + "a" * 300 + "/ca.pem", "/proc/self/mem", "~\0",
                                 "/dev/null\n[profile evil]"])
def test_ca_bundle_paths_never_crash(raw):
    check = check_field("ca_bundle", raw)
    assert check.errors, raw


def test_a_proc_file_that_refuses_reading_is_an_error_not_an_exception():
    check = check_field("ca_bundle", "/proc/self/mem")
    assert check.codes == ("file-missing",) and "cannot be used" in check.errors[0].text


@pytest.mark.parametrize("raw", ["²", "٣٦٠٠", "1e3", "9" * 5000, "3600\n"])
def test_duration_only_takes_ascii_digits(raw):
    check = check_field("duration", raw)
    assert check.value == "3600" or "duration-range" in check.codes


@pytest.mark.parametrize("key", ["endpoint_url", "proxy"])
@pytest.mark.parametrize("raw", ["http://\x00", "http://a\x00b", "http://host\x85x", "http://h\x0cx:3128",
                                 "https://h/\u2028x", "http://h\u200b.example.com", "http://é.example.com"])
def test_urls_refuse_control_and_invisible_characters(key, raw):
    assert not check_field(key, raw).ok


def test_cleaning_removes_mixed_invisible_and_blank_characters():
    check = check_field("region", "\u200b \u200bus-east-1 \u200b\n")
    assert check.value == "us-east-1"
    assert check_field("region", "\u200b \u200bX").value == "X"


@pytest.mark.parametrize("key", [k for k in KEYS])
@pytest.mark.parametrize("inner", ["\n", "\r", "\x85", "\x0c", "\x00", "\u2028", "\x1b", "\u202e"])
def test_no_field_accepts_a_line_break_or_control_character_inside(key, inner):
    samples = {"region": "us-east-1", "service": "s3", "role": "ReadOnly", "source": "profile:a",
               "role_arn": "arn:aws:iam::123456789012:role/R", "endpoint_url": "https://x.example.com",
               "proxy": "http://p.example.com:3128", "duration": "3600", "ca_bundle": "/etc/hosts"}
    value = samples.get(key, "abcdefgh")
    raw = value[:3] + inner + "[profile evil]" + inner + value[3:]
    check = check_field(key, raw)
    assert not check.ok, (key, raw, check.value)
    if unsafe_characters(check.value):  # left in after cleaning: refused with the field named
        assert any(LABELS[key] in m.text for m in check.errors), check.errors


def test_the_field_is_named_in_the_refusal():
    check = check_field("external_id", "abc\x00def")
    assert check.errors[0].code == "bad-characters" and "External ID" in check.errors[0].text


@pytest.mark.parametrize("raw", ["profile:", "profile:a\nb", "profile:-x", "profile:" + "a" * 65])
def test_source_profile_names_follow_the_profile_name_rule(raw):
    assert "unknown-source" in check_field("source", raw).codes or not check_field("source", raw).ok
