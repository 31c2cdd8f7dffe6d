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

from wizard.commands.common import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, json_text
from wizard.commands.common import guarded as _guarded
from wizard.core.connection import Connection, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import Profile, ProfileStore, StoreError, default_home

RECURSION_GUARD = "AWSCW_IN_CREDENTIAL_PROCESS"


def _profile(store: ProfileStore, name: str) -> Profile:
    try:
        return store.get(name)
    except KeyError:
        raise CommandError(f"no profile named {name!r} (see: aws-connection-wizard list)", EXIT_USAGE) from None


# -- practice mode's profiles: `--practice list` and `--practice show NAME` read them ---------------------------------
def practice_home() -> Path:
    """Where the practice window keeps its profiles while it is open (`wizard.practice.session`): under the real
    store's home."""
    from wizard.practice.session import PRACTICE_DIR

    return default_home() / PRACTICE_DIR


PRACTICE_WHERE = ("Practice profiles exist only while the practice window is open (aws-connection-wizard --practice), "
                  "in {home}; they are deleted when practice mode ends.")


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
    where = PRACTICE_WHERE.format(home=practice_home())
    if practice:
        raise CommandError(f"no practice profile named {args.name!r}. {where}", EXIT_USAGE)
    try:
        ProfileStore(practice_home()).get(args.name)
    except Exception:  # noqa: BLE001 - not there, or no readable practice store: the usual message and where
        raise CommandError(f"no profile named {args.name!r} (see: aws-connection-wizard list). {where} See them "
                           "with: aws-connection-wizard --practice list", EXIT_USAGE) from None
    raise CommandError(f"{args.name!r} is a practice profile: aws-connection-wizard --practice show {args.name}. "
                       f"{where}", EXIT_USAGE)


# -- list / show ---------------------------------------------------------------------------------------------------------
def summary(profile: Profile) -> dict:
    """Everything about a profile except its secrets, redacted (the JSON of `show --json`, one item of `list --json`):
    `wizard.core.describe.profile_json`."""
    from wizard.core.describe import profile_json

    return profile_json(profile)


def _when(epoch: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch)) if epoch else "never"


def _status(profile: Profile) -> str:
    if profile.untested or not profile.tested_at:
        return "untested"
    return f"{profile.last_result} ({_when(profile.tested_at)})"


def cmd_list(args) -> int:
    profiles = _listed_store(args).list()
    if args.json:
        print(json_text([summary(p) for p in profiles]))
        return EXIT_OK
    if not profiles and getattr(args, "practice", False):
        print("No practice profiles now. " + PRACTICE_WHERE.format(home=practice_home()))
        return EXIT_OK
    if not profiles:
        print("No profiles yet. Create one with the wizard, or: aws-connection-wizard add NAME --method ...")
        return EXIT_OK
    rows = [("NAME", "METHOD", "REGION", "SERVICE", "LAST TEST", "TOKEN")]
    for p in profiles:
        c = p.connection
        rows.append((p.name + (" (practice)" if p.practice else ""), c.method, c.region, c.service, _status(p),
                     p.token_time().describe()))
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
    rows = connection_rows(profile.connection, keychain="the OS keychain (never shown)")
    lines = [("Profile", profile.name), ("Id", profile.id), *rows]
    lines.append(("Last test", _status(profile)))
    token = profile.token_time()
    if token.kind != "none":
        lines.append(("Time left", token.describe()))
    if profile.practice:
        lines.append(("Practice", "yes (local emulator only; never exported)"))
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"{label + ':':<{width + 1}} {value}")
    return EXIT_OK


# -- add -------------------------------------------------------------------------------------------------------------------
def read_secrets(stream=None, prompt=getpass.getpass) -> Secrets:
    """The secrets of the field catalogue in order (the secret access key, then the optional session token): one per
    line from a pipe, or no-echo prompts."""
    from wizard.core.fields import secret_fields

    stream = stream or sys.stdin
    secrets = Secrets()
    if stream.isatty():
        for f in secret_fields():
            setattr(secrets, f.key, prompt(f"{f.label}{' (empty if none)' if f.optional else ''}: "))
        return secrets
    lines = [line.rstrip("\r\n") for line in stream.read().splitlines()]
    for f, line in zip(secret_fields(), lines):
        setattr(secrets, f.key, line)
    return secrets


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
    from wizard.core.fields import FIELDS, cleaned, without_unused

    conn, secrets, checks = cleaned(conn, secrets)
    conn, secrets = without_unused(conn, secrets)  # an option the method doesn't use is not checked, so not kept
    errors, warnings = [], []
    for key, check in checks.items():
        label = FIELDS[key].noun
        errors += [f"{label}: {m.text} [{m.code}]" for m in check.errors]
        warnings += [f"{label}: {m.text} [{m.code}]" for m in check.warnings]
    return conn, secrets, errors, warnings


