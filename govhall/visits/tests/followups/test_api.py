"""The follow-ups API: who reads what, each move a POST with the version, and the HTTP answers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.visits.tests.followups.conftest import at, open_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/visits/follow-ups/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_department_lists_its_follow_ups_with_lights(world):
    follow_up = open_for(world, at("2020-01-02 10:00"))  # long overdue
    body = client_for(world.users["handler"]).get(BASE).json()
    assert [(r["id"], r["light"], r["state"]) for r in body["results"]] == [(follow_up.pk, "red", "callback")]
    assert client_for(world.users["handler"]).get(BASE, {"light": "green"}).json()["results"] == []
    assert client_for(world.users["other_handler"]).get(BASE).json()["results"] == []
    assert client_for(world.users["supervisor"]).get(BASE).json()["results"][0]["id"] == follow_up.pk
    assert client_for(world.users["clerk"]).get(BASE).json()["results"] == []


def test_the_detail_masks_the_rater_and_carries_the_record(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    response = client_for(world.users["head"]).get(f"{BASE}{follow_up.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["rater_phone"] == "138****5678"
    assert [e["move"] for e in body["events"]] == ["open"]
    assert client_for(world.users["other_head"]).get(f"{BASE}{follow_up.pk}/").status_code == 404


def test_verify_then_a_stale_version_is_409(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    api = client_for(world.users["handler"])
    ok = api.post(
        f"{BASE}{follow_up.pk}/verify/", {"finding": "founded", "explanation": "属实", "version": 1}
    )
    assert ok.status_code == 200, ok.content
    assert (ok.json()["state"], ok.json()["version"]) == ("rectifying", 2)
    stale = api.post(f"{BASE}{follow_up.pk}/rectify/", {"rectification": "x", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"


def test_a_move_without_a_version_is_428(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    answer = client_for(world.users["handler"]).post(f"{BASE}{follow_up.pk}/verify/", {"finding": "founded"})
    assert answer.status_code == 428


def test_closing_without_a_finding_is_400_naming_the_rule(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    answer = client_for(world.users["handler"]).post(
        f"{BASE}{follow_up.pk}/verify/", {"explanation": "打过电话", "version": 1}
    )
    assert answer.status_code == 400
    assert "须有回访核实结论" in field_errors(answer.json())["finding"][0]  # the rule, in the user's language


def test_a_move_not_in_the_table_is_409_and_a_foreign_one_403(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    refused = client_for(world.users["handler"]).post(
        f"{BASE}{follow_up.pk}/report-back/", {"rater_view": "satisfied", "version": 1}
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "transition_not_allowed")
    forbidden = client_for(world.users["supervisor"]).post(
        f"{BASE}{follow_up.pk}/verify/", {"finding": "founded", "explanation": "x", "version": 1}
    )
    assert forbidden.status_code == 403


def test_appeal_and_the_centre_upholds_it(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    appealed = client_for(world.users["head"]).post(
        f"{BASE}{follow_up.pk}/appeal/", {"grounds": "评价对象错误", "version": 1}
    )
    assert appealed.json()["state"] == "appealed"
    decided = client_for(world.users["supervisor"]).post(
        f"{BASE}{follow_up.pk}/decide-appeal/", {"appeal_decision": "upheld", "note": "属实", "version": 2}
    )
    assert decided.status_code == 200
    assert (decided.json()["state"], decided.json()["rating_counts"]) == ("closed", False)
