"""An item case of a lane is handled jointly (行政许可法 Art. 26): up to 15 working days of extension,
where a case on its own gets 10 (Art. 42)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services as case_services
from govhall.cases.services.handling import extension_rule
from govhall.lanes.models import LaneItemCase
from govhall.lanes.tests.conftest import LaneWorld, at


def _item_case(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    link = LaneItemCase.objects.filter(lane_case=lane_case, run__position=1).select_related("case").last()
    return link.case


def test_a_lane_item_case_may_be_extended_by_15_working_days(lane_world: LaneWorld, now):
    case = _item_case(lane_world, now)
    assert extension_rule(case) == (15, 26)
    by = lane_world.handler_for(case)
    head = lane_world.users["head" if by == lane_world.users["handler"] else "other_head"]
    first = case_services.request_extension(case, days=10, reason="复杂", by=by, now=at("2026-03-03 09:00"))
    case_services.decide_extension(first, approve=True, reason="同意", by=head, now=at("2026-03-03 10:00"))
    second = case_services.request_extension(case, days=5, reason="仍需", by=by, now=at("2026-03-04 09:00"))
    case_services.decide_extension(second, approve=True, reason="同意", by=head, now=at("2026-03-04 10:00"))
    case.refresh_from_db()
    assert case.extension_days == 15
    with pytest.raises(ValidationError) as error:
        case_services.request_extension(case, days=1, reason="再延", by=by, now=at("2026-03-05 09:00"))
    assert (
        "at most 15 working days in total (Administrative Licensing Law Art. 26); 15 already approved"
        in (error.value.message_dict["days"][0])
    )


def test_a_case_on_its_own_keeps_the_single_item_maximum(lane_world: LaneWorld, now):
    single = lane_world.world.accepted(now)
    assert extension_rule(single) == (10, 42)


def test_the_case_page_states_the_maximum_that_applies(lane_world: LaneWorld, now, client):
    item_case = _item_case(lane_world, now)
    single = lane_world.world.accepted(now)
    client.force_login(lane_world.handler_for(item_case))
    assert "累计不超过 15 个工作日" in client.get(f"/cases/{item_case.pk}/").content.decode()
    client.force_login(lane_world.users["handler"])
    assert "累计不超过 10 个工作日" in client.get(f"/cases/{single.pk}/").content.decode()
