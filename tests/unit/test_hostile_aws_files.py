"""Hostile AWS shared files and profile files through import and export: nothing crashes, nothing multi-line is stored
or written, and every imported value passes the field checks."""

from __future__ import annotations

import configparser
import json

import pytest

from tests.support.secrets_registry import fake_secret_access_key
from wizard.core.awsconfig import (
    MARKER,
    ExportError,
    export_profile,
    merge_sections,
    plan_import,
    read_shared_files,
)
from wizard.core.connection import Connection
from wizard.core.profiles import Profile, ProfileStore, StoreError

KEY = "AKIAIOSFODNN7EXAMPLE"
PROGRAM = "/opt/aws-connection-wizard/bin/aws-connection-wizard"
EVIL = "[profile evil]\n  credential_process = /bin/sh -c id"


def _plans(tmp_path, credentials: str, config: str = "") -> dict:
    (tmp_path / "credentials").write_text(credentials)
    (tmp_path / "config").write_text(config)
    try:
        return {name: (conn, reason) for name, conn, _, reason in
                plan_import(read_shared_files(tmp_path / "config", tmp_path / "credentials"))}
    finally:
        (tmp_path / "credentials").unlink()


def test_continuation_under_the_access_key_id_is_skipped_not_a_crash(tmp_path):
    secret = fake_secret_access_key()
    plans = _plans(tmp_path, f"[a]\naws_access_key_id =\n  x = y\naws_secret_access_key = {secret}\n"
                             f"[b]\naws_access_key_id = {KEY}\n  more\naws_secret_access_key = {secret}\n")
    for name in ("a", "b"):
        conn, reason = plans[name]
        assert conn is None and "aws_access_key_id" in reason and "indented line" in reason


def test_continuation_under_source_profile_is_skipped_not_a_crash(tmp_path):
    secret = fake_secret_access_key()
    plans = _plans(tmp_path, f"[keys]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\n",
                   "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile =\n  keys = x\n"
                   "[profile s]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n  other\n")
    assert plans["keys"][0] is not None
    for name in ("r", "s"):
        assert plans[name][0] is None and "source_profile" in plans[name][1]


@pytest.mark.parametrize("duration", ["²", "3600.0", "forever", "99999999999999999999"])
def test_a_bad_duration_skips_the_profile_with_the_field_named(tmp_path, duration):
    secret = fake_secret_access_key()
    plans = _plans(tmp_path, f"[keys]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\n",
                   f"[profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = keys\n"
                   f"duration_seconds = {duration}\n")
    conn, reason = plans["r"]
    assert conn is None and "session duration" in reason


@pytest.mark.parametrize("key", ["region", "endpoint_url", "ca_bundle", "role_session_name", "external_id"])
def test_a_value_continued_with_a_section_never_becomes_part_of_a_profile(tmp_path, key):
    secret = fake_secret_access_key()
    plans = _plans(tmp_path, f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\n"
                             f"{key} = x\n  {EVIL}\n")
    conn, reason = plans["default"]
    assert conn is None and key in reason


@pytest.mark.parametrize("value, field", [("eu-west-1\u2028x", "region"), ("http://\x00", "endpoint URL"),
                                          ("/nonexistent/ca.pem", "CA bundle"), ("mars-1", "region")])
def test_every_imported_value_passes_the_field_checks(tmp_path, value, field):
    secret = fake_secret_access_key()
    key = {"region": "region", "endpoint URL": "endpoint_url", "CA bundle": "ca_bundle"}[field]
    plans = _plans(tmp_path, f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {secret}\n",
                   f"[default]\n{key} = {value}\n")
    conn, reason = plans["default"]
    assert conn is None and field in reason


def test_imported_values_are_the_cleaned_ones(tmp_path):
    secret = fake_secret_access_key()
    plans = _plans(tmp_path, f"[default]\naws_access_key_id = {KEY}\u200b\naws_secret_access_key = {secret}\n",
                   "[default]\nregion = \u200beu-west-1\n")
    conn, _ = plans["default"]
    assert conn.region == "eu-west-1" and conn.access_key_id == KEY and isinstance(conn.duration, int)


