"""Profile subcommands: list, show, add, test, remove, rename, import, export, credential-process.

No Qt. Secrets come from standard input (one per line) or a no-echo prompt, never from arguments; the only place a
secret is ever printed is credential-process's standard output, which is where the AWS tools asked for it.
Exit codes (`wizard.commands.common.ExitCode`): 0 ok, 1 the check failed, 2 bad input, 3 environment problem (keychain,
unreadable profile file).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
from pathlib import Path

from wizard.commands.common import (EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, json_text, warn,
                                    write_out)
from wizard.commands.common import guarded as _guarded
from wizard.core import proxy_auth
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import Profile, ProfileStore, StoreError, default_home
from wizard.core.i18n import QT_TRANSLATE_NOOP, localized, shown, translate

RECURSION_GUARD = "AWSCW_IN_CREDENTIAL_PROCESS"


def _profile(store: ProfileStore, name: str) -> Profile:
    try:
        return store.get(name)
    except KeyError:
        raise CommandError(
            translate("profiles", "no profile named {name!r} (see: aws-connection-wizard list)").format(name=name),
            EXIT_USAGE,
        ) from None


# -- practice mode's profiles: `--practice list` and `--practice show NAME` read them ---------------------------------
def practice_home() -> Path:
    """Where the practice window keeps its profiles while it is open (`wizard.practice.session`): under the real
    store's home."""
    from wizard.practice.session import PRACTICE_DIR

    return default_home() / PRACTICE_DIR


PRACTICE_WHERE = QT_TRANSLATE_NOOP(
    "profiles",
    "Practice profiles exist only while the practice window is open (aws-connection-wizard --practice), "
    "in {home}; they are deleted when practice mode ends.",
)


def _listed_store(args) -> ProfileStore:
    """The store `list` and `show` read: the practice window's with --practice, else the real one."""
    return ProfileStore(practice_home()) if getattr(args, "practice", False) else ProfileStore()


def _shown_profile(args) -> Profile:
    """`show`'s profile; when it is missing, say whether it is (or would be) a practice profile and where those are."""
    practice = bool(getattr(args, "practice", False))
    store = _listed_store(args)
    try:
        return store.get(args.name)
    except KeyError:
        pass
    where = translate("profiles", PRACTICE_WHERE).format(home=practice_home())
    if practice:
        raise CommandError(
            translate("profiles", "no practice profile named {name!r}. {where}").format(name=args.name, where=where),
            EXIT_USAGE,
        )
    try:
        ProfileStore(practice_home()).get(args.name)
    except Exception:  # noqa: BLE001 - not there, or no readable practice store: the usual message and where
        raise CommandError(
            translate(
                "profiles",
                "no profile named {name!r} (see: aws-connection-wizard list). {where} See them "
                "with: aws-connection-wizard --practice list",
            ).format(name=args.name, where=where),
            EXIT_USAGE,
        ) from None
    raise CommandError(
        translate(
            "profiles", "{name!r} is a practice profile: aws-connection-wizard --practice show {name}. {where}"
        ).format(name=args.name, where=where),
        EXIT_USAGE,
    )


# -- list / show ---------------------------------------------------------------------------------------------------------
def summary(profile: Profile) -> dict:
    """Everything about a profile except its secrets, redacted (the JSON of `show --json`, one item of `list --json`):
    `wizard.core.describe.profile_json`."""
    from wizard.core.describe import profile_json

    return profile_json(profile)


# `list`'s column headings (the method, region and service columns hold the ids that `add` takes)
LIST_HEADINGS = (QT_TRANSLATE_NOOP("profiles", "NAME"), QT_TRANSLATE_NOOP("profiles", "METHOD"),
                 QT_TRANSLATE_NOOP("profiles", "REGION"), QT_TRANSLATE_NOOP("profiles", "SERVICE"),
                 QT_TRANSLATE_NOOP("profiles", "LAST TEST"), QT_TRANSLATE_NOOP("profiles", "TOKEN"))


