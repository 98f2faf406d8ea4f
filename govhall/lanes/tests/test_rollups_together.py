"""A lane action over several item cases counts them in the roll-ups together, once, at its end
(cases' acting_for → one cases_recorded): one upsert per roll-up table for all the item cases, rows in
key order, and the roll-ups still equal a direct recount."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.lanes import services
from govhall.lanes.models import LaneItemCase
from govhall.lanes.tests.conftest import at
from govhall.stats import rollup


def _upserts(queries, table: str) -> int:
    return sum(1 for q in queries if q["sql"].startswith(f'INSERT INTO "{table}"'))


def test_a_lane_withdrawal_counts_its_item_cases_in_one_upsert(lane_world):
    lane_case = lane_world.apply(at("2026-03-02 09:00"))
    departments = set(
        LaneItemCase.objects.filter(lane_case=lane_case).values_list("case__item__department", flat=True)
    )
    assert len(departments) == 2  # two departments' item cases: two rows of each roll-up table
    with CaptureQueriesContext(connection) as captured:
        services.withdraw_lane(
            lane_case.pk, reason="申请人撤回", by=lane_world.users["clerk"], now=at("2026-03-03 10:00")
        )
    assert _upserts(captured.captured_queries, "stats_dailyfigure") == 1
    assert _upserts(captured.captured_queries, "stats_monthlyfigure") == 1
    result = rollup.check()
    assert result.ok, result.differences
    withdrawn = sum(c["withdrawn"] for c in rollup.stored().figures.values())
    assert withdrawn == 2


def test_a_lane_suspension_and_resumption_count_like_the_item_services(lane_world):
    lane_case = lane_world.apply(at("2026-03-02 09:00"))
    lane_case = services.suspend_lane(
        lane_case.pk,
        kind="inspection",
        expected_days=2,
        reason="联合踏勘",
        by=lane_world.users["handler"],
        now=at("2026-03-03 09:00"),
    )
    services.resume_lane(lane_case.pk, by=lane_world.users["handler"], now=at("2026-03-04 09:00"))
    result = rollup.check()
    assert result.ok, result.differences
    assert sum(c["suspensions"] for c in rollup.stored().figures.values()) == 2
