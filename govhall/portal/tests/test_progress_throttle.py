"""The public progress query is slow to guess: budgets per client (address, or account when signed in) and
per case number, for the page and the API; a forwarded address counts only from a configured proxy."""

from __future__ import annotations

import ipaddress

import pytest
from django.core.cache import cache

from govhall.portal.throttling import NumberThrottle, ProgressThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_budget(monkeypatch):
    monkeypatch.setattr(ProgressThrottle, "rate", "3/min")
    monkeypatch.setattr(NumberThrottle, "rate", "1000/hour")
    cache.clear()
    yield
    cache.clear()


def query(client, number="QS-NONE", code="XXXXXX", path="/portal/progress/"):
    return client.get(path, {"number": number, "code": code})


def test_the_page_refuses_the_query_over_the_budget_and_says_when_to_retry(client, world, now):
    case = world.receive(now)
    assert [query(client).status_code for _ in range(2)] == [404, 404]
    assert query(client, case.number, case.verification_code).status_code == 200
    refused = query(client, case.number, case.verification_code)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert 'data-test="progress-throttled"' in refused.content.decode()
    assert 'data-test="progress-result"' not in refused.content.decode()
    # An empty form is not a query and is not counted.
    assert client.get("/portal/progress/").status_code == 200


def test_page_and_api_share_one_budget(client):
    assert query(client).status_code == 404
    assert query(client, path="/api/v1/portal/progress/").status_code == 404
    assert query(client).status_code == 404
    assert query(client, path="/api/v1/portal/progress/").status_code == 429
    assert query(client).status_code == 429


def test_another_address_has_its_own_budget(client):
    for _ in range(3):
        query(client)
    assert query(client).status_code == 429
    other = client.get("/portal/progress/", {"number": "X", "code": "Y"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 404


def test_signed_in_users_are_counted_per_account(client, world):
    client.force_login(world.users["clerk"])
    assert [query(client).status_code for _ in range(4)] == [404, 404, 404, 429]
    # The address's own budget is not the account's: the same machine signed out still queries.
    client.logout()
    assert query(client).status_code == 404


@pytest.mark.parametrize("path", ["/portal/progress/", "/api/v1/portal/progress/"])
def test_a_forged_forwarded_address_does_not_reset_the_budget(client, path):
    answers = [
        client.get(path, {"number": "X", "code": "Y"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(5)
    ]
    assert answers == [404, 404, 404, 429, 429]


def test_behind_a_configured_proxy_each_client_has_its_own_budget(client, settings):
    settings.GOVHALL_TRUSTED_PROXIES = (ipaddress.ip_network("10.9.0.0/16"),)

    def via_proxy(client_address, forged=""):
        chain = f"{forged}, {client_address}" if forged else client_address
        return client.get(
            "/portal/progress/",
            {"number": "X", "code": "Y"},
            REMOTE_ADDR="10.9.0.1",
            HTTP_X_FORWARDED_FOR=chain,
        ).status_code

    assert [via_proxy("203.0.113.7") for _ in range(4)] == [404, 404, 404, 429]
    # What the client wrote itself stands left of what the proxy appended: it changes nothing.
    assert via_proxy("203.0.113.7", forged="198.51.100.1") == 429
    assert via_proxy("203.0.113.8") == 404


def test_one_case_number_has_a_budget_whoever_asks(client, monkeypatch):
    monkeypatch.setattr(NumberThrottle, "rate", "2/hour")
    answers = [
        client.get(
            "/portal/progress/", {"number": "QS-1", "code": "Y"}, REMOTE_ADDR=f"10.0.0.{i}"
        ).status_code
        for i in range(3)
    ]
    assert answers == [404, 404, 429]
    api = client.get("/api/v1/portal/progress/", {"number": "qs-1 ", "code": "Y"}, REMOTE_ADDR="10.0.1.1")
    assert api.status_code == 429
    assert (
        client.get("/portal/progress/", {"number": "QS-2", "code": "Y"}, REMOTE_ADDR="10.0.1.2").status_code
        == 404
    )
