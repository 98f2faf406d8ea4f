"""The living city on any day `make run` may start: a Sunday in the National Day holiday (国庆) and a
Saturday of 2027, whose holiday notice is not loaded (the calendar falls back to Monday–Friday). Every
light still shows, every lane has cases at each stage, every queue has work, nothing happens on a rest
day or after now. And the same day and seed give the same city.

Small loads (a hundredth of the seed's half-year instead of a tenth): today's open work, the lanes and the
supervision are the same size at any scale.
"""

from __future__ import annotations

import pytest

from govhall.demo.tests.living import at, fresh_load, wipe
from govhall.supervision import lights

SCALE = 0.01
DAYS = {
    "national-day-sunday": at("2026-10-04T11:00"),
    "saturday-2027": at("2027-01-09T10:00"),
}


@pytest.fixture(scope="module")
def loads(django_db_setup, django_db_blocker) -> dict:
    """Each day loaded once, and the first one a second time (for determinism)."""
    with django_db_blocker.unblock():
        try:
            out = {name: fresh_load(now, scale=SCALE) for name, now in DAYS.items()}
            out["again"] = fresh_load(DAYS["national-day-sunday"], scale=SCALE)
            yield out
        finally:
            wipe()


@pytest.fixture(params=sorted(DAYS))
def day(request, loads) -> tuple:
    return DAYS[request.param], loads[request.param]


def test_every_light_shows(day):
    _now, city = day
    assert all(city["lights"][light] > 0 for light in lights.LIGHTS), city["lights"]
    assert all(city["lane_lights"].get(light, 0) > 0 for light in lights.LIGHTS), city["lane_lights"]


def test_every_lane_has_cases_waiting_in_progress_and_concluded(day):
    _now, city = day
    lanes = city["lanes"]
    for stages in lanes.values():
        assert stages["supplement_requested"] and stages["concluded"] and stages["stage 1"]
    assert {key for key in lanes["construction"] if key.startswith("stage")} == {
        "stage 1", "stage 2", "stage 2 (paused)", "stage 3", "stage 4",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("role", "work"),
    [
        ("clerk", ("received", "supplement_requested", "to_deliver", "papers_to_sign")),
        ("agency", ("open", "supplement_requested", "papers_to_send")),
        ("handler", ("steps", "green", "yellow", "red", "suspended")),
        ("head", ("steps", "extension_requests", "cards_to_answer", "orders_to_answer")),
    ],
)
def test_each_case_worker_has_work(day, role, work):
    _now, city = day
    queue = city["queues"][role]
    assert all(queue[key] > 0 for key in work), queue


def test_cards_and_orders_in_every_state_and_last_months_report_published(day):
    now, city = day
    assert all(n > 0 for n in city["cards"].values()), city["cards"]
    assert all(n > 0 for n in city["orders"].values()), city["orders"]
    assert city["reports"] == {_month_before(now): "published"}


def test_nothing_on_a_rest_day_nothing_after_now_nothing_left_to_sweep(day):
    now, city = day
    assert city["latest"] < now and city["latest_reminder"] <= now
    assert city["days_worked_off"] == []
    assert city["left_to_sweep"] == {"converted": 0, "deemed": 0}
    assert city["check"].ok, city["check"].differences


def test_the_same_day_and_seed_give_the_same_city(loads):
    one, two = loads["national-day-sunday"], loads["again"]
    assert one["fingerprint"] == two["fingerprint"]
    ignore = {"output", "pages", "check", "fingerprint"}
    assert {k: v for k, v in one.items() if k not in ignore} == {
        k: v for k, v in two.items() if k not in ignore
    }


def _month_before(now) -> str:
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year}-{month:02d}"
