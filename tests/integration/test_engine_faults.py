"""Faults moto can't make, from loopback responders: expired token, clock skew, throttling, AWS outage, an unknown
error, refused and silent endpoints, a name that doesn't resolve, TLS with a private CA, and a real proxy (tinyproxy)."""

from __future__ import annotations

import time

import pytest
import trustme

from tests.support import secrets_registry
from tests.support.aws import practice_connection
from tests.support.responders import (FaultResponder, ProbeFirstResponder, SilentEndpoint, TlsFront, Tinyproxy,
                                     closed_port)
from wizard.core import engine
from wizard.core.connection import Connection, NetworkSettings, Secrets

pytestmark = pytest.mark.integration


def _keys_connection(url: str, key: str = "AKIAIOSFODNN7EXAMPLE", **network) -> Connection:
    return Connection(method="access-key", service="s3", region="eu-west-1", access_key_id=key,
                      network=NetworkSettings(endpoint_url=url, **network))


def _identity_failure(report: engine.TestReport) -> engine.StepResult:
    assert not report.ok, report.to_text()
    step = report.steps[0]
    assert step.name == "identity" and step.status == "failed" and step.diagnosis is not None, report.to_text()
    assert all(s.status == "skipped" for s in report.steps[1:])
    return step


@pytest.mark.parametrize(("kind", "code"), [
    ("skewed", "clock-skew"),
    ("throttled", "throttled"),
    ("unavailable", "service-unavailable"),
    ("unexpected", "unexpected"),
    ("region-disabled", "region-disabled"),
])
def test_canned_aws_errors(kind, code):
    with FaultResponder(kind) as responder:
        report = engine.run_test(_keys_connection(responder.url), Secrets(secrets_registry.fake_secret_access_key()))
    step = _identity_failure(report)
    assert step.diagnosis.code == code, report.to_text()
    # one attempt per call, no retries: one GetCallerIdentity (POST), and at most the one S3 probe (GET) that starts
    # beside it with the same credentials (its answer is dropped: the step is skipped)
    assert responder.methods.count("POST") == 1, responder.methods
    assert responder.methods.count("GET") <= 1 and responder.requests <= 2, responder.methods
    assert step.diagnosis.remedy and step.diagnosis.causes


def test_service_probe_runs_beside_the_identity_call():
    """An access key's S3 probe signs with the identity step's credentials: it is on the wire while GetCallerIdentity
    is still open, and the report keeps its order (identity, then service), both ok."""
    with ProbeFirstResponder() as responder:
        report = engine.run_test(_keys_connection(responder.url), Secrets(secrets_registry.fake_secret_access_key()))
    assert responder.probe_came_first is True
    assert [(s.name, s.status) for s in report.steps] == [("identity", "ok"), ("service", "ok")], report.to_text()
    assert report.ok and report.identity_arn == "arn:aws:iam::111122223333:user/slow"


def test_clock_skew_says_how_far_off():
    with FaultResponder("skewed") as responder:
        report = engine.run_test(_keys_connection(responder.url), Secrets(secrets_registry.fake_secret_access_key()))
    diagnosis = _identity_failure(report).diagnosis
    assert "20 minutes behind" in diagnosis.summary
    assert "keys are probably fine" in diagnosis.remedy


def test_expired_token():
    with FaultResponder("expired-token") as responder:
        conn = _keys_connection(responder.url, key="ASIAIOSFODNN7EXAMPLE")
        secrets = Secrets(secrets_registry.fake_secret_access_key(), secrets_registry.fake_session_token())
        report = engine.run_test(conn, secrets)
    assert _identity_failure(report).diagnosis.code == "expired-token"


def test_unexpected_error_is_shown_redacted():
    with FaultResponder("unexpected") as responder:
        report = engine.run_test(_keys_connection(responder.url), Secrets(secrets_registry.fake_secret_access_key()))
    diagnosis = _identity_failure(report).diagnosis
    assert diagnosis.aws_error.startswith("WeirdNewError: Something new happened to key AKIA…MPLE")
    assert "AKIAIOSFODNN7EXAMPLE" not in report.to_text()


def test_endpoint_refused():
    report = engine.run_test(_keys_connection(f"http://127.0.0.1:{closed_port()}"),
                             Secrets(secrets_registry.fake_secret_access_key()))
    assert _identity_failure(report).diagnosis.code == "endpoint-unreachable"


def test_name_that_does_not_resolve():
    report = engine.run_test(_keys_connection("https://sts.wizard-test.invalid"),
                             Secrets(secrets_registry.fake_secret_access_key()))
    assert _identity_failure(report).diagnosis.code == "dns-failure"


