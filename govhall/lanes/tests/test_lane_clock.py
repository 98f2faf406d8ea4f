"""The lane clock: the lane limit is the sum of the stage limits, counted from the lane's acceptance in
working days of the official calendar (2026: 春节 02-15…02-23 off, Saturday 02-14 and 02-28 worked;
国庆 10-01…10-07 off, Saturday 10-10 worked). A stage's due date counts from the day it starts."""

from __future__ import annotations

import pytest

from govhall.lanes import services
from govhall.lanes.models import Stage
from govhall.lanes.tests.conftest import LaneWorld, at, build_lane

# stage 1: longest promised limit 8 (or the configured limit), stage 2: 4
CASES = [
    # accepted at,        stage-1 limit, stage 1 due,  lane due,     why
    ("2026-03-02 09:00", None, "2026-03-12", "2026-03-18", "an ordinary fortnight: 8 then 12 working days"),
    (
        "2026-02-13 09:00",
        None,
        "2026-03-03",
        "2026-03-09",
        "Sat 02-14 and 02-28 worked, 春节 02-15…02-23 not",
    ),
    ("2026-02-13 09:00", 1, "2026-02-14", "2026-02-27", "one day: the make-up Saturday"),
    ("2026-09-30 09:00", None, "2026-10-16", "2026-10-22", "国庆 10-01…10-07 off, Sat 10-10 worked"),
    ("2026-09-30 09:00", 3, "2026-10-10", "2026-10-15", "the third working day is the make-up Saturday"),
    ("2026-12-24 09:00", None, "2027-01-05", "2027-01-11", "2027 not published: Monday–Friday, provisional"),
]


@pytest.mark.parametrize(
    ("accepted", "limit", "stage_due", "lane_due", "why"), CASES, ids=[c[4] for c in CASES]
)
def test_lane_and_stage_due_dates_across_holidays(db, accepted, limit, stage_due, lane_due, why):
    from govhall.cases.tests.factories import make_world

    now = at(accepted)
    world = make_world()
    lane, items = build_lane(world, limit_1=limit)
    lane = services.publish_lane(lane, by=None, now=now)
    lane_case = LaneWorld(world=world, lane=lane, items=items).apply(now)
    run = lane_case.runs.get(position=1)
    assert run.due_date.isoformat() == stage_due
    assert lane_case.due_date.isoformat() == lane_due
    assert lane_case.due_provisional == lane_due.startswith("2027")


def test_the_stage_limit_defaults_to_the_longest_promised_limit_of_its_items(lane_world):
    stage = Stage.objects.get(lane=lane_world.lane, position=1)
    assert services.stage_limit(stage) == 8
    assert lane_world.apply(at("2026-03-02 09:00")).total_limit == 12


def test_stage_two_counts_from_the_day_it_opens(lane_world: LaneWorld):
    from govhall.lanes.models import LaneItemCase

    lane_case = lane_world.apply(at("2026-02-12 09:00"))
    for link in LaneItemCase.objects.filter(lane_case=lane_case):
        lane_world.decide(link.case, at("2026-02-13 16:00"))
    run = lane_case.runs.get(position=2)
    assert run.started_on.isoformat() == "2026-02-13"
    assert run.due_date.isoformat() == "2026-02-26"  # 4: 02-14, 02-24, 02-25, 02-26
