"""Lights at exact moments: yellow and red when the rules say, across holidays and 调休 days (2026)."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.cases import services
from govhall.cases.models import Case, Step
from govhall.catalog.tests.factories import ProcessStepFactory, ServiceItemFactory
from govhall.supervision import lights
from govhall.supervision.models import ThresholdRule
from govhall.supervision.tests.conftest import at


def first_step(case: Case) -> Step:
    return Step.objects.get(case=case, state="active")


def light_at(step: Step, moment) -> str:
    """The light as the board computes it: in SQL, for this row."""
    return lights.annotate_steps(Step.objects.filter(pk=step.pk), moment).get().light


# accepted at (a step of 2 working days starts), then (moment, light) pairs; default 1 day / 20 %.
TABLE = [
    (
        "2026-03-02 09:00",  # Mon; due Wed 03-04; yellow from Tue 03-03
        [
            ("2026-03-02 23:59", "green"),
            ("2026-03-03 00:00", "yellow"),
            ("2026-03-04 23:59", "yellow"),
            ("2026-03-05 00:00", "red"),
        ],
    ),
    (
        "2026-02-13 09:00",  # Fri before 春节; Sat 02-14 is a make-up working day, 02-15…02-23 off
        [
            ("2026-02-13 23:59", "green"),
            ("2026-02-14 00:00", "yellow"),  # one working day left: Tue 02-24
            ("2026-02-20 12:00", "yellow"),
            ("2026-02-24 23:59", "yellow"),
            ("2026-02-25 00:00", "red"),
        ],
    ),
    (
        "2026-09-18 09:00",  # Fri; Sun 09-20 is a make-up working day, so the step is due Mon 09-21
        [
            ("2026-09-19 23:59", "green"),
            ("2026-09-20 00:00", "yellow"),
            ("2026-09-21 23:59", "yellow"),
            ("2026-09-22 00:00", "red"),
        ],
    ),
    (
        "2026-09-30 09:00",  # Wed before 国庆 (10-01…10-07 off): due Fri 10-09
        [
            ("2026-10-01 00:00", "green"),
            ("2026-10-07 23:59", "green"),
            ("2026-10-08 00:00", "yellow"),
            ("2026-10-09 23:59", "yellow"),
            ("2026-10-10 00:00", "red"),  # a make-up Saturday, but the step was due the day before
        ],
    ),
    (
        "2026-02-27 16:00",  # Fri; make-up Saturday 02-28 counts: due Mon 03-02, yellow from Sat 02-28
        [
            ("2026-02-27 23:59", "green"),
            ("2026-02-28 00:00", "yellow"),
            ("2026-03-03 00:00", "red"),
        ],
    ),
]


@pytest.mark.parametrize(("accepted", "moments"), TABLE, ids=[row[0][:10] for row in TABLE])
def test_step_turns_yellow_and_red_when_the_rules_say(world, accepted, moments):
    step = first_step(world.accepted(at(accepted)))
    for moment, expected in moments:
        assert light_at(step, at(moment)) == expected, moment
        assert lights.light_of(step, at(moment)) == expected, moment


def test_share_of_the_limit_comes_first_for_a_long_step(world):
    item = ServiceItemFactory(published=True, department=world.department, legal_limit=20, promised_limit=20)
    ProcessStepFactory(item=item, position=1, name="审查", limit_days=10)
    step = first_step(world.accepted(at("2026-03-02 09:00"), item=item, materials=[]))
    assert step.due_date.isoformat() == "2026-03-16"
    # 20 % of 10 = 2 working days left: from Thu 03-12 (Fri 03-13 and Mon 03-16 remain)
    assert light_at(step, at("2026-03-11 23:59")) == "green"
    assert light_at(step, at("2026-03-12 00:00")) == "yellow"


RULES = [
    # (scope, warn_days, warn_percent, yellow from) for a 10-day step due Mon 03-16
    (None, 1, None, "2026-03-13"),
    ("department", 3, None, "2026-03-11"),
    ("item", None, 50, "2026-03-09"),
    ("item", 0, 0, "2026-03-16"),  # yellow only on the due day itself
]


@pytest.mark.parametrize(("scope", "days", "percent", "yellow_from"), RULES)
def test_thresholds_are_rules_per_department_or_item(world, scope, days, percent, yellow_from):
    item = ServiceItemFactory(published=True, department=world.department, legal_limit=20, promised_limit=20)
    ProcessStepFactory(item=item, position=1, name="审查", limit_days=10)
    ThresholdRule.objects.create(warn_days=5, warn_percent=None, note="global, overridden below")
    if scope is None:
        ThresholdRule.objects.filter(department=None, item_code="").update(
            warn_days=days, warn_percent=percent
        )
    elif scope == "department":
        ThresholdRule.objects.create(department=world.department, warn_days=days, warn_percent=percent)
        ThresholdRule.objects.create(department=world.other_department, warn_days=9)
    else:
        ThresholdRule.objects.create(department=world.department, warn_days=8)
        ThresholdRule.objects.create(item_code=item.code, warn_days=days, warn_percent=percent)
    step = first_step(world.accepted(at("2026-03-02 09:00"), item=item, materials=[]))
    assert step.warn_at == lights.start_of(date.fromisoformat(yellow_from))


def test_a_rule_change_recomputes_open_steps(world):
    step = first_step(world.accepted(at("2026-03-02 09:00")))
    assert step.warn_at == at("2026-03-03 00:00")
    ThresholdRule.objects.create(department=world.department, warn_days=2)
    lights.restamp_open()
    step.refresh_from_db()
    assert step.warn_at == at("2026-03-02 00:00")


def test_a_paused_clock_shows_paused_and_resumes_with_the_days_given_back(world):
    case = world.accepted(at("2026-03-02 09:00"))
    services.suspend_case(
        case,
        kind="expert_review",
        expected_days=5,
        reason="专家评审",
        by=world.users["handler"],
        now=at("2026-03-03 10:00"),
    )
    step = first_step(case)
    assert step.paused
    for moment in ("2026-03-03 10:00", "2026-03-20 09:00"):
        assert light_at(step, at(moment)) == "paused"
    case_light = lights.annotate_cases(Case.objects.filter(pk=case.pk), at("2026-03-20 09:00")).get().light
    assert case_light == "paused"
    services.resume_case(Case.objects.get(pk=case.pk), by=world.users["handler"], now=at("2026-03-06 10:00"))
    step.refresh_from_db()
    assert not step.paused
    # 3 working days not counted (Wed, Thu, Fri): due Wed 03-04 → Mon 03-09, yellow from Fri 03-06
    assert step.due_date.isoformat() == "2026-03-09"
    assert light_at(step, at("2026-03-06 10:00")) == "yellow"
    assert light_at(step, at("2026-03-10 00:00")) == "red"


def test_an_extension_moves_both_thresholds(world):
    case = world.accepted(at("2026-03-02 09:00"))
    step = first_step(case)
    before = (step.warn_at, step.due_at)
    request = services.request_extension(
        case, days=3, reason="需要补充核查", by=world.users["handler"], now=at("2026-03-03 09:00")
    )
    services.decide_extension(
        request, approve=True, reason="同意", by=world.users["head"], now=at("2026-03-03 10:00")
    )
    step.refresh_from_db()
    assert before == (at("2026-03-03 00:00"), at("2026-03-05 00:00"))
    assert (step.warn_at, step.due_at) == (at("2026-03-06 00:00"), at("2026-03-10 00:00"))
    assert light_at(step, at("2026-03-05 09:00")) == "green"
    case.refresh_from_db()
    assert case.due_at == at("2026-03-13 00:00")  # promised 5 + 3: Thu 03-12


def test_the_case_has_its_own_light_against_the_promised_date(world):
    case = world.accepted(at("2026-03-02 09:00"))  # promised 5: Mon 03-09, yellow from Fri 03-06
    rows = Case.objects.filter(pk=case.pk)
    assert lights.annotate_cases(rows, at("2026-03-05 23:59")).get().light == "green"
    assert lights.annotate_cases(rows, at("2026-03-06 00:00")).get().light == "yellow"
    assert lights.annotate_cases(rows, at("2026-03-10 00:00")).get().light == "red"


def test_finished_and_withdrawn_steps_have_no_light(world):
    case = world.accepted(at("2026-03-02 09:00"))
    step = first_step(case)
    services.complete_step(step, by=world.users["handler"], now=at("2026-03-02 10:00"))
    assert light_at(step, at("2026-03-02 10:00")) is None
    services.withdraw_case(
        Case.objects.get(pk=case.pk), reason="申请人撤回", by=world.users["clerk"], now=at("2026-03-02 11:00")
    )
    assert not lights.lit_steps(Step.objects.filter(case=case)).exists()
    assert lights.annotate_cases(Case.objects.filter(pk=case.pk), at("2026-03-20 00:00")).get().light is None


def test_counts_group_the_lights_in_one_query(world, django_assert_num_queries):
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        world.accepted(at(f"{day} 09:00"))
    now = at("2026-03-05 09:00")  # due 03-04 (red), 03-05 (yellow), 03-06 (yellow: 1 day left)
    with django_assert_num_queries(1):
        rows = list(lights.counts(lights.lit_steps(Step.objects.all()), now, by="department_id"))
    assert rows == [{"department_id": world.department.pk, "green": 0, "yellow": 2, "red": 1, "paused": 0}]


def test_the_same_light_in_templates_and_serializers(world):
    from django.template import Context, Template
    from rest_framework import serializers

    from govhall.supervision.serializers import LightField

    class StepOut(serializers.Serializer):
        light = LightField()

    step = first_step(world.accepted(at("2026-03-02 09:00")))
    moment = at("2026-03-03 12:00")
    assert StepOut(step, context={"now": moment}).data == {"light": "yellow"}
    html = Template("{% load supervision %}{% light step now=now %}").render(
        Context({"step": step, "now": moment})
    )
    assert 'data-light="yellow"' in html and "Deadline near" in html
    annotated = lights.annotate_steps(Step.objects.filter(pk=step.pk), at("2026-03-09 12:00")).get()
    assert StepOut(annotated).data == {"light": "red"}