def test_silent_endpoint_is_a_timeout_within_the_budget():
    with SilentEndpoint() as silent:
        conn = _keys_connection(silent.url)
        budget = conn.network.connect_timeout + conn.network.read_timeout  # one attempt: 3 s + 10 s by default
        started = time.monotonic()
        report = engine.run_test(conn, Secrets(secrets_registry.fake_secret_access_key()))
        elapsed = time.monotonic() - started
    assert _identity_failure(report).diagnosis.code == "timeout"
    assert elapsed < budget + 3, f"took {elapsed:.1f} s for a budget of {budget:.0f} s"


def test_silent_endpoint_with_shorter_read_timeout():
    with SilentEndpoint() as silent:
        conn = _keys_connection(silent.url, read_timeout=1.0)
        started = time.monotonic()
        report = engine.run_test(conn, Secrets(secrets_registry.fake_secret_access_key()))
        elapsed = time.monotonic() - started
    assert _identity_failure(report).diagnosis.code == "timeout"
    assert 0.9 < elapsed < 4


# --- TLS and proxy, in front of the real emulator -------------------------------------------------------------------


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory):
    ca = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


@pytest.fixture(scope="module")
def tls_front(aws_emulator, private_ca):
    with TlsFront(aws_emulator.url, private_ca[0]) as front:
        yield front


def _through(aws_emulator, url: str, **network) -> tuple[Connection, Secrets]:
    return practice_connection(aws_emulator, "assume-role", "s3",
                               network=NetworkSettings(endpoint_url=url, **network))


def test_untrusted_ca_is_a_tls_error_not_a_credentials_problem(aws_emulator, tls_front):
    report = engine.run_test(*_through(aws_emulator, tls_front.url))
    diagnosis = _identity_failure(report).diagnosis
    assert diagnosis.code == "tls-error"
    assert "CA bundle" in diagnosis.remedy
    assert "not a problem with the credentials" in " ".join(diagnosis.causes)


def test_ca_bundle_makes_tls_work(aws_emulator, tls_front, private_ca):
    report = engine.run_test(*_through(aws_emulator, tls_front.url, ca_bundle=private_ca[1]))
    assert report.ok, report.to_text()


def test_through_a_real_proxy(aws_emulator, tls_front, private_ca):
    with Tinyproxy() as proxy:
        report = engine.run_test(*_through(aws_emulator, tls_front.url, ca_bundle=private_ca[1], proxy=proxy.url))
        log = proxy.log()
    assert report.ok, report.to_text()
    assert f"CONNECT 127.0.0.1:{tls_front.port}" in log, log  # the traffic really went through the proxy


def test_proxy_that_refuses_the_connection(aws_emulator, tls_front, private_ca):
    with Tinyproxy(connect_ports=(443,)) as proxy:
        report = engine.run_test(*_through(aws_emulator, tls_front.url, ca_bundle=private_ca[1], proxy=proxy.url))
    diagnosis = _identity_failure(report).diagnosis
    assert diagnosis.code == "proxy-error", report.to_text()


def test_proxy_port_closed(aws_emulator, tls_front, private_ca):
    proxy = f"http://127.0.0.1:{closed_port()}"
    report = engine.run_test(*_through(aws_emulator, tls_front.url, ca_bundle=private_ca[1], proxy=proxy))
    assert _identity_failure(report).diagnosis.code == "proxy-error", report.to_text()


def test_proxy_with_a_password_from_the_keychain_in_memory_only(aws_emulator, tls_front, private_ca):
    """A proxy that asks for a user name and password: the profile holds the URL and the user name; the password,
    given in memory (`network.proxy_password`, read from the keychain at test time), gets the test through. Without
    it the proxy refuses (proxy-error). Neither the saved settings nor the report carry the password."""
    password = "Pr0xyPassw0rd" + str(time.monotonic_ns())[-6:]
    with Tinyproxy(basic_auth=("robot", password)) as proxy:
        conn, secrets = _through(aws_emulator, tls_front.url, ca_bundle=private_ca[1], proxy=proxy.url)
        conn.network.proxy_user = "robot"
        without = engine.run_test(conn, secrets)
        conn.network.proxy_password = password
        report = engine.run_test(conn, secrets)
        log = proxy.log()
    assert _identity_failure(without).diagnosis.code == "proxy-error", without.to_text()
    assert report.ok, report.to_text()
    assert f"CONNECT 127.0.0.1:{tls_front.port}" in log, log
    assert password not in str(conn.to_dict()) and password not in report.to_text() + without.to_text()
    assert "proxy_password" not in conn.to_dict()["network"]
