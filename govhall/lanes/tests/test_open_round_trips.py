"""Opening a lane costs the same statements for 2 items as for 10 (cases.services.bulk.receive_many):
no query per item case. bench/lane_open.py measures the time (docs/benchmarks.md, "Lanes")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.cases.models import Case, CaseState
from govhall.cases.tests.factories import make_world
from govhall.catalog.tests.factories import DepartmentFactory
from govhall.lanes import services
from govhall.lanes.models import FormField, Lane, Stage, StageItem
from govhall.lanes.tests.conftest import FORM, GOOD, item_with
from govhall.stats import rollup

# Today on SQLite and PostgreSQL (savepoint pair included): lane case, runs, 1 counter update for the
# lane and 1 for all its item cases, one INSERT each for cases, materials, steps, events, links and lane
# events, two roll-up upserts (daily and monthly); the rest is reading the lane's configuration.
OPEN_LANE = 26


def _lane_of(items: list, world) -> Lane:
    lane = Lane.objects.create(code=f"wide-{len(items)}", name="宽快车道", lead_department=world.department)
    for position, (key, label, kind, binds, extra) in enumerate(FORM, start=1):
        FormField.objects.create(
            lane=lane, position=position, key=key, label=label, field_type=kind, binds=binds, **extra
        )
    stage = Stage.objects.create(lane=lane, position=1, name="并联", lead_department=world.department)
    for position, item in enumerate(items, start=1):
        StageItem.objects.create(stage=stage, position=position, item=item, field_map={"名称": "shop"})
    services.share_materials(lane)
    return lane


@pytest.mark.parametrize("width", [2, 10])
def test_opening_a_lane_costs_no_query_per_item_case(db, now, width):
    world = make_world()
    items = [
        item_with(
            DepartmentFactory(code=f"D{n}", name=f"局{n}"),
            f"事项{n}",
            legal=20,
            promised=5,
            steps=[2, 3],
            materials=[("申请书", True), ("身份证明", True), (f"专项材料{n}", True)],
        )
        for n in range(width)
    ]
    lane = services.publish_lane(_lane_of(items, world), by=world.users["admin"], now=now)
    materials = list(lane.materials.values_list("pk", flat=True))
    apply = {"data": GOOD, "materials": materials, "hall": world.centre, "by": world.users["clerk"]}
    services.apply_to_lane(lane, now=now, **apply)  # the day's counter row exists, item parts kept
    with CaptureQueriesContext(connection) as queries:
        lane_case = services.apply_to_lane(lane, now=now, **apply)
    assert len(queries) <= OPEN_LANE, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    cases = Case.objects.filter(lane_link__lane_case=lane_case).order_by("number")
    assert [c.state for c in cases] == [CaseState.ACCEPTED] * width
    assert all(c.steps.filter(state="active").count() == 1 for c in cases)
    assert rollup.check().ok
