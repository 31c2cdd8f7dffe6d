"""Take secrets out of text before it is shown, copied, logged or saved.

Known secret values are replaced wherever they appear; anything shaped like a secret access key (40 base64
characters with both cases) or a session token (a long base64 run) is replaced too, even when the caller did not pass
it; access key IDs are shortened to their first and last four characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
_B64 = "A-Za-z0-9/+"  # base64 without the "=" padding, which only ends a value (so "token=..." keeps its name)

# key = value forms (ini files, environment dumps, JSON, botocore debug output): the value goes whatever its shape.
# IAM Identity Center's JSON names its secrets accessToken, refreshToken, clientSecret, deviceCode, codeVerifier.
_NAMED = re.compile(
    r"(?i)((?:aws_)?(?:secret_access_key|session_token|security_token)|SecretAccessKey|SessionToken|"
    r"X-Amz-Security-Token|accessToken|refreshToken|clientSecret|deviceCode|codeVerifier|x-amz-sso_bearer_token)(\"?\s*[:=]\s*\"?)(?!<set>|<empty>)([^\s\"',;&]+)"
)
_TOKEN = re.compile(rf"(?<![{_B64}])[{_B64}]{{100,}}={{0,2}}")
_SECRET_KEY = re.compile(rf"(?<![{_B64}])(?=[{_B64}]*[a-z])(?=[{_B64}]*[A-Z])[{_B64}]{{40}}(?![{_B64}])")
_ACCESS_KEY_ID = re.compile(r"(?<![A-Za-z0-9])A[KS]IA[A-Z0-9]{12,124}(?![A-Za-z0-9])")


def mask_access_key_id(key_id: str) -> str:
    """ "AKIA…MPLE": the first and last four characters; "…" alone for anything shorter than a real key id."""
    return f"{key_id[:4]}\u2026{key_id[-4:]}" if len(key_id) >= 16 else "\u2026"


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every given secret, and anything that looks like a secret key or session token, replaced by
    "[redacted]", and access key IDs masked."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _NAMED.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _TOKEN.sub(REDACTED, text)
    text = _SECRET_KEY.sub(REDACTED, text)
    return _ACCESS_KEY_ID.sub(lambda m: mask_access_key_id(m.group(0)), text)
