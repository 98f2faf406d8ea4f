"""Every indicator on the hand-made March of history.py, with the values worked out in docs/indicators.md."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.stats import rollup
from govhall.stats.queries import Filters, summary, table
from govhall.stats.tests.history import march

D = date.fromisoformat
MARCH = Filters(date_from=D("2026-03-01"), date_to=D("2026-03-31"))


@pytest.fixture
def history(world):
    return march(world)


def test_the_worked_example_month(history):
    t = summary(MARCH)["totals"]
    assert {k: t[k] for k in ("received", "accepted", "consultations", "rejected", "concluded")} == {
        "received": 8,
        "accepted": 7,
        "consultations": 1,
        "rejected": 1,
        "concluded": 6,
    }
    assert (t["timed_concluded"], t["on_time"], t["late"], t["early"], t["open_overdue"]) == (5, 4, 1, 3, 1)
    assert t["on_time_rate"] == 66.7  # 4 ÷ (5 concluded + 1 open and overdue)
    assert t["on_time_rate_conventional"] == 80.0  # 4 ÷ 5
    assert t["early_rate"] == 60.0
    assert (t["avg_days_used"], t["p90_days_used"], t["used_to_promised"]) == (3.4, 7, 0.68)
    assert (t["notices"], t["supplement_rate"], t["first_time"], t["first_time_rate"]) == (1, 16.7, 5, 83.3)
    assert t["rejection_rate"] == 14.3  # 1 ÷ (6 accepted applications + 1 rejected)
    assert (t["extensions"], t["suspensions"]) == (1, 1)


def test_open_overdue_cases_count_against_the_on_time_rate_at_the_end_of_a_past_period(history):
    # On 03-10 case C (due 03-09) was still open; it was concluded late on 03-11.
    t = table(Filters(date_from=D("2026-03-01"), date_to=D("2026-03-10")), None)[None]
    assert (t["timed_concluded"], t["on_time"], t["open_overdue"]) == (3, 3, 1)
    assert (t["on_time_rate"], t["on_time_rate_conventional"]) == (75.0, 100.0)


def test_by_kind_and_channel(history):
    s = summary(MARCH)
    kinds = {k: (v["received"], v["accepted"], v["concluded"]) for k, v in s["by_kind"].items()}
    assert kinds == {"immediate": (1, 1, 1), "committed": (6, 5, 4), "consultation": (1, 1, 1)}
    assert s["by_kind"]["committed"]["open_overdue"] == 1
    assert {k: v["received"] for k, v in s["by_channel"].items()} == {"window": 8}


def test_filters_by_department_hall_level_and_item(history, world):
    base = dict(date_from=D("2026-03-01"), date_to=D("2026-03-31"))
    assert table(Filters(**base, department=world.other_department.pk), None)[None]["received"] == 0
    assert table(Filters(**base, department=world.department.pk), None)[None]["received"] == 8
    assert table(Filters(**base, hall_level="township"), None)[None]["received"] == 0
    assert table(Filters(**base, hall_level="centre"), None)[None]["received"] == 8
    assert table(Filters(**base, item=world.immediate_item.code), None)[None]["concluded"] == 1
    by_month = table(Filters(date_from=D("2026-02-01"), date_to=D("2026-03-31")), "month")
    assert [(m.isoformat(), v["received"]) for m, v in sorted(by_month.items())] == [
        ("2026-02-01", 0),
        ("2026-03-01", 8),
    ]


def test_the_roll_ups_equal_a_direct_count(history):
    result = rollup.check()
    assert result.ok, result.differences
    assert result.rows > 0


def test_a_rebuild_gives_the_same_roll_ups(history):
    before = rollup.stored()
    rollup.rebuild()
    assert rollup.stored() == before
