"""The network settings' texts and rules (issue: a first-time user's walk): remedies that name the place, method texts
that are true, a proxy URL that never carries a password into the profile."""

from __future__ import annotations

import pytest

from wizard.core import diagnoses, fields, proxy_auth, validation
from wizard.core.connection import Connection, NetworkSettings
from wizard.core.methods import METHODS

PLACES = {  # diagnosis -> the fields its remedy must point to, in the window and on the command line
    "timeout": ("proxy", "connect_timeout", "read_timeout"),
    "proxy-error": ("proxy", "proxy_user"),
    "endpoint-unreachable": ("endpoint_url", "proxy"),
    "dns-failure": ("endpoint_url", "proxy"),
    "tls-error": ("ca_bundle",),
}


@pytest.mark.parametrize("code", sorted(PLACES))
def test_network_remedies_name_the_window_place_and_the_flag(code):
    remedy = diagnoses.make(code).remedy
    assert "in the network settings" not in remedy
    assert f"Edit the connection \u2192 Region page \u2192 {fields.NETWORK_SECTION} \u2192" in remedy
    for key in PLACES[code]:
        f = fields.field(key)
        assert f.label in remedy and f.cli_flag in remedy, (key, remedy)
    assert diagnoses.make(code).to_json().keys() == diagnoses.make("throttled").to_json().keys()


def test_every_network_setting_is_a_catalogue_field_with_a_flag():
    network = [f for f in fields.CATALOGUE if f.where == "network"]
    assert {f.key for f in network} == {"endpoint_url", "proxy", "proxy_user", "ca_bundle", "connect_timeout",
                                        "read_timeout"}
    assert all(f.page == fields.NETWORK and f.cli_flag for f in network)
    assert fields.field("connect_timeout").cli_flag == "--connect-timeout"
    assert fields.field("read_timeout").cli_flag == "--read-timeout"


def test_access_key_limitation_tells_long_term_from_temporary_keys():
    text = METHODS["access-key"].limitations
    assert "AKIA" in text and "rotate" in text  # long-term keys don't expire: they need rotating
    assert "ASIA" in text and "15 minutes to 12 hours" in text
    assert not text.startswith("A session token expires")


def test_assume_role_does_not_send_ec2_programs_to_a_key_they_do_not_need():
    method = METHODS["assume-role"]
    assert "EC2 instance with an attached IAM role" not in method.best_for
    assert "access key" in method.best_for and "role" in method.best_for
    assert "no key is needed" in method.limitations and "EC2 instance role" in method.limitations


def test_a_password_in_the_proxy_url_is_refused_and_the_user_name_is_checked():
    check = validation.check_field("proxy", "http://bob:hunter2@proxy.example.invalid:3128")
    assert [m.code for m in check.errors] == ["credentials-in-url"]
    user = fields.field("proxy_user")
    assert user.check("bob", {"proxy": "http://proxy.example.invalid:3128"}).ok
    assert not user.check("bob", {"proxy": ""}).ok  # a user name without a proxy
    assert not user.check("bo b:x", {"proxy": "http://proxy.example.invalid:3128"}).ok


def test_proxy_password_is_in_memory_only():
    conn = Connection(network=NetworkSettings(proxy="http://proxy.example.invalid:3128", proxy_user="bob"))
    tested = proxy_auth.with_password(conn, "p@ss:w/rd")
    assert proxy_auth.proxy_url(tested.network) == "http://bob:p%40ss%3Aw%2Frd@proxy.example.invalid:3128"
    assert "p@ss" not in str(tested.to_dict()) and "proxy_password" not in tested.to_dict()["network"]
    assert Connection.from_dict(tested.to_dict()).network.proxy_password == ""
    assert proxy_auth.proxy_url(conn.network) == "http://bob@proxy.example.invalid:3128"
    assert proxy_auth.proxy_url(NetworkSettings(proxy="http://p.example.invalid:1")) == "http://p.example.invalid:1"
    assert "p@ss" not in repr(tested)
