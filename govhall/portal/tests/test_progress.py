"""办件查询 in the online hall (/portal/progress/, /api/v1/portal/progress/): a case or fast-lane number
with its verification code, or the last six characters of the applicant's ID number, gives the state in
plain words and the key dates, without sign-in; the name masked, no staff, nothing personal. The old
addresses (/cases/progress/, /api/v1/progress/) printed on notices redirect here for good."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from govhall.cases import services
from govhall.cases.tests.factories import CONTACT, ORGANISATION, PERSON
from govhall.lanes.models import LaneItemCase
from govhall.portal.tests.conftest import at


@pytest.fixture(autouse=True)
def fresh_budget():
    cache.clear()
    yield
    cache.clear()


def test_the_api_answers_number_and_code_with_plain_state_and_masked_name(world, now):
    case = world.accepted(now)
    client = APIClient()
    response = client.get(
        "/api/v1/portal/progress/", {"number": case.number, "code": case.verification_code.lower()}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["state"], body["plain_state"]) == ("case", "accepted", "in_progress")
    assert body["current_step"] == "审查" and body["applicant"] == "张*"
    text = response.content.decode()
    assert PERSON.id_number not in text and CONTACT.phone not in text and "clerk" not in text
    assert (
        client.get("/api/v1/portal/progress/", {"number": case.number, "code": "WRONG1"}).status_code == 404
    )
    nope = client.get("/api/v1/portal/progress/", {"number": "nope", "code": case.verification_code})
    assert nope.status_code == 404
    assert client.get("/api/v1/portal/progress/", {"number": case.number}).status_code == 400


@pytest.mark.parametrize(
    ("code", "found"),
    [
        (PERSON.id_number[-6:], True),
        (PERSON.id_number[-6:].lower(), True),
        (PERSON.id_number[-7:-1], False),  # not the last six
        (PERSON.id_number[-5:], False),  # too short
        ("", False),
    ],
)
def test_the_last_six_of_the_id_number_also_prove_it(world, now, code, found):
    case = world.receive(now)
    response = APIClient().get("/api/v1/portal/progress/", {"number": case.number, "code": code})
    assert response.status_code == (200 if found else 400 if not code else 404)


def test_a_company_proves_it_with_the_last_six_of_its_credit_code_and_keeps_its_name(world, now):
    case = world.receive(now, applicant=ORGANISATION)
    body = (
        APIClient()
        .get("/api/v1/portal/progress/", {"number": case.number, "code": ORGANISATION.credit_code[-6:]})
        .json()
    )
    assert body["applicant"] == "华为技术有限公司"  # public in the credit register


def test_the_page_shows_the_plain_state_without_personal_data(world, now):
    case = world.accepted(now)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get("/portal/progress/").status_code == 200
    response = client.get("/portal/progress/", {"number": case.number, "code": case.verification_code})
    html = response.content.decode()
    assert response.status_code == 200 and "已受理办理中" in html and "张*" in html
    assert PERSON.id_number not in html and CONTACT.phone not in html
    assert world.users["clerk"].username not in html
    response = client.get("/portal/progress/", {"number": case.number, "code": "XXXXXX"})
    assert response.status_code == 404 and 'data-test="progress-none"' in response.content.decode()


def test_a_rejected_case_reads_not_accepted(world, now):
    case = world.receive(now)
    services.reject_case(case, reason="不属于本机关职权范围", by=world.users["clerk"], now=now)
    body = APIClient().get(
        "/api/v1/portal/progress/", {"number": case.number, "code": case.verification_code}
    )
    assert body.json()["plain_state"] == "not_accepted"


def test_the_old_addresses_redirect_for_good_with_the_query(world, now):
    case = world.accepted(now)
    query = f"number={case.number}&code={case.verification_code}"
    page = Client().get(f"/cases/progress/?{query}")
    assert page.status_code == 301 and page["Location"] == f"/portal/progress/?{query}"
    for old in ("/api/v1/progress/", "/api/v1/progress"):
        api = APIClient().get(f"{old}?{query}")
        assert api.status_code == 301 and api["Location"] == f"/api/v1/portal/progress/?{query}"
    followed = APIClient().get(f"/api/v1/progress/?{query}", follow=True)
    assert followed.status_code == 200 and followed.json()["number"] == case.number
    assert Client().get("/cases/progress/")["Location"] == "/portal/progress/"


def test_the_api_answers_a_lane_number_with_its_stages_and_items(lane_world, now):
    lane_case = lane_world.apply(now)
    first = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case").first()
    lane_world.decide(first.case, at("2026-03-03 16:00"))
    client = APIClient()
    body = client.get(
        "/api/v1/portal/progress/", {"number": lane_case.number, "code": lane_case.verification_code}
    )
    assert body.status_code == 200
    data = body.json()
    assert (data["kind"], data["number"], data["state"]) == ("lane", lane_case.number, "in_progress")
    assert data["plain_state"] == "in_progress"
    assert data["applicant"] != "张三"  # masked
    assert [s["state"] for s in data["stages"]] == ["active", "pending"]
    statuses = {i["item"]: i["status"] for i in data["stages"][0]["items"]}
    assert statuses == {"食品经营许可A": "done", "卫生许可B": "working"}
    assert data["stages"][1]["items"] == []
    assert (
        client.get("/api/v1/portal/progress/", {"number": lane_case.number, "code": "WRONG1"}).status_code
        == 404
    )
    by_id = client.get(
        "/api/v1/portal/progress/", {"number": lane_case.number, "code": PERSON.id_number[-6:]}
    )
    assert by_id.status_code == 200


def test_the_page_shows_a_lane(lane_world, now):
    lane_case = lane_world.apply(now)
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/portal/progress/", {"number": lane_case.number, "code": lane_case.verification_code})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-test="lane-progress"' in html
    assert html.count('data-test="progress-item"') == 2 and "卫生许可B" in html
    assert client.get("/portal/progress/", {"number": lane_case.number, "code": "AAAAAA"}).status_code == 404


def test_the_schema_documents_the_portal_queries(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/portal/progress/",
        "/api/v1/portal/my/",
        "/api/v1/portal/my/cases/{number}/",
        "/api/v1/portal/my/cases/{number}/notices/{kind}/",
        "/api/v1/portal/my/inbox/",
    ):
        assert path + ":" in text
    assert "/api/v1/progress/:" not in text
