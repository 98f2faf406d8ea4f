"""Another process's change is seen after at most the check interval; within it, no query is made."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay

D = date.fromisoformat


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def other_process_makes_2027_10_04_a_rest_day() -> None:
    """A raw write, as another process would make it: no signal reaches this process."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CalendarDay._meta.db_table} (date, is_workday, name, source, scope) "
            "VALUES (%s, %s, %s, %s, %s)",
            [D("2027-10-04"), False, "国庆节", "test", "national"],
        )
        cursor.execute(
            "INSERT INTO workdays_calendarrevision (created_at, summary, nonce) VALUES (%s, %s, %s)",
            ["2026-11-28 09:00:00+00:00", "other process", uuid.uuid4().hex],
        )


@pytest.fixture
def process():
    clock = Clock()
    return clock, calendar.CalendarCache(clock=clock, interval=2)


def test_a_change_by_another_process_is_seen_after_the_check_interval(seeded_calendar, process):
    clock, cache = process
    assert cache.snapshot().is_workday(D("2027-10-04")) is True
    version = cache.snapshot().version

    other_process_makes_2027_10_04_a_rest_day()

    clock.t += 1.9
    assert cache.snapshot().is_workday(D("2027-10-04")) is True  # not checked yet
    clock.t += 0.2
    assert cache.snapshot().is_workday(D("2027-10-04")) is False
    assert cache.snapshot().version > version


def test_within_the_interval_a_call_makes_no_query(seeded_calendar, process):
    clock, cache = process
    cache.snapshot()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(100):
            cache.snapshot().add_workdays(D("2026-09-30"), 5)
        clock.t += 1.5
        cache.snapshot().add_workdays(D("2026-09-30"), 5)
    assert len(queries) == 0


def test_an_unchanged_revision_is_checked_with_one_query_and_not_rebuilt(seeded_calendar, process):
    clock, cache = process
    first = cache.snapshot()
    clock.t += 5
    with CaptureQueriesContext(connection) as queries:
        assert cache.snapshot() is first
    assert len(queries) == 1


def test_an_interval_of_zero_checks_on_every_call(seeded_calendar):
    cache = calendar.CalendarCache(clock=Clock(), interval=0)
    cache.snapshot()
    other_process_makes_2027_10_04_a_rest_day()
    assert cache.snapshot().is_workday(D("2027-10-04")) is False


def test_the_interval_comes_from_settings_by_default(seeded_calendar, settings):
    settings.GOVHALL_CALENDAR_CHECK_SECONDS = 30
    clock = Clock()
    cache = calendar.CalendarCache(clock=clock)
    cache.snapshot()
    other_process_makes_2027_10_04_a_rest_day()
    clock.t += 29
    assert cache.snapshot().is_workday(D("2027-10-04")) is True
    clock.t += 2
    assert cache.snapshot().is_workday(D("2027-10-04")) is False


def test_a_save_in_this_process_is_seen_at_once_even_within_the_interval(seeded_calendar):
    calendar.CACHE.snapshot()
    CalendarDay.objects.create(date=D("2027-10-04"), is_workday=False, name="国庆节", source="t")
    assert calendar.is_workday(D("2027-10-04")) is False


def test_an_empty_table_falls_back_to_monday_to_friday_everywhere(db):
    from govhall.workdays.models import CalendarRevision, CalendarYear

    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    CalendarRevision.objects.all()._raw_delete(CalendarRevision.objects.db)
    calendar.reset_cache()
    assert calendar.calendar_version() == 0
    assert calendar.deadline(D("2026-09-30"), 5) == calendar.Deadline(D("2026-10-07"), True, 0)
