"""The board's lane dimension: the steps of the item cases opened for a fast lane, counted per lane."""

from __future__ import annotations

from govhall.lanes.tests.conftest import LaneWorld, at, lane_world, now  # noqa: F401 (fixtures)
from govhall.supervision import queries


def test_counts_by_lane(lane_world: LaneWorld):  # noqa: F811
    lane_case = lane_world.apply(at("2026-03-02 09:00"))
    world = lane_world.world
    steps = queries.visible_steps(world.users["supervisor"])
    rows = queries.board_counts(steps, at("2026-04-01 09:00"), by="lane")
    assert [(r.key, r.total, r.red) for r in rows] == [(lane_case.lane.code, 2, 2)]
    filtered = queries.Filters(lane=lane_case.lane.code).apply(steps)
    assert filtered.count() == 2
    assert queries.Filters(lane="no-such-lane").apply(steps).count() == 0
