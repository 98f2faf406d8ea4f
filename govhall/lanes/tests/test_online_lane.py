"""An online lane application (portal): no clerk, the lane case received, each first-stage item case
received online and pre-reviewed by its own department; the lane clock starts when the last is accepted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services as case_services
from govhall.cases.errors import CaseForbidden
from govhall.cases.models import Case, CaseState, Channel
from govhall.lanes.models import LaneCaseState, LaneEvent, LaneItemCase
from govhall.lanes.tests.conftest import LaneWorld, at


def item_cases(lane_case):
    links = LaneItemCase.objects.filter(lane_case=lane_case, run__position=1)
    return [link.case for link in links.select_related("case").order_by("stage_item__position")]


def apply_online(lane_world: LaneWorld, now, **kwargs):
    return lane_world.apply(now, channel=Channel.ONLINE, **{"by": None, **kwargs})


def test_an_online_application_is_received_without_a_clerk_and_waits_for_pre_review(
    lane_world: LaneWorld, now
):
    lane_case = apply_online(lane_world, now)
    assert lane_case.state == LaneCaseState.RECEIVED
    assert lane_case.received_by is None and lane_case.acceptance_date is None and lane_case.due_date is None
    a, b = item_cases(lane_case)
    assert {a.state, b.state} == {CaseState.RECEIVED}
    assert {a.channel, b.channel} == {Channel.ONLINE}
    assert a.received_by is None and a.warn_at is not None  # the pre-review light is on
    assert a.applicant_name == "张三"  # the unified form's bound fields
    applied = LaneEvent.objects.get(lane_case=lane_case, kind="applied")
    assert applied.data["channel"] == "online"


def test_the_lane_clock_starts_when_the_last_department_accepts(lane_world: LaneWorld, now):
    lane_case = apply_online(lane_world, now)
    a, b = item_cases(lane_case)
    clerk = lane_world.users["clerk"]
    case_services.accept_case(a, by=clerk, now=at("2026-03-02 15:00"))
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.RECEIVED  # B is still waiting for its pre-review
    case_services.accept_case(Case.objects.get(pk=b.pk), by=clerk, now=at("2026-03-03 10:00"))
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.IN_PROGRESS
    assert lane_case.acceptance_date.isoformat() == "2026-03-03"
    assert lane_case.due_date is not None


def test_a_department_rejecting_its_item_at_pre_review_stops_the_lane(lane_world: LaneWorld, now):
    lane_case = apply_online(lane_world, now)
    a, _b = item_cases(lane_case)
    case_services.reject_case(a, reason="不属于本部门职权范围", by=lane_world.users["clerk"], now=now)
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.STOPPED


def test_an_online_application_must_bring_every_required_material(lane_world: LaneWorld, now):
    lane = lane_world.lane
    management = lane.materials.get(name="卫生管理制度")
    given = list(lane.materials.exclude(pk=management.pk).values_list("pk", flat=True))
    with pytest.raises(ValidationError) as error:
        apply_online(lane_world, now, materials=given)
    assert "卫生管理制度" in str(error.value.message_dict["materials"])
    assert not LaneItemCase.objects.exists()


def test_only_the_online_channel_does_without_a_clerk(lane_world: LaneWorld, now):
    with pytest.raises(CaseForbidden):
        lane_world.apply(now, by=None)
    with pytest.raises(CaseForbidden):
        apply_online(lane_world, now, by=lane_world.users["handler"])  # someone, but not a clerk
