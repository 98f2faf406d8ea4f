"""The supervision API: lights and counts for what the user may see; cards and orders with the cases
API's conventions (428 without a version, 409 when stale or not allowed, 403 for the wrong role)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.supervision.models import Card
from govhall.supervision.tests.conftest import at


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def lit(world):
    """One red step (accepted in March) and one green step (accepted now, due in 2 working days)."""
    old = world.accepted(at("2026-03-02 09:00"))
    new = world.accepted(timezone.now())
    return old, new


def test_counts_by_department_and_hall(world, lit):
    body = api(world.users["supervisor"]).get("/api/v1/supervision/counts/").json()
    expected = {"name": world.department.name, "green": 1, "yellow": 0, "red": 1, "paused": 0, "total": 2}
    assert body == [{"key": str(world.department.pk), **expected}]
    body = api(world.users["supervisor"]).get("/api/v1/supervision/counts/?by=hall").json()
    assert [r["key"] for r in body] == [str(world.centre.pk)]
    assert api(world.users["supervisor"]).get("/api/v1/supervision/counts/?by=item").status_code == 400


def test_step_lights_filtered_by_light(world, lit):
    old, _new = lit
    body = api(world.users["supervisor"]).get("/api/v1/supervision/steps/?light=red").json()
    assert [(r["case_number"], r["light"]) for r in body["results"]] == [(old.number, "red")]


def test_a_department_head_sees_the_own_department_only(world, lit):
    assert api(world.users["other_head"]).get("/api/v1/supervision/steps/").json()["results"] == []
    assert len(api(world.users["head"]).get("/api/v1/supervision/steps/").json()["results"]) == 2
    assert api(world.users["clerk"]).get("/api/v1/supervision/counts/").json() == []


def test_card_lifecycle_with_versions(world, lit):
    old, _ = lit
    sup, head = api(world.users["supervisor"]), api(world.users["head"])
    created = sup.post(
        "/api/v1/supervision/cards/",
        {"kind": "red", "department": world.department.pk, "reason": "超时未办", "case": old.pk},
        format="json",
    )
    assert created.status_code == 201 and created["ETag"] == '"1"'
    pk = created.json()["id"]
    assert (
        head.post(f"/api/v1/supervision/cards/{pk}/reply/", {"cause": "a", "correction": "b"}).status_code
        == 428
    )
    stale = head.post(
        f"/api/v1/supervision/cards/{pk}/reply/", {"cause": "a", "correction": "b"}, HTTP_IF_MATCH='"7"'
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert (
        sup.post(
            f"/api/v1/supervision/cards/{pk}/reply/", {"cause": "a", "correction": "b", "version": 1}
        ).status_code
        == 403
    )
    replied = head.post(
        f"/api/v1/supervision/cards/{pk}/reply/", {"cause": "人手不足", "correction": "已增员", "version": 1}
    )
    assert replied.status_code == 200 and replied.json()["state"] == "replied"
    again = head.post(
        f"/api/v1/supervision/cards/{pk}/reply/", {"cause": "a", "correction": "b", "version": 2}
    )
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    closed = sup.post(f"/api/v1/supervision/cards/{pk}/close/", {"version": 2})
    assert closed.json()["state"] == "closed"
    detail = sup.get(f"/api/v1/supervision/cards/{pk}/").json()
    assert [e["kind"] for e in detail["events"]] == ["issued", "reply", "close"]
    assert api(world.users["other_head"]).get(f"/api/v1/supervision/cards/{pk}/").status_code == 404
    assert Card.objects.count() == 1


def test_order_lifecycle(world, lit):
    old, _ = lit
    sup, head = api(world.users["supervisor"]), api(world.users["head"])
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    created = sup.post(
        "/api/v1/supervision/orders/",
        {"department": world.department.pk, "case": old.pk, "instruction": "尽快办结", "due_date": due},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = head.post(
        "/api/v1/supervision/orders/",
        {"department": world.department.pk, "instruction": "x", "due_date": due},
    )
    assert bad.status_code == 403
    assert (
        head.post(f"/api/v1/supervision/orders/{pk}/reply/", {"reply": "已办结", "version": 1}).json()[
            "state"
        ]
        == "replied"
    )
    assert sup.post(f"/api/v1/supervision/orders/{pk}/close/", {"version": 2}).json()["state"] == "closed"
    assert [
        o["id"] for o in api(world.users["handler"]).get("/api/v1/supervision/orders/").json()["results"]
    ] == [pk]


def test_inbox(world, lit):
    api(world.users["supervisor"]).post(
        "/api/v1/supervision/cards/", {"kind": "yellow", "department": world.department.pk, "reason": "x"}
    )
    head = api(world.users["head"])
    rows = head.get("/api/v1/supervision/inbox/?unread=1").json()["results"]
    assert [r["kind"] for r in rows] == ["card"]
    assert head.post("/api/v1/supervision/inbox/", {}, format="json").json() == {"marked": 1, "unread": 0}