def cmd_add(args) -> int:
    from wizard.core.profiles import save_connection

    store = ProfileStore()
    if args.name in store.names():
        raise CommandError(f"a profile named {args.name!r} already exists", EXIT_USAGE)
    conn = connection_from_args(args)
    secrets = read_secrets() if conn.uses_keys else Secrets()
    conn, secrets, errors, warnings = validate(conn, secrets)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    if errors:
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_USAGE
    profile = save_connection(store, SecretStore(), args.name, conn, secrets, untested=True,
                              practice=bool(getattr(args, "practice", False)))
    where = f" (secrets in {SecretStore().backend_name()})" if conn.uses_keys else ""
    print(f"Saved profile {profile.name}, untested{where}. Test it with: aws-connection-wizard test {profile.name}")
    return EXIT_OK


# -- test ------------------------------------------------------------------------------------------------------------------
def _load_models_in_background(service: str, region: str):
    """A thread importing botocore and parsing the endpoints and the STS and `service` models into the shared loader
    (`wizard.core.aws.warm_up`, clients with made-up keys that never call anything), while the keychain is read."""
    import contextlib
    import threading

    def load() -> None:
        from wizard.core import aws

        with contextlib.suppress(Exception):  # only an optimisation: the test's own clients load what they need
            aws.warm_up(("sts", service), region)

    thread = threading.Thread(target=load, name="botocore-models", daemon=True)
    thread.start()
    return thread


def cmd_test(args) -> int:
    from wizard.core.credentials import plan_test
    from wizard.core.profiles import record_test

    store, secret_store = ProfileStore(), SecretStore()
    profile = _profile(store, args.name)
    if args.timeout is not None and args.timeout <= 0:
        raise CommandError("--timeout must be positive", EXIT_USAGE)
    models = _load_models_in_background(profile.connection.service, profile.connection.region)
    test = plan_test(profile, secret_store=secret_store, profile_store=store, timeout=args.timeout)  # the keychain
    import asyncio

    models.join()  # botocore's data is parsed once, before the test's clients are made from it
    report = asyncio.run(test.run())
    if report.code == "timeout" and args.timeout is not None:
        print(f"aws-connection-wizard: the test did not finish within {args.timeout:g} s", file=sys.stderr)
    if report.ok or report.failure is not None:
        try:
            store.update(record_test(store.get_by_id(profile.id), report))
        except (StoreError, KeyError) as exc:
            print(f"aws-connection-wizard: the result was not recorded: {exc}", file=sys.stderr)
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
    print(f"Removed profile {deleted.profile.name} and its keychain entries.")
    if deleted.orphaned:
        print(f"warning: {', '.join(deleted.orphaned)} assumed their role with its keys and will fail until their "
              "source is changed (aws-connection-wizard show NAME)", file=sys.stderr)
    return EXIT_OK


def cmd_rename(args) -> int:
    from wizard.core import profile_service

    store = ProfileStore()
    _profile(store, args.old)
    renamed = profile_service.rename(store, args.old, args.new)
    print(f"Renamed profile {args.old} to {renamed.name} (its keychain entries and its cross-account users follow).")
    return EXIT_OK


