"""The board's lane dimension: fast-lane cases counted per lane by the light of their own clock (stored
warn_at/due_at, compared in SQL); the drill-down page and the API list them. The step list still filters
by lane (the steps of the item cases opened for it)."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.lanes import services as lane_services
from govhall.lanes.tests.conftest import LaneWorld, at, lane_world, make_user, now  # noqa: F401 (fixtures)
from govhall.supervision import queries


def _three(lane_world: LaneWorld):  # noqa: F811
    """A red lane case (filed in March), a paused one and a green one (filed today)."""
    red = lane_world.apply(at("2026-03-02 09:00"))
    paused = lane_world.apply(at("2026-03-02 09:00"))
    lane_services.suspend_lane(
        paused,
        kind="expert_review",
        expected_days=5,
        reason="专家评审",
        by=lane_world.users["head"],
        now=at("2026-03-03 09:00"),
    )
    green = lane_world.apply(timezone.now())
    return red, paused, green


def test_counts_by_lane_count_lane_cases_by_their_own_light(lane_world: LaneWorld):  # noqa: F811
    red, _paused, _green = _three(lane_world)
    supervisor = lane_world.users["supervisor"]
    lane_cases = queries.visible_lane_cases(supervisor)
    rows = queries.lane_counts(lane_cases, timezone.now())
    assert [(r.key, r.red, r.yellow, r.green, r.paused) for r in rows] == [(red.lane.code, 1, 0, 1, 1)]
    other = queries.Filters(department=lane_world.world.other_department.pk)  # has item cases in the lane
    assert queries.filter_lane_cases(lane_cases, other).count() == 3
    assert queries.filter_lane_cases(lane_cases, queries.Filters(lane="no-such-lane")).count() == 0
    # the old step dimension still works for the step list
    steps = queries.visible_steps(supervisor)
    assert queries.Filters(lane=red.lane.code).apply(steps).count() == 6


def test_the_board_drills_down_from_a_lane_count_to_its_lane_cases(lane_world: LaneWorld):  # noqa: F811
    red, _paused, _green = _three(lane_world)
    client = Client()
    client.force_login(lane_world.users["supervisor"])
    client.cookies["django_language"] = "en"
    board = client.get("/supervision/").content.decode()
    assert f'href="/supervision/lanes/?lane={red.lane.code}&amp;light=red"' in board
    page = client.get(f"/supervision/lanes/?lane={red.lane.code}&light=red").content.decode()
    assert f'data-lane-case="{red.pk}"' in page and page.count("data-lane-case=") == 1
    assert 'data-light="red"' in page


def test_the_api_lists_lane_cases_with_their_light_and_counts_them(lane_world: LaneWorld):  # noqa: F811
    red, paused, green = _three(lane_world)
    client = APIClient()
    client.force_authenticate(lane_world.users["supervisor"])
    body = client.get("/api/v1/supervision/lane-cases/").json()
    assert {r["number"]: r["light"] for r in body["results"]} == {
        red.number: "red",
        paused.number: "paused",
        green.number: "green",
    }
    body = client.get("/api/v1/supervision/lane-cases/?light=red").json()
    assert [r["id"] for r in body["results"]] == [red.pk]
    counts = client.get("/api/v1/supervision/counts/?by=lane").json()
    assert counts == [
        {
            "key": red.lane.code,
            "name": red.lane.name,
            "green": 1,
            "yellow": 0,
            "red": 1,
            "paused": 1,
            "total": 3,
        }
    ]


def test_a_department_head_sees_the_lanes_of_the_department_only(lane_world: LaneWorld, make_user):  # noqa: F811
    _three(lane_world)
    assert queries.visible_lane_cases(lane_world.users["other_head"]).count() == 3  # has item cases in it
    from govhall.catalog.tests.factories import DepartmentFactory

    outsider = make_user("outsider_head", role="dept_head", department=DepartmentFactory(code="LYJ"))
    assert queries.visible_lane_cases(outsider).count() == 0
