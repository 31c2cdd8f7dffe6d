"""wizard.core.arn: the one place ARNs are taken apart or built."""

from __future__ import annotations

import pytest

from wizard.core import arn


def test_parse_gives_every_part():
    found = arn.parse("arn:aws-cn:iam::111122223333:role/path/ReadOnly")
    assert (found.partition, found.service, found.region, found.account) == ("aws-cn", "iam", "", "111122223333")
    assert found.resource == "role/path/ReadOnly" and found.resource_type == "role"
    assert found.role_name == "ReadOnly" and str(found) == "arn:aws-cn:iam::111122223333:role/path/ReadOnly"


@pytest.mark.parametrize("text", ["", "ReadOnly", "arn:aws:iam", "arn:aws:iam::1", "aws:iam::111122223333:role/X"])
def test_what_is_not_an_arn(text):
    with pytest.raises(ValueError):
        arn.parse(text)
    assert arn.try_parse(text) is None and not arn.is_arn(text)
    assert arn.account(text) == "" and arn.partition(text) == ""


@pytest.mark.parametrize(("text", "name"), [
    ("arn:aws:iam::111122223333:role/ReadOnly", "ReadOnly"),
    ("arn:aws:iam::111122223333:role/team/a/ReadOnly", "ReadOnly"),
    ("arn:aws:sts::111122223333:assumed-role/ReadOnly/session-1", "ReadOnly"),
    ("  ReadOnly ", "ReadOnly"),  # a bare name stays a name
])
def test_role_name(text, name):
    assert arn.role_name(text) == name


def test_account_and_partition():
    assert arn.account("arn:aws:iam::111122223333:user/alice") == "111122223333"
    assert arn.partition("arn:aws-us-gov:iam::111122223333:root") == "aws-us-gov"
    assert arn.account("arn:aws:s3:::bucket") == ""  # S3 ARNs carry no account


@pytest.mark.parametrize(("role", "caller", "expected"), [
    ("ReadOnly", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/ReadOnly"),
    ("ReadOnly", "arn:aws-cn:sts::111122223333:assumed-role/X/s", "arn:aws-cn:iam::111122223333:role/ReadOnly"),
    ("/path/ReadOnly", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/path/ReadOnly"),
    ("arn:aws:iam::444455556666:role/X", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::444455556666:role/X"),
    ("arn:aws:iam::444455556666:role/X", "", "arn:aws:iam::444455556666:role/X"),  # a full ARN needs no caller
])
def test_role_arn_from_a_name_and_the_callers_arn(role, caller, expected):
    assert arn.role_arn(role, caller) == expected


def test_a_role_name_without_a_caller_arn_is_refused():
    with pytest.raises(ValueError):
        arn.role_arn("ReadOnly", "not-an-arn")
