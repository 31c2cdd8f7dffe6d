"""Export into the AWS config file by text editing (byte-exact elsewhere), and the import mapping of AWS profiles."""

from __future__ import annotations

import configparser
import os
import stat

import pytest

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core.awsconfig import (
    MARKER,
    ExportError,
    can_sdk_assume,
    choose_style,
    export_profile,
    find_sections,
    plan_import,
    read_shared_files,
)
from wizard.core.connection import Connection
from wizard.core.profiles import Profile, ProfileStore

# A config file as people really have them: comments everywhere, odd spacing, nested values, no final newline.
MESSY_CONFIG = (
    "# my AWS config -- do not lose this comment\n"
    "[default]\n"
    "region=eu-west-1\n"
    "output   =   json\n"
    "\n"
    ";  a semicolon comment\n"
    "[profile  work]\n"
    "   region = us-east-2   \n"
    "s3 =\n"
    "    addressing_style = path\n"
    "    [not-a-header-but-a-continuation]\n"
    "\n"
    "# comment that belongs above the next profile\n"
    "[profile other]\n"
    "role_arn = arn:aws:iam::123456789012:role/X\n"
    "source_profile = work\n"
    "[sso-session corp]\n"
    "sso_region = us-east-1\n"
    "\t# trailing tab comment"
)
PROGRAM = "/opt/aws-connection-wizard/bin/aws-connection-wizard"


@pytest.fixture
def store(tmp_path) -> ProfileStore:
    s = ProfileStore(tmp_path / "home")
    s.add(Profile.new("keys", Connection(method="access-key", region="eu-north-1", access_key_id="AKIAIOSFODNN7EXAMPLE")))
    s.add(Profile.new("robot", Connection(method="assume-role", region="us-east-1", access_key_id="AKIAIOSFODNN7EXAMPLE",
                                          role="arn:aws:iam::123456789012:role/Robot", duration=1800)))
    s.add(Profile.new("partner", Connection(method="cross-account", region="us-east-1", source="profile:keys",
                                            role_arn="arn:aws:iam::210987654321:role/Partner",
                                            external_id="ext-id-0123456789abcdef")))
    s.add(Profile.new("by-name", Connection(method="assume-role", access_key_id="AKIAIOSFODNN7EXAMPLE", role="Robot")))
    s.add(Profile.new("practice", Connection(), practice=True))
    return s


def _export(store, name, path, **kw):
    return export_profile(store, name, to=path, program=PROGRAM, **kw)


# -- the section finder behaves like configparser ------------------------------------------------------------------------
def test_find_sections_agrees_with_configparser():
    lines = MESSY_CONFIG.splitlines(keepends=True)
    spans = find_sections(lines)
    parser = configparser.RawConfigParser()
    parser.read_string(MESSY_CONFIG)
    assert [s.name.lstrip("\0") for s in spans] == ["default", "work", "other", "sso-session corp"]
    assert len(spans) == len(parser.sections())
    work = spans[1]
    assert lines[work.start].startswith("[profile  work]")
    assert lines[work.end - 1].strip() == "[not-a-header-but-a-continuation]"  # continuation, not a section
    assert "[not-a-header-but-a-continuation]" in parser.get("profile  work", "s3")
    assert not any(s.ours for s in spans)


# -- export: byte-for-byte elsewhere ----------------------------------------------------------------------------------------
def test_export_appends_and_leaves_every_other_byte(store, tmp_path):
    path = tmp_path / "config"
    path.write_bytes(MESSY_CONFIG.encode())
    os.chmod(path, 0o640)
    result = _export(store, "keys", path)
    new = path.read_bytes()
    assert new.startswith(MESSY_CONFIG.encode())
    added = new[len(MESSY_CONFIG):].decode()
    assert added == (
        "\n\n[profile keys]\n"
        f"{MARKER} (profile keys); the secret stays in the OS keychain.\n"
        f"credential_process = {PROGRAM} credential-process keys\n"
        "region = eu-north-1\n"
    )
    assert result.backup is not None and result.backup.read_bytes() == MESSY_CONFIG.encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and stat.S_IMODE(result.backup.stat().st_mode) == 0o640
    parser = configparser.RawConfigParser()
    parser.read_string(new.decode())
    assert parser.get("profile keys", "credential_process").endswith("credential-process keys")