# -- export of a profile file written by someone else ------------------------------------------------------------------
def _hand_edited(tmp_path, **connection) -> ProfileStore:
    store = ProfileStore(tmp_path / "home")
    store.add(Profile.new("victim", Connection(method="access-key", region="eu-west-1", access_key_id=KEY)))
    data = json.loads(store.path.read_text())
    data["profiles"][0]["connection"].update(connection)
    store.path.write_text(json.dumps(data))
    return store


@pytest.mark.parametrize("edit", [
    {"region": f"us-east-1\n{EVIL}"},
    {"region": f"us-east-1\r{EVIL}"},
    {"region": f"us-east-1\x85{EVIL}"},
    {"network": {"endpoint_url": f"https://x.example.com\n{EVIL}"}},
    {"network": {"ca_bundle": f"/etc/hosts\n{EVIL}"}},
    {"method": "assume-role", "role": f"arn:aws:iam::123456789012:role/R\n{EVIL}"},
    {"method": "assume-role", "role": "arn:aws:iam::123456789012:role/R", "session_name": f"s\n{EVIL}"},
    {"method": "assume-role", "role": "arn:aws:iam::123456789012:role/R", "duration": f"3600\n{EVIL}"},
    {"method": "cross-account", "role_arn": "arn:aws:iam::123456789012:role/R", "source": "instance",
     "external_id": f"abc\n{EVIL}"},
    {"region": ["us-east-1"]},
    {"method": ["access-key"]},
])
@pytest.mark.parametrize("style", ["process", "sdk"])
def test_export_refuses_a_hand_edited_profile_that_fails_its_checks(tmp_path, edit, style):
    store = _hand_edited(tmp_path, **edit)
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-west-1\n")
    with pytest.raises((ExportError, StoreError)):  # refused by the export's checks or already by the file's
        export_profile(store, "victim", to=config, program=PROGRAM, style=style)
    assert config.read_text() == "[default]\nregion = eu-west-1\n"


def test_export_refuses_a_name_with_a_line_break(tmp_path):
    store = _hand_edited(tmp_path)
    data = json.loads(store.path.read_text())
    data["profiles"][0]["name"] = f"victim\n{EVIL}"
    store.path.write_text(json.dumps(data))
    config = tmp_path / "config"
    with pytest.raises((ExportError, KeyError)):
        export_profile(store, f"victim\n{EVIL}", to=config, program=PROGRAM)
    assert not config.exists()


def test_export_refuses_a_program_path_with_a_line_break(tmp_path):
    store = _hand_edited(tmp_path)
    with pytest.raises(ExportError):
        export_profile(store, "victim", to=tmp_path / "config", program=f"/x\n{EVIL}")


@pytest.mark.parametrize("odd", ["\x85", "\x0c", "\u2028", "\x1c", "\x0b"])
def test_re_export_keeps_a_comment_after_the_section_with_odd_characters(tmp_path, odd):
    store = _hand_edited(tmp_path)
    config = tmp_path / "config"
    config.write_text("[default]\nregion = eu-west-1\n")
    export_profile(store, "victim", to=config, program=PROGRAM)
    comment = f"# keep me {odd} all of me\n"
    config.write_text(config.read_text() + comment + "[profile after]\nregion = us-east-1\n")
    before = config.read_text()
    store.update(Profile.from_dict({**store.get("victim").to_dict(),
                                    "connection": {**store.get("victim").connection.to_dict(), "region": "us-east-2"}}))
    export_profile(store, "victim", to=config, program=PROGRAM)
    after = config.read_text()
    assert comment in after and after.endswith(comment + "[profile after]\nregion = us-east-1\n")
    assert after.replace("us-east-2", "eu-west-1") == before
    parser = configparser.RawConfigParser()
    parser.read_string(after)
    assert parser.get("profile victim", "region") == "us-east-2" and MARKER not in parser.sections()


def test_merge_never_splits_at_a_form_feed():
    text = "[profile a]\n# a \x0c b\nx = 1\n"
    assert merge_sections(text, {}) == text