def _when(epoch: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch)) if epoch else translate("profiles", "never")


def _status(profile: Profile) -> str:
    if profile.untested or not profile.tested_at:
        return translate("profiles", "untested")
    return f"{profile.last_result} ({_when(profile.tested_at)})"


def cmd_list(args) -> int:
    store = _listed_store(args)
    if args.json:
        from wizard.core import listing

        before = listing.file_state(str(store.path))
        items = [summary(p) for p in store.list()]
        text = json_text(items) + "\n"
        write_out(text)
        if not getattr(args, "practice", False) and all(item["token"]["kind"] == "none" for item in items) \
                and listing.file_state(str(store.path)) == before:  # unchanged while it was read
            listing.keep_listing(str(store.home), before, text)  # the next `list --json` copies it (cli.main)
        return EXIT_OK
    profiles = store.list()
    if not profiles and getattr(args, "practice", False):
        print(
            translate("profiles", "No practice profiles now. ")
            + translate("profiles", PRACTICE_WHERE).format(home=practice_home())
        )
        return EXIT_OK
    if not profiles:
        print(
            translate(
                "profiles",
                "No profiles yet. Create one with the wizard, or: aws-connection-wizard add NAME --method ...",
            )
        )
        return EXIT_OK
    rows = [tuple(translate("profiles", heading) for heading in LIST_HEADINGS)]
    for p in profiles:
        c = p.connection
        rows.append((p.name + (translate("profiles", " (practice)") if p.practice else ""), c.method, c.region,
                     c.service, _status(p), p.token_time().describe()))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return EXIT_OK


def cmd_show(args) -> int:
    from wizard.core.describe import connection_rows

    profile = _shown_profile(args)
    if args.json:
        print(json_text(summary(profile)))
        return EXIT_OK
    rows = [(translate("describe", label), value) for label, value in
            connection_rows(profile.connection, keychain=translate("profiles", "the OS keychain (never shown)"))]
    lines = [(translate("profiles", "Profile"), profile.name), (translate("profiles", "Id"), profile.id), *rows]
    lines.append((translate("profiles", "Last test"), _status(profile)))
    token = profile.token_time()
    if token.kind != "none":
        lines.append((translate("profiles", "Time left"), token.describe()))
    if profile.practice:
        lines.append(
            (translate("profiles", "Practice"), translate("profiles", "yes (local emulator only; never exported)"))
        )
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"{label + ':':<{width + 1}} {value}")
    return EXIT_OK


# -- add -------------------------------------------------------------------------------------------------------------------
def read_secrets(stream=None, prompt=getpass.getpass) -> Secrets:
    """The secrets of the field catalogue in order (the secret access key, then the optional session token): one per
    line from a pipe, or no-echo prompts."""
    return read_inputs(stream, prompt)[0]


PROXY_PASSWORD_LABEL = "Proxy password"


def read_inputs(stream=None, prompt=getpass.getpass, *, keys: bool = True, proxy_password: bool = False
                ) -> tuple[Secrets, str]:
    """(secrets, proxy password): the connection's secrets when `keys` (the secret access key, then the optional
    session token), then the proxy's password when `proxy_password`; one per line from a pipe, or no-echo prompts."""
    from wizard.core.fields import secret_fields

    stream = stream or sys.stdin
    wanted = [(f.key, f.label, f.optional) for f in secret_fields()] if keys else []
    if proxy_password:
        wanted.append(("proxy_password", PROXY_PASSWORD_LABEL, True))
    if stream.isatty():
        found = {key: prompt(f"{label}{' (empty if none)' if optional else ''}: ") for key, label, optional in wanted}
    else:
        lines = [line.rstrip("\r\n") for line in stream.read().splitlines()] if wanted else []
        found = {key: line for (key, _label, _optional), line in zip(wanted, lines)}
    password = found.pop("proxy_password", "")
    secrets = Secrets()
    for key, value in found.items():
        setattr(secrets, key, value)
    return secrets, password


