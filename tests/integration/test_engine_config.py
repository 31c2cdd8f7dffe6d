"""How the engine builds its clients: one attempt, the connection's timeouts and proxy, the CA bundle, and STS at the
regional endpoint of the chosen region (no request is sent here: only the clients' resolved settings are read)."""

from __future__ import annotations

import socket
import urllib.parse

import pytest

from wizard.core import arn as arn_module
from wizard.core import aws
from wizard.core.connection import NetworkSettings
from wizard.core.credentials import Credentials


@pytest.mark.parametrize(("region", "url"), [
    ("eu-west-1", "https://sts.eu-west-1.amazonaws.com"),
    ("us-east-1", "https://sts.us-east-1.amazonaws.com"),
    ("cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn"),
    ("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com"),
])
def test_sts_is_called_at_the_regional_endpoint(region, url):
    client = aws.make_client("sts", region, Credentials("AKIAIOSFODNN7EXAMPLE", "x" * 40), NetworkSettings())
    assert client.meta.endpoint_url == url
    # No request is made; and even if one were, the test guard refuses to resolve any AWS name (loopback only).
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo(urllib.parse.urlsplit(url).hostname, 443)


def test_endpoint_override_wins():
    client = aws.make_client("sts", "eu-west-1", None, NetworkSettings(endpoint_url="https://vpce.example.invalid"))
    assert client.meta.endpoint_url == "https://vpce.example.invalid"


def test_client_config_time_budget_and_proxy():
    config = aws.client_config(NetworkSettings(proxy="http://127.0.0.1:3128", connect_timeout=2, read_timeout=7))
    assert config.retries == {"total_max_attempts": 1}
    assert (config.connect_timeout, config.read_timeout) == (2, 7)
    assert config.proxies == {"https": "http://127.0.0.1:3128", "http": "http://127.0.0.1:3128"}
    assert "aws-connection-wizard/" in config.user_agent_extra
    assert aws.client_config(NetworkSettings()).proxies is None


def test_ca_bundle_is_used_for_verification(tmp_path):
    bundle = tmp_path / "ca.pem"
    assert aws.verify(NetworkSettings(ca_bundle=str(bundle))) == str(bundle)
    assert aws.verify(NetworkSettings()) is True


@pytest.mark.parametrize(("role", "caller", "arn"), [
    ("ReadOnly", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/ReadOnly"),
    ("ReadOnly", "arn:aws-cn:iam::111122223333:user/bob", "arn:aws-cn:iam::111122223333:role/ReadOnly"),
    ("arn:aws:iam::444455556666:role/path/X", "arn:aws:iam::111122223333:user/alice",
     "arn:aws:iam::444455556666:role/path/X"),
])
def test_role_name_becomes_an_arn_in_the_callers_partition_and_account(role, caller, arn):
    assert arn_module.role_arn(role, caller) == arn
