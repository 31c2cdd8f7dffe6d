"""MFA sessions without the network: parameters, durations, the masked credentials value, and the keychain cache
(against the harness's real gnome-keyring when it runs; the cache logic is the same with any keyring backend)."""

from __future__ import annotations

import datetime
import uuid

import pytest

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core import mfa_session
from wizard.core.keychain import SecretStore, named_entry
from wizard.core.mfa_session import MfaSessions, SessionCredentials, assume_role_mfa_parameters, check_duration

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _session(expires_in: float = 3600) -> SessionCredentials:
    return SessionCredentials("ASIAIOSFODNN7EXAMPLE", fake_secret_access_key(), fake_session_token(),
                              NOW + datetime.timedelta(seconds=expires_in))


def test_assume_role_parameters():
    assert assume_role_mfa_parameters("", "") == {}
    assert assume_role_mfa_parameters("  ", "123456") == {}
    assert assume_role_mfa_parameters(f" {SERIAL}\n", "123 456") == {"SerialNumber": SERIAL, "TokenCode": "123456"}
    for code in ("", "12345", "abcdef"):
        with pytest.raises(ValueError) as caught:
            assume_role_mfa_parameters(SERIAL, code)
        assert code not in str(caught.value) or not code
    with pytest.raises(ValueError):
        assume_role_mfa_parameters("arn:aws:iam::123456789012:user/alice", "123456")


@pytest.mark.parametrize("seconds, ok", [(899, False), (900, True), (43200, True), (129600, True), (129601, False),
                                         (True, False), ("900", False)])
def test_duration_bounds(seconds, ok):
    if ok:
        assert check_duration(seconds) == seconds
    else:
        with pytest.raises(ValueError):
            check_duration(seconds)


def test_credentials_value_is_frozen_masked_and_round_trips():
    found = _session()
    for text in (repr(found), str(found), f"{found}"):
        assert found.secret_access_key not in text and found.session_token not in text
        assert "ASIA…MPLE" in text
    with pytest.raises(AttributeError):
        found.session_token = "x"
    assert SessionCredentials.from_json(found.to_json()) == found
    assert set(found.fields()) == {"access_key_id", "secret_access_key", "session_token", "expiration"}
    assert found.client_keys()["session_token"] == found.session_token
    naive = SessionCredentials("ASIAX", "s", "t", datetime.datetime(2030, 1, 1))
    assert naive.expiration.tzinfo is UTC


def test_usable_until_the_margin():
    found = _session(600)
    assert found.seconds_left(NOW) == 600
    assert found.usable(NOW) and found.usable(NOW + datetime.timedelta(seconds=539))
    assert not found.usable(NOW + datetime.timedelta(seconds=540))


def test_a_code_is_never_sent_unchecked():
    with pytest.raises(ValueError):
        mfa_session.get_session_token("AKIAIOSFODNN7EXAMPLE", "x" * 40, SERIAL, "12a456", region="us-east-1",
                                      network=None)
    with pytest.raises(ValueError):
        mfa_session.get_session_token("AKIAIOSFODNN7EXAMPLE", "x" * 40, SERIAL, "123456", region="us-east-1",
                                      network=None, duration=600)


def test_entry_names():
    assert named_entry("p1", "mfa_session") == "p1/mfa_session"
    for bad in ("secret_access_key", "session_token", "", "Mfa", "a/b"):
        with pytest.raises(ValueError):
            named_entry("p1", bad)
    with pytest.raises(ValueError):
        named_entry("a/b", "mfa_session")


@pytest.mark.keychain
def test_the_cache_lives_in_the_keychain_until_expiry():
    sessions, profile = MfaSessions(SecretStore(unlock_timeout=10)), f"test-{uuid.uuid4()}"
    try:
        assert sessions.cached_session(profile, NOW) is None
        found = _session(600)
        sessions.save(profile, found)
        assert sessions.cached_session(profile, NOW) == found
        assert sessions.cached_session(profile, NOW + datetime.timedelta(seconds=539)) == found
        assert sessions.cached_session(profile, NOW + datetime.timedelta(seconds=541)) is None  # expired: gone
        assert sessions.store.get_entry(profile, "mfa_session") == ""
        sessions.store.set_entry(profile, "mfa_session", "{not json")
        assert sessions.cached_session(profile, NOW) is None
        sessions.save(profile, found)
        sessions.forget(profile)
        assert sessions.cached_session(profile, NOW) is None
        sessions.forget(profile)  # twice is fine
    finally:
        sessions.forget(profile)