def connection_from_args(args) -> Connection:
    """A connection holding what the options gave (one option per field of the catalogue that has a flag)."""
    from wizard.core.fields import CATALOGUE, store

    conn = Connection()
    for f in CATALOGUE:
        value = getattr(args, f.key, None) if f.cli_flag else None
        if value is not None:
            store(conn, None, f.key, value)
    return conn


def validate(conn: Connection, secrets: Secrets) -> tuple[Connection, Secrets, list[str], list[str]]:
    """The connection and secrets with the catalogue's cleaned values, error lines and warning lines (label, text and
    code; never a value)."""
    from wizard.core.fields import cleaned, without_unused
    from wizard.core.validation import in_language, label_of

    conn, secrets, checks = cleaned(conn, secrets)
    conn, secrets = without_unused(conn, secrets)  # an option the method doesn't use is not checked, so not kept
    errors, warnings = [], []
    for key, check in checks.items():
        label = in_language(label_of(key))
        errors += [f"{label}: {m.localized()} [{m.code}]" for m in check.errors]
        warnings += [f"{label}: {m.localized()} [{m.code}]" for m in check.warnings]
    return conn, secrets, errors, warnings


def cmd_add(args) -> int:
    from wizard.core.profiles import save_connection

    store = ProfileStore()
    if args.name in store.names():
        raise CommandError(
            translate("profiles", "a profile named {name!r} already exists").format(name=args.name), EXIT_USAGE
        )
    conn = connection_from_args(args)
    secrets, proxy_password = read_inputs(keys=conn.uses_keys, proxy_password=bool(conn.network.proxy_user))
    conn, secrets, errors, warnings = validate(conn, secrets)
    for line in warnings:
        warn(line)
    if errors:
        for line in errors:
            print(translate("common", "error: {message}").format(message=line), file=sys.stderr)
        return EXIT_USAGE
    profile = save_connection(store, SecretStore(), args.name, conn, secrets, untested=True,
                              practice=bool(getattr(args, "practice", False)))
    proxy_auth.save_password(SecretStore(), profile.id, conn, proxy_password)
    where = translate("profiles", " (secrets in {0})").format(SecretStore().backend_name()) if conn.uses_keys else ""
    print(translate("profiles", "Saved profile {name}, untested{where}. Test it with: aws-connection-wizard test {name}")
          .format(name=profile.name, where=where))
    return EXIT_OK


# -- test ------------------------------------------------------------------------------------------------------------------
def _load_models_in_background(service: str):
    """A thread importing botocore and parsing the STS and `service` models and endpoint rules into the shared loader
    (`wizard.core.aws.warm_up`), while the keychain is read."""
    import contextlib
    import threading

    def load() -> None:
        from wizard.core import aws

        with contextlib.suppress(Exception):  # only an optimisation: the test's own clients load what they need
            aws.warm_up(("sts", service))

    thread = threading.Thread(target=load, name="botocore-models", daemon=True)
    thread.start()
    return thread


def cmd_test(args) -> int:
    from wizard.core.credentials import plan_test
    from wizard.core.profiles import record_test

    store, secret_store = ProfileStore(), SecretStore()
    profile = _profile(store, args.name)
    if args.timeout is not None and args.timeout <= 0:
        raise CommandError(translate("profiles", "--timeout must be positive"), EXIT_USAGE)
    from wizard.commands.renew import cli_code_prompter

    models = _load_models_in_background(profile.connection.service)
    test = plan_test(profile, secret_store=secret_store, profile_store=store, timeout=args.timeout,  # the keychain
                     mfa_code=cli_code_prompter(args, profile.name))
    import asyncio

    models.join()  # botocore's data is parsed once, before the test's clients are made from it
    report = asyncio.run(test.run())
    if report.code == "timeout" and args.timeout is not None:
        print("aws-connection-wizard: "
              + translate("profiles", "the test did not finish within {seconds:g} s").format(seconds=args.timeout),
              file=sys.stderr)
    if report.ok or report.failure is not None:
        try:
            store.update(record_test(store.get_by_id(profile.id), report))
        except (StoreError, KeyError) as exc:
            print(
                "aws-connection-wizard: "
                + translate("profiles", "the result was not recorded: {exc}").format(exc=shown(exc)),
                file=sys.stderr,
            )
    if args.json:
        print(json.dumps(report.to_json(profile.name), indent=2))
    else:
        print(report.to_text(), end="")
    return EXIT_OK if report.ok else EXIT_FAILED


