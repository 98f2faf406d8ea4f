"""The API of repeat calls and duplicates: the suggestions while typing (the centre only), the repeat call,
merge and unmerge moves with the version (409 when stale), bad links 400 with the field and the rule, and
the operations in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.hotline.models import LimitPolicy, Ticket, TicketState
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

pytestmark = pytest.mark.django_db
BASE = "/api/v1/hotline"
NOISE = {"subject": "020101", "area": "A01", "title": "夜间施工噪声", "content": "工地每晚十一点后还在打桩。"}


@pytest.fixture
def desk(world):
    """The world at the real clock (the API's now): one dispatched noise complaint of an hour ago."""
    LimitPolicy.objects.update(in_force_from=world.catalogue.in_force_from)
    before = timezone.now() - timedelta(hours=1)
    world.master = dispatch_ticket(
        register_ticket(
            channel="phone",
            request_type="complaint",
            caller_phone="13812341234",
            by=world.operator,
            now=before,
            **NOISE,
        ),
        by=world.operator,
        now=before,
    )
    return world


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_call(world, phone="13700000000") -> Ticket:
    return register_ticket(
        channel="phone",
        request_type="complaint",
        caller_phone=phone,
        by=world.operator,
        now=timezone.now() - timedelta(minutes=5),
        **NOISE,
    )


@pytest.mark.parametrize(
    ("params", "kind"),
    [
        ({"phone": "13812341234"}, "repeat"),
        ({"phone": "13900000000", **NOISE}, "duplicate"),
        ({"phone": "13900000000", **NOISE, "subject": "020102"}, None),
    ],
)
def test_the_suggestions_while_typing(desk, params, kind):
    response = api(desk.operator).get(f"{BASE}/tickets/similar/", params)
    assert response.status_code == 200, response.json()
    body = response.json()
    if kind is None:
        assert body == []
    else:
        assert [(s["number"], s["kind"]) for s in body] == [(desk.master.number, kind)]
        assert set(body[0]) >= {
            "similarity",
            "near",
            "distance_m",
            "same_caller",
            "repeat_calls",
            "duplicates",
        }


def test_the_suggestions_are_the_centres_and_check_their_input(desk):
    assert api(desk.HBJ_handler).get(f"{BASE}/tickets/similar/", {"phone": "13812341234"}).status_code == 403
    response = api(desk.operator).get(f"{BASE}/tickets/similar/", {"lat": "91", "lon": "x"})
    assert response.status_code == 400
    assert set(field_errors(response.json())) == {"lat", "lon"}


def test_a_repeat_call_with_the_version_and_409_when_stale(desk):
    client = api(desk.operator)
    url = f"{BASE}/tickets/{desk.master.pk}/repeat-call/"
    response = client.post(url, {"version": desk.master.version, "note": "再次来电"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["repeat_calls"], response.json()["state"]) == (1, "dispatched")
    assert client.post(url, {"version": desk.master.version}, format="json").status_code == 409
    assert Ticket.objects.get(pk=desk.master.pk).repeat_calls == 1


def test_merge_and_unmerge_and_their_refusals(desk):
    client = api(desk.operator)
    duplicate = new_call(desk)
    url = f"{BASE}/tickets/{duplicate.pk}"
    response = client.post(f"{url}/unmerge/", {"version": duplicate.version, "note": "x"}, format="json")
    assert response.status_code == 400
    assert "未关联主件" in field_errors(response.json())["ticket"][0]
    response = client.post(
        f"{url}/merge/", {"version": duplicate.version, "master": duplicate.number}, format="json"
    )
    assert response.status_code == 400
    assert "不能作为自身的重复件" in field_errors(response.json())["master"][0]
    response = client.post(
        f"{url}/merge/", {"version": duplicate.version, "master": desk.master.number}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["master"]) == ("merged", desk.master.pk)
    version = response.json()["version"]
    response = client.post(f"{url}/unmerge/", {"version": version, "note": "不是同一工地"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["master"]) == ("registered", None)
    assert Ticket.objects.get(pk=duplicate.pk).state == TicketState.REGISTERED
    assert api(desk.HBJ_handler).post(
        f"{url}/merge/", {"version": 1, "master": "1"}, format="json"
    ).status_code in (
        403,
        404,
    )


def test_the_operations_are_in_the_schema(desk):
    schema = api(desk.operator).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "tickets/similar/",
        "tickets/{id}/repeat-call/",
        "tickets/{id}/merge/",
        "tickets/{id}/unmerge/",
    ):
        assert f"/api/v1/hotline/{path}" in paths, path
    assert paths["/api/v1/hotline/tickets/similar/"]["get"]["summary"].startswith(
        "Open tickets that look like"
    )
