"""免提交: a material that accepts an electronic licence is filled from the applicant's valid licences instead
of an upload; the case's intake receives it as that licence. An expired or someone else's licence is
neither offered nor accepted."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.cases.models import Licence
from govhall.cases.tests.factories import ORGANISATION, PERSON, resident_id
from govhall.catalog.models import LicenceType
from govhall.portal import services
from govhall.portal.models import Profile
from govhall.portal.tests.apply.support import FILLED, NOW, draft, upload

pytestmark = pytest.mark.django_db

OTHER_PERSON = resident_id("11010519491231002")


@pytest.fixture
def licensed(world):
    """The item's 营业执照 accepts a business licence; 张三 holds a valid one and an expired one, somebody
    else a third, and a company a fourth."""
    kind = LicenceType.objects.create(code="YYZZ", name="营业执照")
    world.licence_material = world.item.materials.get(name="营业执照")
    world.licence_material.licence_type = kind
    world.licence_material.save(update_fields=["licence_type"])
    Profile.objects.create(
        user=world.users["citizen"],
        real_name="张三",
        id_number=PERSON.id_number,
        verified_at=NOW,
        created_at=NOW,
    )

    def licence(number: str, holder: str, until: date | None) -> Licence:
        return Licence.objects.create(
            number=number, licence_type=kind, holder_kind="person", holder_name="张三", holder_id=holder,
            department=world.department, case=world.receive(NOW), issued_on=date(2025, 1, 1),
            valid_until=until,
        )  # fmt: skip

    world.valid = licence("YYZZ-VALID", PERSON.id_number, date(2030, 12, 31))
    world.expired = licence("YYZZ-EXPIRED", PERSON.id_number, date(2026, 2, 1))
    world.others = licence("YYZZ-OTHER", OTHER_PERSON, None)
    world.companys = licence("YYZZ-COMPANY", ORGANISATION.credit_code, None)
    return world


def slot_key(world) -> str:
    return f"material_{world.licence_material.pk}"


def choose(app, licence, world):
    return services.choose_licence(
        app, material=world.licence_material.pk, licence=licence.pk, by=app.owner, now=NOW,
        expected_version=app.version,
    )  # fmt: skip


def test_only_the_applicants_valid_licences_are_offered(licensed):
    app = draft(licensed)
    offered = services.licence_choice.offered(app, licensed.licence_material, on=NOW.date())
    assert offered == [licensed.valid]


def test_a_chosen_licence_counts_as_present_and_reaches_the_case(licensed):
    app = services.save_draft(
        draft(licensed), data=FILLED, by=licensed.users["citizen"], now=NOW, expected_version=1
    )
    assert slot_key(licensed) in {m.key for m in services.checklist(app)}
    choose(app, licensed.valid, licensed)
    app.refresh_from_db()
    assert slot_key(licensed) not in {m.key for m in services.checklist(app)}
    services.upload_material(app, material=licensed.required_ids[0], file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    app = services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    row = app.case.materials.get(material=licensed.licence_material)
    assert row.received and row.licence_id == licensed.valid.pk
    assert not app.case.documents.filter(material=row).exists()


@pytest.mark.parametrize("which", ["expired", "others"])
def test_an_expired_or_someone_elses_licence_is_refused_naming_the_material(licensed, which):
    app = draft(licensed)
    with pytest.raises(ValidationError) as error:
        choose(app, getattr(licensed, which), licensed)
    assert "营业执照" in error.value.message_dict[slot_key(licensed)][0]
    app.refresh_from_db()
    assert app.version == 1 and not app.licences.exists()


def test_a_licence_that_expired_since_it_was_chosen_is_refused_at_submission(licensed):
    app = services.save_draft(
        draft(licensed), data=FILLED, by=licensed.users["citizen"], now=NOW, expected_version=1
    )
    choose(app, licensed.valid, licensed)
    services.upload_material(app, material=licensed.required_ids[0], file=upload(), by=app.owner, now=NOW)
    Licence.objects.filter(pk=licensed.valid.pk).update(valid_until=date(2026, 3, 1))
    app.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert "not valid on 2026-03-02" in error.value.message_dict[slot_key(licensed)][0]


def test_a_slot_holds_a_licence_or_files_not_both(licensed):
    app = draft(licensed)
    material = licensed.licence_material.pk
    services.upload_material(app, material=material, file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    choose(app, licensed.valid, licensed)
    assert not app.documents.filter(material_id=material).exists()
    services.upload_material(app, material=material, file=upload(), by=app.owner, now=NOW)
    assert not app.licences.exists()
    app.refresh_from_db()
    choose(app, licensed.valid, licensed)
    app.refresh_from_db()
    services.drop_licence(app, material=material, by=app.owner, now=NOW, expected_version=app.version)
    assert not app.licences.exists()


def test_a_companys_draft_is_offered_the_companys_licences(licensed, company):
    staff = company.members.get(role="agent").user
    app = services.start_application(by=staff, now=NOW, item=licensed.item, company=company)
    assert services.licence_choice.offered(app, licensed.licence_material, on=NOW.date()) == [
        licensed.companys
    ]


def test_the_editor_offers_shows_and_drops_the_licence(client, licensed):
    client.force_login(licensed.users["citizen"])
    app = draft(licensed)
    edit = reverse("portal:application", args=[app.pk])
    page = client.get(edit).content.decode()
    assert "YYZZ-VALID" in page and "YYZZ-EXPIRED" not in page and "YYZZ-OTHER" not in page
    url = reverse("portal:application-licence", args=[app.pk, licensed.licence_material.pk])
    response = client.post(url, {"licence": licensed.expired.pk, "version": app.version})
    assert response.status_code == 400 and 'href="#material_' in response.content.decode()
    response = client.post(url, {"licence": licensed.valid.pk, "version": app.version})
    assert response.status_code == 302
    page = client.get(edit).content.decode()
    assert "Using electronic licence 营业执照 YYZZ-VALID, valid until 2030-12-31." in page
    app.refresh_from_db()
    drop = reverse("portal:application-licence-drop", args=[app.pk, licensed.licence_material.pk])
    assert client.post(drop, {"version": app.version}).status_code == 302
    assert "Using electronic licence" not in client.get(edit).content.decode()


def test_the_api_has_the_licence_on_the_slot(licensed):
    api = APIClient()
    api.force_authenticate(licensed.users["citizen"])
    app = draft(licensed)
    url = f"/api/v1/portal/applications/{app.pk}/"
    slot = next(s for s in api.get(url).json()["slots"] if s["material"] == licensed.licence_material.pk)
    assert [x["number"] for x in slot["offered_licences"]] == ["YYZZ-VALID"] and slot["licence"] is None
    choice = f"{url}materials/{licensed.licence_material.pk}/licence/"
    response = api.put(choice, {"licence": licensed.expired.pk, "version": 1}, format="json")
    assert response.status_code == 400 and "营业执照" in str(response.json())
    response = api.put(choice, {"licence": licensed.valid.pk, "version": 1}, format="json")
    assert response.status_code == 200
    slot = next(s for s in response.json()["slots"] if s["material"] == licensed.licence_material.pk)
    assert slot["licence"]["number"] == "YYZZ-VALID"
    version = response.json()["version"]
    response = api.delete(choice, HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200
    slot = next(s for s in response.json()["slots"] if s["material"] == licensed.licence_material.pk)
    assert slot["licence"] is None
