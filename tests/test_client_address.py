"""The client's address: X-Forwarded-For counts only from configured proxies (GOVHALL_TRUSTED_PROXIES)."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory

from govhall.core.addresses import client_address
from govhall.core.env import ConfigError, env_networks

PROXIES = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("::1/128"))


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        ((), "203.0.113.5", "", "203.0.113.5"),
        ((), "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy configured: the header is ignored
        (PROXIES, "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not from a proxy: ignored
        (PROXIES, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (PROXIES, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # left of the proxy's: forged
        (PROXIES, "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),  # two proxies
        (PROXIES, "::1", "2001:db8::7", "2001:db8::7"),
        (PROXIES, "10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_client_is_the_right_most_address_not_a_trusted_proxy(
    settings, proxies, remote, forwarded, client
):
    settings.GOVHALL_TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_address(request) == client


def test_trusted_proxies_are_parsed_and_a_wrong_one_is_named(monkeypatch):
    monkeypatch.setenv("GOVHALL_TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12")
    assert env_networks("GOVHALL_TRUSTED_PROXIES") == (
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("172.16.0.0/12"),
    )
    monkeypatch.setenv("GOVHALL_TRUSTED_PROXIES", "10.0.0.5, proxy.example")
    with pytest.raises(ConfigError, match=r"GOVHALL_TRUSTED_PROXIES: 'proxy\.example' is not an IP"):
        env_networks("GOVHALL_TRUSTED_PROXIES")
