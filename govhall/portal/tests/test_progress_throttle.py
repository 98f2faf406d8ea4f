"""The public progress query is slow to guess: one budget per address for the page and the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from govhall.portal.throttling import ProgressThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_budget(monkeypatch):
    monkeypatch.setattr(ProgressThrottle, "rate", "3/min")
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


def test_signed_in_staff_are_not_counted(client, world):
    client.force_login(world.users["clerk"])
    assert {query(client).status_code for _ in range(5)} == {404}
