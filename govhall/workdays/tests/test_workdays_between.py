"""workdays_between(a, b) counts working days d with a < d <= b."""

from __future__ import annotations

from datetime import date

import chinese_calendar as cc
import pytest

from govhall.workdays import calendar

D = date.fromisoformat


@pytest.mark.parametrize(
    ("a", "b", "expected", "rule"),
    [
        ("2026-09-30", "2026-09-30", 0, "a == b counts nothing"),
        ("2026-09-29", "2026-09-30", 1, "b is included"),
        ("2026-09-30", "2026-10-08", 1, "国庆 holidays are not counted"),
        ("2026-09-30", "2026-10-10", 3, "10-08, 10-09 and the make-up Saturday 10-10"),
        ("2026-01-01", "2026-01-04", 1, "Sunday 01-04 is a make-up working day"),
        ("2026-02-13", "2026-02-28", 6, "02-14, 02-24..27 and 02-28 count; 春节 02-15..23 does not"),
        ("2026-05-08", "2026-05-09", 1, "Saturday 05-09 is a make-up working day"),
        ("2026-09-19", "2026-09-20", 1, "Sunday 09-20 is a make-up working day"),
        ("2025-12-31", "2026-01-05", 2, "across the year end: 01-04 (Sunday, 调休) and 01-05"),
        ("2026-12-31", "2027-01-04", 2, "into a year without data: Friday 01-01 and Monday 01-04"),
        ("2026-10-10", "2026-09-30", -3, "b < a gives the negative count"),
    ],
)
def test_workdays_between(seeded_calendar, a, b, expected, rule):
    assert calendar.workdays_between(D(a), D(b)) == expected, rule


@pytest.mark.parametrize("year", [2004, 2015, 2020, 2024, 2025, 2026])
def test_a_whole_year_counts_as_many_working_days_as_chinese_calendar(seeded_calendar, year):
    expected = len(cc.get_workdays(date(year, 1, 1), date(year, 12, 31)))
    assert calendar.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == expected


@pytest.mark.parametrize(("a", "b"), [("2026-02-01", "2026-03-01"), ("2024-09-25", "2024-10-15")])
def test_workdays_between_is_antisymmetric(seeded_calendar, a, b):
    assert calendar.workdays_between(D(a), D(b)) == -calendar.workdays_between(D(b), D(a))


@pytest.mark.parametrize(("start", "n"), [("2026-09-30", 5), ("2026-02-13", 10), ("2026-12-20", 8)])
def test_counting_back_the_added_days_gives_n(seeded_calendar, start, n):
    first = calendar.add_workdays(D(start), 0)
    assert calendar.workdays_between(first, calendar.add_workdays(D(start), n)) == n
