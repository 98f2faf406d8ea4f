"""A lane from application to conclusion: parallel item cases per stage, the join rule, denial,
withdrawal, supplement and suspension, all through the real services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services as case_services
from govhall.cases.errors import CaseForbidden, StaleVersion
from govhall.cases.models import Case, CaseState
from govhall.lanes import services
from govhall.lanes.models import (
    JoinRule,
    LaneCaseState,
    LaneEvent,
    LaneEventKind,
    LaneEventsAreAppendOnly,
    LaneItemCase,
    StageRunState,
)
from govhall.lanes.tests.conftest import LaneWorld, at, build_lane


def item_cases(lane_case, stage=None):
    links = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case", "case__item")
    if stage is not None:
        links = links.filter(run__position=stage)
    return [link.case for link in links.order_by("stage_item__position")]


def kinds(lane_case):
    return list(LaneEvent.objects.filter(lane_case=lane_case).order_by("seq").values_list("kind", flat=True))


def test_applying_opens_one_lane_case_and_an_accepted_item_case_per_first_stage_item(
    lane_world: LaneWorld, now
):
    lane_case = lane_world.apply(now)
    assert lane_case.state == LaneCaseState.IN_PROGRESS
    first = item_cases(lane_case, 1)
    assert [c.item.name for c in first] == ["食品经营许可A", "卫生许可B"]
    assert all(c.state == CaseState.ACCEPTED for c in first)
    assert {c.item.department_id for c in first} == {
        lane_world.world.department.pk,
        lane_world.world.other_department.pk,
    }
    assert item_cases(lane_case, 2) == []
    assert lane_case.number not in {c.number for c in Case.objects.all()}
    assert first[0].promised_due is not None and first[0].promised_due != first[1].promised_due  # own clocks
    assert kinds(lane_case) == ["applied", "stage_started", "item_opened", "item_opened", "accepted"]


def test_a_lane_with_two_stages_of_parallel_items_runs_to_the_end(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    a, b = item_cases(lane_case, 1)
    lane_world.decide(b, at("2026-03-04 10:00"))  # the second department first: any order
    lane_world.decide(a, at("2026-03-05 10:00"))
    lane_case.refresh_from_db()
    assert lane_case.current_stage == 2
    [c] = item_cases(lane_case, 2)
    assert c.state == CaseState.ACCEPTED and c.item.name == "登记C"
    assert c.acceptance_date.isoformat() == "2026-03-05"
    lane_world.decide(c, at("2026-03-09 10:00"))
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.CONCLUDED
    assert [r.state for r in lane_case.runs.order_by("position")] == [StageRunState.PASSED] * 2
    assert kinds(lane_case)[-7:] == [
        "item_approved",
        "stage_passed",
        "stage_started",
        "item_opened",
        "item_approved",
        "stage_passed",
        "concluded",
    ]


def test_stage_two_opens_only_when_stage_ones_join_rule_is_met(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    a, b = item_cases(lane_case, 1)
    lane_world.decide(a, at("2026-03-04 10:00"))
    lane_case.refresh_from_db()
    assert lane_case.current_stage == 1 and item_cases(lane_case, 2) == []
    lane_world.decide(b, at("2026-03-05 10:00"))
    assert len(item_cases(lane_case, 2)) == 1


def test_under_a_subset_join_rule_the_unmarked_item_does_not_hold_the_stage(db, now):
    from govhall.cases.tests.factories import make_world

    world = make_world()
    lane, _items = build_lane(world, join_rule=JoinRule.SUBSET, in_join_b=False)
    lane = services.publish_lane(lane, by=None, now=now)
    lw = LaneWorld(world=world, lane=lane, items=_items)
    lane_case = lw.apply(now)
    a, b = item_cases(lane_case, 1)
    lw.decide(a, at("2026-03-03 10:00"))
    assert len(item_cases(lane_case, 2)) == 1
    assert Case.objects.get(pk=b.pk).state == CaseState.ACCEPTED  # still handled, to its own decision


def test_a_denial_stops_the_lane_with_a_notice_naming_the_item_and_why(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    a, b = item_cases(lane_case, 1)
    lane_world.decide(b, at("2026-03-04 10:00"), decision="denied", text="经营场所不符合卫生要求")
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.STOPPED
    assert "卫生许可B" in lane_case.stopped_reason
    assert "经营场所不符合卫生要求" in lane_case.stopped_reason
    assert lane_world.world.other_department.name in lane_case.stopped_reason
    stop = LaneEvent.objects.get(lane_case=lane_case, kind=LaneEventKind.STOPPED)
    assert stop.case_id == b.pk and stop.data["item"] == "卫生许可B"
    lane_world.decide(a, at("2026-03-05 10:00"))  # the other item still gets its own decision
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.STOPPED and item_cases(lane_case, 2) == []


def test_withdrawing_the_lane_withdraws_every_open_item_case(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    a, b = item_cases(lane_case, 1)
    lane_world.decide(a, at("2026-03-03 10:00"))
    with pytest.raises(StaleVersion):  # the approval moved the lane on since it was read
        services.withdraw_lane(
            lane_case, reason="x", by=lane_world.users["clerk"], now=now, expected_version=1
        )
    lane_case.refresh_from_db()
    lane_case = services.withdraw_lane(
        lane_case,
        reason="申请人决定暂不开业",
        by=lane_world.users["clerk"],
        now=at("2026-03-04 10:00"),
        expected_version=lane_case.version,
    )
    assert lane_case.state == LaneCaseState.WITHDRAWN
    assert Case.objects.get(pk=a.pk).state == CaseState.CONCLUDED  # decided items keep their decision
    assert Case.objects.get(pk=b.pk).state == CaseState.WITHDRAWN
    assert LaneEvent.objects.get(lane_case=lane_case, kind="withdrawn").data["item_cases"] == [b.number]


def test_withdrawing_a_needed_item_case_stops_the_lane(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    _a, b = item_cases(lane_case, 1)
    case_services.withdraw_case(
        b, reason="不再需要", by=lane_world.users["clerk"], now=at("2026-03-03 10:00")
    )
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.STOPPED
    assert kinds(lane_case)[-2:] == ["item_closed", "stopped"]


def test_missing_materials_give_a_one_time_notice_and_the_clock_starts_with_the_supplement(
    lane_world: LaneWorld, now
):
    lane = lane_world.lane
    management = lane.materials.get(name="卫生管理制度")
    given = list(lane.materials.exclude(pk=management.pk).values_list("pk", flat=True))
    lane_case = lane_world.apply(now, materials=given)
    assert lane_case.state == LaneCaseState.SUPPLEMENT_REQUESTED
    assert lane_case.due_date is None
    a, b = item_cases(lane_case, 1)
    assert a.state == CaseState.ACCEPTED  # its own materials are complete
    assert b.state == CaseState.SUPPLEMENT_REQUESTED
    lane_case = services.supplement_lane(
        lane_case,
        materials=[management.pk],
        by=lane_world.users["clerk"],
        now=at("2026-03-04 09:00"),
        expected_version=lane_case.version,
    )
    assert lane_case.state == LaneCaseState.IN_PROGRESS
    assert lane_case.acceptance_date.isoformat() == "2026-03-04"
    assert Case.objects.get(pk=b.pk).state == CaseState.ACCEPTED
    # 8 (stage 1: the longest promised limit) + 4 working days from Wed 03-04
    assert lane_case.due_date.isoformat() == "2026-03-20"


def test_an_item_suspension_pushes_the_stage_and_lane_clock_and_is_recorded(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    due_before = lane_case.due_date
    _a, b = item_cases(lane_case, 1)
    by = lane_world.users["other_handler"]
    case_services.suspend_case(
        b, kind="inspection", expected_days=3, reason="现场核查", by=by, now=at("2026-03-03 09:00")
    )
    lane_case.refresh_from_db()
    assert lane_case.added_days == 3
    event = LaneEvent.objects.filter(lane_case=lane_case, kind=LaneEventKind.CLOCK_CHANGED).last()
    assert event.case_id == b.pk and event.data["was"]["lane_due"] == due_before.isoformat()
    case_services.resume_case(Case.objects.get(pk=b.pk), by=by, now=at("2026-03-05 09:00"))
    lane_case.refresh_from_db()
    assert lane_case.added_days == 2  # Wed and Thu not counted (start < d <= end)


def test_the_lead_department_suspends_and_resumes_the_whole_lane(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    head = lane_world.users["head"]
    lane_case = services.suspend_lane(
        lane_case,
        kind="expert_review",
        expected_days=5,
        reason="联合踏勘",
        by=head,
        now=at("2026-03-03 09:00"),
    )
    assert lane_case.state == LaneCaseState.SUSPENDED
    assert {c.state for c in item_cases(lane_case, 1)} == {CaseState.SUSPENDED}
    lane_case = services.resume_lane(lane_case, by=head, now=at("2026-03-06 09:00"))
    assert lane_case.state == LaneCaseState.IN_PROGRESS and lane_case.added_days == 3
    assert {c.state for c in item_cases(lane_case, 1)} == {CaseState.ACCEPTED}


def test_other_departments_may_not_suspend_the_lane(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    with pytest.raises(CaseForbidden):
        services.suspend_lane(
            lane_case, kind="hearing", expected_days=5, reason="x", by=lane_world.users["other_head"], now=now
        )


def test_only_a_clerk_of_the_hall_files_a_lane_application(lane_world: LaneWorld, now):
    with pytest.raises(CaseForbidden):
        services.apply_to_lane(
            lane_world.lane,
            data={},
            materials=[],
            hall=lane_world.world.centre,
            by=lane_world.users["handler"],
            now=now,
        )


def test_a_refused_application_leaves_nothing_behind(lane_world: LaneWorld, now):
    with pytest.raises(ValidationError):
        lane_world.apply(now, data={**lane_world_good(), "id_number": "370181199001011230"})
    assert not Case.objects.exists()
    assert not LaneEvent.objects.exists()


def lane_world_good():
    from govhall.lanes.tests.conftest import GOOD

    return GOOD


def test_lane_events_are_append_only(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    event = LaneEvent.objects.filter(lane_case=lane_case).first()
    with pytest.raises(LaneEventsAreAppendOnly):
        event.save()
    with pytest.raises(LaneEventsAreAppendOnly):
        LaneEvent.objects.filter(lane_case=lane_case).delete()


@pytest.mark.parametrize("sql", ["UPDATE lanes_laneevent SET reason = 'x'", "DELETE FROM lanes_laneevent"])
def test_the_database_refuses_to_change_lane_events(lane_world: LaneWorld, now, sql):
    from django.db import DatabaseError, connection, transaction

    lane_case = lane_world.apply(now)
    count = LaneEvent.objects.filter(lane_case=lane_case).count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert LaneEvent.objects.filter(lane_case=lane_case, reason="x").count() == 0
    assert LaneEvent.objects.filter(lane_case=lane_case).count() == count
