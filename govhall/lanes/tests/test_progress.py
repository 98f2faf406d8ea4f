"""The public progress query (/cases/progress/, /api/v1/progress/) knows lane numbers: the lane case
number and its verification code give the lane's state and, stage by stage, each item's state."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

from govhall.lanes.models import LaneItemCase
from govhall.lanes.tests.conftest import LaneWorld, at


def test_the_progress_api_answers_a_lane_number_with_its_stages_and_items(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    first = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case").first()
    lane_world.decide(first.case, at("2026-03-03 16:00"))
    client = APIClient()
    body = client.get("/api/v1/progress/", {"number": lane_case.number, "code": lane_case.verification_code})
    assert body.status_code == 200
    data = body.json()
    assert (data["kind"], data["number"], data["state"]) == ("lane", lane_case.number, "in_progress")
    assert data["applicant"] != "张三"  # masked
    assert [s["state"] for s in data["stages"]] == ["active", "pending"]
    statuses = {i["item"]: i["status"] for i in data["stages"][0]["items"]}
    assert statuses == {"食品经营许可A": "done", "卫生许可B": "working"}
    assert data["stages"][1]["items"] == []
    wrong = client.get("/api/v1/progress/", {"number": lane_case.number, "code": "WRONG1"})
    assert wrong.status_code == 404


def test_the_progress_page_shows_a_lane(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/cases/progress/", {"number": lane_case.number, "code": lane_case.verification_code})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-test="lane-progress"' in html
    assert html.count('data-test="progress-item"') == 2 and "卫生许可B" in html
    assert client.get("/cases/progress/", {"number": lane_case.number, "code": "AAAAAA"}).status_code == 404


def test_each_lane_case_has_its_own_code_shown_to_staff_who_see_personal_data(lane_world: LaneWorld, now):
    a, b = lane_world.apply(now), lane_world.apply(now)
    assert a.verification_code and a.verification_code != b.verification_code
    client = Client()
    client.force_login(lane_world.users["clerk"])
    assert a.verification_code in client.get(f"/lanes/{a.pk}/").content.decode()
