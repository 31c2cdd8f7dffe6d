"""TOTP for practice mode's virtual MFA device: RFC 6238's own test vector, the live code and its seconds left."""

import base64

import pytest

from wizard.core import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238 appendix B, SHA-1


@pytest.mark.parametrize("when, expected", [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                                            (2000000000, "279037")])
def test_rfc_6238_vectors_six_digits(when, expected):
    assert totp.code_at(RFC_SECRET, when) == expected  # the RFC's 8-digit values, last six digits


def test_current_code_and_seconds_left():
    assert totp.current_code(RFC_SECRET, 59).seconds_left == 1
    assert totp.current_code(RFC_SECRET, 60).seconds_left == 30
    assert totp.current_code(RFC_SECRET, 75.9).seconds_left == 15
    assert totp.current_code(RFC_SECRET, 60).code == totp.current_code(RFC_SECRET, 89).code
    assert totp.current_code(RFC_SECRET, 60).code != totp.current_code(RFC_SECRET, 90).code
    live = totp.current_code(totp.new_secret())
    assert len(live.code) == 6 and live.code.isdigit() and 1 <= live.seconds_left <= 30
    assert live.code not in repr(live)


def test_matching_window_allows_one_step_of_drift():
    secret = totp.new_secret()
    now = 1_800_000_015
    assert totp.matching_window(secret, totp.code_at(secret, now), now) == totp.window(now)
    assert totp.matching_window(secret, totp.code_at(secret, now - 30), now) == totp.window(now) - 1
    assert totp.matching_window(secret, totp.code_at(secret, now + 30), now) == totp.window(now) + 1
    assert totp.matching_window(secret, totp.code_at(secret, now - 90), now) in (None, totp.window(now - 90))
