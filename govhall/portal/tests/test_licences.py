"""My electronic licences: the holder (by real-name ID or a company's credit code) sees and downloads them;
nobody else does (404), a revoked company staff member included."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from govhall.cases import services
from govhall.cases.models import Licence
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import ORGANISATION, PERSON, UserFactory, make_world
from govhall.catalog.models import LicenceType
from govhall.core.models import Role
from govhall.portal.models import Company, CompanyMember, MemberRole, Profile

NOW = at("2026-03-02 10:00")


@pytest.fixture
def issued(db):
    """Two food licences: one to 张三 (a person), one to a company."""
    world = make_world()
    kind = LicenceType.objects.create(code="SPJY", name="食品经营许可证", validity_years=5)
    world.item.issues_licence = kind
    world.item.save(update_fields=["issues_licence"])
    licences = {}
    for key, applicant in (("person", PERSON), ("company", ORGANISATION)):
        case = world.accepted(NOW, applicant=applicant)
        case = services.conclude_on_the_spot(case, text="准予许可。", by=world.users["handler"], now=NOW)
        licences[key] = Licence.objects.get(case=case)
    return licences


def _citizen(username: str, *, id_number: str = "", verified: bool = True):
    user = UserFactory(username=username, role=Role.APPLICANT)
    Profile.objects.create(
        user=user,
        real_name=username,
        id_number=id_number,
        verified_at=NOW if verified else None,
        created_at=NOW,
    )
    return user


def _staff_of_company(username: str, *, active: bool = True):
    user = _citizen(username)
    company, _created = Company.objects.get_or_create(
        credit_code=ORGANISATION.credit_code,
        defaults={"name": ORGANISATION.name, "legal_representative": "赵明路", "created_at": NOW},
    )
    CompanyMember.objects.create(
        company=company, user=user, role=MemberRole.AGENT, is_active=active, authorised_at=NOW
    )
    return user


def _shown(client) -> set[str]:
    html = client.get("/portal/licences/").content.decode()
    return {number for number in (lic.number for lic in Licence.objects.all()) if number in html}


@pytest.mark.parametrize(
    "who, sees",
    [
        ("holder", {"person"}),
        ("unverified holder", set()),
        ("company staff", {"company"}),
        ("revoked staff", set()),
        ("stranger", set()),
    ],
)
def test_an_account_sees_only_the_licences_it_holds(client, issued, who, sees):
    user = {
        "holder": lambda: _citizen("zhang", id_number=PERSON.id_number),
        "unverified holder": lambda: _citizen("zhang", id_number=PERSON.id_number, verified=False),
        "company staff": lambda: _staff_of_company("clerk1"),
        "revoked staff": lambda: _staff_of_company("clerk1", active=False),
        "stranger": lambda: _citizen("li", id_number="11010519491231002X"),
    }[who]()
    client.force_login(user)
    assert _shown(client) == {issued[key].number for key in sees}
    api = client.get("/api/v1/portal/licences/").json()
    assert {row["number"] for row in api["results"]} == {issued[key].number for key in sees}
    for key, licence in issued.items():
        page = client.get(f"/portal/licences/{licence.number}.pdf")
        pdf = client.get(f"/api/v1/portal/licences/{licence.number}/pdf/")
        expected = 200 if key in sees else 404
        assert (page.status_code, pdf.status_code) == (expected, expected), (who, key)


def test_the_pdf_carries_the_licence(client, issued):
    client.force_login(_citizen("zhang", id_number=PERSON.id_number))
    licence = issued["person"]
    response = client.get(f"/portal/licences/{licence.number}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert licence.number in text and "2031-03-01" in text


def test_signing_in_is_needed(client, issued):
    response = client.get("/portal/licences/")
    assert response.status_code == 302
    assert client.get("/api/v1/portal/licences/").status_code == 403
