"""Electronic licences (电子证照): an approved case of a licence-issuing item records the holder's licence,
and a later application hands it in instead of the paper (免提交) while it is valid."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.models import CaseState, Licence
from govhall.cases.services.licences import add_years, valid_licences
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import ORGANISATION, PERSON, Applicant, resident_id
from govhall.catalog.models import LicenceType
from govhall.catalog.services import revise_item


@pytest.fixture
def food_licence(world) -> LicenceType:
    """The world's item (食品经营许可) issues a food business licence valid 5 years; the immediate item
    asks for one as its only material."""
    kind = LicenceType.objects.create(code="SPJY", name="食品经营许可证", validity_years=5)
    world.item.issues_licence = kind
    world.item.save(update_fields=["issues_licence"])
    material = world.immediate_item.materials.get()
    material.licence_type = kind
    material.save(update_fields=["licence_type"])
    return kind


def _approved(world, now, *, applicant=PERSON, decision="approved"):
    case = world.accepted(now, applicant=applicant)
    return services.conclude_on_the_spot(
        case, decision=decision, text="准予许可。", by=world.users["handler"], now=now
    )


def test_an_approved_case_records_the_holders_licence(world, food_licence):
    case = _approved(world, at("2026-03-02 10:00"))
    licence = Licence.objects.get(case=case)
    assert (licence.number, licence.holder_name, licence.holder_id) == (
        f"SPJY-{case.number}",
        "张三",
        PERSON.id_number,
    )
    assert (licence.issued_on, licence.valid_until) == (date(2026, 3, 2), date(2031, 3, 1))
    assert licence.department_id == world.department.pk


def test_an_organisation_holds_by_its_credit_code(world, food_licence):
    case = _approved(world, at("2026-03-02 10:00"), applicant=ORGANISATION)
    assert Licence.objects.get(case=case).holder_id == ORGANISATION.credit_code


@pytest.mark.parametrize(
    "decision, issues, recorded",
    [("approved", True, True), ("denied", True, False), ("approved", False, False)],
)
def test_only_an_approved_case_of_an_issuing_item_records_one(
    world, food_licence, decision, issues, recorded
):
    if not issues:
        world.item.issues_licence = None
        world.item.save(update_fields=["issues_licence"])
    case = _approved(world, at("2026-03-02 10:00"), decision=decision)
    assert Licence.objects.filter(case=case).exists() is recorded


@pytest.mark.parametrize(
    "issued, years, expected",
    [(date(2026, 3, 2), 5, date(2031, 3, 2)), (date(2024, 2, 29), 1, date(2025, 2, 28))],
)
def test_validity_runs_in_calendar_years(issued, years, expected):
    assert add_years(issued, years) == expected


@pytest.mark.parametrize(
    "day, offered",
    [("2026-03-02", True), ("2031-03-01", True), ("2031-03-02", False)],
)
def test_an_expired_licence_is_not_offered(world, food_licence, day, offered):
    _approved(world, at("2026-03-02 10:00"))
    found = valid_licences(
        holder_id=PERSON.id_number, licence_type_id=food_licence.pk, on=date.fromisoformat(day)
    )
    assert bool(found) is offered


def test_a_licence_stands_in_for_the_material(world, food_licence):
    licence = Licence.objects.get(case=_approved(world, at("2026-03-02 10:00")))
    material = world.immediate_item.materials.get()
    case = world.receive(
        at("2026-03-03 09:00"),
        item=world.immediate_item,
        materials=[{"material": material.pk, "licence": licence.pk}],
    )
    row = case.materials.get()
    assert (row.received, row.licence_id) == (True, licence.pk)
    accepted = services.accept_case(case, by=world.users["clerk"], now=at("2026-03-03 09:05"))
    assert accepted.state == CaseState.ACCEPTED


def _someone_else():
    return Applicant(
        kind="person", name="李四", id_type="resident_id", id_number=resident_id("37018119850505432")
    )


@pytest.mark.parametrize(
    "case_name, applicant, day, message",
    [
        ("someone else's", "other", "2026-03-03", "is not one of the applicant's"),
        ("expired", "same", "2031-03-03", "is not valid on 2031-03-03"),
    ],
)
def test_a_licence_that_may_not_stand_in_is_refused_naming_the_material(
    world, food_licence, case_name, applicant, day, message
):
    licence = Licence.objects.get(case=_approved(world, at("2026-03-02 10:00")))
    material = world.immediate_item.materials.get()
    with pytest.raises(ValidationError) as error:
        world.receive(
            at(f"{day} 09:00"),
            item=world.immediate_item,
            materials=[{"material": material.pk, "licence": licence.pk}],
            applicant=_someone_else() if applicant == "other" else PERSON,
        )
    text = " ".join(error.value.message_dict["materials"])
    assert material.name in text and message in text, case_name


def test_a_material_that_takes_no_licence_refuses_one(world, food_licence):
    licence = Licence.objects.get(case=_approved(world, at("2026-03-02 10:00")))
    paper_only = world.item.materials.get(position=1)
    with pytest.raises(ValidationError) as error:
        world.receive(at("2026-03-03 09:00"), materials=[{"material": paper_only.pk, "licence": licence.pk}])
    assert "cannot be given as an electronic licence" in error.value.message_dict["materials"][0]


def test_a_new_version_keeps_what_the_item_issues_and_accepts(world, food_licence):
    draft = revise_item(world.immediate_item, by=None, now=at("2026-03-02 09:00"))
    assert draft.materials.get().licence_type_id == food_licence.pk
    draft = revise_item(world.item, by=None, now=at("2026-03-02 09:00"))
    assert draft.issues_licence_id == food_licence.pk
