"""The data migration's seed: 2004–2026 from chinesecalendar, and a re-seed after a flush."""

from __future__ import annotations

from datetime import date

import chinese_calendar as cc
import pytest

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay, CalendarRevision, CalendarYear
from govhall.workdays.seed import chinese_name, ensure_seeded


def test_a_fresh_database_carries_the_calendar_2004_to_2026(db):
    assert list(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    assert CalendarDay.objects.count() == len(cc.holidays) + len(cc.workdays)
    assert CalendarRevision.objects.exists()


@pytest.mark.parametrize(
    ("day", "is_workday", "name"),
    [
        ("2026-02-17", False, "春节"),
        ("2026-10-10", True, "国庆节调休上班"),
        ("2015-09-03", False, "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
        ("2004-05-01", False, "劳动节"),
    ],
)
def test_seeded_days_carry_chinese_names(db, day, is_workday, name):
    row = CalendarDay.objects.get(date=date.fromisoformat(day))
    assert (row.is_workday, row.name, row.source, row.scope) == (
        is_workday,
        name,
        "chinesecalendar 1.11.0",
        "national",
    )


def test_an_unknown_holiday_name_is_kept_as_it_is():
    assert chinese_name("Mid-autumn Festival") == "中秋"
    assert chinese_name("Something New") == "Something New"


@pytest.mark.django_db(transaction=True)
def test_a_flushed_table_is_seeded_again(now):
    CalendarDay.objects.all().delete()
    CalendarYear.objects.all().delete()
    assert ensure_seeded(now=now) is not None
    assert ensure_seeded(now=now) is None  # already there: nothing to do
    calendar.reset_cache()
    assert calendar.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