def cmd_import(args) -> int:
    from pathlib import Path

    from botocore.exceptions import BotoCoreError

    from wizard.core.awsconfig import config_path, credentials_path, import_profiles

    config = Path(args.config) if args.config else config_path()
    credentials = Path(args.credentials) if args.credentials else credentials_path()
    for path in (args.config, args.credentials):
        if path and not Path(path).is_file():
            raise CommandError(f"no such file: {path}", EXIT_USAGE)
    try:
        items = import_profiles(ProfileStore(), SecretStore(), config, credentials)
    except (BotoCoreError, OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read the AWS files: {exc}", EXIT_USAGE) from None
    if getattr(args, "json", False):
        print(json.dumps([item.to_json() for item in items], indent=2))
        return EXIT_OK
    if not items:
        print(f"No profiles found in {config} or {credentials}.")
    for item in items:
        if item.status == "imported":
            print(f"imported  {item.aws_name}  ({item.profile.connection.method}, untested)")
        else:
            print(f"skipped   {item.aws_name}  ({item.reason})")
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
        raise CommandError(str(exc), EXIT_USAGE) from None
    if result.backup:
        print(f"Backed up {result.path} to {result.backup}")
    kind = "role_arn + source_profile (the SDK assumes the role)" if result.style == "sdk" else "credential_process"
    print(f"Wrote [{', '.join(result.sections)}] into {result.path} as {kind}.")
    print(f"Use it with: aws sts get-caller-identity --profile {result.aws_name}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
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


def assume_role(store: ProfileStore, secret_store: SecretStore, profile: Profile):
    """Run AssumeRole for an assume-role / cross-account profile: the role's temporary credentials (with their
    expiration), through the same `wizard.core.credentials.assume_role` as the test's assume-role step."""
    from wizard.core import credentials
    from wizard.core.diagnoses import diagnose

    conn = profile.connection
    caller = credentials.profile_source(profile, profile_store=store, secret_store=secret_store).resolve()
    try:
        return credentials.assume_role(conn, caller).credentials
    except Exception as exc:  # noqa: BLE001 - botocore errors: explained by the engine's diagnosis (no secret)
        d = diagnose(exc, step=getattr(exc, "step", "assume-role"), connection=conn,
                     secrets=caller.secret_values() if caller else ())
        raise CommandError(f"{d.code}: {d.summary}. {d.remedy}", EXIT_FAILED) from None


def cmd_credential_process(args) -> int:
    from wizard.core.credentials import own_credentials

    if os.environ.get(RECURSION_GUARD) == args.name:
        raise CommandError(f"credential-process {args.name} called itself (its source resolves back to it)",
                           EXIT_ENVIRONMENT)
    os.environ[RECURSION_GUARD] = args.name
    store, secret_store = ProfileStore(), SecretStore()
    profile = _profile(store, args.name)
    conn = profile.connection
    if args.source_keys or conn.method == "access-key":
        credentials = own_credentials(profile, secret_store)
        token = profile.token_time()
        if credentials.session_token and token.needs_renewal:
            raise CommandError(
                f"the session token of {profile.name!r} was entered {_when(conn.token_entered_at)} and has expired "
                "(at most 12 h); renew it in the profile manager", EXIT_FAILED)
        expiration = token.expires_at if credentials.session_token else None
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
        if f.kind is int:
            options["type"] = int
        parser.add_argument(f.cli_flag, required=f.key in required, **options)


def register(subparsers) -> None:
    p = _add_parser(subparsers, "list", "List the saved profiles (never a secret).", cmd_list)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = _add_parser(subparsers, "show", "Show one profile's settings (never a secret).", cmd_show)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = _add_parser(
        subparsers, "add", "Save a new profile (untested).", cmd_add, "Secrets are read from standard input, one per "
        "line (secret access key, then the optional session token), or prompted for without echo; never from "
        "arguments.")
    p.add_argument("name", metavar="NAME")
    _add_field_options(p)

    p = _add_parser(subparsers, "test", "Test a saved profile (exit 0 ok, 1 failed).", cmd_test)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="steps and diagnosis codes as JSON")
    p.add_argument("--timeout", metavar="S", type=float, help="give up after S seconds")

    p = _add_parser(
        subparsers, "remove", "Delete a profile and its keychain entries.", cmd_remove,
        "A profile that cross-account profiles assume their role with (their source is profile:NAME) is kept, and the "
        "command exits 2 naming them, unless --force is given.")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--force", action="store_true",
                   help="delete even when cross-account profiles use it as their source (they then fail to test "
                   "until their source is changed)")

    p = _add_parser(
        subparsers, "rename", "Rename a profile.", cmd_rename,
        "Its secrets stay in the keychain under the profile's id; cross-account profiles whose source is "
        "profile:OLD are repointed to profile:NEW.")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")

    p = _add_parser(subparsers, "import", "Import profiles from the AWS shared config and credentials files.",
                    cmd_import)
    p.add_argument("--config", metavar="PATH", help="config file (default: $AWS_CONFIG_FILE or ~/.aws/config)")
    p.add_argument("--credentials", metavar="PATH",
                   help="credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
    p.add_argument("--json", action="store_true", help="each section imported or skipped (and why) as JSON")

    p = _add_parser(
        subparsers, "export", "Write the profile into the AWS config file for the AWS CLI and SDKs.", cmd_export,
        "The secret stays in the keychain. Nothing else in the file changes; a backup is written first.")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--to", metavar="PATH", help="config file (default: $AWS_CONFIG_FILE or ~/.aws/config)")
    p.add_argument("--as", dest="aws_name", metavar="AWS_PROFILE_NAME", help="profile name in the AWS config file")
    p.add_argument("--style", choices=("process", "sdk"), default="process",
                   help="process (default): credential_process, which runs this program; sdk: role_arn + "
                   "source_profile so the SDK assumes the role itself (the AWS CLI then caches the role's temporary "
                   "credentials in ~/.aws/cli/cache)")
    p.add_argument("--replace", action="store_true", help="replace a section of that name not written by this program")

    p = _add_parser(subparsers, "credential-process",
                    "Print the profile's credentials as credential_process JSON (called by the AWS CLI and SDKs).",
                    cmd_credential_process)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--source-keys", action="store_true",
                   help="print the profile's own access key instead of assuming its role")
