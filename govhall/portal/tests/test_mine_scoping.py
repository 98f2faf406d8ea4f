"""我的办件 shows an account its own cases only: those it applied for online, those received at a window
for its recorded real-name ID number, and its company's (while the staff are authorised). Everyone else
gets 404, on the pages and in the API alike."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from govhall.cases import services
from govhall.cases.tests.factories import ORGANISATION, PERSON
from govhall.portal.models import Application, ApplicationState, CompanyMember
from govhall.portal.tests.conftest import applicant


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def pages_and_api(user, number: str) -> tuple[int, int]:
    page = signed_in(user).get(f"/portal/my/cases/{number}/").status_code
    api = api_for(user).get(f"/api/v1/portal/my/cases/{number}/").status_code
    return page, api


def test_a_window_case_belongs_to_the_account_with_the_same_real_name_id(world, now, zhang):
    case = world.receive(now)
    assert pages_and_api(zhang, case.number) == (200, 200)
    rows = api_for(zhang).get("/api/v1/portal/my/").json()
    assert [(r["kind"], r["number"], r["state"]) for r in rows] == [("case", case.number, "submitted")]


def test_without_a_recorded_real_name_the_id_number_proves_nothing(world, now):
    case = world.receive(now)
    unverified = applicant("unverified")
    from govhall.portal.models import Profile

    Profile.objects.create(user=unverified, id_number=PERSON.id_number, created_at=now)  # not verified
    assert pages_and_api(unverified, case.number) == (404, 404)
    assert api_for(unverified).get("/api/v1/portal/my/").json() == []


def test_a_stranger_gets_404_and_an_anonymous_visitor_the_sign_in(world, now, zhang):
    case = world.receive(now)
    stranger = applicant("stranger", id_number="11010519491231002X")
    assert pages_and_api(stranger, case.number) == (404, 404)
    assert signed_in(stranger).get(f"/portal/my/cases/{case.number}/notices/acceptance/").status_code == 404
    assert (
        api_for(stranger).get(f"/api/v1/portal/my/cases/{case.number}/notices/acceptance/").status_code == 404
    )
    anonymous = Client().get(f"/portal/my/cases/{case.number}/")
    assert anonymous.status_code == 302
    assert APIClient().get("/api/v1/portal/my/").status_code in (401, 403)


def test_an_online_application_belongs_to_its_owner(world, now):
    owner = applicant("owner")
    case = world.receive(now, applicant=PERSON)
    Application.objects.create(
        owner=owner,
        item=world.item,
        state=ApplicationState.SUBMITTED,
        case=case,
        created_at=now,
        updated_at=now,
    )
    draft = Application.objects.create(owner=owner, item=world.item, created_at=now, updated_at=now)
    assert pages_and_api(owner, case.number) == (200, 200)
    rows = api_for(owner).get("/api/v1/portal/my/").json()
    assert [(r["kind"], r["application_id"]) for r in rows] == [("draft", draft.pk), ("case", None)]
    assert pages_and_api(applicant("other"), case.number) == (404, 404)


def test_company_staff_see_the_company_cases_until_revoked(world, now, company):
    case = world.receive(now, applicant=ORGANISATION)
    staff = company.members.get(role="agent").user
    boss = company.members.get(role="representative").user
    assert pages_and_api(staff, case.number) == (200, 200)
    assert pages_and_api(boss, case.number) == (200, 200)
    CompanyMember.objects.filter(user=staff).update(is_active=False, revoked_at=now)
    assert pages_and_api(staff, case.number) == (404, 404)
    # A person's own case is not the company's, and the company's is not the person's.
    person_case = world.receive(now)
    assert pages_and_api(boss, person_case.number) == (404, 404)


def test_the_list_and_the_page_speak_plain_words(world, now, zhang):
    case = world.receive(now, materials=[])
    services.request_supplement(
        case, missing=world.required_ids, note="申请书须签字", by=world.users["clerk"], now=now
    )
    client = signed_in(zhang)
    client.cookies["django_language"] = "zh-hans"
    listing = client.get("/portal/my/").content.decode()
    assert "需补正" in listing and "一次性" in listing
    page = client.get(f"/portal/my/cases/{case.number}/").content.decode()
    assert "需补正" in page and "一次性告知书" in page and "申请书须签字" in page
    assert world.users["clerk"].username not in page  # no staff
    notice = client.get(f"/portal/my/cases/{case.number}/notices/supplement/")
    html = notice.content.decode()
    assert notice.status_code == 200 and case.verification_code in html and "/portal/progress/" in html
    assert PERSON.id_number not in html  # masked on paper too
    pdf = client.get(f"/portal/my/cases/{case.number}/notices/supplement/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"/BaseFont /STSong-Light" in pdf.content
    assert client.get(f"/portal/my/cases/{case.number}/notices/acceptance/").status_code == 404  # none yet


@pytest.mark.parametrize("path", ["", "notices/supplement/"])
def test_the_api_gives_the_case_with_its_timeline_and_notices(world, now, zhang, path):
    case = world.receive(now, materials=[])
    services.request_supplement(
        case, missing=world.required_ids, note="签字", by=world.users["clerk"], now=now
    )
    response = api_for(zhang).get(f"/api/v1/portal/my/cases/{case.number}/{path}")
    assert response.status_code == 200
    if path:
        assert response["Content-Type"] == "application/pdf"
        return
    body = response.json()
    assert body["state"] == "correction" and body["verification_code"] == case.verification_code
    assert [e["kind"] for e in body["timeline"]] == ["received", "supplement_requested"]
    assert [n["kind"] for n in body["notices"]] == ["supplement"]
    assert body["notices"][0]["pdf"] == f"/api/v1/portal/my/cases/{case.number}/notices/supplement/"
    assert "clerk" not in response.content.decode()


def test_a_lane_case_shows_in_the_list_and_its_page(lane_world, now):
    from govhall.lanes.tests.conftest import GOOD

    lane_case = lane_world.apply(now)
    person = applicant("lane_person", id_number=GOOD["id_number"])
    rows = api_for(person).get("/api/v1/portal/my/").json()
    assert ("lane", lane_case.number) in [(r["kind"], r["number"]) for r in rows]
    page = signed_in(person).get(f"/portal/my/cases/{lane_case.number}/")
    assert page.status_code == 200 and page.content.decode().count('data-test="progress-item"') == 2
    body = api_for(person).get(f"/api/v1/portal/my/cases/{lane_case.number}/").json()
    assert (body["kind"], body["state"], len(body["stages"])) == ("lane", "in_progress", 2)
    assert pages_and_api(applicant("nobody"), lane_case.number) == (404, 404)
