"""The public guides through the API: search, the guide with materials for answers, the themes."""

from __future__ import annotations

import pytest

from govhall.core.api_errors import field_errors

pytestmark = pytest.mark.django_db


def test_search_api_finds_by_initials_and_needs_no_sign_in(client, guides):
    response = client.get("/api/v1/portal/items/", {"q": "gsswdj"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["results"][0]["code"] == "SW001"
    assert body["has_next"] is False


def test_guide_api_gives_the_version_in_force_and_the_situation(client, guides):
    body = client.get("/api/v1/portal/items/SC001/").json()
    assert body["name"] == "公司设立登记" and body["in_force"] is True
    assert body["legal_limit"] == 15 and body["promised_limit"] == 3
    assert body["delivery"] == ["window", "post"]
    assert [q["key"] for q in body["questions"]] == ["applicant", "agent"]
    assert body["questions"][0]["options"] == [
        {"key": "person", "label": "个人"},
        {"key": "company", "label": "企业"},
    ]
    assert body["materials_for_answers"] is None
    assert body["complaint_phone"] == "0531-83312345"


def test_guide_api_narrows_the_materials_with_answers(client, guides):
    body = client.get("/api/v1/portal/items/SC001/", {"answers": "applicant=person;agent=yes"}).json()
    assert [m["name"] for m in body["materials_for_answers"]] == [
        "公司登记申请书",
        "股东身份证明",
        "授权委托书",
    ]
    assert body["materials_for_answers"][2]["medium"] == "electronic"


def test_guide_api_names_the_question_of_a_wrong_answer(client, guides):
    response = client.get("/api/v1/portal/items/SC001/", {"answers": "applicant=alien"})
    assert response.status_code == 400
    assert set(field_errors(response.json())) == {"applicant", "agent"}


def test_guide_api_answers_404_for_an_unknown_item(client, guides):
    assert client.get("/api/v1/portal/items/NOPE/").status_code == 404


def test_themes_api_lists_the_item_codes(client, guides):
    body = client.get("/api/v1/portal/themes/").json()
    assert {"name": "开办企业", "items": ["SC001", "SW001"]}.items() <= body[0].items()


def test_the_portal_guides_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ["/api/v1/portal/items/", "/api/v1/portal/items/{code}/", "/api/v1/portal/themes/"]:
        assert path in schema, path
