"""MFA on the one path (wizard.core.credentials): which source signs in, where the code goes, when it is asked for."""

from __future__ import annotations

import datetime
import io

import pytest
from botocore.exceptions import ClientError

from wizard.commands.renew import cli_code_prompter
from wizard.core import credentials, diagnoses
from wizard.core.connection import Connection, Secrets
from wizard.core.credentials import Credentials, CredentialsError, MfaSession, OwnKeys
from wizard.core.engine import ConnectionTest
from wizard.core.mfa_session import SessionCredentials

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_access_key_and_assume_role_with_a_device_sign_in_with_an_mfa_session():
    for method, extra in (("access-key", {}), ("assume-role", {"role": "Reader"})):
        conn = Connection(method=method, access_key_id="AKIAIOSFODNN7EXAMPLE", mfa_serial=SERIAL, **extra)
        source = credentials.calling_source(conn, Secrets(SECRET), mfa_code="123456", profile_id="p1")
        assert isinstance(source, MfaSession) and source.serial == SERIAL and source.profile_id == "p1"
        assert credentials.role_mfa_serial(conn) == ""  # the role is assumed on the session: no code with it
    plain = credentials.calling_source(Connection(access_key_id="AKIAIOSFODNN7EXAMPLE"), Secrets(SECRET))
    assert isinstance(plain, OwnKeys)


def test_cross_account_with_a_device_sends_serial_and_code_with_assume_role():
    conn = Connection(method="cross-account", role_arn="arn:aws:iam::210987654321:role/Partner",
                      external_id="x" * 20, mfa_serial=SERIAL)
    params = credentials.role_parameters(conn, conn.role_arn, "654321")
    assert params["SerialNumber"] == SERIAL and params["TokenCode"] == "654321"
    assert "SerialNumber" not in credentials.role_parameters(Connection(method="cross-account"), conn.role_arn)
    with pytest.raises(ValueError) as caught:
        credentials.role_parameters(conn, conn.role_arn, "12ab")
    assert "12ab" not in str(caught.value)


def test_the_code_comes_from_the_prompter_a_text_or_nowhere():
    asked = []
    assert credentials.ask_mfa_code(lambda device: asked.append(device) or " 123456 ", SERIAL) == "123456"
    assert asked == [SERIAL]
    assert credentials.ask_mfa_code("654321", SERIAL) == "654321"
    for nothing in (None, "", lambda device: None):
        with pytest.raises(CredentialsError) as caught:
            credentials.ask_mfa_code(nothing, SERIAL)
        assert caught.value.reason == "mfa-code-needed" and "--mfa-code" in str(caught.value)


def test_temporary_keys_are_used_as_they_are_and_no_code_is_asked():
    keys = Credentials("ASIAIOSFODNN7EXAMPLE", SECRET, "token")
    source = MfaSession(OwnKeys(keys), SERIAL, "us-east-1", Connection().network,
                        mfa_code=lambda device: pytest.fail("asked for a code"))
    assert source.resolve() is keys


class _Store:  # the keychain's named entries, in memory: a unit test of MfaSession.resolve only
    def __init__(self):
        self.entries = {}

    def get_entry(self, owner, name):
        return self.entries.get((owner, name), "")

    def set_entry(self, owner, name, value):
        self.entries[(owner, name)] = value

    def delete_entry(self, owner, name):
        self.entries.pop((owner, name), None)


def test_a_cached_session_is_used_without_a_code():
    store = _Store()
    ends = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    store.set_entry("p1", "mfa_session", SessionCredentials("ASIAIOSFODNN7EXAMPLE", SECRET, "tok", ends).to_json())
    source = MfaSession(OwnKeys(Credentials("AKIAIOSFODNN7EXAMPLE", SECRET)), SERIAL, "us-east-1",
                        Connection().network, "p1", store, mfa_code=lambda device: pytest.fail("asked for a code"))
    found = source.resolve()
    assert found.access_key_id == "ASIAIOSFODNN7EXAMPLE" and found.session_token == "tok"
    assert abs(found.expiration - ends.timestamp()) < 1


def _denied(message: str, operation: str = "AssumeRole") -> ClientError:
    return ClientError({"Error": {"Code": "AccessDenied", "Message": message}}, operation)


def test_the_engine_names_mfa_for_a_denied_role_only_without_a_device():
    message = ("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: "
               "arn:aws:iam::123456789012:role/Reader")
    without = ConnectionTest(Connection(method="assume-role", role="Reader"), Secrets())
    found = without._diagnose(_denied(message), "assume-role", [])
    assert found.code == "assume-role-denied" and diagnoses.MFA_ASSUME_ROLE_CAUSE in found.causes
    with_device = ConnectionTest(Connection(method="assume-role", role="Reader", mfa_serial=SERIAL), Secrets())
    assert diagnoses.MFA_ASSUME_ROLE_CAUSE not in with_device._diagnose(_denied(message), "assume-role", []).causes
    code = with_device._diagnose(_denied("MultiFactorAuthentication failed with invalid MFA one time pass code."),
                                 "identity", [])
    assert code.code == "mfa-code-invalid"


