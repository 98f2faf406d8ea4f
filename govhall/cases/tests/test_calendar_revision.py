"""A calendar change counts stored due dates again: the yearly notice replaces provisional Monday–Friday
dates, a local rest day moves every open clock that runs over it. Exact dates, worked out by hand.

World item: promised 5, legal 20 working days, steps of 2 and 3 days (the first starts on acceptance).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govhall.cases import services
from govhall.cases.models import CaseEvent, CaseState, Step, StepState
from govhall.cases.tests.conftest import at
from govhall.workdays import services as calendar_services
from govhall.workdays.notices import parse_notice

pytestmark = pytest.mark.django_db

NOTICE_2027 = Path(__file__).resolve().parents[2] / "workdays" / "examples" / "notice-2027-example.yaml"


def _load_2027(now):
    notice = parse_notice(NOTICE_2027.read_text(encoding="utf-8"), "yaml")
    return calendar_services.apply_notice(notice, by=None, now=now)


def _dates(case):
    case.refresh_from_db()
    step = Step.objects.filter(case=case, state=StepState.ACTIVE).first()
    return (
        case.promised_due.isoformat(),
        case.legal_due.isoformat(),
        case.due_provisional,
        step.due_date.isoformat() if step else None,
    )


CASES = [
    # accepted on, change, (promised, legal, provisional, step) before, after, why
    (
        "2026-12-30 09:00", "notice 2027",
        ("2027-01-06", "2027-01-27", True, "2027-01-01"),
        ("2027-01-07", "2027-01-28", False, "2027-01-04"),
        "provisional Mon–Fri: 元旦 Fri 01-01 counted; the notice makes it a rest day",
    ),
    (
        "2026-03-02 09:00", "local rest day 2026-03-05",
        ("2026-03-09", "2026-03-30", False, "2026-03-04"),
        ("2026-03-10", "2026-03-31", False, "2026-03-04"),
        "a local rest day on Thu 03-05 moves the case by one day; the step was due before it",
    ),
    (
        "2026-03-02 09:00", "local rest day 2026-03-04",
        ("2026-03-09", "2026-03-30", False, "2026-03-04"),
        ("2026-03-10", "2026-03-31", False, "2026-03-05"),
        "a rest day on the step's own due date moves the step too",
    ),
    (
        "2026-03-02 09:00", "local rest day 2026-04-01",
        ("2026-03-09", "2026-03-30", False, "2026-03-04"),
        ("2026-03-09", "2026-03-30", False, "2026-03-04"),
        "a rest day after every due date moves nothing",
    ),
]  # fmt: skip


def _apply(change: str, now):
    if change == "notice 2027":
        return _load_2027(now)
    day = date.fromisoformat(change.rsplit(" ", 1)[1])
    return calendar_services.add_local_rest_day(day, "地方假日", by=None, now=now)


@pytest.mark.parametrize(("accepted", "change", "before", "after", "why"), CASES, ids=[c[4] for c in CASES])
def test_a_calendar_change_counts_open_clocks_again(
    world, django_capture_on_commit_callbacks, tasks_run_at_once, accepted, change, before, after, why
):
    case = world.accepted(at(accepted))
    assert _dates(case) == before, why
    version = case.version
    with django_capture_on_commit_callbacks(execute=True):  # calendar_revised → the task (immediate in tests)
        _apply(change, at("2026-03-03 08:00"))
    assert _dates(case) == after, why
    moved = before != after
    assert case.version == version + (1 if moved else 0)
    events = list(CaseEvent.objects.filter(case=case, kind="clock_recomputed"))
    assert len(events) == (1 if moved else 0)
    if moved:
        data = events[0].data
        assert data["promised_due"] == [before[0], after[0]]
        assert data["legal_due"] == [before[1], after[1]]
        assert events[0].by is None and events[0].source == "system: calendar revision"


def test_closed_cases_keep_their_dates_and_a_second_sweep_changes_nothing(world):
    open_case = world.accepted(at("2026-03-02 09:00"))
    closed = world.receive(at("2026-03-02 09:00"))
    services.reject_case(
        closed,
        reason="不符合条件",
        by=world.users["clerk"],
        now=at("2026-03-02 10:00"),
        expected_version=closed.version,
    )
    calendar_services.add_local_rest_day(date(2026, 3, 5), "地方假日", by=None, now=at("2026-03-03 08:00"))
    assert services.recompute_clocks(since=date(2026, 3, 5), now=at("2026-03-03 08:01")) == 1
    assert services.recompute_clocks(since=date(2026, 3, 5), now=at("2026-03-03 08:02")) == 0
    closed.refresh_from_db()
    assert closed.state == CaseState.REJECTED
    assert not CaseEvent.objects.filter(case=closed, kind="clock_recomputed").exists()
    assert CaseEvent.objects.filter(case=open_case, kind="clock_recomputed").count() == 1


def test_the_moved_step_gets_new_light_thresholds(world):
    case = world.accepted(at("2026-03-02 09:00"))
    step = Step.objects.get(case=case, state=StepState.ACTIVE)
    due_at = step.due_at
    calendar_services.add_local_rest_day(date(2026, 3, 4), "地方假日", by=None, now=at("2026-03-03 08:00"))
    services.recompute_clocks(since=date(2026, 3, 4), now=at("2026-03-03 08:01"))
    step.refresh_from_db()
    assert step.due_date == date(2026, 3, 5)
    assert step.due_at > due_at
