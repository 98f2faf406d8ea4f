"""The unified form (一表通): one submission fills every item's application; every error at once; the
form as JSON, exported and imported all or nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from govhall.lanes import services
from govhall.lanes.models import LaneItemCase
from govhall.lanes.tests.conftest import GOOD, LaneWorld, at
from govhall.lanes.unified import form_as_json, validate


def test_one_submission_fills_each_items_application_exactly(lane_world: LaneWorld, now):
    lane_case = lane_world.apply(now)
    applications = {
        link.case.item.name: link.application
        for link in LaneItemCase.objects.filter(lane_case=lane_case).select_related("case__item")
    }
    assert applications == {
        "食品经营许可A": {"店名": "张三小吃", "面积": "45.5", "经营者": "张三"},
        "卫生许可B": {"场所名称": "张三小吃", "类别": "餐饮", "开业": "2026-04-01"},
    }
    for link in LaneItemCase.objects.filter(lane_case=lane_case):
        lane_world.decide(link.case, at("2026-03-03 10:00"))
    stage_two = LaneItemCase.objects.get(lane_case=lane_case, run__position=2)
    assert stage_two.application == {"名称": "张三小吃", "住所": "山东省泉山市龙山大道1号"}
    # The applicant's fields fill every item case.
    assert {link.case.applicant_name for link in LaneItemCase.objects.filter(lane_case=lane_case)} == {"张三"}
    assert {link.case.phone for link in LaneItemCase.objects.filter(lane_case=lane_case)} == {"13812345678"}


def test_shared_materials_are_handed_in_once_and_count_for_every_item(lane_world: LaneWorld, now):
    names = list(lane_world.lane.materials.values_list("name", flat=True))
    assert names.count("申请书") == 1 and names.count("身份证明") == 1
    lane_case = lane_world.apply(now)
    for link in LaneItemCase.objects.filter(lane_case=lane_case):
        received = set(link.case.materials.filter(received=True).values_list("material__name", flat=True))
        assert {"申请书", "身份证明"} <= received


def test_invalid_input_lists_every_error_at_once_naming_field_and_rule(lane_world: LaneWorld, now):
    bad = {
        "name": "",
        "id_number": "370181199001011230",
        "phone": "12345",
        "address": "泉山",
        "shop": "一" * 21,
        "area": "0",
        "opening": "2026-13-01",
        "kind": "娱乐",
        "colour": "red",
    }
    with pytest.raises(ValidationError) as refused:
        lane_world.apply(now, data=bad)
    errors = refused.value.message_dict
    assert set(errors) == {
        "name",
        "id_number",
        "phone",
        "address",
        "shop",
        "area",
        "opening",
        "kind",
        "unknown_fields",
    }
    assert errors["name"] == ["申请人姓名 is required."]
    assert errors["phone"] == ["联系电话: 11位手机号码"]
    assert errors["shop"] == ["店铺名称: at most 20 characters."]
    assert errors["area"] == ["经营面积（平方米）: at least 1."]
    assert errors["opening"] == ["开业日期: enter a date as YYYY-MM-DD."]
    assert errors["kind"] == ["经营类别: choose one of 餐饮、零售."]
    assert errors["id_number"][0].startswith("身份证号码: ")
    assert "GB 11643" in errors["id_number"][0]


def test_optional_fields_may_stay_empty(lane_world: LaneWorld, now):
    fields = list(lane_world.lane.form_fields.all())
    result = validate(fields, {**GOOD, "opening": ""}, today=now.date())
    assert result.is_valid and result.values["opening"] == ""


def test_the_form_round_trips_through_json(lane_world: LaneWorld, now):
    exported = form_as_json(lane_world.lane)
    draft = services.revise_lane(lane_world.lane, by=None, now=now)
    for field in draft.form_fields.all():
        field.delete()
    services.import_form(draft, json.loads(json.dumps(exported)))
    assert form_as_json(draft) == exported


def test_a_bad_form_file_is_refused_whole_with_every_problem(lane_world: LaneWorld, now):
    draft = services.revise_lane(lane_world.lane, by=None, now=now)
    before = form_as_json(draft)
    data = form_as_json(draft)
    data["fields"][0]["key"] = "Bad Key"
    data["fields"][1]["field_type"] = "colour"
    data["fields"].append({"key": "x"})
    data["items"][0]["fields"]["店名"] = "nowhere"
    with pytest.raises(ValidationError) as refused:
        services.import_form(draft, data)
    problems = refused.value.message_dict["form"]
    assert len(problems) == 4, problems
    assert form_as_json(draft) == before


def test_a_published_lane_form_cannot_be_imported_into(lane_world: LaneWorld):
    with pytest.raises(ValidationError):
        services.import_form(lane_world.lane, form_as_json(lane_world.lane))
