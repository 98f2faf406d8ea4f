"""The rules of add_workdays / deadline / is_workday, on the seeded 2026 calendar."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.workdays import calendar

D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "n", "expected", "rule"),
    [
        ("2026-09-30", 0, "2026-09-30", "n = 0 on a working day is that day"),
        ("2026-10-01", 0, "2026-10-08", "n = 0 in a holiday is the first working day after it"),
        ("2026-09-30", 5, "2026-10-13", "国庆 2026-10-01..07 is skipped, 10-10 (Saturday) is a working day"),
        ("2026-10-09", 1, "2026-10-10", "the make-up Saturday 10-10 counts"),
        ("2026-01-01", 0, "2026-01-04", "Sunday 01-04 is a make-up working day"),
        ("2026-02-13", 1, "2026-02-14", "Saturday 02-14 is a make-up working day"),
        ("2026-02-14", 1, "2026-02-24", "春节 02-15..23 is skipped"),
        ("2026-05-08", 1, "2026-05-09", "Saturday 05-09 is a make-up working day"),
        ("2026-09-19", 0, "2026-09-20", "Sunday 09-20 is a make-up working day"),
        ("2026-10-08", -1, "2026-09-30", "n = -1 is the last working day before the start"),
        ("2026-10-08", -2, "2026-09-29", "n = -2 counts back two"),
        ("2026-10-05", -1, "2026-09-30", "a negative count from inside a holiday"),
        ("2026-10-11", -1, "2026-10-10", "a negative count lands on a make-up Saturday"),
    ],
)
def test_add_workdays_follows_find_workday_rules(seeded_calendar, start, n, expected, rule):
    assert calendar.add_workdays(D(start), n) == D(expected), rule


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-01-04", True),
        ("2026-02-14", True),
        ("2026-02-16", False),
        ("2026-10-10", True),
        ("2026-10-11", False),
        ("2026-10-12", True),
        ("2027-01-01", True),  # no data for 2027 yet: a Friday is a working day
        ("2027-01-02", False),
    ],
)
def test_is_workday_reads_the_table_then_monday_to_friday(seeded_calendar, day, expected):
    assert calendar.is_workday(D(day)) is expected


def test_a_year_without_a_calendar_year_row_is_provisional(seeded_calendar):
    assert calendar.is_provisional(D("2026-12-31")) is False
    assert calendar.is_provisional(D("2027-01-01")) is True
    assert calendar.is_provisional(D("2003-12-31")) is True


def test_deadline_carries_the_calendar_version_and_is_not_provisional_inside_official_years(seeded_calendar):
    result = calendar.deadline(D("2026-09-30"), 5)
    assert result == calendar.Deadline(D("2026-10-13"), False, calendar.calendar_version())
    assert result.calendar_version >= 1


def test_deadline_is_provisional_when_the_count_only_starts_in_an_official_year(seeded_calendar):
    assert calendar.deadline(D("2026-12-30"), 2).provisional is True


def test_far_years_are_added_on_demand_up_to_2100(seeded_calendar):
    assert calendar.add_workdays(D("2099-12-31"), 0) == D("2099-12-31")
    assert calendar.is_workday(D("2100-12-31")) is True
    with pytest.raises(calendar.CalendarRangeError):
        calendar.add_workdays(D("2100-12-31"), 5)
    with pytest.raises(calendar.CalendarRangeError):
        calendar.add_workdays(D("1999-12-31"), 1)
    with pytest.raises(calendar.CalendarRangeError):
        calendar.add_workdays(D("2000-01-04"), -5)


def test_a_pure_snapshot_needs_no_database():
    snapshot = calendar.Snapshot(overrides={D("2030-01-05").toordinal(): True}, official_years=[2030])
    assert snapshot.add_workdays(D("2030-01-04"), 1) == D("2030-01-05")
    assert snapshot.workdays_between(D("2030-01-04"), D("2030-01-07")) == 2
    assert snapshot.deadline(D("2030-01-04"), 1) == calendar.Deadline(D("2030-01-05"), False, 0)
