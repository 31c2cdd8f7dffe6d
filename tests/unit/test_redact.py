"""Secrets never survive redaction; access key IDs are masked; ordinary text is left alone."""

import base64
import json
import secrets

import pytest

from wizard.core.redact import REDACTED, mask_access_key_id, redact_text

KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def _secret_key():
    while True:  # real secret keys always mix cases; the pattern relies on it
        value = base64.b64encode(secrets.token_bytes(30)).decode()
        if any(c.islower() for c in value) and any(c.isupper() for c in value):
            return value


def _session_token():
    return base64.b64encode(secrets.token_bytes(266)).decode()


@pytest.mark.parametrize(
    ("key_id", "masked"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "AKIA\u2026MPLE"),
        ("ASIAY34FZKBOKMUTVV7A", "ASIA\u2026VV7A"),
        ("AKIA", "\u2026"),
        ("", "\u2026"),
    ],
)
def test_mask_access_key_id(key_id, masked):
    assert mask_access_key_id(key_id) == masked


@pytest.mark.parametrize("layout", ["plain", "ini", "json", "env", "url", "log"])
def test_unnamed_secrets_never_survive(layout):
    for _ in range(50):
        secret, token = _secret_key(), _session_token()
        text = {
            "plain": f"key {KEY_ID} secret {secret} token {token}",
            "ini": f"aws_access_key_id = {KEY_ID}\naws_secret_access_key = {secret}\naws_session_token = {token}\n",
            "json": json.dumps({"AccessKeyId": KEY_ID, "SecretAccessKey": secret, "SessionToken": token}),
            "env": f"AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={secret}\nAWS_SESSION_TOKEN={token}",
            "url": f"https://s3.amazonaws.com/b?X-Amz-Credential={KEY_ID}&X-Amz-Security-Token={token}&s={secret}",
            "log": f"Credentials(access_key={KEY_ID!r}, secret_key={secret!r}, token={token!r})",
        }[layout]
        out = redact_text(text)
        assert secret not in out and token not in out and KEY_ID not in out
        assert secret[:20] not in out and token[:40] not in out and token[-40:].rstrip("=") not in out
        assert REDACTED in out and "AKIA\u2026MPLE" in out


def test_given_secrets_replaced_whatever_their_shape():
    text = "password hunter2 and hunter2 again; token=abc; short-secret"
    out = redact_text(text, ["hunter2", "", "short-secret"])
    assert "hunter2" not in out and "short-secret" not in out
    assert out.count(REDACTED) == 3


def test_overlapping_given_secrets_longest_first():
    out = redact_text("value abcdef123", ["abc", "abcdef123"])
    assert out == f"value {REDACTED}"


def test_ordinary_text_is_left_alone():
    text = (
        "Step identity ok in 120 ms: arn:aws:iam::123456789012:user/alice\n"
        "External ID 1610bfeb783d81a6d569fc617a513226902cb87e (hex, one case)\n"
        "Secrets(secret_access_key=<set>, session_token=<empty>)\n"
        "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt"
    )
    assert redact_text(text) == text


def test_named_value_redacted_even_when_short():
    assert redact_text("aws_session_token = tooShort") == f"aws_session_token = {REDACTED}"
    assert redact_text('"SecretAccessKey": "x/y"') == f'"SecretAccessKey": "{REDACTED}"'
