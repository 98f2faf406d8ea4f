"""A calendar change counts the lane clocks again, as it does the item cases' (issue 4's note: the lane
and stage due dates were left as first counted): through calendar_revised → the lanes' Huey task →
clock.recompute_lane_clocks, one clock_changed lane event by the system per lane case that moved."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.lanes.models import LaneCase, LaneCaseState, LaneEvent, LaneEventKind
from govhall.lanes.services.clock import recompute_lane_clocks
from govhall.lanes.tests.conftest import at
from govhall.workdays import services as calendar_services


def _dates(lane_case: LaneCase) -> tuple:
    lane_case.refresh_from_db()
    runs = {r.position: r.due_date for r in lane_case.runs.all()}
    return lane_case.due_date, runs[1], runs[2]


CHANGES = [
    # local rest day, (lane due, stage 1 due, stage 2 due) after, why
    ("2026-03-05", (date(2026, 3, 19), date(2026, 3, 13), None), "inside stage 1: both dates move by a day"),
    ("2026-03-17", (date(2026, 3, 19), date(2026, 3, 12), None), "after stage 1's due date: the lane's only"),
    ("2026-04-01", (date(2026, 3, 18), date(2026, 3, 12), None), "after every due date: nothing moves"),
]


@pytest.mark.parametrize(("rest_day", "after", "why"), CHANGES, ids=[c[2] for c in CHANGES])
def test_a_local_rest_day_moves_the_open_lane_clocks(
    lane_world, django_capture_on_commit_callbacks, tasks_run_at_once, rest_day, after, why
):
    lane_case = lane_world.apply(at("2026-03-02 09:00"))
    assert lane_case.state == LaneCaseState.IN_PROGRESS
    before = _dates(lane_case)
    assert before == (date(2026, 3, 18), date(2026, 3, 12), None)  # 8 + 4 working days from Mon 03-02
    version, due_at = lane_case.version, lane_case.due_at
    with django_capture_on_commit_callbacks(execute=True):  # calendar_revised → the task (immediate)
        calendar_services.add_local_rest_day(
            date.fromisoformat(rest_day), "地方假日", by=None, now=at("2026-03-03 08:00")
        )
    assert _dates(lane_case) == after, why
    moved = after != before
    assert lane_case.version == version + moved
    events = list(LaneEvent.objects.filter(lane_case=lane_case, kind=LaneEventKind.CLOCK_CHANGED))
    assert len(events) == moved
    if moved:
        event = events[0]
        assert event.by is None and event.data["cause"] == "calendar"
        assert event.data["was"]["lane_due"] == "2026-03-18"
        assert event.data["lane_due"] == after[0].isoformat()
        assert lane_case.due_at > due_at  # the light's thresholds follow the due date
    # A second sweep finds nothing more to do.
    assert recompute_lane_clocks(since=date(2026, 3, 1), now=at("2026-03-03 08:05")) == 0


def test_closed_lanes_keep_their_dates(lane_world):
    open_lane = lane_world.apply(at("2026-03-02 09:00"))
    closed = lane_world.apply(at("2026-03-02 09:30"))
    from govhall.lanes import services

    services.withdraw_lane(
        closed.pk, reason="申请人撤回", by=lane_world.users["clerk"], now=at("2026-03-02 10:00")
    )
    closed_dates = _dates(closed)
    calendar_services.add_local_rest_day(date(2026, 3, 5), "地方假日", by=None, now=at("2026-03-03 08:00"))
    assert recompute_lane_clocks(since=date(2026, 3, 5), now=at("2026-03-03 08:01")) == 1
    assert _dates(closed) == closed_dates
    assert _dates(open_lane)[0] == date(2026, 3, 19)