# -- remove / import / export ----------------------------------------------------------------------------------------------
def cmd_remove(args) -> int:
    from wizard.core import profile_service

    store = ProfileStore()
    _profile(store, args.name)
    deleted = profile_service.delete(store, SecretStore(), args.name, force=args.force)
    print(translate("profiles", "Removed profile {name} and its keychain entries.").format(name=deleted.profile.name))
    if deleted.forgot_login:
        print(translate("profiles", "Removed the IAM Identity Center login's tokens (no other profile uses that login)."))
    if deleted.orphaned:
        warn(translate("profiles", "{names} assumed their role with its keys and will fail until their source is "
                       "changed (aws-connection-wizard show NAME)").format(names=", ".join(deleted.orphaned)))
    return EXIT_OK


def cmd_rename(args) -> int:
    from wizard.core import profile_service

    store = ProfileStore()
    _profile(store, args.old)
    renamed = profile_service.rename(store, args.old, args.new)
    print(
        translate(
            "profiles", "Renamed profile {old} to {new} (its keychain entries and its cross-account users follow)."
        ).format(old=args.old, new=renamed.name)
    )
    return EXIT_OK


def cmd_import(args) -> int:
    from pathlib import Path

    from botocore.exceptions import BotoCoreError

    from wizard.core.awsconfig import config_path, credentials_path, import_profiles

    config = Path(args.config) if args.config else config_path()
    credentials = Path(args.credentials) if args.credentials else credentials_path()
    for path in (args.config, args.credentials):
        if path and not Path(path).is_file():
            raise CommandError(translate("profiles", 'no such file: {path}').format(path=path), EXIT_USAGE)
    try:
        items = import_profiles(ProfileStore(), SecretStore(), config, credentials)
    except (BotoCoreError, OSError, UnicodeDecodeError) as exc:
        raise CommandError(
            translate("profiles", "cannot read the AWS files: {exc}").format(exc=exc), EXIT_USAGE
        ) from None
    if getattr(args, "json", False):
        print(json.dumps([item.to_json() for item in items], indent=2))
        return EXIT_OK
    if not items:
        print(
            translate("profiles", "No profiles found in {config} or {credentials}.").format(
                config=config, credentials=credentials
            )
        )
    for item in items:
        if item.status == "imported":
            print(translate("profiles", "imported  {name}  ({method}, untested)").format(name=item.aws_name,
                                                                              method=item.profile.connection.method))
        else:
            print(translate("profiles", "skipped   {name}  ({reason})").format(name=item.aws_name,
                                                                             reason=localized(item.reason)))
    return EXIT_OK


