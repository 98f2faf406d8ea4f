"""create_lane makes a lane draft from a plain spec, checked by the rules the admin's publish applies, so a
lane written in code goes create → share_materials → publish like one made in the admin."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.tests.factories import make_world
from govhall.lanes import services
from govhall.lanes.models import FormField, JoinRule, Lane, LaneStatus, Stage, StageItem
from govhall.lanes.services import FieldSpec, LaneSpec, StageItemSpec, StageSpec
from govhall.lanes.tests.conftest import FORM, item_with

FIELDS = tuple(FieldSpec(key, label, kind, binds=binds, **extra) for key, label, kind, binds, extra in FORM)


@pytest.fixture
def world(db):
    world = make_world()
    a = item_with(
        world.department,
        "食品经营许可A",
        legal=20,
        promised=8,
        steps=[3, 5],
        materials=[("申请书", True), ("身份证明", True)],
    )
    b = item_with(
        world.other_department,
        "卫生许可B",
        legal=20,
        promised=5,
        steps=[5],
        materials=[("申请书", True), ("卫生管理制度", True)],
    )
    world.codes = (a.code, b.code)
    return world


def spec(world, **changes) -> LaneSpec:
    a, b = world.codes
    lane = LaneSpec(
        code="food-shop",
        name="开店快车道",
        lead_department_code="SCJ",
        description="一表申请，并联审批。",
        form_fields=FIELDS,
        stages=(
            StageSpec(
                "并联审批",
                "SCJ",
                (
                    StageItemSpec(a, {"店名": "shop", "经营者": "name"}),
                    StageItemSpec(b, {"场所名称": "shop"}, in_join=False),
                ),
                join_rule=JoinRule.SUBSET,
                limit_days=10,
            ),
            StageSpec("登记", "ZJJ", (StageItemSpec(b, {"名称": "shop"}),)),
        ),
    )
    return replace(lane, **changes)


def test_a_lane_draft_is_made_from_a_spec_and_publishes_after_its_materials_are_shared(world, now):
    lane = services.create_lane(spec(world), by=None, now=now)

    assert (lane.code, lane.version, lane.status, lane.created_at) == ("food-shop", 1, LaneStatus.DRAFT, now)
    assert lane.lead_department == world.department
    assert list(lane.form_fields.values_list("position", "key")) == [
        (n, key) for n, (key, *_rest) in enumerate(FORM, start=1)
    ]
    assert FormField.objects.get(lane=lane, key="kind").choices == ["餐饮", "零售"]
    first, second = Stage.objects.filter(lane=lane).order_by("position")
    assert (first.join_rule, first.limit_days, second.lead_department) == (
        JoinRule.SUBSET,
        10,
        world.other_department,
    )
    lines = list(StageItem.objects.filter(stage=first).order_by("position"))
    assert [(si.item.code, si.in_join, si.field_map) for si in lines] == [
        (world.codes[0], True, {"店名": "shop", "经营者": "name"}),
        (world.codes[1], False, {"场所名称": "shop"}),
    ]
    assert not lane.materials.exists()  # the set of materials comes next

    services.share_materials(lane)
    published = services.publish_lane(lane, by=world.users["admin"], now=now)
    assert published.status == LaneStatus.PUBLISHED


def _stage(world, **changes) -> tuple[StageSpec, ...]:
    first, second = spec(world).stages
    return (replace(first, **changes), second)


# Each row: a change to the spec, the field of the ValidationError, and words of its message.
BROKEN = {
    "unknown lead department": (
        lambda w: {"lead_department_code": "XXX"},
        "lead_department",
        "No department XXX.",
    ),
    "stage of an unknown department": (
        lambda w: {"stages": _stage(w, lead_department_code="XXX")},
        "stages",
        "Stage 1 (并联审批): no department XXX.",
    ),
    "unknown item": (
        lambda w: {"stages": _stage(w, items=(StageItemSpec("NOPE"),))},
        "stages",
        "Stage 1 (并联审批): no published item NOPE.",
    ),
    "bad field key": (
        lambda w: {"form_fields": (*FIELDS, FieldSpec("Bad Key", "坏字段"))},
        "form_fields",
        "Field key “Bad Key”",
    ),
    "field key twice": (
        lambda w: {"form_fields": (*FIELDS, FieldSpec("shop", "店名"))},
        "form_fields",
        "Field key shop appears 2 times.",
    ),
    "choice without options": (
        lambda w: {"form_fields": (*FIELDS, FieldSpec("size", "规模", "choice"))},
        "form_fields",
        "a choice needs its options",
    ),
    "mapping to a field not on the form": (
        lambda w: {"stages": _stage(w, items=(StageItemSpec(w.codes[0], {"店名": "nothing"}),))},
        "stages",
        "maps to “nothing”, not a field of the form",
    ),
    "no field fills the phone": (
        lambda w: {"form_fields": tuple(f for f in FIELDS if f.binds != "phone")},
        "form_fields",
        "One field must fill the contact phone.",
    ),
    "stage limit above the legal sum": (
        lambda w: {"stages": _stage(w, limit_days=41)},
        "stages",
        "above the sum of its items' legal limits (40)",
    ),
    "no stage": (lambda w: {"stages": ()}, "stages", "A lane needs at least one stage."),
}


@pytest.mark.parametrize(("change", "field", "words"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_rule_is_named_and_nothing_is_written(world, now, change, field, words):
    before = (
        Lane.objects.count(),
        Stage.objects.count(),
        StageItem.objects.count(),
        FormField.objects.count(),
    )
    with pytest.raises(ValidationError) as refused:
        services.create_lane(spec(world, **change(world)), by=None, now=now)
    assert any(words in message for message in refused.value.message_dict[field]), refused.value.message_dict
    after = (
        Lane.objects.count(),
        Stage.objects.count(),
        StageItem.objects.count(),
        FormField.objects.count(),
    )
    assert after == before


def test_a_code_in_use_is_refused_even_when_its_lane_is_published(world, now):
    lane = services.create_lane(spec(world), by=None, now=now)
    services.share_materials(lane)
    services.publish_lane(lane, by=None, now=now)
    with pytest.raises(ValidationError) as refused:
        services.create_lane(spec(world, name="另一个"), by=None, now=now)
    assert refused.value.message_dict["code"] == ["A lane with code food-shop exists: revise it instead."]
    assert Lane.objects.count() == 1
