"""好差评 in the API under /api/v1/visits/ratings/."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.visits.models import Rating
from govhall.visits.rating_codes import rating_code
from govhall.visits.tests.ratings.conftest import at, done_visit, rejected_case

MONDAY = at("2026-03-02 09:00")
BASE = "/api/v1/visits/ratings/"


@pytest.fixture
def api(db) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def test_the_reasons_are_public(world, api):
    answer = api.get(BASE + "reasons/")
    assert answer.status_code == 200
    assert [r["name"] for r in answer.json()] == ["态度", "效率", "流程", "材料要求", "环境", "其他"]


def test_a_case_is_rated_with_its_code(world, api):
    case = rejected_case(world, MONDAY)
    answer = api.post(
        BASE + "cases/", {"number": case.number, "code": rating_code(case), "level": 2}, format="json"
    )
    assert answer.status_code == 400 and "reasons" in field_errors(answer.json())
    answer = api.post(
        BASE + "cases/",
        {"number": case.number, "code": rating_code(case), "level": 2, "reasons": ["process"]},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["level"], body["channel"], body["reasons"], body["case_number"]) == (
        2,
        "notice",
        ["process"],
        case.number,
    )
    assert body["follow_up"] is not None


def test_a_wrong_code_is_not_found(world, api):
    case = rejected_case(world, MONDAY)
    answer = api.post(BASE + "cases/", {"number": case.number, "code": "WRONG123", "level": 5}, format="json")
    assert answer.status_code == 404 and not Rating.objects.exists()


def test_an_unconcluded_case_is_refused_with_the_rule(world, api):
    case = world.accepted(MONDAY)
    answer = api.post(
        BASE + "cases/", {"number": case.number, "code": rating_code(case), "level": 5}, format="json"
    )
    assert answer.status_code == 400 and "case" in field_errors(answer.json())


def test_the_operator_records_phone_ratings_of_cases_and_visits(world, api):
    case = rejected_case(world, MONDAY)
    visit = done_visit(world, MONDAY)
    api.force_authenticate(world.users["operator"])
    answer = api.post(
        BASE + "cases/", {"number": case.number, "level": 4, "rater_phone": "13812345678"}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["channel"] == "phone"
    answer = api.post(
        BASE + "visits/", {"visit": visit.pk, "level": 5, "rater_phone": "13812345678"}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["visit_number"] == visit.number


def test_only_operators_record_visit_ratings(world, api):
    visit = done_visit(world, MONDAY)
    api.force_authenticate(world.users["clerk"])
    answer = api.post(
        BASE + "visits/", {"visit": visit.pk, "level": 5, "rater_phone": "13812345678"}, format="json"
    )
    assert answer.status_code == 403


def test_the_website_is_rated_anonymously(world, api):
    assert api.post(BASE + "website/", {"level": 5, "comment": "好用"}, format="json").status_code == 201


def test_staff_list_the_ratings_scoped_to_their_department(world, api):
    case = rejected_case(world, MONDAY)
    api.post(BASE + "cases/", {"number": case.number, "code": rating_code(case), "level": 5}, format="json")
    assert api.get(BASE).status_code == 403
    api.force_authenticate(world.users["applicant"])
    assert api.get(BASE).status_code == 403
    api.force_authenticate(world.users["supervisor"])
    assert api.get(BASE).json()["count"] == 1
    api.force_authenticate(world.users["other_head"])
    assert api.get(BASE).json()["count"] == 0
    api.force_authenticate(world.users["head"])
    assert api.get(BASE + "?level=5").json()["results"][0]["case_number"] == case.number
