"""`renew NAME`: new temporary credentials for a profile, by what it holds; and how the CLI gets an MFA code.

What `renew` does depends on the profile (`RENEWALS`, tried in order; another way to sign in adds its entry):
- an MFA device on a profile with its own access key: a new MFA session (GetSessionToken with a code: `--mfa-code`, or
  a no-echo prompt on a terminal), kept in the keychain; the old one is forgotten first;
- an MFA device on a cross-account profile (its role is assumed with a code): the role assumed again with a new code,
  kept in the keychain the same way (`wizard.core.credentials.renew_mfa`);
- a session token entered with the keys (ASIA...): a new token (and optionally a new key), read like `add` reads
  secrets (standard input or a no-echo prompt), as the manager's Renew does.

An MFA code is a secret: it comes from `--mfa-code` (short-lived, used once) or a no-echo prompt, is never printed, and
never enters an error message. No Qt here, except `gui_code_prompter`, which imports it when it runs.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

from wizard.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from wizard.commands.common import guarded as _guarded
from wizard.core.i18n import shown, translate
from wizard.core.keychain import SecretStore
from wizard.core.profiles import Profile, ProfileStore

RENEW_HINT = "aws-connection-wizard renew {name}"


# -- the MFA code on the command line ----------------------------------------------------------------------------------
def terminal_code_prompter(profile_name: str = "") -> Callable[[str], str | None]:
    """Asks for the code on the terminal without echo (called in the test's worker thread, only when needed)."""

    def ask(device: str) -> str | None:
        what = translate("renew", " for {name}").format(name=profile_name) if profile_name else ""
        return getpass.getpass(translate("renew", "MFA code{what} (device {device}): ").format(
            what=what, device=device)).strip() or None

    return ask


def cli_code_prompter(args, profile_name: str = "", stdin=None):
    """The code prompter of a command (`wizard.core.credentials.MfaCode`): `--mfa-code`, else a no-echo prompt when
    standard input is a terminal, else None (a needed code then fails with "--mfa-code")."""
    code = getattr(args, "mfa_code", None)
    if code:
        return code
    stdin = stdin or sys.stdin
    if stdin is not None and stdin.isatty():
        return terminal_code_prompter(profile_name)
    return None


def has_display(environ=None) -> bool:
    environ = os.environ if environ is None else environ
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def gui_code_prompter(profile_name: str) -> Callable[[str], str | None]:
    """Asks for the code in a small window (credential-process --prompt gui, run by the AWS CLI with no terminal).
    Qt is imported only when a code is really needed."""

    def ask(device: str) -> str | None:
        from PySide6.QtWidgets import QApplication

        from wizard.ui.mfa_prompt import ask_mfa_code

        app = QApplication.instance() or QApplication(["aws-connection-wizard"])  # noqa: F841 - kept alive
        return ask_mfa_code(device, profile_name=profile_name)

    return ask


def add_mfa_code_option(parser) -> None:
    parser.add_argument("--mfa-code", metavar="CODE",
                        help=translate("renew", "the six-digit code your MFA device shows now (without it, a terminal asks "
                                                 "for it)"))


# -- renew ---------------------------------------------------------------------------------------------------------------
def holds_mfa_device(profile: Profile) -> bool:
    """An MFA device whose code wins credentials kept until they expire: long-term keys with a device (temporary keys
    can't start an MFA session: their token is renewed), or a cross-account role assumed with a code."""
    from wizard.core.credentials import keeps_mfa_credentials

    return keeps_mfa_credentials(profile.connection)


class _Renewing:
    """`credentials.renew_mfa` for a profile, as a source `_resolve_or_explain` resolves."""

    def __init__(self, profile: Profile, store: ProfileStore, secret_store: SecretStore, prompter):
        self.profile, self.store, self.secret_store, self.prompter = profile, store, secret_store, prompter

    def resolve(self):
        from wizard.core import credentials

        return credentials.renew_mfa(self.profile, profile_store=self.store, secret_store=self.secret_store,
                                     mfa_code=self.prompter)


def renew_mfa_session(args, store: ProfileStore, secret_store: SecretStore, profile: Profile) -> str:
    """New MFA credentials for the profile (the old ones forgotten first): its MFA session, or its role assumed with
    the code. Returns the line to print."""
    prompter = cli_code_prompter(args, profile.name)
    if prompter is None:
        raise CommandError(translate("renew", "renewing the MFA session of {name!r} needs a code: --mfa-code CODE "
                                     "(or run it on a terminal to be asked)").format(name=profile.name), EXIT_USAGE)
    found = _resolve_or_explain(_Renewing(profile, store, secret_store, prompter), profile)
    return translate("renew", "New MFA session for {name}, valid until {when}.").format(
        name=profile.name, when=_when(found.expiration))


def _resolve_or_explain(source, profile: Profile):
    """Resolve a source; AWS's refusal becomes its diagnosis (code, summary, remedy; never a secret or the code)."""
    from wizard.core import diagnoses
    from wizard.core.credentials import CredentialsError

    try:
        return source.resolve()
    except CredentialsError:
        raise  # its message names what is missing (the caller may explain an expired session further)
    except ValueError as exc:  # a malformed code (checked offline)
        raise CommandError(shown(exc), EXIT_USAGE) from None
    except Exception as exc:  # noqa: BLE001 - botocore errors: their diagnosis
        from wizard.core.credentials import uses_mfa_session

        step = "identity" if uses_mfa_session(profile.connection) else getattr(exc, "step", "assume-role")
        found = diagnoses.diagnose_mfa(exc, True) or diagnoses.diagnose(exc, step=step, connection=profile.connection)
        raise CommandError(f"{found.code}: {diagnoses.shown(found.summary)}. "
                           f"{diagnoses.shown(found.remedy)}", EXIT_FAILED) from None


def renew_session_token(args, store: ProfileStore, secret_store: SecretStore, profile: Profile) -> str:
    """A new session token (and optionally a new key) for temporary keys, as the manager's Renew does."""
    from wizard.commands.profiles import read_secrets
    from wizard.core import profile_service

    new = read_secrets()
    profile_service.renew(store, secret_store, profile.name, new.session_token,
                          secret_access_key=new.secret_access_key)
    return translate("renew", "Renewed the session token of {name} (untested: aws-connection-wizard test {name}).")\
        .format(name=profile.name)


def _holds_session_token(profile: Profile) -> bool:
    from wizard.core.tokens import can_renew

    return can_renew(profile)


@dataclass(frozen=True)
class Renewal:
    kind: str  # what is renewed, for messages ("MFA session", "session token", ...)
    applies: Callable[[Profile], bool]
    run: Callable  # (args, store, secret_store, profile) -> the line to print


def _is_sso(profile: Profile) -> bool:
    return profile.connection.method == "sso"


def renew_sso_login(args, store: ProfileStore, secret_store: SecretStore, profile: Profile) -> str:
    """A new IAM Identity Center login (`wizard.commands.sso`): in the browser with a display, else a device code."""
    from wizard.commands.sso import renew_sso

    code = renew_sso(args)
    if code != EXIT_OK:
        raise CommandError(translate("renew", "the IAM Identity Center login of {name!r} did not finish")
                           .format(name=profile.name), code)
    return translate("renew", "Logged in again for {name}.").format(name=profile.name)


# Tried in order; the first that applies renews. Another way to sign in adds its own entry here.
RENEWALS: list[Renewal] = [
    Renewal("IAM Identity Center login", _is_sso, renew_sso_login),
    Renewal("MFA session", holds_mfa_device, renew_mfa_session),
    Renewal("session token", _holds_session_token, renew_session_token),
]


def _when(epoch) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(epoch)) if epoch else translate("renew", "unknown")


def cmd_renew(args) -> int:
    from wizard.commands.profiles import _profile

    store, secret_store = ProfileStore(), SecretStore()
    profile = _profile(store, args.name)
    for renewal in RENEWALS:
        if renewal.applies(profile):
            print(renewal.run(args, store, secret_store, profile))
            return EXIT_OK
    raise CommandError(translate("renew", "profile {name!r} holds nothing to renew (no MFA device, no session "
                                 "token)").format(name=profile.name), EXIT_USAGE)


def register(subparsers) -> None:
    help_text = translate("renew", "Renew a profile's temporary credentials: a new MFA session, or a new session "
                                     "token.")
    p = subparsers.add_parser(
        "renew", help=help_text, description=help_text + " " + translate(
            "renew", "With an MFA device: the code from --mfa-code or a no-echo prompt. With a session token: the "
                     "new token (and secret) from standard input or a no-echo prompt."))
    p.set_defaults(run=_guarded(cmd_renew))
    p.add_argument("name", metavar="NAME")
    add_mfa_code_option(p)
    p.add_argument("--device-code", action="store_true",
                   help=translate("renew", "an sso profile: log in with a device code instead of opening a browser"))
