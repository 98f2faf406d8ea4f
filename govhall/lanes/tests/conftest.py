from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.utils import translation

from govhall.cases import services as case_services
from govhall.cases.models import Case, StepState
from govhall.cases.tests.factories import UserFactory, World, make_world, resident_id
from govhall.catalog.tests.factories import MaterialFactory, ProcessStepFactory, ServiceItemFactory
from govhall.core.models import Role
from govhall.lanes import services
from govhall.lanes.models import FormField, JoinRule, Lane, LaneCase, Stage, StageItem


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}:00+08:00")


@pytest.fixture
def now() -> datetime:
    return at("2026-03-02 09:00")  # a Monday


FORM = [
    # key, label, type, binds, extra
    ("name", "申请人姓名", "text", "applicant_name", {"max_length": 30}),
    ("id_number", "身份证号码", "id_number", "id_number", {}),
    ("phone", "联系电话", "text", "phone", {"pattern": r"1\d{10}", "pattern_message": "11位手机号码"}),
    ("address", "住址", "address", "address", {}),
    ("shop", "店铺名称", "text", "", {"max_length": 20}),
    ("area", "经营面积（平方米）", "number", "", {"min_value": 1, "max_value": 5000}),
    ("opening", "开业日期", "date", "", {"required": False}),
    ("kind", "经营类别", "choice", "", {"choices": ["餐饮", "零售"]}),
]

GOOD = {
    "name": "张三",
    "id_number": resident_id(),
    "phone": "13812345678",
    "address": "山东省泉山市龙山大道1号",
    "shop": "张三小吃",
    "area": "45.5",
    "opening": "2026-04-01",
    "kind": "餐饮",
}


@dataclass
class LaneWorld:
    world: World
    lane: Lane
    items: list  # [A (dept 1), B (dept 2)] in stage 1, [C (dept 1)] in stage 2

    @property
    def users(self):
        return self.world.users

    def apply(self, now, *, data=None, materials=None, **kwargs) -> LaneCase:
        if materials is None:
            materials = list(self.lane.materials.values_list("pk", flat=True))
        kwargs.setdefault("by", self.users["clerk"])
        return services.apply_to_lane(
            self.lane,
            data=GOOD if data is None else data,
            materials=materials,
            hall=self.world.centre,
            now=now,
            **kwargs,
        )

    def handler_for(self, case: Case):
        return (
            self.users["handler"]
            if case.item.department_id == self.world.department.pk
            else self.users["other_handler"]
        )

    def decide(self, case: Case, now, *, decision="approved", text="准予许可") -> Case:
        """The department's handler approves every step, then concludes."""
        by = self.handler_for(case)
        while True:
            step = case.steps.filter(state=StepState.ACTIVE).first()
            if step is None:
                break
            case_services.complete_step(step, by=by, now=now)
        return case_services.conclude_case(
            Case.objects.get(pk=case.pk), decision=decision, text=text, by=by, now=now
        )


def item_with(department, name, *, legal, promised, steps, materials):
    item = ServiceItemFactory(
        published=True, department=department, legal_limit=legal, promised_limit=promised, name=name
    )
    for position, (material, required) in enumerate(materials, start=1):
        MaterialFactory(item=item, position=position, name=material, required=required)
    for position, days in enumerate(steps, start=1):
        ProcessStepFactory(item=item, position=position, name=f"第{position}步", limit_days=days)
    return item


def build_lane(world: World, *, join_rule=JoinRule.ALL, in_join_b=True, limit_1=None) -> tuple[Lane, list]:
    a = item_with(
        world.department,
        "食品经营许可A",
        legal=20,
        promised=8,
        steps=[3, 5],
        materials=[("申请书", True), ("身份证明", True), ("平面图", False)],
    )
    b = item_with(
        world.other_department,
        "卫生许可B",
        legal=20,
        promised=5,
        steps=[5],
        materials=[("申请书", True), ("身份证明", True), ("卫生管理制度", True)],
    )
    c = item_with(
        world.department,
        "登记C",
        legal=15,
        promised=4,
        steps=[4],
        materials=[("申请书", True), ("章程", True)],
    )
    lane = Lane.objects.create(code="test-lane", name="测试快车道", lead_department=world.department)
    for position, (key, label, kind, binds, extra) in enumerate(FORM, start=1):
        FormField.objects.create(
            lane=lane, position=position, key=key, label=label, field_type=kind, binds=binds, **extra
        )
    s1 = Stage.objects.create(
        lane=lane,
        position=1,
        name="并联审批",
        lead_department=world.department,
        join_rule=join_rule,
        limit_days=limit_1,
    )
    s2 = Stage.objects.create(lane=lane, position=2, name="登记", lead_department=world.department)
    StageItem.objects.create(
        stage=s1, position=1, item=a, field_map={"店名": "shop", "面积": "area", "经营者": "name"}
    )
    StageItem.objects.create(
        stage=s1,
        position=2,
        item=b,
        in_join=in_join_b,
        field_map={"场所名称": "shop", "类别": "kind", "开业": "opening"},
    )
    StageItem.objects.create(stage=s2, position=1, item=c, field_map={"名称": "shop", "住所": "address"})
    services.share_materials(lane)
    return lane, [a, b, c]


@pytest.fixture
def lane_world(db, now) -> LaneWorld:
    world = make_world()
    lane, items = build_lane(world)
    lane = services.publish_lane(lane, by=world.users["admin"], now=now)
    return LaneWorld(world=world, lane=lane, items=items)


@pytest.fixture
def make_user(db):
    def make(username, role=Role.HANDLER, **kwargs):
        return UserFactory(username=username, role=role, **kwargs)

    return make
