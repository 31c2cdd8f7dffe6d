"""wizard.core.credentials without the network: the masked Credentials type, which source each method and source
chooses, the loop guard of source profiles, AssumeRole's parameters, and what plan_test plans.

The stores are small in-process stand-ins (a dict of profiles, a dict of secrets): only these functions are under test.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.support.secrets_registry import fake_secret_access_key, fake_session_token
from wizard.core import credentials
from wizard.core.connection import Connection, Secrets
from wizard.core.credentials import Credentials, CredentialsError
from wizard.core.profiles import Profile

KEY_ID = "AKIAIOSFODNN7EXAMPLE"


class Profiles:
    def __init__(self, *profiles: Profile):
        self.by_name = {p.name: p for p in profiles}

    def get(self, name: str) -> Profile:
        return self.by_name[name]


class Keychain:
    def __init__(self, **by_id: Secrets):
        self.by_id = by_id
        self.loads: list[str] = []

    def load(self, profile_id: str) -> Secrets:
        self.loads.append(profile_id)
        return self.by_id.get(profile_id, Secrets())


def test_repr_and_str_never_show_the_secret_or_token():
    secret, token = fake_secret_access_key(), fake_session_token()
    found = Credentials("ASIAIOSFODNN7EXAMPLE", secret, token, 1_700_000_000.0)
    for text in (repr(found), str(found), f"{found}", repr([found]), repr({"c": found})):
        assert secret not in text and token not in text and "ASIAIOSFODNN7EXAMPLE" not in text
        assert "ASIA\u2026MPLE" in text and "secret_access_key=<set>" in text and "session_token=<set>" in text
    assert "session_token=<empty>" in repr(Credentials(KEY_ID, secret))
    assert found.secret_values() == [secret, token]


def test_credentials_are_frozen_and_not_a_dict():
    found = Credentials(KEY_ID, fake_secret_access_key())
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.secret_access_key = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        found["secret_access_key"]  # noqa: B018 - never read as a dict


def test_from_sts_reads_the_expiration():
    secret, token = fake_secret_access_key(), fake_session_token()
    found = Credentials.from_sts({"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": secret,
                                  "SessionToken": token, "Expiration": "2030-01-01T00:00:00Z"})
    assert found.expiration == 1_893_456_000.0 and found.temporary


@pytest.mark.parametrize(("method", "source", "kind"), [
    ("access-key", "default", credentials.OwnKeys),
    ("assume-role", "default", credentials.OwnKeys),
    ("cross-account", "default", credentials.DefaultChain),
    ("cross-account", "instance", credentials.InstanceRole),
    ("cross-account", "profile:admin", credentials.SavedProfile),
])
def test_which_source_each_method_uses(method, source, kind):
    secret = fake_secret_access_key()
    conn = Connection(method=method, source=source, access_key_id=f" {KEY_ID} ")
    chosen = credentials.calling_source(conn, Secrets(secret), environ={"AWS_EC2_METADATA_DISABLED": "true"})
    assert type(chosen) is kind
    if kind is credentials.OwnKeys:
        assert chosen.resolve() == Credentials(KEY_ID, secret)  # the key id trimmed
    if kind is credentials.DefaultChain:
        assert chosen.resolve() is None  # boto3's chain finds them
    if kind is credentials.SavedProfile:
        assert chosen.name == "admin"
    if kind is credentials.InstanceRole:
        with pytest.raises(CredentialsError) as raised:
            chosen.resolve()  # metadata disabled: no request is made
        assert raised.value.reason == "no-instance-role"


def test_a_saved_source_profile_lends_its_keys_read_only_when_resolved():
    secret = fake_secret_access_key()
    admin = Profile.new("admin", Connection(method="access-key", access_key_id=KEY_ID))
    keychain = Keychain(**{admin.id: Secrets(secret)})
    conn = Connection(method="cross-account", source="profile:admin", role_arn="arn:aws:iam::111122223333:role/X")
    chosen = credentials.calling_source(conn, profile_store=Profiles(admin), secret_store=keychain)
    assert keychain.loads == []  # choosing doesn't touch the keychain
    assert chosen.resolve() == Credentials(KEY_ID, secret)
    assert keychain.loads == [admin.id]


def test_missing_source_profile_and_missing_secret():
    admin = Profile.new("admin", Connection(method="access-key", access_key_id=KEY_ID))
    store, keychain = Profiles(admin), Keychain()
    with pytest.raises(CredentialsError) as raised:
        credentials.SavedProfile("gone", store, keychain).resolve()
    assert raised.value.reason == "unknown-profile" and "gone" in str(raised.value)
    with pytest.raises(CredentialsError) as raised:
        credentials.SavedProfile("admin", store, keychain).resolve()
    assert raised.value.reason == "no-secret"


@pytest.mark.parametrize("chain", [("a",), ("a", "b"), ("a", "b", "c")])
def test_source_profiles_that_point_back_are_refused(chain):
    """a -> b -> ... -> a: refused before any call to AWS (nothing here could make one: no keys anywhere)."""
    profiles = [Profile.new(name, Connection(method="cross-account", role_arn="arn:aws:iam::111122223333:role/X",
                                             source=f"profile:{chain[(i + 1) % len(chain)]}"))
                for i, name in enumerate(chain)]
    store = Profiles(*profiles)
    with pytest.raises(CredentialsError) as raised:
        credentials.profile_source(profiles[0], profile_store=store, secret_store=Keychain()).resolve()
    assert raised.value.reason == "source-loop"
    assert str(raised.value).endswith(f"({' -> '.join((*chain, chain[0]))})")


def test_role_parameters():
    conn = Connection(method="cross-account", role_arn="arn:aws:iam::111122223333:role/X", external_id="ext-123",
                      session_name="", duration=900)
    assert credentials.role_parameters(conn, conn.role_arn) == {
        "RoleArn": conn.role_arn, "RoleSessionName": "aws-connection-wizard", "DurationSeconds": 900,
        "ExternalId": "ext-123"}
    own = Connection(method="assume-role", role="X", external_id="ignored")
    assert "ExternalId" not in credentials.role_parameters(own, "arn:aws:iam::111122223333:role/X")


class FakeSts:
    """Records the calls of assume_role(); answers like STS."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.secret, self.token = fake_secret_access_key(), fake_session_token()

    def get_caller_identity(self):
        self.calls.append(("GetCallerIdentity", {}))
        return {"Arn": "arn:aws:iam::111122223333:user/robot"}

    def assume_role(self, **params):
        self.calls.append(("AssumeRole", params))
        return {"Credentials": {"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": self.secret,
                                "SessionToken": self.token, "Expiration": "2030-01-01T00:00:00Z"}}