def test_the_cli_takes_the_code_from_the_option_a_terminal_or_nowhere():
    class Args:
        mfa_code = None

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert cli_code_prompter(type("A", (), {"mfa_code": "123456"})()) == "123456"
    assert cli_code_prompter(Args(), stdin=io.StringIO()) is None
    assert callable(cli_code_prompter(Args(), "p", stdin=Tty()))


def test_an_mfa_code_in_a_request_log_line_is_redacted():
    line = "Making request with params: {'body': {'SerialNumber': '" + SERIAL + "', 'TokenCode': '246801'}} " \
           "Action=GetSessionToken&TokenCode=135790"
    shown = diagnoses.redact(line)
    assert "246801" not in shown and "135790" not in shown and SERIAL in shown


class _Sts:  # an STS client's AssumeRole: a unit test of assume_role's keeping only
    def __init__(self, lasts: float = 3600):
        self.calls, self.lasts = [], lasts

    def assume_role(self, **params):
        self.calls.append(params)
        ends = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.lasts)
        return {"Credentials": {"AccessKeyId": f"ASIAROLE{len(self.calls):012d}", "SecretAccessKey": SECRET,
                                "SessionToken": "role-token", "Expiration": ends}}


def _partner(**extra) -> Connection:
    values = {"role_arn": "arn:aws:iam::210987654321:role/Partner", "external_id": "x" * 20, **extra}
    return Connection(method="cross-account", mfa_serial=SERIAL, **values)


def test_a_role_assumed_with_a_code_is_kept_until_it_ends():
    from wizard.core.mfa_session import MfaMemory

    keep, sts, asked = credentials.MfaKeep(memory=MfaMemory()), _Sts(), []

    def prompter(device):
        asked.append(device)
        return "123456"

    first = credentials.assume_role(_partner(), None, client=sts, mfa_code=prompter, keep=keep)
    again = credentials.assume_role(_partner(), None, client=sts, mfa_code=prompter, keep=keep)
    assert len(sts.calls) == 1 and asked == [SERIAL] and sts.calls[0]["TokenCode"] == "123456"
    assert again.credentials == first.credentials and again.role_arn == first.role_arn
    # another role, External ID or device: the kept one isn't theirs
    credentials.assume_role(_partner(external_id="y" * 20), None, client=sts, mfa_code=prompter, keep=keep)
    assert len(sts.calls) == 2 and len(asked) == 2
    # without a keep (a one-off use) every call carries a code
    credentials.assume_role(_partner(), None, client=sts, mfa_code=prompter)
    assert len(asked) == 3


def test_a_kept_role_a_minute_from_its_end_needs_a_new_code():
    from wizard.core.mfa_session import MfaMemory

    keep, sts = credentials.MfaKeep(memory=MfaMemory()), _Sts(lasts=50)  # inside the 60-second margin
    credentials.assume_role(_partner(), None, client=sts, mfa_code="123456", keep=keep)
    assert credentials.kept_role(_partner(), keep) is None
    with pytest.raises(CredentialsError) as caught:
        credentials.assume_role(_partner(), None, client=sts, mfa_code=None, keep=keep)
    assert caught.value.reason == "mfa-code-needed"


def test_the_wizards_memory_keeps_the_mfa_session_and_hands_it_to_the_keychain():
    from wizard.core.mfa_session import MfaMemory

    memory, store = MfaMemory(), _Store()
    ends = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    memory.set_entry(credentials.MEMORY_OWNER, "mfa_session",
                     SessionCredentials("ASIAIOSFODNN7EXAMPLE", SECRET, "tok", ends).to_json())
    keys = OwnKeys(Credentials("AKIAIOSFODNN7EXAMPLE", SECRET))
    source = MfaSession(keys, SERIAL, "us-east-1", Connection().network, mfa_code=lambda d: pytest.fail("asked"),
                        memory=memory)
    assert source.resolve().session_token == "tok"
    memory.set_entry(credentials.MEMORY_OWNER, "mfa_role_session",
                     SessionCredentials("ASIAROLE", SECRET, "t", ends - datetime.timedelta(minutes=59.5)).to_json())
    assert memory.copy_to(store, "p1") == 1  # the role about to end stays behind
    assert store.get_entry("p1", "mfa_session") and not store.get_entry("p1", "mfa_role_session")
    assert "tok" not in repr(memory)