def cmd_export(args) -> int:
    from pathlib import Path

    from wizard.core.awsconfig import ExportError, export_profile

    store = ProfileStore()
    _profile(store, args.name)
    try:
        result = export_profile(store, args.name, to=Path(args.to) if args.to else None, aws_name=args.aws_name,
                                style=args.style, replace=args.replace)
    except ExportError as exc:
        raise CommandError(shown(exc), EXIT_USAGE) from None
    if result.backup:
        print(translate("profiles", "Backed up {path} to {backup}").format(path=result.path, backup=result.backup))
    sso_sdk = result.style == "sdk" and store.get(args.name).connection.method == "sso"
    kind = (
        translate("profiles", "role_arn + source_profile (the SDK assumes the role)")
        if result.style == "sdk"
        else "credential_process"
    )
    if sso_sdk:
        kind = translate("profiles", "sso-session + sso_account_id/sso_role_name (the AWS CLI logs in itself)")
    print(
        translate("profiles", "Wrote [{sections}] into {path} as {kind}.").format(
            sections=", ".join(result.sections), path=result.path, kind=kind
        )
    )
    if sso_sdk:
        print(translate("profiles", "Log in with: aws sso login --profile {name}. The AWS CLI then keeps its own IAM "
                        "Identity Center tokens in a cache on disk (~/.aws/sso/cache), outside the keychain; this "
                        "program's login is not shared with it.").format(name=result.aws_name))
    print(
        translate("profiles", "Use it with: aws sts get-caller-identity --profile {name}").format(name=result.aws_name)
    )
    for warning in result.warnings:
        warn(localized(warning))
    return EXIT_OK


# -- credential-process ------------------------------------------------------------------------------------------------------
def credential_process_output(credentials, expiration: float | None) -> dict:
    """credential_process Version 1 JSON (https://docs.aws.amazon.com/cli/latest/topic/config-vars.html) for
    `credentials` (`wizard.core.credentials.Credentials`)."""
    from wizard.core.tokens import to_iso

    out = {"Version": 1, "AccessKeyId": credentials.access_key_id, "SecretAccessKey": credentials.secret_access_key}
    if credentials.session_token:
        out["SessionToken"] = credentials.session_token
    if expiration is not None:
        out["Expiration"] = to_iso(expiration)
    return out


def assume_role(store: ProfileStore, secret_store: SecretStore, profile: Profile, mfa_code=None):
    """Run AssumeRole for an assume-role / cross-account profile: the role's temporary credentials (with their
    expiration), through the same `wizard.core.credentials.assume_role` as the test's assume-role step. `mfa_code`:
    the MFA code prompter (`wizard.core.credentials.MfaCode`), asked only when a code is needed; a role assumed with
    a code (cross-account with a device) is kept in the keychain and used again until it expires."""
    from wizard.core import credentials
    from wizard.core.diagnoses import diagnose, diagnose_mfa

    conn = proxy_auth.for_test(secret_store, profile.id, profile.connection)  # its proxy password, in memory only
    has_device = bool((conn.mfa_serial or "").strip())
    keep = credentials.MfaKeep(profile.id, secret_store)  # a role assumed with an MFA code is kept until it expires
    caller = None
    try:
        kept = credentials.kept_role(conn, keep)
        if kept is not None:
            return kept.credentials
        caller = credentials.profile_source(profile, profile_store=store, secret_store=secret_store,
                                            mfa_code=mfa_code).resolve()
        return credentials.assume_role(conn, caller, mfa_code=mfa_code, keep=keep).credentials
    except (credentials.CredentialsError, CommandError):
        raise
    except Exception as exc:  # noqa: BLE001 - botocore errors: explained by the engine's diagnosis (no secret)
        secrets = caller.secret_values() if caller else ()
        d = diagnose_mfa(exc, has_device, secrets) or diagnose(exc, step=getattr(exc, "step", "assume-role"),
                                                               connection=conn, secrets=secrets)
        raise CommandError(f"{d.code}: {d.summary}. {d.remedy}", EXIT_FAILED) from None


def _credential_process_prompter(args, profile: Profile):
    """credential-process asks for an MFA code only in a window (`--prompt gui`, with a display): the AWS CLI runs
    it without a terminal. Else None: an expired MFA session fails, naming `renew`."""
    from wizard.commands.renew import gui_code_prompter, has_display

    if getattr(args, "prompt", "none") == "gui" and has_display():
        return gui_code_prompter(profile.name)
    return None


