"""What every subcommand shares: its exit codes, the one error it raises, and the guard that turns known failures into a
message on standard error and the right exit code.

No Qt, and nothing here imports `wizard.cli` (the CLI imports the commands, never the other way round).
"""

from __future__ import annotations

import functools
import os
import sys
from enum import IntEnum

PROGRAM = "aws-connection-wizard"


class ExitCode(IntEnum):
    OK = 0  # done, or the check passed
    FAILED = 1  # the check ran and failed (a test, an identity that could not be found)
    USAGE = 2  # bad input or usage
    ENVIRONMENT = 3  # the environment is in the way: keychain, unreadable profile file, metadata disabled


EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ENVIRONMENT = ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.ENVIRONMENT


class CommandError(Exception):
    """A message for standard error and the exit code to return."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = ExitCode(code)


def fail(message: str) -> None:
    print(f"{PROGRAM}: {message}", file=sys.stderr)


def warn(message: str) -> None:
    """A warning on standard error, "warning: " in the user's language before it."""
    from wizard.core.i18n import translate

    print(translate("common", "warning: {message}").format(message=message), file=sys.stderr)


def guarded(fn):
    """Run a subcommand (`fn(args) -> exit code`), turning the known failures into a message on standard error and
    their exit code: CommandError its own; keychain and profile-file problems 3; an invalid profile 2; a credential
    that could not be found as `wizard.core.credentials.CredentialsError` says."""

    @functools.wraps(fn)
    def run(args) -> int:
        from wizard.core.i18n import localized, shown, translate
        from wizard.core.keychain import KeychainError
        from wizard.core.profiles import ProfileError, StoreError

        try:
            return fn(args)
        except CommandError as exc:
            fail(str(exc))
            return exc.code
        except KeychainError as exc:
            fail(translate("common", "keychain problem ({code}): {message}").format(code=exc.code,
                                                                                  message=localized(exc.message)))
            return ExitCode.ENVIRONMENT
        except StoreError as exc:
            fail(translate("common", "profile file problem: {problem}").format(problem=shown(exc)))
            return ExitCode.ENVIRONMENT
        except ProfileError as exc:
            fail(shown(exc))
            return ExitCode.USAGE
        except Exception as exc:  # the other classes are disjoint from these
            from wizard.core.credentials import CredentialsError  # loaded when something failed: `list` never needs it

            if not isinstance(exc, CredentialsError):
                raise
            fail(shown(exc))
            return credentials_exit_code(exc)

    return run


def credentials_exit_code(exc) -> ExitCode:
    """The exit code for a `CredentialsError`: a profile name that doesn't exist or has no keys is bad input; a secret
    missing from the keychain or a loop of source profiles is the environment; no instance role here is a failed
    check."""
    return {"unknown-profile": ExitCode.USAGE, "no-own-keys": ExitCode.USAGE, "no-instance-role": ExitCode.FAILED
            }.get(exc.reason, ExitCode.ENVIRONMENT)


def write_out(text: str | bytes) -> None:
    """All of `text` (or bytes already encoded) on standard output. A pipe takes a large text in parts, and Python's
    own write stops quietly after the first part when the reader has gone; here every part is written, so a reader
    that stopped early (`| head`) always ends the command with BrokenPipeError (cli.main: status 141)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture, an embedding program)
        sys.stdout.write(text.decode(sys.stdout.encoding or "utf-8") if isinstance(text, bytes) else text)
        return
    sys.stdout.flush()
    data = memoryview(text if isinstance(text, bytes) else text.encode(sys.stdout.encoding or "utf-8"))
    while data:
        data = data[os.write(fd, data):]


def json_text(value) -> str:
    """`json.dumps(value, indent=2)`, the same text, several times faster for `list --json` of many profiles (the
    standard library's indented encoder is its pure-Python one). Anything but dicts with string keys, lists, strings,
    numbers, booleans and None goes to json.dumps itself."""
    import json
    from json.encoder import encode_basestring_ascii  # the C version when built

    parts: list[str] = []
    try:
        _emit(value, parts, "\n", encode_basestring_ascii)
    except _Unusual:
        return json.dumps(value, indent=2)
    return "".join(parts)


class _Unusual(Exception):
    """A value json_text leaves to json.dumps."""


_LITERALS = {None: "null", True: "true", False: "false"}


def _leaf(value, string) -> str | None:
    """The JSON text of a string, None, boolean, int or finite float; None for anything else (a container, or a value
    left to json.dumps: it raises _Unusual)."""
    kind = type(value)
    if kind is str:
        return string(value)
    if value is None or kind is bool:
        return _LITERALS[value]
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        import math

        if not math.isfinite(value):
            raise _Unusual  # NaN and infinities: json.dumps's own words for them
        return float.__repr__(value)
    return None


def _emit(value, out: list[str], newline: str, string) -> None:
    text = _leaf(value, string)
    if text is not None:
        out.append(text)
    elif type(value) is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            text = _leaf(item, string)
            if text is not None:  # most values: no call of _emit for them
                out.append(f"{separator}{string(key)}: {text}")
            else:
                out.append(f"{separator}{string(key)}: ")
                _emit(item, out, inner, string)
            separator = "," + inner
        out.append(newline + "}")
    elif type(value) in (list, tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _emit(item, out, inner, string)
            separator = "," + inner
        out.append(newline + "]")
    else:
        raise _Unusual
