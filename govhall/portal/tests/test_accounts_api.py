"""The account API: the same services and rules as the pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.portal.models import Company, CompanyMember
from govhall.portal.tests.conftest import CREDIT_CODE, ID_NUMBER, last_code

pytestmark = pytest.mark.django_db
API = "/api/v1/portal"


def api_client() -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def signed_in(phone: str, outbox) -> APIClient:
    client = api_client()
    response = client.post(f"{API}/sign-in/code/", {"phone": phone}, format="json")
    assert response.status_code == 202, response.json()
    response = client.post(
        f"{API}/sign-in/", {"phone": phone, "code": last_code(outbox, phone)}, format="json"
    )
    assert response.status_code == 200, response.json()
    return client


def test_sign_in_by_code_starts_a_session(sms_outbox):
    client = signed_in("13800138000", sms_outbox)
    me = client.get(f"{API}/me/")
    assert me.status_code == 200 and me.json()["phone"] == "13800138000" and me["ETag"] == '"1"'
    assert client.post(f"{API}/sign-out/").status_code == 204
    assert client.get(f"{API}/me/").status_code == 403


def test_code_errors_name_the_field_and_throttling_says_when(sms_outbox):
    client = api_client()
    response = client.post(f"{API}/sign-in/code/", {"phone": "12345"}, format="json")
    assert (
        response.status_code == 400 and "11-digit mobile number" in field_errors(response.json())["phone"][0]
    )
    client.post(f"{API}/sign-in/code/", {"phone": "13800138000"}, format="json")
    response = client.post(f"{API}/sign-in/code/", {"phone": "13800138000"}, format="json")
    assert response.status_code == 429 and 55 <= int(response["Retry-After"]) <= 60
    assert "try again at" in field_errors(response.json())["phone"][0] and response.json()["retry_at"]
    code = last_code(sms_outbox, "13800138000")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(f"{API}/sign-in/", {"phone": "13800138000", "code": wrong}, format="json")
    assert response.status_code == 400 and field_errors(response.json()) == {
        "code": ["The code is wrong: 4 more tries with this code."]
    }


@pytest.mark.parametrize(
    ("id_number", "status", "message"),
    [
        (ID_NUMBER, 200, None),
        ("110105194912310021", 400, "The check digit of the identity number is wrong"),
    ],
)
def test_profile_checks_the_id_check_digit(sms_outbox, id_number, status, message):
    client = signed_in("13800138000", sms_outbox)
    body = {"real_name": "张三", "id_type": "resident_id", "id_number": id_number}
    response = client.patch(f"{API}/me/", body, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == status
    if message:
        assert message in field_errors(response.json())["id_number"][0]
    else:
        assert response.json()["has_real_name"] and response["ETag"] == '"2"'


def test_profile_writes_need_the_version_and_a_stale_one_is_409(sms_outbox):
    client = signed_in("13800138000", sms_outbox)
    body = {"real_name": "张三", "id_type": "resident_id", "id_number": ID_NUMBER}
    assert client.patch(f"{API}/me/", body, format="json").status_code == 428
    assert client.patch(f"{API}/me/", {**body, "version": 1}, format="json").status_code == 200
    stale = client.patch(f"{API}/me/", {**body, "real_name": "李四"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert client.get(f"{API}/me/").json()["real_name"] == "张三"


def test_companies_members_and_acting_as_are_scoped(sms_outbox):
    boss = signed_in("13800138000", sms_outbox)
    staff = signed_in("13900139000", sms_outbox)
    stranger = signed_in("13700137000", sms_outbox)
    boss.patch(
        f"{API}/me/", {"real_name": "张三", "id_type": "resident_id", "id_number": ID_NUMBER, "version": 1}
    )
    bad = boss.post(
        f"{API}/companies/",
        {"name": "泉山示范有限公司", "credit_code": "91350100M000100Y44", "legal_representative": "张三"},
        format="json",
    )
    assert bad.status_code == 400 and "check character" in field_errors(bad.json())["credit_code"][0]
    created = boss.post(
        f"{API}/companies/",
        {"name": "泉山示范有限公司", "credit_code": CREDIT_CODE, "legal_representative": "张三"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert staff.get(f"{API}/companies/{pk}/").status_code == 404
    assert (
        boss.post(f"{API}/companies/{pk}/members/", {"phone": "13900139000"}, format="json").status_code
        == 201
    )
    assert staff.get(f"{API}/companies/{pk}/").status_code == 200
    assert [c["id"] for c in staff.get(f"{API}/companies/").json()] == [pk]
    assert staff.put(f"{API}/acting-as/", {"company": pk}, format="json").json() == {"company": pk}
    assert (
        staff.post(f"{API}/companies/{pk}/members/", {"phone": "13700137000"}, format="json").status_code
        == 403
    )
    assert stranger.get(f"{API}/companies/{pk}/members/").status_code == 404
    assert stranger.put(f"{API}/acting-as/", {"company": pk}, format="json").status_code == 404

    member = CompanyMember.objects.get(company_id=pk, user__phone="13900139000")
    revoked = boss.post(f"{API}/companies/{pk}/members/{member.pk}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    assert staff.get(f"{API}/companies/{pk}/").status_code == 404
    assert staff.get(f"{API}/acting-as/").json() == {"company": None}
    assert Company.objects.count() == 1
