"""Living with the AWS shared files: import profiles from them, export profiles into the config file.

Files: the config file is `AWS_CONFIG_FILE` or ~/.aws/config; the credentials file is `AWS_SHARED_CREDENTIALS_FILE` or
~/.aws/credentials (the same variables the AWS CLI and SDKs read).

Import reads both with botocore's own loader (configparser underneath, so exactly what the SDKs see). Secrets go to the
keychain through `save_connection`, never to the profile file.

Export edits the config file as text, never through configparser's writer, so nothing else changes: other profiles,
comments, blank lines and odd spacing stay byte for byte. It appends its sections, or replaces only the sections it wrote
before (they carry the MARKER comment right after their header). The previous file is copied to
`<config>.bak-<UTC timestamp>` first, then the new text replaces it atomically with the same mode. Export kinds:

- "process" (the default): `credential_process = <program> credential-process NAME`; the program prints the
  credentials as Version 1 JSON (assumed roles: the temporary credentials with their Expiration). Nothing is cached on
  disk by the AWS tools.
- "sdk" (for roles, where the SDK can assume the role itself): `role_arn` + `source_profile` (+ `external_id`,
  `role_session_name`, `duration_seconds`) on top of a credential_process source section `NAME-keys`
  (`credential-process --source-keys NAME`), or `credential_source = Ec2InstanceMetadata` for the instance role.
  Note: the AWS CLI caches the assumed role's temporary credentials in ~/.aws/cli/cache (its own behaviour for every
  role_arn profile), which is why this kind is opt-in.

Practice profiles are never exported.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from wizard.core.connection import Connection, Secrets
from wizard.core.i18n import Words
from wizard.core.keychain import SecretStore
from wizard.core.profiles import (
    LOCK_TIMEOUT,
    NAME_PATTERN,
    Profile,
    ProfileStore,
    atomic_write,
    fsync_dir,
    save_connection,
)

MARKER = "# Managed by aws-connection-wizard"
PROGRAM_NAME = "aws-connection-wizard"
SOURCE_SUFFIX = "-keys"
STYLES = ("process", "sdk")
_SECTION = re.compile(r"\[(?P<header>.+)\]")  # configparser's SECTCRE
_FULL_ROLE_ARN = re.compile(r"^arn:[^:]+:iam::\d{12}:role/.+")


class ExportError(Exception):
    """Export refused or impossible (practice profile, a foreign section in the way, unreadable file...)."""


# -- where the files are -----------------------------------------------------------------------------------------------
def config_path(environ=os.environ) -> Path:
    return Path(environ.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config").expanduser()


def credentials_path(environ=os.environ) -> Path:
    return Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials").expanduser()


# ======================================================================================================================
# Import
# ======================================================================================================================
@dataclass
class ImportItem:
    aws_name: str
    status: str  # "imported" | "skipped"
    reason: str = ""
    profile: Profile | None = None

    def to_json(self) -> dict:
        return {"aws_name": self.aws_name, "status": self.status, "reason": str(self.reason) or None,
                "profile": self.profile.name if self.profile else None,
                "method": self.profile.connection.method if self.profile else None}


def _reason(text: str, **values) -> Words:
    """Why a profile is not imported (or an export's warning): English as a str (`import --json`), one catalogue text
    (with {placeholders} for the values) translated where it is shown; tools/translations.py collects the literals of
    these calls."""
    return Words(text, "awsconfig", values=values)


# The settings import reads from a profile; a value of one of them that fails its field check skips the profile.
_READ_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region", "endpoint_url", "ca_bundle",
              "role_session_name", "duration_seconds", "role_arn", "source_profile", "credential_source",
              "external_id", "credential_process")


def read_shared_files(config: Path | None = None, credentials: Path | None = None) -> dict[str, dict]:
    """AWS profile name -> its settings, the credentials file's keys merged over the config file's (as the SDKs do)."""
    from botocore.configloader import build_profile_map, raw_config_parse

    config = config or config_path()
    credentials = credentials or credentials_path()
    merged: dict[str, dict] = {}
    # parse_subsections=False: an indented block stays the text it is (never a dict); the field checks refuse it.
    if config.is_file():
        parsed = raw_config_parse(str(config), parse_subsections=False)
        for name, values in build_profile_map(parsed).get("profiles", {}).items():
            merged[name] = dict(values)
    if credentials.is_file():
        for name, values in raw_config_parse(str(credentials), parse_subsections=False).items():
            merged.setdefault(name, {}).update(values)
    return merged


def other_sections(config: Path | None = None) -> list[str]:
    """Section headers of the config file that are not profiles ([sso-session X], [services X], anything else)."""
    from botocore.configloader import raw_config_parse

    config = config or config_path()
    if not config.is_file():
        return []
    return [name for name in raw_config_parse(str(config), parse_subsections=False)
            if name != "default" and not name.startswith("profile")]


def _has_keys(values: dict) -> bool:
    return bool(values.get("aws_access_key_id") and values.get("aws_secret_access_key"))


def _base_connection(values: dict, **kw) -> Connection:
    conn = Connection(region=values.get("region") or "us-east-1", **kw)
    conn.network.endpoint_url = values.get("endpoint_url", "") or ""
    conn.network.ca_bundle = values.get("ca_bundle", "") or ""
    if values.get("role_session_name"):
        conn.session_name = values["role_session_name"]
    if values.get("duration_seconds"):
        conn.duration = values["duration_seconds"]  # text until checked (`_checked` turns it into seconds)
    return conn


def _checked(plan: tuple) -> tuple:
    """The plan with every value passed through the field checks: cleaned, or the profile skipped with the reason."""
    from wizard.core.validation import cleaned, label_of, present_value_errors

    name, conn, secrets, reason = plan
    if conn is None:
        return plan
    errors = present_value_errors(conn, secrets)
    if errors:
        key, message = errors[0]
        problem = Words(message.template or message.text, "validation", values=message.values)
        return name, None, Secrets(), _reason("its {field} is not valid: {problem}", field=label_of(key),
                                              problem=problem)
    conn, secrets = cleaned(conn, secrets)
    return name, conn, secrets, reason


def _multi_line(values: dict) -> str:
    """The first setting import reads whose value continues on an indented line ("" when none does)."""
    for key in _READ_KEYS:
        value = values.get(key)
        if value is not None and (not isinstance(value, str) or "\n" in value or "\r" in value):
            return key
    return ""


def _keys(values: dict) -> tuple[str, Secrets]:
    return values["aws_access_key_id"].strip(), Secrets(
        values["aws_secret_access_key"].strip(), (values.get("aws_session_token") or "").strip()
    )


def plan_import(profiles: dict[str, dict]) -> list[tuple[str, Connection | None, Secrets, str]]:
    """(aws name, connection or None when skipped, secrets, reason) for every profile, key profiles first."""
    plans = []
    for name, values in profiles.items():
        key = _multi_line(values)
        if key:
            plans.append((name, None, Secrets(), _reason("its {key} continues on an indented line (one value per line)",
                                                        key=key)))
            continue
        source = values.get("source_profile")
        if source and _multi_line(profiles.get(source, {})):
            plans.append((name, None, Secrets(), _reason("its source profile {source!r} has a value on several lines",
                                                        source=source)))
            continue
        if values.get("credential_process"):
            reason = _reason("written by aws-connection-wizard") if "credential-process" in values[
                "credential_process"] else _reason("uses credential_process (another program holds its secret)")
            plans.append((name, None, Secrets(), reason))
        elif values.get("role_arn"):
            plans.append(_plan_role(name, values, profiles))
        elif _has_keys(values):
            key_id, secrets = _keys(values)
            conn = _base_connection(values, method="access-key", access_key_id=key_id)
            plans.append((name, conn, secrets, ""))
        elif any(k.startswith("sso_") for k in values) or values.get("web_identity_token_file"):
            plans.append((name, None, Secrets(), _reason("uses IAM Identity Center or web identity, which this "
                                                                 "wizard does not manage")))
        else:
            plans.append((name, None, Secrets(), _reason("has no credentials")))
    plans = [_checked(plan) for plan in plans]
    return sorted(plans, key=lambda p: (p[1] is not None and p[1].method == "cross-account", p[0]))


def _plan_role(name: str, values: dict, profiles: dict[str, dict]):
    source = values.get("source_profile")
    credential_source = values.get("credential_source")
    if source:
        origin = profiles.get(source, {})
        if not _has_keys(origin) or origin.get("role_arn"):
            return name, None, Secrets(), _reason("its source profile {source!r} has no access key of its own",
                                                     source=source)
        if values.get("external_id"):
            conn = _base_connection(values, method="cross-account", role_arn=values["role_arn"],
                                    external_id=values["external_id"], source=f"profile:{source}")
            return name, conn, Secrets(), ""
        key_id, secrets = _keys(origin)
        conn = _base_connection(values, method="assume-role", role=values["role_arn"], access_key_id=key_id)
        return name, conn, secrets, ""
    if credential_source in ("Ec2InstanceMetadata", "Environment"):
        conn = _base_connection(values, method="cross-account", role_arn=values["role_arn"],
                                external_id=values.get("external_id", ""),
                                source="instance" if credential_source == "Ec2InstanceMetadata" else "default")
        return name, conn, Secrets(), ""
    return name, None, Secrets(), _reason("role with credential_source {source!r} is not supported",
                                                 source=credential_source)


def import_profiles(
    store: ProfileStore,
    secret_store: SecretStore,
    config: Path | None = None,
    credentials: Path | None = None,
    *,
    only: set[str] | None = None,
) -> list[ImportItem]:
    """Import every usable profile (or those in `only`) as untested profiles; existing names are skipped.

    A KeychainError propagates (nothing more is imported): that is an environment problem, not a per-profile one.
    """
    credentials = credentials or credentials_path()
    entered = min(time.time(), credentials.stat().st_mtime) if credentials.is_file() else time.time()
    # The profile file is written once, at the end (or at a keychain failure: what was saved); one keychain connection.
    with store.batch(), secret_store.batch():
        plans = plan_import(read_shared_files(config, credentials))
        others = other_sections(config) if only is None else []
        return _import_planned(store, secret_store, plans, others, only, entered)


def _import_planned(store, secret_store, plans, others, only, entered) -> list[ImportItem]:
    existing = set(store.names())
    items: list[ImportItem] = [ImportItem(f"[{header}]", "skipped", _reason("not a profile section")) for header in others]
    imported: set[str] = set()
    for aws_name, conn, secrets, reason in plans:
        if only is not None and aws_name not in only:
            continue
        if conn is None:
            items.append(ImportItem(aws_name, "skipped", reason))
            continue
        if not NAME_PATTERN.match(aws_name):
            items.append(ImportItem(aws_name, "skipped", _reason("its name has characters profiles do not allow")))
            continue
        if aws_name in existing:
            items.append(ImportItem(aws_name, "skipped", _reason("a profile with this name already exists")))
            continue
        source = conn.source[len("profile:"):] if conn.source.startswith("profile:") else None
        if conn.method == "cross-account" and source and source not in imported | existing:
            items.append(ImportItem(aws_name, "skipped",
                                    _reason("its source profile {source!r} was not imported", source=source)))
            continue
        if secrets.session_token:
            conn.token_entered_at = entered  # the token was issued no later than the file was written
        profile = save_connection(store, secret_store, aws_name, conn, secrets, untested=True)
        imported.add(aws_name)
        items.append(ImportItem(aws_name, "imported", "", profile))
    return items


# ======================================================================================================================
# Export
# ======================================================================================================================
@dataclass
class ExportResult:
    path: Path
    backup: Path | None
    sections: list[str]  # AWS profile names written
    style: str
    aws_name: str
    warnings: list[str] = field(default_factory=list)


def program_command(program: str | None = None) -> str:
    """How the AWS tools call this program: the absolute path of the installed command when found."""
    if program is None:
        found = shutil.which(PROGRAM_NAME)
        if not found:
            beside = Path(sys.executable).with_name(PROGRAM_NAME)
            found = str(beside) if beside.exists() else None
        program = os.path.abspath(found) if found else PROGRAM_NAME
    return _quote(program)


def _quote(word: str) -> str:
    return subprocess.list2cmdline([word]) if os.name == "nt" else shlex.quote(word)


SSO_SESSION = "sso-session "  # a section key starting so is an [sso-session NAME] section, not a profile


def _header(aws_name: str) -> str:
    if aws_name.startswith(SSO_SESSION):
        return aws_name
    return "default" if aws_name == "default" else f"profile {aws_name}"


def _render(aws_name: str, profile_name: str, settings: list[tuple[str, str]], newline: str) -> str:
    lines = [f"[{_header(aws_name)}]", f"{MARKER} (profile {profile_name}); the secret stays in the OS keychain."]
    lines += [f"{key} = {value}" for key, value in settings if value not in ("", None)]
    for line in lines:  # the last guard: whatever the checks missed never becomes a second line in the file
        if not isinstance(line, str) or _unsafe_line(line):
            raise ExportError(_reason("Profile {name} has a value with a line break or a control character; "
                                      "nothing was written.", name=repr(profile_name)))
    return newline.join(lines) + newline


def _unsafe_line(line: str) -> bool:
    from wizard.core.validation import unsafe_characters

    return bool(unsafe_characters(line)) or line[:1].isspace()


def check_exportable(profile: Profile) -> None:
    """Refuse a profile whose name or settings fail the field checks (a hand-edited profile file may hold anything)."""
    from wizard.core.validation import label_of, present_value_errors

    if not isinstance(profile.name, str) or not NAME_PATTERN.match(profile.name):
        raise ExportError(_reason("The profile name {name} is not valid; nothing was written.",
                                  name=repr(profile.name)))
    conn = profile.connection
    errors = present_value_errors(conn)
    if errors:
        key, message = errors[0]
        detail = message.text
        raise ExportError(_reason("Profile {name} cannot be exported: its {field} is not valid ({problem}). Fix it in "
                                  "the wizard; nothing was written.", name=repr(profile.name), field=label_of(key),
                                  problem=detail))


def _common(conn: Connection) -> list[tuple[str, str]]:
    return [("region", conn.region), ("endpoint_url", conn.network.endpoint_url), ("ca_bundle", conn.network.ca_bundle)]


def _role_settings(conn: Connection, role_arn: str) -> list[tuple[str, str]]:
    return [
        ("role_arn", role_arn),
        ("external_id", conn.external_id if conn.method == "cross-account" else ""),
        ("role_session_name", conn.session_name),
        ("duration_seconds", str(int(conn.duration)) if conn.duration else ""),
        ("mfa_serial", (conn.mfa_serial or "").strip()),  # the SDK asks for the code when it assumes the role
    ]


def can_sdk_assume(conn: Connection) -> bool:
    """True when the SDK can assume the role itself: a full role ARN, and a source the config file can name."""
    if conn.method == "assume-role":
        return bool(_FULL_ROLE_ARN.match(conn.role.strip()))
    if conn.method == "sso":  # the SDK's own IAM Identity Center support ([sso-session])
        return True
    return conn.method == "cross-account" and (conn.source == "instance" or conn.source.startswith("profile:"))


def choose_style(conn: Connection, style: str = "process") -> str:
    """Check the export kind for a connection. "process" (the default) always works and keeps assumed credentials off
    the disk; "sdk" needs `can_sdk_assume` (and the AWS CLI then caches the assumed credentials in ~/.aws/cli/cache)."""
    if style not in STYLES:
        raise ExportError(_reason("Unknown export style {style}; use one of {styles}.", style=repr(style),
                                  styles=", ".join(STYLES)))
    if style == "sdk" and not can_sdk_assume(conn):
        raise ExportError(_reason(
            "The SDK cannot assume this role by itself (access-key profile, a role given by name without its account, "
            "or the default credential chain as source); export it with --style process."
        ))
    return style


def plan_sections(
    store: ProfileStore, profile: Profile, aws_name: str, style: str, program: str, newline: str = "\n"
) -> dict[str, str]:
    """AWS profile name -> section text, for `profile` exported as `aws_name` (source sections included)."""
    if profile.practice:
        raise ExportError(_reason(
            "{name} is a practice profile (local emulator, practice keys); practice profiles are never "
            "exported to the AWS config file.", name=repr(profile.name)
        ))
    check_exportable(profile)
    conn = profile.connection
    call = f"{program} credential-process {profile.name}"
    if (conn.mfa_serial or "").strip():  # once the MFA session ends: a code window on a desktop, else "renew NAME"
        call = f"{program} credential-process --prompt gui {profile.name}"
    if style == "process":
        return {aws_name: _render(aws_name, profile.name, [("credential_process", call), *_common(conn)], newline)}
    if conn.method == "sso":
        return _sso_sections(profile, aws_name, newline)
    if conn.method == "assume-role":
        keys_name = aws_name + SOURCE_SUFFIX
        keys = [("credential_process", f"{program} credential-process --source-keys {profile.name}"), *_common(conn)]
        role = [*_role_settings(conn, conn.role.strip()), ("source_profile", keys_name), *_common(conn)]
        return {keys_name: _render(keys_name, profile.name, keys, newline),
                aws_name: _render(aws_name, profile.name, role, newline)}
    if conn.source == "instance":
        role = [*_role_settings(conn, conn.role_arn.strip()), ("credential_source", "Ec2InstanceMetadata"),
                *_common(conn)]
        return {aws_name: _render(aws_name, profile.name, role, newline)}
    source_name = conn.source[len("profile:"):]
    try:
        source = store.get(source_name)
    except KeyError:
        raise ExportError(_reason("The source profile {source} of {name} does not exist.", source=repr(source_name),
                                  name=repr(profile.name))) from None
    sections = plan_sections(store, source, source_name, "sdk" if can_sdk_assume(source.connection) else "process",
                             program, newline)
    role = [*_role_settings(conn, conn.role_arn.strip()), ("source_profile", source_name), *_common(conn)]
    sections[aws_name] = _render(aws_name, profile.name, role, newline)
    return sections


def _sso_sections(profile: Profile, aws_name: str, newline: str) -> dict[str, str]:
    """An sso profile as the AWS CLI documents it: [sso-session NAME] (start URL, region, the scope that allows
    refreshing) and [profile NAME] naming the session, the account and the role. The AWS CLI then logs in itself
    (`aws sso login`) and keeps its own token cache on disk."""
    conn = profile.connection
    session = SSO_SESSION + aws_name
    settings = [("sso_start_url", conn.sso_start_url), ("sso_region", conn.sso_region),
                ("sso_registration_scopes", "sso:account:access")]
    role = [("sso_session", aws_name), ("sso_account_id", conn.sso_account_id),
            ("sso_role_name", conn.sso_role_name), *_common(conn)]
    return {session: _render(session, profile.name, settings, newline),
            aws_name: _render(aws_name, profile.name, role, newline)}


# -- text editing --------------------------------------------------------------------------------------------------------
@dataclass
class _Span:
    name: str  # AWS profile name
    start: int  # first line (the header)
    end: int  # one past the last option line (trailing comments and blank lines are left to what follows)
    ours: bool


def _profile_name(header: str) -> str | None:
    parts = header.split()
    if parts == ["default"]:
        return "default"
    if len(parts) == 2 and parts[0] == "profile":
        return parts[1]
    if len(parts) == 2 and parts[0] == SSO_SESSION.strip():
        return SSO_SESSION + parts[1]
    return None


def find_sections(lines: list[str]) -> list[_Span]:
    """The sections of a config file's lines, found the way configparser finds them (indented lines after an option are
    its continuation, comments are lines starting with # or ;)."""
    spans: list[_Span] = []
    option_indent: int | None = None
    last_content = -1
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        indent = len(line) - len(line.lstrip())
        if spans and option_indent is not None and indent > option_indent:
            last_content = index  # a continuation line
            continue
        match = _SECTION.match(stripped)
        if match:
            if spans:
                spans[-1].end = last_content + 1
            spans.append(_Span(_profile_name(match.group("header")) or "\0" + match.group("header"), index, index + 1,
                               False))
            option_indent = None
            last_content = index
            continue
        option_indent = indent
        last_content = index
    if spans:
        spans[-1].end = last_content + 1
    for span in spans:
        span.ours = any(lines[i].strip().startswith(MARKER) for i in range(span.start + 1, span.end))
    return spans


def split_lines(text: str) -> list[str]:
    """The lines of a config file as configparser reads them (ends kept): only \\n, \\r\\n and \\r end a line.
    str.splitlines also breaks at \\x0c, \\x85, \\u2028..., which would cut a user's comment in two."""
    return _LINE.findall(text)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _newline_of(text: str) -> str:
    return "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"


def merge_sections(text: str, sections: dict[str, str], *, replace: bool = False) -> str:
    """`text` with each section replaced in place (ours, or any with `replace`) or appended at the end."""
    lines = split_lines(text)
    spans = find_sections(lines)
    for name in sections:
        found = [s for s in spans if s.name == name]
        if len(found) > 1:
            raise ExportError(_reason("The config file has profile {name} {count} times; fix that first.",
                                      name=repr(name), count=len(found)))
        if found and not found[0].ours and not replace:
            raise ExportError(_reason(
                "The config file already has a profile {name} that aws-connection-wizard did not write; export "
                "under another name (--as NAME) or replace it explicitly (--replace).", name=repr(name))
            )
    newline = _newline_of(text)
    appended: list[str] = []
    replacements: dict[int, tuple[int, str]] = {}
    for name, section in sections.items():
        found = [s for s in spans if s.name == name]
        if found:
            replacements[found[0].start] = (found[0].end, section)
        else:
            appended.append(section)
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in replacements:
            end, section = replacements[index]
            out.append(section)
            index = end
        else:
            out.append(lines[index])
            index += 1
    result = "".join(out)
    for section in appended:
        if result and not result.endswith(("\n", "\r")):
            result += newline
        if result and not result.endswith(newline * 2) and result.strip():
            result += newline
        result += section
    return result


def _backup(path: Path, data: bytes, mode: int) -> Path:
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak-{stamp}-{counter}")
        counter += 1
    atomic_write(backup, data, mode)
    return backup


def export_profile(
    store: ProfileStore,
    name: str,
    *,
    to: Path | None = None,
    aws_name: str | None = None,
    style: str = "process",
    replace: bool = False,
    program: str | None = None,
) -> ExportResult:
    """Write profile `name` into the AWS config file as `aws_name` (default: the same name). See the module docstring."""
    profile = store.get(name)
    aws_name = aws_name or name
    if not NAME_PATTERN.match(aws_name):
        raise ExportError(_reason("{name} is not a usable AWS profile name.", name=repr(aws_name)))
    used = choose_style(profile.connection, style)
    path = Path(os.path.realpath(to or config_path()))
    store.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # our writers, one at a time
        with FileLock(str(store.home / "awsconfig.lock"), timeout=LOCK_TIMEOUT, mode=0o600):
            return _export_locked(store, profile, path, aws_name, used, replace, program)
    except Timeout:
        raise ExportError(_reason("Another aws-connection-wizard is exporting into {path}; try again.",
                                  path=path)) from None


def _export_locked(store, profile, path, aws_name, used, replace, program) -> ExportResult:
    try:
        original = path.read_bytes() if path.exists() else b""
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o600
    except OSError as exc:
        raise ExportError(_reason("Cannot read {path}: {problem}", path=path, problem=exc.strerror or exc)) from None
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        raise ExportError(_reason("{path} is not UTF-8 text; it was left untouched.", path=path)) from None
    sections = plan_sections(store, profile, aws_name, used, program_command(program), _newline_of(text))
    updated = merge_sections(text, sections, replace=replace).encode("utf-8")
    result = ExportResult(path, None, list(sections), used, aws_name, _warnings(sections))
    if updated == original:
        return result
    try:
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True)
            fsync_dir(path.parent.parent)
        if original:
            result.backup = _backup(path, original, mode)
        if path.exists() and path.read_bytes() != original:
            raise ExportError(_reason("{path} changed while exporting; nothing was written. Try again.", path=path))
        atomic_write(path, updated, mode)
    except OSError as exc:
        raise ExportError(_reason("Cannot write {path}: {problem}", path=path, problem=exc.strerror or exc)) from None
    return result


def _warnings(sections: dict[str, str]) -> list[str]:
    creds = credentials_path()
    try:
        from botocore.configloader import raw_config_parse

        names = set(raw_config_parse(str(creds))) if creds.is_file() else set()
    except Exception:  # noqa: BLE001 - a broken credentials file is the SDK's problem, not the export's
        return []
    return [
        _reason("{credentials} also has a profile {name!r} with keys; the AWS tools use those keys instead of this "
                "export. Remove that section (or export under another name with --as).", credentials=creds, name=name)
        for name in sections if name in names
    ]
