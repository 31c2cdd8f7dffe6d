"""Offline checks of an MFA device (`mfa_serial`) and of a one-time code, with the limits of STS's own model."""

import pytest

from wizard.core import validation
from wizard.core.validation import MFA_DEVICE_NOTE, check_mfa_code, check_mfa_serial

SERIAL = "arn:aws:iam::123456789012:mfa/practice-user"


@pytest.mark.parametrize("raw, codes", [
    (SERIAL, ()),
    ("arn:aws-cn:iam::123456789012:mfa/alice", ()),
    ("arn:aws-us-gov:iam::123456789012:mfa/path/to/alice", ()),
    ("arn:aws:iam::123456789012:mfa/a", ()),
    ("GAHT12345678", ()),
    ("GAHT1234", ("bad-mfa-serial",)),  # 8: below STS's minimum of 9
    ("GAHT12345", ()),  # 9: the minimum
    ("", ()),  # optional
    (f"  {SERIAL}\n", ("whitespace-removed",)),
    ("arn:aws:iam::123456789012:user/alice", ("bad-mfa-serial",)),
    ("arn:aws:iam::123456789012:role/alice", ("bad-mfa-serial",)),
    ("arn:aws:sts::123456789012:mfa/alice", ("bad-mfa-serial",)),
    ("arn:aws:iam:us-east-1:123456789012:mfa/alice", ("bad-mfa-serial",)),
    ("arn:aws:iam::12345678901:mfa/alice", ("bad-mfa-serial",)),
    ("arn:aws:iam::123456789012:mfa/", ("bad-mfa-serial",)),
    ("arn:aws:iam::123456789012:mfa", ("bad-mfa-serial",)),
    ("arn:aws-moon:iam::123456789012:mfa/alice", ("unknown-partition",)),
    ("arn:aws:iam::123456789012:mfa/al ice", ("bad-characters",)),
    ("arn:aws:iam::123456789012:mfa/al!ce", ("bad-characters",)),
    ("alice", ("bad-mfa-serial",)),
    ("123456", ("bad-mfa-serial",)),
])
def test_mfa_serial(raw, codes):
    assert check_mfa_serial(raw).codes == codes


def test_mfa_serial_length_boundaries_come_from_the_sts_model():
    serial_limit, code_limit = validation._mfa_limits()
    assert (serial_limit.min, serial_limit.max) == (9, 256) and (code_limit.min, code_limit.max) == (6, 6)
    head = "arn:aws:iam::123456789012:mfa/"
    assert check_mfa_serial(head + "n" * (256 - len(head))).ok
    assert check_mfa_serial(head + "n" * (257 - len(head))).codes == ("too-long",)
    assert check_mfa_serial("G" * 256).ok and not check_mfa_serial("G" * 257).ok


def test_mfa_serial_messages_are_stable_and_helpful():
    found = check_mfa_serial("arn:aws:iam::123456789012:user/alice")
    assert "mfa/" in found.errors[0].text
    assert check_mfa_serial(f" {SERIAL} ").value == SERIAL


@pytest.mark.parametrize("raw, codes", [
    ("123456", ()),
    ("000000", ()),
    ("123 456", ()),
    (" 123456\n", ()),
    ("12345", ("bad-mfa-code",)),
    ("1234567", ("bad-mfa-code",)),
    ("12345a", ("bad-mfa-code",)),
    ("١٢٣٤٥٦", ("bad-mfa-code",)),  # Arabic-Indic digits: isdigit() but not what STS accepts
    ("", ("required",)),
    (None, ("required",)),
])
def test_mfa_code(raw, codes):
    assert check_mfa_code(raw).codes == codes


def test_the_page_note_names_fido_and_totp():
    assert "FIDO" in MFA_DEVICE_NOTE and "TOTP" in MFA_DEVICE_NOTE
