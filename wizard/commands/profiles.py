"""Profile subcommands: list, show, add, test, remove, import, export, credential-process.

No Qt. Secrets come from standard input (one per line) or a no-echo prompt, never from arguments; the only place a
secret is ever printed is credential-process's standard output, which is where the AWS tools asked for it.
Exit codes (`wizard.commands.common.ExitCode`): 0 ok, 1 the check failed, 2 bad input, 3 environment problem (keychain,
unreadable profile file).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
import time

from wizard.commands.common import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from wizard.commands.common import guarded as _guarded
from wizard.core.connection import METHOD_IDS, SERVICE_IDS, Connection, NetworkSettings, Secrets
from wizard.core.keychain import SecretStore
from wizard.core.profiles import Profile, ProfileStore, StoreError

RECURSION_GUARD = "AWSCW_IN_CREDENTIAL_PROCESS"


def _profile(store: ProfileStore, name: str) -> Profile:
    try:
        return store.get(name)
    except KeyError:
        raise CommandError(f"no profile named {name!r} (see: aws-connection-wizard list)", EXIT_USAGE) from None


# -- list / show ---------------------------------------------------------------------------------------------------------
def summary(profile: Profile) -> dict:
    """Everything about a profile except its secrets (the JSON of `show --json`, one item of `list --json`)."""
    conn = profile.connection
    data = {"name": profile.name, "id": profile.id, **{k: v for k, v in conn.to_dict().items() if k != "network"}}
    data["network"] = conn.to_dict()["network"]
    data.update(
        created_at=profile.created_at, tested_at=profile.tested_at, last_result=profile.last_result,
        untested=profile.untested, practice=profile.practice, expiration=profile.expiration,
        token=profile.token_time().to_json(),
    )
    return data


def _when(epoch: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch)) if epoch else "never"


def _status(profile: Profile) -> str:
    if profile.untested or not profile.tested_at:
        return "untested"
    return f"{profile.last_result} ({_when(profile.tested_at)})"


def cmd_list(args) -> int:
    profiles = ProfileStore().list()
    if args.json:
        print(json.dumps([summary(p) for p in profiles], indent=2))
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


def _mask(key_id: str) -> str:
    from wizard.core.redact import mask_access_key_id

    return mask_access_key_id(key_id)


def cmd_show(args) -> int:
    profile = _profile(ProfileStore(), args.name)
    data = summary(profile)
    if args.json:
        print(json.dumps(data, indent=2))
        return EXIT_OK
    c = profile.connection
    lines = [("Profile", profile.name), ("Id", profile.id), ("Method", c.method), ("Region", c.region),
             ("Service", c.service)]
    if c.uses_keys:
        lines.append(("Access key ID", _mask(c.access_key_id)))
        lines.append(("Secret", "in the OS keychain (never shown)"))
    for label, value in (("Role", c.role if c.method == "assume-role" else ""), ("Role ARN", c.role_arn),
                         ("External ID", c.external_id), ("Source", c.source if c.method == "cross-account" else ""),
                         ("Bucket", c.bucket), ("Model", c.model_id), ("Endpoint URL", c.network.endpoint_url),
                         ("Proxy", c.network.proxy), ("CA bundle", c.network.ca_bundle)):
        if value:
            lines.append((label, value))
    if c.method != "access-key":
        lines.append(("Session", f"{c.session_name}, {c.duration} s"))
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
    """The secret access key then the optional session token: one per line from a pipe, or no-echo prompts."""
    stream = stream or sys.stdin
    if stream.isatty():
        return Secrets(prompt("Secret access key: "), prompt("Session token (empty if none): "))
    lines = [line.rstrip("\r\n") for line in stream.read().splitlines()]
    return Secrets(lines[0] if lines else "", lines[1] if len(lines) > 1 else "")


def connection_from_args(args) -> Connection:
    network = NetworkSettings(endpoint_url=args.endpoint_url or "", proxy=args.proxy or "",
                              ca_bundle=args.ca_bundle or "")
    conn = Connection(method=args.method, region=args.region, service=args.service, network=network)
    for key in ("access_key_id", "role", "role_arn", "external_id", "source", "bucket", "model_id", "session_name"):
        value = getattr(args, key, None)
        if value is not None:
            setattr(conn, key, value)
    if args.duration is not None:
        conn.duration = args.duration
    return conn


def validate(conn: Connection, secrets: Secrets) -> tuple[Connection, Secrets, list[str], list[str]]:
    """The connection and secrets with validation's cleaned values, error lines and warning lines (label, text and code;
    never a value)."""
    from wizard.core.validation import LABELS, check_connection

    errors, warnings = [], []
    conn, secrets = Connection.from_dict(conn.to_dict()), Secrets(*(v for _, v in secrets.items()))
    for key, check in check_connection(conn, secrets).items():
        label = LABELS.get(key, key)
        errors += [f"{label}: {m.text} [{m.code}]" for m in check.errors]
        warnings += [f"{label}: {m.text} [{m.code}]" for m in check.warnings]
        if check.errors:
            continue
        if key in ("secret_access_key", "session_token"):
            setattr(secrets, key, check.value)
        elif key in ("endpoint_url", "proxy", "ca_bundle"):
            setattr(conn.network, key, check.value)
        elif key == "duration":
            conn.duration = int(check.value)
        elif hasattr(conn, key):
            setattr(conn, key, check.value)
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
def cmd_test(args) -> int:
    from wizard.core.credentials import plan_test
    from wizard.core.profiles import record_test

    store, secret_store = ProfileStore(), SecretStore()
    profile = _profile(store, args.name)
    if args.timeout is not None and args.timeout <= 0:
        raise CommandError("--timeout must be positive", EXIT_USAGE)
    test = plan_test(profile, secret_store=secret_store, profile_store=store, timeout=args.timeout)
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
    from wizard.core.profiles import remove_profile

    store = ProfileStore()
    _profile(store, args.name)
    removed = remove_profile(store, SecretStore(), args.name)
    print(f"Removed profile {removed.name} and its keychain entries.")
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


def _field_help(key: str) -> str:
    from wizard.core.methods import METHODS

    for method in METHODS.values():
        for f in method.fields:
            if f.key == key:
                return f.help
    return ""


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
    p.add_argument("--method", required=True, choices=METHOD_IDS)
    p.add_argument("--region", required=True, help=_field_help("region"))
    p.add_argument("--service", required=True, choices=SERVICE_IDS)
    p.add_argument("--access-key-id", metavar="ID", help=_field_help("access_key_id"))
    p.add_argument("--role", metavar="NAME_OR_ARN", help=_field_help("role"))
    p.add_argument("--role-arn", metavar="ARN", help=_field_help("role_arn"))
    p.add_argument("--external-id", metavar="X", help=_field_help("external_id"))
    p.add_argument("--source", metavar="{default,instance,profile:NAME}", help=_field_help("source"))
    p.add_argument("--session-name", metavar="NAME", help="role session name (default aws-connection-wizard)")
    p.add_argument("--bucket", metavar="B", help="S3: a bucket for the narrower probe")
    p.add_argument("--model-id", metavar="M", help="Bedrock: a model id")
    p.add_argument("--duration", metavar="S", type=int, help="role session duration in seconds (900-43200)")
    p.add_argument("--endpoint-url", metavar="URL", help="endpoint for every service (VPC endpoint, emulator)")
    p.add_argument("--proxy", metavar="URL", help="HTTPS proxy URL")
    p.add_argument("--ca-bundle", metavar="PATH", help="PEM file of trusted certificate authorities")

    p = _add_parser(subparsers, "test", "Test a saved profile (exit 0 ok, 1 failed).", cmd_test)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="steps and diagnosis codes as JSON")
    p.add_argument("--timeout", metavar="S", type=float, help="give up after S seconds")

    p = _add_parser(subparsers, "remove", "Delete a profile and its keychain entries.", cmd_remove)
    p.add_argument("name", metavar="NAME")

    p = _add_parser(subparsers, "import", "Import profiles from the AWS shared config and credentials files.",
                    cmd_import)
    p.add_argument("--config", metavar="PATH", help="config file (default: $AWS_CONFIG_FILE or ~/.aws/config)")
    p.add_argument("--credentials", metavar="PATH",
                   help="credentials file (default: $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")

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
