"""The calendar shipped with the code: 2004–2026 from the `chinesecalendar` package (v1.11.0).

Called by the data migration (with its historical models) and by test fixtures after a flush.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib.metadata import version

from django.apps import apps as global_apps

SEED_FIRST_YEAR = 2004
SEED_LAST_YEAR = 2026
SEED_TITLE = "国务院办公厅部分节假日安排（chinesecalendar 数据）"


def package_source() -> str:
    return f"chinesecalendar {version('chinesecalendar')}"


def chinese_name(english: str) -> str:
    """The raw dicts hold the Holiday enum's English value; the enum also carries the Chinese name."""
    from chinese_calendar.constants import Holiday

    try:
        return Holiday(english).chinese
    except ValueError:
        return english


def chinese_calendar_days(*, first_year: int, last_year: int) -> list[tuple[date, bool, str]]:
    """(date, is_workday, name) for every holiday and make-up working day in the package."""
    from chinese_calendar import holidays, workdays

    rows = [(d, False, chinese_name(name)) for d, name in holidays.items()]
    rows += [(d, True, f"{chinese_name(name)}调休上班") for d, name in workdays.items()]
    return sorted(row for row in rows if first_year <= row[0].year <= last_year)


def seed_from_chinese_calendar(
    *,
    now: datetime,
    apps=global_apps,
    first_year: int = SEED_FIRST_YEAR,
    last_year: int = SEED_LAST_YEAR,
) -> int:
    """Replace the national days of the seed years with the package's data; returns the new revision id.

    Local rest days on other dates stay; one on a seeded date gives way to the national entry.
    """
    day_model = apps.get_model("workdays", "CalendarDay")
    year_model = apps.get_model("workdays", "CalendarYear")
    revision_model = apps.get_model("workdays", "CalendarRevision")
    source = package_source()
    rows = chinese_calendar_days(first_year=first_year, last_year=last_year)
    in_years = {"date__gte": date(first_year, 1, 1), "date__lte": date(last_year, 12, 31)}
    day_model.objects.filter(scope="national", **in_years).delete()
    day_model.objects.filter(date__in=[row[0] for row in rows]).delete()
    day_model.objects.bulk_create(
        day_model(date=d, is_workday=work, name=name, source=source, scope="national")
        for d, work, name in rows
    )
    for year in range(first_year, last_year + 1):
        year_model.objects.update_or_create(
            year=year, defaults={"source": source, "title": SEED_TITLE, "loaded_at": now}
        )
    revision = revision_model.objects.create(
        created_at=now, summary=f"Seeded {first_year}–{last_year} from {source}"
    )
    return revision.pk


def ensure_seeded(*, now: datetime) -> int | None:
    """Seed again if the table was flushed (pytest-django's transactional tests empty every table)."""
    year_model = global_apps.get_model("workdays", "CalendarYear")
    if year_model.objects.filter(year__gte=SEED_FIRST_YEAR, year__lte=SEED_LAST_YEAR).count() == (
        SEED_LAST_YEAR - SEED_FIRST_YEAR + 1
    ):
        return None
    return seed_from_chinese_calendar(now=now)
