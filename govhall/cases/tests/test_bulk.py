"""Bulk intake (services.bulk.receive_many): each case as receive_and_decide leaves it, written at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.models import Case, CaseEvent, CaseState
from govhall.cases.services.bulk import Application, receive_many
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import CONTACT, PERSON
from govhall.stats import rollup

MONDAY = at("2026-03-02 09:00")
CASE_FIELDS = [
    "state",
    "version",
    "kind",
    "acceptance_date",
    "promised_due",
    "legal_due",
    "due_provisional",
    "calendar_version",
    "deemed_accepted",
    "warn_at",
    "due_at",
    "supplement_note",
    "applicant_name",
    "id_number",
    "phone",
    "verification_code",
]
STEP_FIELDS = ("position", "name", "state", "due_date", "started_on", "rounds", "warn_at", "due_at")
EVENT_FIELDS = ("seq", "kind", "from_state", "to_state", "source", "reason", "data")


def _common(world) -> dict:
    return {
        "applicant": PERSON,
        "contact": CONTACT,
        "hall": world.centre,
        "window": world.window,
        "by": world.users["clerk"],
        "now": MONDAY,
        "source": "lane QS0001-20260302-0001",
    }


def _picture(case: Case) -> tuple:
    case.refresh_from_db()
    fields = [getattr(case, f) for f in CASE_FIELDS if f != "verification_code"]
    steps = list(case.steps.values_list(*STEP_FIELDS))
    events = [
        (*row[:-1], {k: v for k, v in row[-1].items() if k != "step"})  # the step's own id differs
        for row in CaseEvent.objects.filter(case=case).order_by("seq").values_list(*EVENT_FIELDS)
    ]
    materials = list(
        case.materials.values_list("material_id", "received", "originals", "requested").order_by(
            "material_id"
        )
    )
    return fields, steps, events, materials


def test_each_case_is_what_receive_and_decide_gives(world):
    optional = world.all_material_ids[2]
    applications = [
        Application(item=world.item, materials=world.required_ids),
        Application(
            item=world.immediate_item,
            materials=list(world.immediate_item.materials.values_list("pk", flat=True)),
        ),
        Application(
            item=world.item,
            materials=world.required_ids[:1],
            decision="notice",
            missing=[*world.required_ids[1:], optional],
            note="请补齐",
        ),
    ]
    bulk = receive_many(applications, **_common(world))
    one_by_one = [
        services.receive_and_decide(
            item=a.item,
            materials=a.materials,
            decision=a.decision,
            missing=a.missing,
            note=a.note,
            **_common(world),
        )
        for a in applications
    ]
    assert [c.state for c in bulk] == [CaseState.ACCEPTED, CaseState.ACCEPTED, CaseState.SUPPLEMENT_REQUESTED]
    for mine, theirs in zip(bulk, one_by_one, strict=True):
        assert _picture(mine) == _picture(theirs)
    numbers = [c.number for c in bulk + one_by_one]
    assert numbers == [f"QS0001-20260302-{n:04d}" for n in range(1, 7)]
    assert rollup.check().ok


def test_a_refused_application_leaves_nothing_behind(world):
    before = Case.objects.count()
    with pytest.raises(ValidationError) as refused:
        receive_many(
            [
                Application(item=world.item, materials=world.required_ids),
                Application(item=world.item, materials=world.required_ids[:1]),  # a required one missing
            ],
            **_common(world),
        )
    assert "materials" in refused.value.message_dict
    assert Case.objects.count() == before
    case = world.receive(MONDAY)
    assert case.number == "QS0001-20260302-0001"  # no number was used up


@pytest.mark.parametrize("width", [1, 8])
def test_the_statements_do_not_grow_with_the_number_of_cases(world, width, django_assert_max_num_queries):
    application = Application(item=world.item, materials=world.required_ids)
    receive_many([application], **_common(world))
    with django_assert_max_num_queries(BULK):
        cases = receive_many([application] * width, **_common(world))
    assert len(cases) == width and all(c.pk for c in cases)


# savepoint pair, counter, cases, materials, steps, events, roll-up upserts (daily and monthly).
BULK = 9