def test_re_export_replaces_only_its_own_section(store, tmp_path):
    path = tmp_path / "config"
    path.write_bytes(MESSY_CONFIG.encode())
    _export(store, "keys", path)
    tail = "\n# a comment someone added after our section\n[profile later]\nregion = sa-east-1\n"
    path.write_bytes(path.read_bytes() + tail.encode())
    before = path.read_text()
    profile = store.get("keys")
    profile.connection.region = "ap-southeast-2"
    store.update(profile)
    _export(store, "keys", path)
    after = path.read_text()
    start = before.index("[profile keys]")
    old_section_end = before.index("region = eu-north-1\n") + len("region = eu-north-1\n")
    assert after[:start] == before[:start]
    assert after.endswith(before[old_section_end:])
    assert "region = ap-southeast-2\n" in after and "eu-north-1" not in after
    assert after.count("[profile keys]") == 1


def test_export_into_a_crlf_file_keeps_crlf(store, tmp_path):
    path = tmp_path / "config"
    original = MESSY_CONFIG.replace("\n", "\r\n") + "\r\n"
    path.write_bytes(original.encode())
    _export(store, "keys", path)
    new = path.read_bytes().decode()
    assert new.startswith(original)
    assert "\n" not in new[len(original):].replace("\r\n", "")