def _mfa_credentials(args, store: ProfileStore, secret_store: SecretStore, profile: Profile):
    """credential-process for a profile with an MFA device: its MFA session (or a new one when `--prompt gui` asks
    for a code), the role assumed on it; a needed code that can't be asked for names `renew`."""
    from wizard.commands.renew import RENEW_HINT
    from wizard.core import credentials

    prompter = _credential_process_prompter(args, profile)
    try:
        if profile.connection.uses_keys and (args.source_keys or profile.connection.method == "access-key"):
            source = credentials.profile_source(profile, profile_store=store, secret_store=secret_store,
                                                mfa_code=prompter)
            from wizard.commands.renew import _resolve_or_explain

            return _resolve_or_explain(source, profile)
        return assume_role(store, secret_store, profile, mfa_code=prompter)
    except credentials.CredentialsError as exc:
        if exc.reason != "mfa-code-needed":
            raise
        raise CommandError(translate("profiles", "the MFA session of {name!r} has expired (or was never started): run "
                                     "{command} and enter a code, then try again")
                           .format(name=profile.name, command=RENEW_HINT.format(name=profile.name)),
                           EXIT_FAILED) from None


def cmd_credential_process(args) -> int:
    from wizard.core.credentials import own_credentials

    if os.environ.get(RECURSION_GUARD) == args.name:
        raise CommandError(
            translate("profiles", "credential-process {name} called itself (its source resolves back to it)").format(
                name=args.name
            ),
            EXIT_ENVIRONMENT,
        )
    os.environ[RECURSION_GUARD] = args.name
    store, secret_store = ProfileStore(), SecretStore()
    profile = _profile(store, args.name)
    conn = profile.connection
    if (conn.mfa_serial or "").strip() and not (args.source_keys and conn.method == "assume-role"):
        credentials = _mfa_credentials(args, store, secret_store, profile)
        expiration = credentials.expiration
    elif args.source_keys or conn.method == "access-key":
        credentials = own_credentials(profile, secret_store)
        token = profile.token_time()
        if credentials.session_token and token.needs_renewal:
            raise CommandError(
                translate(
                    "profiles",
                    "the session token of {name!r} was entered {0} and has expired (at most 12 h); "
                    "renew it in the profile manager",
                ).format(_when(conn.token_entered_at), name=profile.name),
                EXIT_FAILED,
            )
        expiration = token.expires_at if credentials.session_token else None
    elif conn.method == "sso":
        from wizard.commands.sso import sso_credentials

        credentials = sso_credentials(profile, secret_store)
        expiration = credentials.expiration
    else:
        credentials = assume_role(store, secret_store, profile)
        expiration = credentials.expiration
    sys.stdout.write(json.dumps(credential_process_output(credentials, expiration)) + "\n")
    sys.stdout.flush()
    return EXIT_OK


# -- registration -----------------------------------------------------------------------------------------------------------
def _add_parser(subparsers, name: str, help_text: str, fn, details: str = "") -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=f"{help_text} {details}".strip())
    parser.set_defaults(run=_guarded(fn))
    return parser


def _add_field_options(parser: argparse.ArgumentParser) -> None:
    """One option per field of the catalogue that has a command-line flag (secrets have none)."""
    from wizard.core.fields import CATALOGUE

    required = ("method", "region", "service")
    for f in CATALOGUE:
        if not f.cli_flag:
            continue
        options = {"dest": f.key, "help": f.help}
        if f.choices:
            options["choices"] = f.choices
        if f.metavar:
            options["metavar"] = f.metavar
        if f.kind in (int, float):
            options["type"] = f.kind
        parser.add_argument(f.cli_flag, required=f.key in required, **options)


