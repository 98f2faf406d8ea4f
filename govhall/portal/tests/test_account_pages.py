"""The account pages: sign-in by code, the real-name profile, companies and their staff (经办人)."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.core.models import Role, User
from govhall.portal.models import Company, CompanyMember, MemberRole
from govhall.portal.tests.conftest import CREDIT_CODE, ID_NUMBER, english_client, last_code

pytestmark = pytest.mark.django_db


def sign_in(client: Client, phone: str, outbox) -> None:
    response = client.post("/portal/login/", {"phone": phone, "action": "send"})
    assert response.status_code == 200 and b'data-test="code-sent"' in response.content
    code = last_code(outbox, phone)
    response = client.post("/portal/login/", {"phone": phone, "code": code, "action": "verify"})
    assert response.status_code == 302, response.content.decode()[:2000]


def record_name(client: Client, name: str, id_number: str = ID_NUMBER, version: int = 1):
    return client.post(
        "/portal/account/",
        {"real_name": name, "id_type": "resident_id", "id_number": id_number, "version": version},
    )


def test_sign_up_with_a_code_then_the_account_page(client, sms_outbox):
    sign_in(client, "13800138000", sms_outbox)
    page = client.get("/portal/account/")
    assert page.status_code == 200 and "Real-name information" in page.content.decode()


def test_the_sign_in_page_names_the_field_and_the_rule(client, sms_outbox):
    response = client.post("/portal/login/", {"phone": "0531-83312345", "action": "send"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_phone"' in html and "enter an 11-digit mobile number" in html
    client.post("/portal/login/", {"phone": "13800138000", "action": "send"})
    response = client.post("/portal/login/", {"phone": "13800138000", "action": "send"})
    assert (
        response.status_code == 429
        and "Too many codes requested for this number" in response.content.decode()
    )
    response = client.post("/portal/login/", {"phone": "13800138000", "code": "000000", "action": "verify"})
    code_ok = last_code(sms_outbox, "13800138000") == "000000"
    assert code_ok or 'href="#id_code"' in response.content.decode()


def test_account_pages_send_strangers_to_the_portal_sign_in(client):
    response = client.get("/portal/account/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/login/?next=")


def test_portal_pages_lead_to_the_portal_sign_in_not_the_staff_one(client):
    html = client.get("/portal/login/").content.decode()
    assert 'href="/portal/login/"' in html or 'href="/portal/login/?' in html
    assert "/accounts/login/" not in html


def test_staff_accounts_are_not_applicants(client):
    client.force_login(User.objects.create_user("clerk", role=Role.CLERK))
    assert client.get("/portal/account/").status_code == 403


@pytest.mark.parametrize(
    ("id_number", "expected"),
    [
        (ID_NUMBER, None),
        ("110105194912310021", "The check digit of the identity number is wrong"),
        ("11010519491231002", "A resident identity number has 18 characters; this one has 17."),
        ("11010519491331002X", "is not a date"),
    ],
)
def test_real_name_with_the_id_check_digit(client, sms_outbox, id_number, expected):
    sign_in(client, "13800138000", sms_outbox)
    response = record_name(client, "张三", id_number)
    if expected is None:
        assert response.status_code == 302
        assert "张三" in client.get("/portal/account/").content.decode()
    else:
        html = response.content.decode()
        assert response.status_code == 200 and expected in html and 'href="#id_id_number"' in html


def test_a_stale_profile_form_answers_409_and_keeps_the_newer_data(client, sms_outbox):
    sign_in(client, "13800138000", sms_outbox)
    assert record_name(client, "张三", version=1).status_code == 302
    response = record_name(client, "李四", version=1)
    assert response.status_code == 409 and "changed elsewhere" in response.content.decode()
    assert "张三" in client.get("/portal/account/").content.decode()


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "check character"),
        ({"credit_code": "91350100M000100Y4"}, "credit_code", "18 characters"),
        ({"legal_representative": "李四"}, "legal_representative", "Only the legal representative"),
        ({"name": ""}, "name", "Enter the company"),
    ],
)
def test_registering_a_company_checks_the_code_and_the_representative(
    client, sms_outbox, fields, field, expected
):
    sign_in(client, "13800138000", sms_outbox)
    record_name(client, "张三")
    data = {"name": "泉山示范有限公司", "credit_code": CREDIT_CODE, "legal_representative": "张三", **fields}
    response = client.post("/portal/account/companies/new/", data)
    html = response.content.decode()
    assert response.status_code == 200 and expected in html and f'href="#id_{field}"' in html
    assert not Company.objects.exists()


def test_company_staff_see_the_company_until_revoked_and_others_never(sms_outbox):
    boss, staff, stranger = english_client(), english_client(), english_client()
    sign_in(boss, "13800138000", sms_outbox)
    sign_in(staff, "13900139000", sms_outbox)
    sign_in(stranger, "13700137000", sms_outbox)
    record_name(boss, "张三")
    response = boss.post(
        "/portal/account/companies/new/",
        {"name": "泉山示范有限公司", "credit_code": CREDIT_CODE, "legal_representative": "张三"},
    )
    company = Company.objects.get()
    assert response["Location"] == f"/portal/account/companies/{company.pk}/"
    url = f"/portal/account/companies/{company.pk}/"
    assert staff.get(url).status_code == 404

    response = boss.post(url, {"phone": "13600136000"})
    assert response.status_code == 200 and "No account has this mobile number" in response.content.decode()
    assert boss.post(url, {"phone": "139 0013 9000"}).status_code == 302
    assert staff.get(url).status_code == 200
    assert stranger.get(url).status_code == 404
    # Staff may act as the company, but not authorise anyone.
    assert staff.post("/portal/account/acting-as/", {"company": company.pk}).status_code == 302
    assert staff.post(url, {"phone": "13700137000"}).status_code == 403
    assert stranger.post("/portal/account/acting-as/", {"company": company.pk}).status_code == 404

    member = CompanyMember.objects.get(company=company, role=MemberRole.AGENT)
    assert boss.post(f"{url}members/{member.pk}/revoke/").status_code == 302
    assert staff.get(url).status_code == 404
    assert company.name not in staff.get("/portal/account/").content.decode()
