"""IAM Identity Center subcommands: `login NAME [--device-code]`, and `renew NAME` for an sso profile (a new login).

The login's tokens go to the keychain only (shared by every profile of the same start URL and SSO region). A browser is
opened only where there is a display (a desktop session); otherwise, or with --device-code, the code and verification
URL are printed for the user to open on any device. `sso_credentials()` is what `credential-process` prints for an sso
profile: GetRoleCredentials with the cached (or silently refreshed) access token; a login needed exits 1 and names the
command to run. No Qt.
"""

from __future__ import annotations

import os
import sys
import threading

from wizard.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, PROGRAM, CommandError
from wizard.commands.common import guarded as _guarded
from wizard.core.i18n import translate


def _sso_profile(store, name: str):
    try:
        profile = store.get(name)
    except KeyError:
        raise CommandError(translate("profiles", "no profile named {name!r} (see: aws-connection-wizard list)")
                           .format(name=name), EXIT_USAGE) from None
    if profile.connection.method != "sso":
        raise CommandError(translate("sso", "profile {name!r} does not sign in through IAM Identity Center (method "
                                     "{method})").format(name=name, method=profile.connection.method), EXIT_USAGE)
    return profile


def has_display(environ=None, platform: str = sys.platform) -> bool:
    """True where a browser can be shown: macOS and Windows desktops, or an X11/Wayland session."""
    environ = os.environ if environ is None else environ
    if platform in ("darwin", "win32"):
        return not environ.get("SSH_CONNECTION")
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _open_browser(url: str) -> bool:
    import webbrowser

    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False


def _show_device_code(device) -> None:
    print(translate("sso", "To log in to IAM Identity Center, open this page in a browser (on any device):"), flush=True)
    print(f"    {device.verification_uri}", flush=True)
    print(translate("sso", "and enter the code:"), flush=True)
    print(f"    {device.user_code}", flush=True)
    print(translate("sso", "(or open {url} , which fills in the code)").format(url=device.verification_uri_complete),
          flush=True)
    print(translate("sso", "Waiting for the approval... (Ctrl+C cancels)"), flush=True)


def _explain(exc: BaseException, step: str) -> CommandError:
    from wizard.core.diagnoses import diagnose, shown

    d = diagnose(exc, step=step)
    return CommandError(f"{d.code}: {shown(d.summary)}. {shown(d.remedy)}",
                        EXIT_FAILED)


def run_login(profile, secret_store, *, device_code: bool = False, timeout: float | None = None) -> None:
    """A login for `profile`'s IAM Identity Center (blocking): the browser with PKCE where there is a display and
    --device-code is not given, else the device code printed on the terminal."""
    from wizard.core import sso_login
    from wizard.core.credentials import sso_owner, sso_target
    from wizard.core.sso_tokens import SsoTokenStore

    conn = profile.connection
    browser = None if device_code or not has_display() else _open_browser
    if browser is not None:
        print(translate("sso", "Opening the browser to log in to {url} ...").format(url=conn.sso_start_url), flush=True)
    cancel = threading.Event()
    try:
        sso_login.login(sso_target(conn), sso_owner(conn), SsoTokenStore(secret_store), open_browser=browser,
                        show_device_code=_show_device_code, cancel=cancel,
                        timeout=timeout or sso_login.DEFAULT_LOGIN_TIMEOUT)
    except KeyboardInterrupt:
        cancel.set()
        raise CommandError(translate("sso", "the login was cancelled"), EXIT_FAILED) from None
    except sso_login.SsoLoginError as exc:
        if exc.code == "cancelled":
            raise CommandError(translate("sso", "the login was cancelled"), EXIT_FAILED) from None
        raise _explain(exc, "sso-login") from None
    except Exception as exc:  # botocore's errors: their diagnosis (never a token)
        from wizard.core.keychain import KeychainError

        if isinstance(exc, KeychainError):
            raise
        raise _explain(exc, "sso-login") from None


def cmd_login(args) -> int:
    from wizard.core.keychain import SecretStore
    from wizard.core.profiles import ProfileStore

    if args.timeout is not None and args.timeout <= 0:
        raise CommandError(translate("profiles", "--timeout must be positive"), EXIT_USAGE)
    profile = _sso_profile(ProfileStore(), args.name)
    run_login(profile, SecretStore(), device_code=args.device_code, timeout=args.timeout)
    print(translate("sso", "Logged in to IAM Identity Center for {name} (the tokens are in the keychain). Test it "
                           "with: {program} test {name}").format(name=profile.name, program=PROGRAM))
    return EXIT_OK


def renew_sso(args) -> int:
    """`renew NAME` for an sso profile: a new login (what renews an IAM Identity Center session). A `renew` command
    registered elsewhere (session tokens, MFA) dispatches here for sso profiles."""
    args.device_code = getattr(args, "device_code", False)
    args.timeout = getattr(args, "timeout", None)
    return cmd_login(args)


def sso_credentials(profile, secret_store):
    """credential-process for an sso profile: the role's credentials (GetRoleCredentials) with the cached or silently
    refreshed access token. A login needed: exit 1 naming `login NAME`; other failures: their diagnosis."""
    from wizard.core.credentials import SsoRole
    from wizard.core.sso_login import SsoLoginError

    source = SsoRole(profile.connection, secret_store)
    try:
        token, _state = source.token()
    except SsoLoginError as exc:
        raise CommandError(f"{exc.code}: " + translate(
            "sso", "not logged in to IAM Identity Center for {name!r} (or the session ended); run: {program} login "
                   "{name}").format(name=profile.name, program=PROGRAM), EXIT_FAILED) from None
    except Exception as exc:  # a failure to reach IAM Identity Center: its diagnosis
        from wizard.core.keychain import KeychainError

        if isinstance(exc, KeychainError):
            raise
        raise _explain(exc, "sso-token") from None
    try:
        return source.role_credentials(token)
    except Exception as exc:  # noqa: BLE001 - the portal's refusal (login required, not assigned) explained
        error = _explain(exc, "role-credentials")
        if str(error).startswith("sso-login-required"):
            error = CommandError(f"{error} " + translate("sso", "Run: {program} login {name}").format(
                program=PROGRAM, name=profile.name), EXIT_FAILED)
        raise error from None


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "login", help=translate("sso", "Log in to IAM Identity Center for an sso profile."),
        description=translate("sso", "Log in to IAM Identity Center for an sso profile: in the browser where there is "
                                     "a display, else with a device code printed here. The tokens are kept in the "
                                     "keychain only."))
    p.set_defaults(run=_guarded(cmd_login))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--device-code", action="store_true",
                   help=translate("sso", "print a code and a URL to open on any device instead of opening a browser here"))
    p.add_argument("--timeout", metavar="S", type=float, help=translate("sso", "give up when not approved within S seconds"))
