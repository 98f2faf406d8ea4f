"""Every 4xx of the API in one format: {"detail", "code", "errors": [{"field", "rule", "message"}]}, the
messages in the request's language, whoever made the error (DRF, a domain service, a view by hand)."""

from __future__ import annotations

import pytest

from govhall.core.api_errors import error_body, field_errors
from govhall.core.models import Role

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def assert_format(body: dict) -> None:
    assert set(body) >= {"detail", "code", "errors"}, body
    assert body["errors"], body
    for item in body["errors"]:
        assert set(item) == {"field", "rule", "message"}, item
        assert item["rule"] and item["message"], item
    assert (body["detail"], body["code"]) == (body["errors"][0]["message"], body["errors"][0]["rule"])


@pytest.mark.parametrize(
    ("data", "status", "expected"),
    [
        ({"limit": ["bad"]}, 400, [("limit", "invalid", "bad")]),
        ({"items": [{}, {"name": ["too long"]}]}, 400, [("items.1.name", "invalid", "too long")]),
        ({"non_field_errors": ["both"]}, 400, [(None, "invalid", "both")]),
        (
            {"detail": "gone", "code": "stale_version", "current_version": 4},
            409,
            [(None, "stale_version", "gone")],
        ),
        ({"detail": "no"}, 403, [(None, "permission_denied", "no")]),
        (["a list"], 400, [(None, "invalid", "a list")]),
        ({"errors": {"text": ["empty"]}}, 400, [("text", "invalid", "empty")]),
    ],
)
def test_any_error_data_becomes_the_one_format(data, status, expected):
    body = error_body(data, status)
    assert_format(body)
    assert [(e["field"], e["rule"], e["message"]) for e in body["errors"]] == expected
    if "current_version" in data:
        assert body["current_version"] == 4  # what a client needs to recover stays


def test_a_write_with_missing_fields_names_each_field_and_rule_in_the_users_language(client, make_user):
    client.force_login(make_user(Role.CLERK))
    en = client.post("/api/v1/cases/", {}, content_type="application/json", **EN)
    assert en.status_code == 400
    assert_format(en.json())
    rules = {e["field"]: e["rule"] for e in en.json()["errors"]}
    assert rules.get("item") == "required", rules
    assert field_errors(en.json())["item"] == ["This field is required."]
    zh = client.post("/api/v1/cases/", {}, content_type="application/json", **ZH)
    assert field_errors(zh.json())["item"] == ["该字段是必填项。"]


def test_not_signed_in_not_found_and_not_allowed_share_the_format(client, make_user):
    anonymous = client.get("/api/v1/cases/", **EN)
    assert anonymous.status_code == 403 and anonymous.json()["code"] == "not_authenticated"
    assert_format(anonymous.json())
    client.force_login(make_user(Role.ADMIN))
    missing = client.get("/api/v1/cases/987654/", **EN)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert_format(missing.json())
    method = client.put("/api/v1/departments/", {}, content_type="application/json", **EN)
    assert method.status_code == 405 and method.json()["code"] == "method_not_allowed"


def test_a_path_no_api_route_matches_is_a_json_404_in_the_format(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    answer = client.post("/api/v1/lanes/no such lane!/apply/", {}, **ZH)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert_format(answer.json())
    assert answer.json()["code"] == "not_found" and answer.json()["detail"] == "未找到。"


def test_a_body_a_view_built_by_hand_is_put_into_the_format(client, make_user):
    client.force_login(make_user(Role.LEADER))
    answer = client.get(
        "/api/v1/stats/table/", {"by": "nonsense", "from": "2026-01-01", "to": "2026-01-31"}, **EN
    )
    assert answer.status_code == 400
    assert_format(answer.json())
    assert answer.json()["errors"][0]["field"] == "by"


def test_the_schema_documents_the_error_answers_and_who_may_call(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code", "errors"}
    operation = schema["paths"]["/api/v1/cases/{id}/"]["get"]
    for status in ("400", "401", "403", "404"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    assert "anonymous" not in operation["x-roles"] and "admin" in operation["x-roles"]
    assert "Who may call" in operation["description"]
    leaders_only = schema["paths"]["/api/v1/stats/table/"]["get"]["x-roles"]
    assert "leader" in leaders_only and "applicant" not in leaders_only and "clerk" not in leaders_only
    public = schema["paths"]["/api/v1/items/"]["get"]
    assert "anonymous" in public["x-roles"]
    listing = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"]["$ref"].startswith("#/components/schemas/Paginated")
