"""Practice mode's session: both emulators on 127.0.0.1, every AWS and metadata call of the process pointed at them, the
user's real ~/.aws and identity never used, practice profiles kept apart, and everything undone by stop()."""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import os
import socket
import urllib.parse

import boto3
import pytest

from tests.support import secrets_registry
from wizard.core import engine, imds
from wizard.core.connection import Connection, Secrets
from wizard.practice.session import PracticeSession, endpoints_in

pytestmark = pytest.mark.integration

SERVICES = ("sts", "s3", "ec2", "workspaces", "bedrock-runtime", "iam")


def _host_is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname
    return ipaddress.ip_address(host).is_loopback


def run_test(conn, secrets):
    """engine.run_test in a worker thread: the GUI tests' qasync loop may be marked running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        return worker.submit(engine.run_test, conn, secrets).result(timeout=120)


def _port_open(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((parts.hostname, parts.port)) == 0


@pytest.fixture
def real_world(tmp_path, monkeypatch):
    """A user with a real-looking ~/.aws, AWS variables and a service-specific endpoint set before practice starts."""
    aws_dir = tmp_path / "dot-aws"
    aws_dir.mkdir()
    (aws_dir / "credentials").write_text("[default]\naws_access_key_id = AKIAREALUSERKEY00001\n"
                                         "aws_secret_access_key = real-secret-that-must-not-be-used-000000\n")
    (aws_dir / "config").write_text("[default]\nregion = eu-west-3\n[profile work]\nregion = eu-west-1\n")
    before = {p.name: p.read_bytes() for p in aws_dir.iterdir()}
    env = {
        "AWS_CONFIG_FILE": str(aws_dir / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws_dir / "credentials"),
        "AWS_PROFILE": "work",
        "AWS_ACCESS_KEY_ID": "AKIAENVIRONMENTKEY01",
        "AWS_SECRET_ACCESS_KEY": "environment-secret-that-must-not-be-used0",
        "AWS_ENDPOINT_URL_S3": "https://s3.example.invalid",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONNECTION_WIZARD_HOME": str(tmp_path / "real-store"),
    }
    secrets_registry.register(env["AWS_SECRET_ACCESS_KEY"])
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env, aws_dir, before


@pytest.fixture
def session(real_world, aws_emulator):
    with PracticeSession(aws=aws_emulator) as running:
        p = running.practice
        secrets_registry.register(p.secret_access_key, p.denied_secret_access_key)
        yield running


def test_every_endpoint_is_loopback_and_answers(session):
    found = endpoints_in()
    assert set(found) == {"AWS_ENDPOINT_URL", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_ENDPOINT_URL_SSO",
                          "AWS_ENDPOINT_URL_SSO_OIDC"}  # the user's S3 endpoint is gone
    for name, url in found.items():
        assert _host_is_loopback(url), name
        assert _port_open(url), name
    assert found["AWS_ENDPOINT_URL"] == session.url
    assert found["AWS_EC2_METADATA_SERVICE_ENDPOINT"] == session.imds_url
    assert found["AWS_ENDPOINT_URL_SSO"] == found["AWS_ENDPOINT_URL_SSO_OIDC"] == session.sso.url


def test_the_sso_method_passes_after_a_device_code_login(session):
    """Practice's IAM Identity Center: log in (device code, approved on the emulator's page), pick a seeded role, test."""
    from tests.support.sso import approve_device, remember
    from wizard.core import sso_login
    from wizard.core.credentials import sso_owner, sso_target
    from wizard.core.sso_tokens import SsoTokenStore

    assert session.sso_ready.wait(30)
    start_url, region = session.sso_values()
    conn = Connection(method="sso", sso_start_url=start_url, sso_region=region, region=session.practice.region,
                      service="s3")
    account, role = session.sso.practice.assignments[0]
    conn.sso_account_id, conn.sso_role_name = account, role
    tokens = SsoTokenStore()
    token = sso_login.login(sso_target(conn), sso_owner(conn), tokens, timeout=30,
                            show_device_code=lambda device: approve_device(device.verification_uri_complete))
    remember(token, tokens.load_registration(sso_owner(conn), "device"))
    report = run_test(conn, Secrets())
    assert report.ok, [(s.name, s.status, s.diagnosis and s.diagnosis.code) for s in report.steps]
    assert [s.name for s in report.steps] == ["sso-token", "role-credentials", "identity", "service"]


def test_botocore_sends_every_service_to_the_emulator(session):
    """A client made with no endpoint_url at all (as the engine makes them) goes to the emulator."""
    boto = boto3.session.Session(region_name="eu-central-1")
    for service in SERVICES:
        url = boto.client(service).meta.endpoint_url
        assert url == session.url, service


def test_default_chain_is_the_practice_instance_role_not_the_users_keys(session):
    credentials = boto3.session.Session().get_credentials()
    assert credentials.method == "iam-role"
    assert credentials.get_frozen_credentials().access_key == session.practice.access_key_id
    arn = boto3.session.Session(region_name="us-east-1").client("sts").get_caller_identity()["Arn"]
    assert arn == session.practice.user_arn


def test_instance_check_sees_the_practice_instance(session):
    report = imds.check_instance(session.practice.role_name)
    assert report.on_ec2 and report.imds_version == 2
    assert report.role == session.practice.role_name
    assert report.account == session.practice.account_id


@pytest.mark.parametrize("method,source", [("access-key", ""), ("assume-role", ""), ("cross-account", "default"),
                                           ("cross-account", "instance")])
def test_every_method_passes_with_no_endpoint_in_the_connection(session, method, source):
    p = session.practice
    conn = Connection(method=method, region=p.region, service="s3", bucket=p.bucket)
    secrets = Secrets()
    if method != "cross-account":
        conn.access_key_id, secrets = p.access_key_id, Secrets(p.secret_access_key)
    if method == "assume-role":
        conn.role = p.role_name
    if method == "cross-account":
        conn.role_arn, conn.external_id, conn.source = p.cross_role_arn, p.external_id, source
    assert conn.network.endpoint_url == ""
    report = run_test(conn, secrets)
    assert report.ok, [(s.name, s.status, s.diagnosis and s.diagnosis.code) for s in report.steps]
    assert [s.status for s in report.steps] == ["ok"] * len(report.steps)


@pytest.mark.parametrize("mistake,code", [("wrong-secret", "wrong-secret-key"),
                                          ("wrong-external-id", "assume-role-denied"),
                                          ("untrusting-role", "assume-role-denied")])
def test_the_ready_made_mistakes_show_their_diagnosis(session, mistake, code):
    p = session.practice
    if mistake == "wrong-secret":
        conn, secrets = Connection(access_key_id=p.access_key_id), Secrets(session.wrong_secret())
    elif mistake == "untrusting-role":
        conn = Connection(method="assume-role", access_key_id=p.access_key_id, role=session.untrusting_role())
        secrets = Secrets(p.secret_access_key)
    else:
        conn = Connection(method="cross-account", role_arn=p.cross_role_arn, external_id=session.wrong_external_id())
        secrets = Secrets()
    report = run_test(conn, secrets)
    assert not report.ok
    assert report.failure.diagnosis.code == code


def test_the_expired_token_mistake_shows_expired_token(session):
    expired = session.expired_credentials()
    assert expired is not None and expired["access_key_id"].startswith("ASIA")
    conn = Connection(method="assume-role", access_key_id=expired["access_key_id"], role=session.practice.role_name)
    report = run_test(conn, Secrets(expired["secret_access_key"], expired["session_token"]))
    assert report.failure.name == "identity"
    assert report.failure.diagnosis.code == "expired-token"


@pytest.mark.keychain
def test_practice_profiles_live_apart_and_go_away(session, real_world, tmp_path):
    from wizard.core.keychain import KeychainError, SecretStore
    from wizard.core.profiles import ProfileStore, save_connection

    assert session.store_home == tmp_path / "real-store" / "practice"
    assert ProfileStore().path.parent == session.store_home
    p = session.practice
    saved = save_connection(ProfileStore(), SecretStore(), "practice-keys", Connection(access_key_id=p.access_key_id),
                            Secrets(p.secret_access_key), practice=True)
    assert ProfileStore().get("practice-keys").practice
    assert not (tmp_path / "real-store" / "profiles.json").exists()
    session.stop()
    assert ProfileStore(tmp_path / "real-store" / "practice").list() == []
    try:
        leftover = SecretStore().load(saved.id)
    except KeychainError:
        leftover = Secrets()
    assert leftover.secret_access_key == ""


def test_stop_restores_everything_and_closes_its_ports(real_world, aws_emulator):
    """(The whole program's stop, AWS emulator included, is checked on a real `--practice` process in tests/e2e.)"""
    env, aws_dir, before = real_world
    snapshot = dict(os.environ)
    session = PracticeSession(aws=aws_emulator).start()
    urls = [session.imds_url, session.sso.url]
    practice_aws_dir = os.environ["AWS_CONFIG_FILE"]
    assert os.environ["AWS_CONFIG_FILE"] != env["AWS_CONFIG_FILE"]
    assert "AWS_PROFILE" not in os.environ and "AWS_ACCESS_KEY_ID" not in os.environ
    assert "AWS_EC2_METADATA_DISABLED" not in os.environ
    session.stop()
    session.stop()  # twice is fine
    assert dict(os.environ) == snapshot
    assert not any(_port_open(url) for url in urls)
    assert _port_open(aws_emulator.url)  # not ours to stop
    assert not os.path.exists(practice_aws_dir)
    assert {p.name: p.read_bytes() for p in aws_dir.iterdir()} == before  # the user's files untouched


def test_before_the_emulators_start_every_endpoint_refuses(real_world):
    """prepare(): the window can open while the emulators start, and a call made meanwhile goes nowhere."""
    import botocore.exceptions
    from botocore.config import Config

    session = PracticeSession().prepare()
    try:
        found = endpoints_in()
        assert set(found) == {"AWS_ENDPOINT_URL", "AWS_EC2_METADATA_SERVICE_ENDPOINT"}
        assert all(_host_is_loopback(url) and not _port_open(url) for url in found.values())
        sts = boto3.session.Session(region_name="us-east-1").client(
            "sts", aws_access_key_id="AKIAEXAMPLEEXAMPLE01", aws_secret_access_key="x" * 40,
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=1))
        with pytest.raises(botocore.exceptions.EndpointConnectionError):
            sts.get_caller_identity()
        assert not imds.check_instance().on_ec2
    finally:
        session.stop()
    assert "AWS_ENDPOINT_URL" not in os.environ


def test_the_mfa_mistakes_show_their_diagnosis(session):
    """"No MFA code": the MFA user's keys without a device; "a wrong code": the practice device and another code."""
    p = session.practice
    secrets_registry.register(p.mfa_user_secret_access_key)
    report = run_test(Connection(access_key_id=p.mfa_user_access_key_id), Secrets(p.mfa_user_secret_access_key))
    assert report.failure.diagnosis.code == "mfa-required"
    from wizard.core import totp

    right = totp.current_code(p.mfa_totp_secret).code
    wrong = secrets_registry.register_mfa_code(f"{(int(right) + 500_000) % 1_000_000:06d}")
    conn = Connection(access_key_id=p.access_key_id, mfa_serial=p.mfa_serial)
    test = engine.ConnectionTest(conn, Secrets(p.secret_access_key), mfa_code=wrong)
    with concurrent.futures.ThreadPoolExecutor(1) as worker:
        report = worker.submit(asyncio.run, test.run()).result(timeout=120)
    assert report.failure.name == "identity" and report.failure.diagnosis.code == "mfa-code-invalid"
