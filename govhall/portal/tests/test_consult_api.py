"""/api/v1/portal/consultations/: the same rules as the pages, and applicants see only their own (404)."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from govhall.cases import services
from govhall.cases.models import Case
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import UserFactory, make_world
from govhall.core.api_errors import field_errors
from govhall.core.models import Role

API = "/api/v1/portal/consultations/"


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def api():
    return APIClient()


def test_an_anonymous_question_gets_its_number_and_code(api, world):
    response = api.post(
        API, {"question": "要多久？", "item": world.item.code, "phone": "13700001111"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert (body["number"], body["verification_code"], body["channel"]) == (
        case.number,
        case.verification_code,
        "online",
    )
    looked = api.post(f"{API}lookup/", {"number": case.number, "code": case.verification_code}, format="json")
    assert looked.status_code == 200 and looked.json()["question"] == "要多久？"
    wrong = api.post(f"{API}lookup/", {"number": case.number, "code": "ZZZZZZ"}, format="json")
    assert wrong.status_code == 404


def test_an_anonymous_question_without_a_phone_names_the_field(api, world):
    response = api.post(API, {"question": "要多久？", "item": world.item.code}, format="json")
    assert response.status_code == 400 and "phone" in field_errors(response.json())
    assert not Case.objects.exists()


def test_an_unknown_item_code_is_a_field_error(api, world):
    response = api.post(API, {"question": "q", "item": "NOPE", "phone": "13700001111"}, format="json")
    assert response.status_code == 400 and "item" in field_errors(response.json())


def test_applicants_list_and_read_only_their_own(api, world):
    me, other = world.users["applicant"], UserFactory(username="c2", role=Role.APPLICANT)
    api.force_authenticate(other)
    theirs = api.post(API, {"question": "别人的", "item": world.item.code}, format="json").json()
    api.force_authenticate(me)
    mine = api.post(API, {"question": "我的", "item": world.item.code}, format="json").json()
    assert [r["question"] for r in api.get(API).json()] == ["我的"]
    assert api.get(f"{API}{mine['id']}/").status_code == 200
    assert api.get(f"{API}{theirs['id']}/").status_code == 404
    api.force_authenticate(None)
    assert api.get(API).status_code in (401, 403)


def test_published_questions_of_an_item_carry_no_personal_details(api, world):
    case = services.record_consultation(
        question="我是王小明，要多久？",
        by=None,
        now=at("2026-03-02 09:00"),
        channel="online",
        item=world.item,
        contact={"name": "王小明", "phone": "13700001111"},
    )
    api.force_authenticate(world.users["handler"])
    answered = api.post(
        f"/api/v1/cases/{case.pk}/answer/", {"answer": "5个工作日。", "version": case.version}
    )
    assert answered.status_code == 200, answered.json()
    version = answered.json()["version"]
    api.force_authenticate(world.users["head"])
    leak = api.post(
        f"/api/v1/cases/{case.pk}/publish/",
        {"question": "王小明问：要多久？", "answer": "5个工作日。", "version": version},
    )
    assert leak.status_code == 400 and "question" in field_errors(leak.json())
    stale = api.post(
        f"/api/v1/cases/{case.pk}/publish/", {"question": "要多久？", "answer": "5天。", "version": 1}
    )
    assert stale.status_code == 409
    ok = api.post(
        f"/api/v1/cases/{case.pk}/publish/",
        {"question": "要多久？", "answer": "5个工作日。", "version": version},
    )
    assert ok.status_code == 200, ok.json()
    api.force_authenticate(None)
    rows = api.get(f"{API}published/", {"item": world.item.code}).json()
    assert [(r["question"], r["answer"]) for r in rows] == [("要多久？", "5个工作日。")]
    assert "王小明" not in str(rows) and "13700001111" not in str(rows)


def test_the_schema_documents_the_consultation_endpoints(api, world):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/portal/consultations/",
        "/api/v1/portal/consultations/{id}/",
        "/api/v1/portal/consultations/lookup/",
        "/api/v1/portal/consultations/published/",
        "/api/v1/cases/{id}/publish/",
    ):
        assert path in paths