def test_assume_role_completes_a_role_name_from_the_caller():
    sts = FakeSts()
    conn = Connection(method="assume-role", role="ReadOnly")
    found = credentials.assume_role(conn, Credentials(KEY_ID, fake_secret_access_key()), client=sts)
    assert [name for name, _ in sts.calls] == ["GetCallerIdentity", "AssumeRole"]
    assert found.role_arn == "arn:aws:iam::111122223333:role/ReadOnly"
    assert found.credentials == Credentials("ASIAIOSFODNN7EXAMPLE", sts.secret, sts.token, 1_893_456_000.0)
    known = FakeSts()  # the engine already knows the caller: no second GetCallerIdentity
    credentials.assume_role(conn, None, caller_arn="arn:aws:iam::111122223333:user/robot", client=known)
    assert [name for name, _ in known.calls] == ["AssumeRole"]


def test_plan_test_plans_the_same_steps_for_a_profile_and_a_connection():
    secret = fake_secret_access_key()
    conn = Connection(method="assume-role", role="ReadOnly", access_key_id=KEY_ID)
    profile = Profile.new("robot", conn)
    keychain = Keychain(**{profile.id: Secrets(secret)})
    environ = {"AWS_EC2_METADATA_DISABLED": "true"}
    from_profile = credentials.plan_test(profile, secret_store=keychain, profile_store=Profiles(profile),
                                         environ=environ, timeout=2)
    from_wizard = credentials.plan_test(conn, Secrets(secret), environ=environ)
    names = ["identity", "assume-role", "assumed-identity", "service", "instance"]
    assert [s.name for s in from_profile.planned_steps()] == [s.name for s in from_wizard.planned_steps()] == names
    assert from_profile.secrets.secret_access_key == secret and keychain.loads == [profile.id]
    assert from_profile.timeout == 2 and from_profile.conn.network.read_timeout == 2
    assert profile.connection.network.read_timeout != 2  # the saved profile isn't changed
    assert from_profile.instance_check().codes() == ["imds-disabled"]
    with pytest.raises(ValueError):
        credentials.plan_test(conn, Secrets(secret), timeout=0)
