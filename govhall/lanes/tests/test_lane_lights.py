"""Lane lights (issue 5: every open step, case and lane case has a light): the lane case and each active
stage store warn_at/due_at/paused from the supervision threshold rules whenever the lane clock starts or
moves, and the light is a comparison with now in SQL. Moments are exact, across 春节 (02-15…02-23 off,
Sat 02-14 and 02-28 worked) and 国庆 (10-01…10-07 off, Sat 10-10 worked) of 2026.

The test lane: stage 1 of 8 working days (or `limit`), stage 2 of 4, both led by the world's department.
Default rule: yellow when 1 working day or 20 % of the limit remain, whichever comes first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q

from govhall.cases import services as case_services
from govhall.cases.models import Case
from govhall.lanes import services
from govhall.lanes.models import LaneCase, LaneItemCase, LaneStageRun
from govhall.lanes.queries import annotate_lights, lane_light, stage_light
from govhall.lanes.tests.conftest import LaneWorld, at, build_lane
from govhall.supervision import lights
from govhall.supervision.models import ThresholdRule

SECOND = timedelta(seconds=1)

CASES = [
    # accepted,  stage-1 limit, rule days, stage yellow, stage red,  lane yellow, lane red,  why
    (
        "2026-03-02 09:00", None, None, "2026-03-11", "2026-03-13", "2026-03-16", "2026-03-19",
        "ordinary: stage due Thu 03-12 (1 day), lane due Wed 03-18 (20 % of 12 = 2 days)",
    ),
    (
        "2026-02-13 09:00", None, None, "2026-03-02", "2026-03-04", "2026-03-05", "2026-03-10",
        "春节: stage due Tue 03-03, lane due Mon 03-09",
    ),
    (
        "2026-02-13 09:00", None, 3, "2026-02-27", "2026-03-04", "2026-03-04", "2026-03-10",
        "a 3-day rule: the make-up Saturday 02-28 is one of the three",
    ),
    (
        "2026-02-13 09:00", 1, None, "2026-02-13", "2026-02-15", "2026-02-26", "2026-02-28",
        "stage due on the make-up Saturday 02-14: yellow from the start",
    ),
    (
        "2026-09-30 09:00", 1, None, "2026-09-30", "2026-10-09", "2026-10-12", "2026-10-14",
        "国庆: one working day left for the whole holiday; lane due Tue 10-13",
    ),
    (
        "2026-09-30 09:00", 3, None, "2026-10-09", "2026-10-11", "2026-10-14", "2026-10-16",
        "stage due on the make-up Saturday 10-10",
    ),
]  # fmt: skip


def _moment(day: str):
    return at(f"{day} 00:00")


def _sql_light(lane_case, now):
    return annotate_lights(LaneCase.objects.filter(pk=lane_case.pk), now).get().light


def _run_sql_light(run, now):
    return (
        LaneStageRun.objects.filter(pk=run.pk)
        .annotate(light=lights.light_expression(now, lit=Q(state="active")))
        .get()
        .light
    )


@pytest.mark.parametrize(
    ("accepted", "limit", "rule_days", "stage_yellow", "stage_red", "lane_yellow", "lane_red", "why"),
    CASES,
    ids=[c[-1] for c in CASES],
)
def test_lane_and_stage_turn_yellow_and_red_at_the_rules_moments(
    db, accepted, limit, rule_days, stage_yellow, stage_red, lane_yellow, lane_red, why
):
    from govhall.cases.tests.factories import make_world

    now = at(accepted)
    world = make_world()
    if rule_days:
        ThresholdRule.objects.create(department=world.department, warn_days=rule_days, warn_percent=None)
    lane, items = build_lane(world, limit_1=limit)
    lane = services.publish_lane(lane, by=None, now=now)
    lane_case = LaneWorld(world=world, lane=lane, items=items).apply(now)
    run = lane_case.runs.get(position=1)
    assert (run.warn_at, run.due_at) == (_moment(stage_yellow), _moment(stage_red))
    assert (lane_case.warn_at, lane_case.due_at) == (_moment(lane_yellow), _moment(lane_red))
    for row, yellow, red, sql in (
        (run, stage_yellow, stage_red, _run_sql_light),
        (lane_case, lane_yellow, lane_red, _sql_light),
    ):
        expected = [
            (_moment(yellow) - SECOND, "green"),
            (_moment(yellow), "yellow"),
            (_moment(red) - SECOND, "yellow"),
            (_moment(red), "red"),
        ]
        if _moment(yellow) <= now:  # yellow from the start: no green moment after filing
            expected = expected[1:]
        for moment, light in expected:
            assert sql(row, moment) == light, (moment, row)
            python = stage_light(row, moment) if row is run else lane_light(row, moment)
            assert python == light


def test_a_suspended_lane_shows_paused_and_resuming_moves_both_thresholds(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)  # stage due 03-12, lane due 03-18
    head = lane_world.users["head"]
    lane_case = services.suspend_lane(
        lane_case,
        kind="expert_review",
        expected_days=5,
        reason="联合踏勘",
        by=head,
        now=at("2026-03-03 09:00"),
    )
    run = lane_case.runs.get(position=1)
    assert lane_case.paused and run.paused
    later = at("2026-04-30 09:00")  # long past both due dates: still paused, not red
    assert _sql_light(lane_case, later) == "paused" and lane_light(lane_case, later) == "paused"
    assert _run_sql_light(run, later) == "paused"
    lane_case = services.resume_lane(lane_case, by=head, now=at("2026-03-06 09:00"))  # 3 working days
    run = lane_case.runs.get(position=1)
    assert not lane_case.paused and not run.paused
    # stage: 8 + 3 days, due Tue 03-17, yellow at 20 % of 11 = 2 days; lane: 12 + 3, due Mon 03-23, 3 days
    assert (run.warn_at, run.due_at) == (_moment("2026-03-13"), _moment("2026-03-18"))
    assert (lane_case.warn_at, lane_case.due_at) == (_moment("2026-03-18"), _moment("2026-03-24"))
    assert lane_case.alert_level == 0


def test_an_item_extension_moves_the_stage_and_lane_thresholds(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    link = LaneItemCase.objects.filter(lane_case=lane_case, run__position=1).select_related("case").last()
    LaneCase.objects.filter(pk=lane_case.pk).update(alert_level=1)  # the yellow reminder went out
    by = lane_world.handler_for(link.case)
    head = lane_world.users["head" if by == lane_world.users["handler"] else "other_head"]
    request = case_services.request_extension(
        link.case, days=2, reason="复杂", by=by, now=at("2026-03-09 09:00")
    )
    case_services.decide_extension(request, approve=True, reason="同意", by=head, now=at("2026-03-09 10:00"))
    lane_case.refresh_from_db()
    run = lane_case.runs.get(position=1)
    assert run.due_date.isoformat() == "2026-03-16" and lane_case.due_date.isoformat() == "2026-03-20"
    # stage: 8 + 2 days, yellow at 20 % of 10 = 2 days before Mon 03-16; lane: 12 + 2, due Fri 03-20
    assert (run.warn_at, run.due_at) == (_moment("2026-03-12"), _moment("2026-03-17"))
    assert (lane_case.warn_at, lane_case.due_at) == (_moment("2026-03-18"), _moment("2026-03-21"))
    assert lane_case.alert_level == 0  # a moved due time is announced again


def test_passing_a_stage_lights_the_next_and_the_end_puts_every_light_out(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    for link in LaneItemCase.objects.filter(lane_case=lane_case).select_related("case"):
        lane_world.decide(link.case, at("2026-03-04 16:00"))
    first, second = lane_case.runs.order_by("position")
    assert first.warn_at is None and first.due_at is None
    # stage 2 starts Wed 03-04, 4 working days: due Tue 03-10, yellow from Mon 03-09
    assert (second.warn_at, second.due_at) == (_moment("2026-03-09"), _moment("2026-03-11"))
    (link,) = LaneItemCase.objects.filter(lane_case=lane_case, run__position=2).select_related("case")
    lane_world.decide(link.case, at("2026-03-05 16:00"))
    lane_case.refresh_from_db()
    assert lane_case.state == "concluded"
    assert lane_case.due_at is None and _sql_light(lane_case, at("2026-03-05 17:00")) is None
    assert not LaneStageRun.objects.filter(lane_case=lane_case, due_at__isnull=False).exists()


def test_a_withdrawn_lane_has_no_light(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    lane_case = services.withdraw_lane(
        lane_case, reason="申请人撤回", by=lane_world.users["clerk"], now=at("2026-03-03 09:00")
    )
    assert lane_case.due_at is None and lane_case.warn_at is None
    assert not LaneStageRun.objects.filter(lane_case=lane_case, due_at__isnull=False).exists()
    assert _sql_light(lane_case, at("2026-03-03 10:00")) is None


def test_a_lane_waiting_for_materials_has_no_light_until_accepted(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now, materials=[])
    assert lane_case.state == "supplement_requested" and lane_case.due_at is None
    lane_case = services.supplement_lane(
        lane_case,
        materials=list(lane_world.lane.materials.values_list("pk", flat=True)),
        by=lane_world.users["clerk"],
        now=at("2026-03-04 09:00"),
    )
    assert lane_case.state == "in_progress" and lane_case.due_at is not None
    assert Case.objects.filter(lane_link__lane_case=lane_case, due_at__isnull=False).exists()


def test_a_new_threshold_rule_restamps_open_lanes_without_reminding_again(lane_world: LaneWorld, now):
    from govhall.lanes.services.clock import restamp_open_lanes

    lane_case = lane_world.apply(now)  # lane due Wed 03-18, yellow from Mon 03-16 (2 days)
    LaneCase.objects.filter(pk=lane_case.pk).update(alert_level=1)
    ThresholdRule.objects.create(department=lane_world.world.department, warn_days=4, warn_percent=None)
    assert restamp_open_lanes() == 1
    lane_case.refresh_from_db()
    assert (lane_case.warn_at, lane_case.due_at) == (_moment("2026-03-12"), _moment("2026-03-19"))
    assert lane_case.alert_level == 1
    run = lane_case.runs.get(position=1)  # stage due Thu 03-12: 4 working days before
    assert run.warn_at == _moment("2026-03-06")
