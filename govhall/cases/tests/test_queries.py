"""Finding cases, masking, and the handler's queue."""

from __future__ import annotations

import pytest

from govhall.cases import services
from govhall.cases.inputs import Applicant, Contact
from govhall.cases.queries import find_cases, mask_id, mask_phone, queue_for
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import ORGANISATION, PERSON, resident_id

NOW = at("2026-03-02 09:00")


@pytest.mark.parametrize(
    ("value", "masked"),
    [("370181199001011234", "370181********1234"), ("E12345678", "E*******8"), ("", "")],
)
def test_mask_id(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"), [("13812345678", "138****5678"), ("0531-83312345", "0531-****2345")]
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_find_cases_by_number_name_id_credit_code_and_phone(world):
    clerk = world.users["clerk"]
    person = world.receive(NOW)
    other = world.receive(
        NOW,
        applicant=Applicant(
            kind="person", name="李四", id_type="resident_id", id_number=resident_id("37018119850505123")
        ),
        contact=Contact(phone="13900001111"),
    )
    company = world.receive(NOW, applicant=ORGANISATION)
    assert list(find_cases(clerk, q=person.number)) == [person]
    assert list(find_cases(clerk, q="QS0001-20260302")) == [company, other, person]
    assert list(find_cases(clerk, q="李")) == [other]
    assert list(find_cases(clerk, q=PERSON.id_number)) == [person]
    assert list(find_cases(clerk, q=ORGANISATION.credit_code.lower())) == [company]
    assert list(find_cases(clerk, q="13900001111")) == [other]
    assert list(find_cases(clerk, q="李", state="accepted")) == []
    assert list(find_cases(world.users["other_clerk"], q="李")) == []
    assert set(find_cases(clerk, item=world.item, date_from=NOW.date(), date_to=NOW.date())) == {
        person,
        other,
        company,
    }


def test_the_queue_lists_open_steps_of_the_department_by_due_date_with_working_days_left(world):
    late = world.accepted(at("2026-02-12 09:00"))  # first step (limit 2) due on make-up Saturday 2-14
    soon = world.accepted(at("2026-03-02 09:00"))  # first step due 3-04
    services.suspend_case(
        world.accepted(at("2026-03-02 09:00")),
        kind="inspection",
        expected_days=5,
        reason="现场核查",
        by=world.users["handler"],
        now=at("2026-03-02 10:00"),
    )
    entries = queue_for(world.users["handler"], now=at("2026-03-03 09:00"))
    assert [(e.case, str(e.due_date), e.remaining_workdays) for e in entries] == [
        (late, "2026-02-14", -7),  # overdue by 2-24..2-28, 3-2, 3-3
        (soon, "2026-03-04", 1),
    ]
    assert queue_for(world.users["other_handler"], now=NOW) == []
    assert queue_for(world.users["clerk"], now=NOW) == []
