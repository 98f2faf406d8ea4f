"""The hotline API: tickets by cursor (no COUNT), registering (400 with the field names), dispatching with
the version (409 when stale), who may do what (403), what a unit sees (404 for another unit's dispatch),
and the caller lookup for the centre only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.hotline.models import LimitPolicy, Ticket, TicketState
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

pytestmark = pytest.mark.django_db
BASE = "/api/v1/hotline"


@pytest.fixture
def desk(world):
    """The world with its time-limit policy in force since January: the API acts at the real now."""
    LimitPolicy.objects.update(in_force_from=world.catalogue.in_force_from)
    return world


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


CALL = {
    "request_type": "complaint",
    "subject": "020101",
    "title": "夜间施工噪声",
    "content": "工地每晚十一点后还在打桩。",
    "caller_name": "张三",
    "caller_phone": "13812341234",
    "area": "A01",
}


def test_the_centre_registers_and_dispatches_a_call(desk):
    client = api(desk.operator)
    response = client.post(f"{BASE}/tickets/", CALL, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "registered" and body["number"].startswith("12345-")
    assert response["ETag"] == f'"{body["version"]}"'
    assert client.get(f"{BASE}/tickets/{body['id']}/").json()["caller"]["phone"] == "13812341234"
    response = client.post(
        f"{BASE}/tickets/{body['id']}/dispatch/", {"version": body["version"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert {d["unit_code"] for d in response.json()["dispatches"]} == {"HBJ", "ZJJ"}
    assert response["ETag"] == f'"{response.json()["version"]}"'


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "999999"}, "subject"),
        ({"request_type": "rant"}, "request_type"),
        ({"caller_phone": "12"}, "caller_phone"),
        ({"title": ""}, "title"),
        ({"area": "Z9"}, "area"),
        ({"lat": 30.0}, "lon"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(desk, overrides, field):
    response = api(desk.operator).post(f"{BASE}/tickets/", CALL | overrides, format="json")
    assert response.status_code == 400 and field in field_errors(response.json()), response.json()
    assert not Ticket.objects.exists()


def test_a_stale_version_is_a_409_and_changes_nothing(desk):
    client = api(desk.operator)
    body = client.post(f"{BASE}/tickets/", CALL, format="json").json()
    url = f"{BASE}/tickets/{body['id']}/dispatch/"
    assert client.post(url, {"version": body["version"] + 5}, format="json").status_code == 409
    assert Ticket.objects.get().state == TicketState.REGISTERED
    assert client.post(url, {"version": body["version"]}, format="json").status_code == 200
    again = client.post(url, {"version": body["version"] + 1}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def test_an_override_without_a_reason_is_a_400(desk):
    client = api(desk.operator)
    body = client.post(f"{BASE}/tickets/", CALL, format="json").json()
    response = client.post(
        f"{BASE}/tickets/{body['id']}/dispatch/",
        {"version": body["version"], "lead_unit": "SJJ"},
        format="json",
    )
    assert response.status_code == 400 and "override_reason" in field_errors(response.json())


def test_units_may_not_register_dispatch_or_look_up_callers(desk):
    client = api(desk.HBJ_handler)
    assert client.post(f"{BASE}/tickets/", CALL, format="json").status_code == 403
    ticket = register_ticket(channel="phone", by=desk.operator, now=desk.now, **CALL)
    dispatch_ticket(ticket, by=desk.operator, now=desk.now)
    ticket.refresh_from_db()
    response = client.post(
        f"{BASE}/tickets/{ticket.pk}/dispatch/", {"version": ticket.version}, format="json"
    )
    assert response.status_code == 403
    assert client.get(f"{BASE}/callers/", {"phone": "13812341234"}).status_code == 403


def test_a_unit_sees_its_tickets_and_only_its_own_dispatches(desk):
    ticket = dispatch_ticket(
        register_ticket(channel="phone", by=desk.operator, now=desk.now, **CALL),
        by=desk.operator,
        now=desk.now,
    )
    other = dispatch_ticket(
        register_ticket(channel="phone", by=desk.operator, now=desk.now, **(CALL | {"subject": "030101"})),
        by=desk.operator,
        now=desk.now,
    )
    client = api(desk.HBJ_handler)
    numbers = [t["number"] for t in client.get(f"{BASE}/tickets/").json()["results"]]
    assert numbers == [ticket.number]
    body = client.get(f"{BASE}/tickets/{ticket.pk}/").json()
    assert [d["unit_code"] for d in body["dispatches"]] == ["HBJ"]
    caller = body["caller"]
    assert (caller["name"], caller["phone"], caller["masked"], caller["hidden"]) == (
        "张*",
        "138****1234",
        True,
        False,
    )
    assert client.get(f"{BASE}/tickets/{other.pk}/").status_code == 404
    theirs = ticket.dispatches.get(unit__code="ZJJ")
    assert client.get(f"{BASE}/dispatches/{theirs.pk}/").status_code == 404
    assert (
        client.post(f"{BASE}/dispatches/{theirs.pk}/sign/", {"version": 1}, format="json").status_code == 404
    )


def test_the_list_pages_by_cursor_without_counting(desk):
    for n in range(5):
        register_ticket(channel="phone", by=desk.operator, now=desk.now, **(CALL | {"title": f"第{n}件"}))
    client = api(desk.supervisor)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(f"{BASE}/tickets/", {"limit": 2}).json()
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    seen = [t["title"] for t in first["results"] + second["results"]]
    assert seen == ["第4件", "第3件", "第2件", "第1件"]


def test_the_caller_lookup(desk):
    old = register_ticket(channel="phone", by=desk.operator, now=desk.now, **CALL)
    client = api(desk.operator)
    body = client.get(f"{BASE}/callers/", {"phone": "13812341234"}).json()
    assert [t["number"] for t in body] == [old.number]
    assert client.get(f"{BASE}/callers/", {"phone": "12"}).status_code == 400


def test_anonymous_requests_are_refused(desk):
    assert APIClient().get(f"{BASE}/tickets/").status_code == 403


def test_the_unit_signs_for_with_its_version_and_a_stale_one_is_a_409(desk):
    ticket = register_ticket(channel="phone", by=desk.operator, now=desk.now, **CALL)
    dispatch_ticket(ticket, by=desk.operator, now=desk.now)
    mine = ticket.dispatches.get(unit__code="HBJ")
    client = api(desk.HBJ_handler)
    url = f"{BASE}/dispatches/{mine.pk}/sign/"
    assert client.post(url, {"version": mine.version + 1}, format="json").status_code == 409
    response = client.post(url, {"version": mine.version}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "signed"
    assert client.post(url, {"version": mine.version}, format="json").status_code == 409
    assert api(desk.ZJJ_handler).post(url, {"version": mine.version + 1}, format="json").status_code == 404