def register(subparsers) -> None:
    p = _add_parser(subparsers, "list", translate("profiles", "List the saved profiles (never a secret)."), cmd_list)
    p.add_argument("--json", action="store_true", help=translate("profiles", "machine-readable output"))

    p = _add_parser(
        subparsers, "show", translate("profiles", "Show one profile's settings (never a secret)."), cmd_show
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help=translate("profiles", "machine-readable output"))

    p = _add_parser(
        subparsers,
        "add",
        translate("profiles", "Save a new profile (untested)."),
        cmd_add,
        translate(
            "profiles",
            "Secrets are read from standard input, one per "
            "line (secret access key, then the optional session token; then, with --proxy-user, the proxy's password), "
            "or prompted for without echo; never from arguments.",
        ),
    )
    p.add_argument("name", metavar="NAME")
    _add_field_options(p)

    p = _add_parser(subparsers, "test", translate("profiles", "Test a saved profile (exit 0 ok, 1 failed)."), cmd_test)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help=translate("profiles", "steps and diagnosis codes as JSON"))
    p.add_argument("--timeout", metavar="S", type=float, help=translate("profiles", "give up after S seconds"))
    from wizard.commands.renew import add_mfa_code_option

    add_mfa_code_option(p)

    p = _add_parser(
        subparsers,
        "remove",
        translate("profiles", "Delete a profile and its keychain entries."),
        cmd_remove,
        translate(
            "profiles",
            "A profile that cross-account profiles assume their role with (their source is profile:NAME) is kept, "
            "and the command exits 2 naming them, unless --force is given.",
        ),
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--force",
        action="store_true",
        help=translate(
            "profiles",
            "delete even when cross-account profiles use it as their source (they then fail to test "
            "until their source is changed)",
        ),
    )

    p = _add_parser(
        subparsers,
        "rename",
        translate("profiles", "Rename a profile."),
        cmd_rename,
        translate(
            "profiles",
            "Its secrets stay in the keychain under the profile's id; cross-account profiles whose source is "
            "profile:OLD are repointed to profile:NEW.",
        ),
    )
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")

    p = _add_parser(
        subparsers,
        "import",
        translate("profiles", "Import profiles from the AWS shared config and credentials files."),
        cmd_import,
    )
    p.add_argument(
        "--config",
        metavar="PATH",
        help=translate("profiles", "config file (default: $AWS_CONFIG_FILE or ~/.aws/config)"),
    )
    p.add_argument(
        "--credentials",
        metavar="PATH",
        help=translate("profiles", "credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)"),
    )
    p.add_argument(
        "--json", action="store_true", help=translate("profiles", "each section imported or skipped (and why) as JSON")
    )

    p = _add_parser(
        subparsers,
        "export",
        translate("profiles", "Write the profile into the AWS config file for the AWS CLI and SDKs."),
        cmd_export,
        translate(
            "profiles", "The secret stays in the keychain. Nothing else in the file changes; a backup is written first."
        ),
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--to", metavar="PATH", help=translate("profiles", "config file (default: $AWS_CONFIG_FILE or ~/.aws/config)")
    )
    p.add_argument(
        "--as",
        dest="aws_name",
        metavar="AWS_PROFILE_NAME",
        help=translate("profiles", "profile name in the AWS config file"),
    )
    p.add_argument(
        "--style",
        choices=("process", "sdk"),
        default="process",
        help=translate(
            "profiles",
            "process (default): credential_process, which runs this program; sdk: role_arn + "
            "source_profile so the SDK assumes the role itself (the AWS CLI then caches the role's temporary "
            "credentials in ~/.aws/cli/cache)",
        ),
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help=translate("profiles", "replace a section of that name not written by this program"),
    )

    p = _add_parser(
        subparsers,
        "credential-process",
        translate(
            "profiles", "Print the profile's credentials as credential_process JSON (called by the AWS CLI and SDKs)."
        ),
        cmd_credential_process,
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument("--source-keys", action="store_true",
                   help=translate("profiles", "print the profile's own access key instead of assuming its role"))
    p.add_argument("--prompt", choices=("gui", "none"), default="none",
                   help=translate("profiles", "when the profile's MFA session has expired: gui asks for a code in a "
                                  "small window (only with a display); none (the default) exits 1 naming: "
                                  "aws-connection-wizard renew NAME"))