def test_export_creates_a_missing_file_0600_without_backup(store, tmp_path):
    path = tmp_path / "new-dir" / "config"
    result = _export(store, "keys", path)
    assert result.backup is None
    assert path.read_text().startswith("[profile keys]\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_export_writes_through_a_symlink(store, tmp_path):
    target = tmp_path / "real-config"
    target.write_text("[default]\nregion = us-east-1\n")
    link = tmp_path / "config"
    link.symlink_to(target)
    _export(store, "keys", link)
    assert link.is_symlink()
    assert "[profile keys]" in target.read_text()


def test_foreign_section_is_refused_unless_replace(store, tmp_path):
    path = tmp_path / "config"
    path.write_text(MESSY_CONFIG)
    with pytest.raises(ExportError, match="did not write"):
        _export(store, "keys", path, aws_name="work")
    assert path.read_text() == MESSY_CONFIG
    assert list(tmp_path.glob("config.bak-*")) == []
    _export(store, "keys", path, aws_name="work", replace=True)
    text = path.read_text()
    assert "addressing_style" not in text and "credential-process keys" in text
    assert text.startswith(MESSY_CONFIG[: MESSY_CONFIG.index("[profile  work]")])
    assert text.endswith(MESSY_CONFIG[MESSY_CONFIG.index("\n# comment that belongs above"):])


def test_duplicate_sections_are_refused(store, tmp_path):
    path = tmp_path / "config"
    path.write_text("[profile keys]\nregion = a\n[profile keys]\nregion = b\n")
    with pytest.raises(ExportError, match="2 times"):
        _export(store, "keys", path)


def test_practice_profiles_are_never_exported(store, tmp_path):
    path = tmp_path / "config"
    path.write_text(MESSY_CONFIG)
    with pytest.raises(ExportError, match="practice profile"):
        _export(store, "practice", path)
    assert path.read_text() == MESSY_CONFIG


def test_export_kinds(store, tmp_path):
    path = tmp_path / "config"
    assert _export(store, "robot", path, aws_name="robot-default").style == "process"  # the default kind
    result = _export(store, "robot", path, style="sdk")
    assert result.style == "sdk" and result.sections == ["robot-keys", "robot"]
    parser = configparser.RawConfigParser()
    parser.read(path)
    assert parser.get("profile robot-keys", "credential_process") == f"{PROGRAM} credential-process --source-keys robot"
    assert parser.get("profile robot", "source_profile") == "robot-keys"
    assert parser.get("profile robot", "role_arn") == "arn:aws:iam::123456789012:role/Robot"
    assert parser.get("profile robot", "duration_seconds") == "1800"
    assert not parser.has_option("profile robot", "credential_process")

    result = _export(store, "partner", path, aws_name="partner-prod", style="sdk")
    assert result.sections == ["keys", "partner-prod"]
    parser.read(path)
    assert parser.get("profile partner-prod", "external_id") == "ext-id-0123456789abcdef"
    assert parser.get("profile partner-prod", "source_profile") == "keys"
    assert parser.get("profile keys", "credential_process").endswith("credential-process keys")

    result = _export(store, "robot", path, aws_name="robot-proc", style="process")
    parser.read(path)
    assert parser.get("profile robot-proc", "credential_process") == f"{PROGRAM} credential-process robot"

    for cannot in ("by-name", "keys"):  # a role by name (account unknown offline); no role at all
        with pytest.raises(ExportError, match="cannot assume"):
            choose_style(store.get(cannot).connection, "sdk")
    instance = Connection(method="cross-account", role_arn="arn:aws:iam::123456789012:role/R", source="instance")
    default = Connection(method="cross-account", role_arn="arn:aws:iam::123456789012:role/R", source="default")
    assert (can_sdk_assume(instance), can_sdk_assume(default)) == (True, False)
    assert choose_style(default) == "process"


def test_program_path_with_spaces_is_quoted(store, tmp_path):
    path = tmp_path / "config"
    export_profile(store, "keys", to=path, program="/opt/My Tools/aws-connection-wizard")
    line = next(x for x in path.read_text().splitlines() if x.startswith("credential_process"))
    assert line == "credential_process = '/opt/My Tools/aws-connection-wizard' credential-process keys"


def test_unchanged_export_writes_nothing(store, tmp_path):
    path = tmp_path / "config"
    _export(store, "keys", path)
    again = _export(store, "keys", path)
    assert again.backup is None
    assert list(tmp_path.glob("config.bak-*")) == []


# -- import mapping ----------------------------------------------------------------------------------------------------------
def test_import_plan_maps_every_kind(tmp_path):
    secret, token, other_secret = fake_secret_access_key(), fake_session_token(), fake_secret_access_key()
    (tmp_path / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {secret}\n"
        f"[temp]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = {other_secret}\n"
        f"aws_session_token = {token}\n"
    )
    (tmp_path / "config").write_text(
        "[default]\nregion = eu-west-3\n"
        "[profile temp]\nregion = us-west-1\nendpoint_url = http://127.0.0.1:1234\n"
        "[profile robot]\nrole_arn = arn:aws:iam::123456789012:role/Robot\nsource_profile = default\n"
        "role_session_name = nightly\nduration_seconds = 1800\n"
        "[profile partner]\nrole_arn = arn:aws:iam::210987654321:role/P\nsource_profile = default\n"
        "external_id = ext-0123456789abcdef\n"
        "[profile onbox]\nrole_arn = arn:aws:iam::123456789012:role/Box\ncredential_source = Ec2InstanceMetadata\n"
        "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
        "[profile ours]\ncredential_process = /x/aws-connection-wizard credential-process keys\n"
        "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/C\nsource_profile = robot\n"
        "[profile empty]\nregion = us-east-1\n"
    )
    try:
        plans = {name: (conn, secrets, reason) for name, conn, secrets, reason in
                 plan_import(read_shared_files(tmp_path / "config", tmp_path / "credentials"))}
    finally:
        (tmp_path / "credentials").unlink()  # a test's stand-in for the user's file; the final scan must not find it
    conn, secrets, _ = plans["default"]
    assert (conn.method, conn.region, conn.access_key_id, secrets.secret_access_key) == (
        "access-key", "eu-west-3", "AKIAIOSFODNN7EXAMPLE", secret)
    conn, secrets, _ = plans["temp"]
    assert secrets.session_token == token and conn.network.endpoint_url == "http://127.0.0.1:1234"
    conn, secrets, _ = plans["robot"]
    assert (conn.method, conn.role, conn.session_name, conn.duration) == (
        "assume-role", "arn:aws:iam::123456789012:role/Robot", "nightly", 1800)
    assert secrets.secret_access_key == secret
    conn, secrets, _ = plans["partner"]
    assert (conn.method, conn.source, conn.external_id) == ("cross-account", "profile:default", "ext-0123456789abcdef")
    assert secrets.values() == []
    assert plans["onbox"][0].source == "instance"
    for skipped, words in (("sso", "Identity Center"), ("ours", "aws-connection-wizard"), ("chained", "no access key"),
                           ("empty", "no credentials")):
        assert plans[skipped][0] is None and words in plans[skipped][2]
