"""Round trips of the hot services: the intake counter's figures depend on them (docs/benchmarks.md).

Each bound is what the service needs today; a change that adds a query per case (a lookup in a loop, a
lost prefetch, a second save) fails here before it halves the benchmark. Counts include the savepoint
pair of the service's atomic block inside the test's transaction and what the in-transaction receivers
of case_recorded add (stats roll-ups: one upsert for the daily and one for the monthly rows per call that
counts, answered from the history the case services pass; lanes: a lookup when a case changes that was
not received in the same call).
"""

from __future__ import annotations

from govhall.cases import services
from govhall.cases.models import CaseEvent, CaseState, StepState
from govhall.cases.tests.conftest import at
from govhall.cases.tests.factories import CONTACT, PERSON

MONDAY = at("2026-03-02 09:00")


def _intake(world, **kwargs) -> dict:
    return {
        "item": world.item,
        "applicant": PERSON,
        "contact": CONTACT,
        "materials": world.required_ids,
        "hall": world.centre,
        "window": world.window,
        "by": world.users["clerk"],
        "now": MONDAY,
        **kwargs,
    }


def _history(case) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(case=case)
        .order_by("seq")
        .values_list("seq", "kind", "from_state", "to_state", "source")
    )


def test_receive_case_round_trips(world, django_assert_max_num_queries):
    world.receive(MONDAY)  # the day's counter row exists, the item's parts are kept
    args = _intake(world)
    with django_assert_max_num_queries(RECEIVE):
        services.receive_case(**args)


def test_accept_case_round_trips(world, django_assert_max_num_queries):
    case = world.receive(MONDAY)
    world.accepted(MONDAY)  # the threshold rules and the item's steps have been read once
    with django_assert_max_num_queries(ACCEPT):
        services.accept_case(case, by=world.users["clerk"], now=MONDAY, expected_version=case.version)


def test_receive_and_decide_round_trips(world, django_assert_max_num_queries):
    world.receive(MONDAY)
    args = _intake(world, decision="accept")
    with django_assert_max_num_queries(RECEIVE_AND_ACCEPT):
        case = services.receive_and_decide(**args)
    assert case.state == CaseState.ACCEPTED


def test_complete_step_round_trips(world, django_assert_max_num_queries):
    case = world.accepted(MONDAY)
    first = case.steps.get(position=1)
    with django_assert_max_num_queries(COMPLETE_STEP):
        services.complete_step(first, by=world.users["handler"], now=at("2026-03-03 10:00"))
    assert case.steps.get(position=2).state == StepState.ACTIVE


def test_receive_and_decide_accept_is_receive_then_accept(world):
    """Same events, version, clock, steps and lights as the two services one after the other."""
    one = services.receive_and_decide(**_intake(world, decision="accept"))
    two = world.receive(MONDAY)
    two = services.accept_case(two, by=world.users["clerk"], now=MONDAY, expected_version=two.version)
    one.refresh_from_db()
    two.refresh_from_db()
    fields = [
        "state",
        "version",
        "acceptance_date",
        "promised_due",
        "legal_due",
        "due_provisional",
        "calendar_version",
        "deemed_accepted",
        "warn_at",
        "due_at",
    ]
    assert [getattr(one, f) for f in fields] == [getattr(two, f) for f in fields]
    assert [e[:4] for e in _history(one)] == [e[:4] for e in _history(two)]
    step_fields = ("position", "state", "due_date", "started_on", "rounds", "warn_at", "due_at")
    assert list(one.steps.values_list(*step_fields)) == list(two.steps.values_list(*step_fields))
    assert list(one.materials.values_list("material_id", "received")) == list(
        two.materials.values_list("material_id", "received")
    )


def test_receive_and_decide_leaves_nothing_behind_when_the_decision_is_refused(world):
    from django.core.exceptions import ValidationError

    from govhall.cases.models import Case

    before = Case.objects.count()
    for decision, extra in [
        ("accept", {"materials": world.required_ids[:1]}),  # a required material is missing
        ("reject", {"reason": "  "}),  # no reason
        ("notice", {"materials": world.required_ids[:1]}),  # neither missing materials nor a note
        ("maybe", {}),
    ]:
        try:
            services.receive_and_decide(**_intake(world, decision=decision, **extra))
        except ValidationError:
            pass
        else:  # pragma: no cover
            raise AssertionError(f"{decision} {extra} was not refused")
    assert Case.objects.count() == before


def test_receive_and_decide_rejects_or_notifies_like_the_services(world):
    rejected = services.receive_and_decide(**_intake(world, decision="reject", reason="不符合法定条件"))
    assert rejected.state == CaseState.REJECTED and rejected.version == 3
    assert [k for _, k, *_ in _history(rejected)] == ["received", "rejected"]
    missing = [pk for pk in world.required_ids[1:]]
    notified = services.receive_and_decide(
        **_intake(world, decision="notice", materials=world.required_ids[:1], missing=missing)
    )
    assert notified.state == CaseState.SUPPLEMENT_REQUESTED and notified.version == 3
    assert [k for _, k, *_ in _history(notified)] == ["received", "supplement_requested"]


# Pinned at today's counts (savepoint pair included), the same on SQLite and PostgreSQL (docs/benchmarks.md,
# "Round trips"): a change that adds a statement fails here. The threshold rules are kept per process and
# a case received in the same call costs the lanes receiver no lookup.
RECEIVE = 9
ACCEPT = 11
RECEIVE_AND_ACCEPT = 10
COMPLETE_STEP = 9
