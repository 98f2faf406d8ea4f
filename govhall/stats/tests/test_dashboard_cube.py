"""The dashboard reads the period's roll-ups once (queries.cube) and sums every grouping from those rows:
each table and tile must equal what queries.table gives for the same filter, grouping by grouping."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from govhall.cases.tests.conftest import at
from govhall.lanes import services as lane_services
from govhall.lanes.tests.conftest import GOOD, build_lane
from govhall.stats.dashboard import figures_by_group, group, overview, ranking_table
from govhall.stats.queries import Filters, table
from govhall.stats.tests.conftest import set_min_cases
from govhall.stats.tests.history import conclude, finish_steps, march

D = date.fromisoformat
PERIODS = [
    (D("2026-03-01"), D("2026-03-31")),
    (D("2026-03-01"), D("2026-03-10")),  # case C open and overdue at the end
    (D("2026-02-15"), D("2026-04-30")),  # an empty month, a part month, a lane case in April
    (D("2026-01-01"), D("2026-12-31")),
]
GROUPS = (None, "month", "kind", "department", "hall", "channel")


@pytest.fixture
def history(world):
    """The worked example's March, plus lane cases over two departments in March and April."""
    set_min_cases(1)
    cases = march(world)
    lane, _items = build_lane(world)
    lane = lane_services.publish_lane(lane, by=world.users["admin"], now=at("2026-03-02 08:00"))
    applied = [
        lane_services.apply_to_lane(
            lane,
            data=GOOD,
            materials=list(lane.materials.values_list("pk", flat=True)),
            hall=world.centre,
            by=world.users["clerk"],
            now=at(when),
        )
        for when in ("2026-03-02 10:00", "2026-04-01 10:00")
    ]
    # The first lane case's item of this department is concluded; the other department's stays open.
    link = applied[0].item_cases.select_related("case").get(case__item__department=world.department)
    finish_steps(world, link.case, "2026-03-03 09:00")
    conclude(world, link.case, "2026-03-05 09:00")
    return cases


def filters(world) -> dict[str, dict]:
    return {
        "none": {},
        "a department": {"department": world.department.pk},
        "the other department": {"department": world.other_department.pk},
        "centre halls": {"hall_level": "centre"},
        "township halls": {"hall_level": "township"},
        "a hall": {"hall": world.centre.pk},
        "an item": {"item": world.immediate_item.code},
        "a lane": {"lane": "test-lane"},
        "a lane and a department": {"lane": "test-lane", "department": world.other_department.pk},
    }


def test_every_grouping_equals_the_table_of_that_grouping(history, world):
    lane = table(Filters(date_from=D("2026-03-01"), date_to=D("2026-04-30"), lane="test-lane"), "department")
    assert {d: (v["received"], v["concluded"]) for d, v in lane.items()} == {
        world.department.pk: (2, 1),
        world.other_department.pk: (2, 0),
    }
    for name, extra in filters(world).items():
        for first, last in PERIODS:
            f = Filters(date_from=first, date_to=last, **extra)
            got = figures_by_group(f)
            for g in GROUPS:
                assert got[g] == table(f, g), (name, first, last, g)
            assert got["ranking"] == table(replace(f, department=None), "department"), (name, first, last)


def test_the_overview_shows_the_same_tiles_tables_and_links(history, world):
    checked = 0
    for name, extra in filters(world).items():
        f = Filters(date_from=D("2026-03-01"), date_to=D("2026-04-30"), **extra)
        page = overview(f, now=at("2026-04-30 12:00"), user=world.users["leader"])
        totals = table(f, None)[None]
        assert {t["key"]: t["value"] for t in page["tiles"]} == {
            t["key"]: totals[t["key"]] for t in page["tiles"]
        }
        expected = [
            group(f, "department"),
            ranking_table(f),
            group(f, "hall"),
            group(f, "kind"),
            group(f, "channel"),
            group(f, "month"),
        ]
        for got, want in zip(page["tables"], expected, strict=True):
            assert (got.key, got.rows, got.links) == (want.key, want.rows, want.links), (name, want.key)
        checked += totals["received"]
    assert checked > 0
