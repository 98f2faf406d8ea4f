"""Bad input to the API's lists gets a 400 that names the field, in the caller's language."""

from __future__ import annotations

import pytest

from govhall.core.api_errors import field_errors
from govhall.core.models import Role

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.parametrize("limit", ["abc", "0", "-5", "501", str(10**23), "2.5"])
def test_an_invalid_limit_on_the_public_items_list_is_refused_naming_the_field(client, limit):
    answer = client.get("/api/v1/items/", {"limit": limit}, **ZH)
    assert answer.status_code == 400
    assert field_errors(answer.json())["limit"] == ["limit 必须是 1 到 500 之间的整数。"]


def test_a_valid_limit_and_offset_are_used(client):
    assert client.get("/api/v1/items/", {"limit": "500", "offset": "0"}).status_code == 200
    refused = client.get("/api/v1/items/", {"offset": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "offset must be a whole number, at least 0.",
        "code": "invalid",
        "errors": [
            {"field": "offset", "rule": "invalid", "message": "offset must be a whole number, at least 0."}
        ],
    }


def test_a_bad_cursor_is_the_clients_error_not_a_missing_list(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    answer = client.get("/api/v1/cases/", {"cursor": "not-a-cursor"}, **ZH)
    assert answer.status_code == 400
    assert "cursor 无效" in field_errors(answer.json())["cursor"][0]
    assert client.get("/api/v1/cases/", {"limit": "201"}).status_code == 400
    assert client.get("/api/v1/cases/", {"limit": "200"}).status_code == 200


def test_a_nul_character_is_named_as_such_in_chinese(client):
    answer = client.get("/api/v1/portal/progress/", {"number": "QS\x001", "code": "123456"}, **ZH)
    assert answer.status_code == 400
    assert field_errors(answer.json())["number"] == ["不允许包含空字符（NUL，\\0）。"]
