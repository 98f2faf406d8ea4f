"""Every change to the working-day calendar: one function each, one transaction each, one revision each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay, CalendarRevision, CalendarYear, Scope
from govhall.workdays.notices import (
    CalendarInputError,
    Notice,
    Problem,
    decode,
    guess_format,
    parse_notice,
)
from govhall.workdays.signals import calendar_revised

__all__ = [
    "CalendarInputError",
    "Change",
    "Notice",
    "add_local_rest_day",
    "apply_notice",
    "decode",
    "delete_calendar_entries",
    "guess_format",
    "parse_notice",
    "preview_notice",
    "remove_local_rest_day",
    "save_calendar_entry",
]


@dataclass(frozen=True)
class DayState:
    is_workday: bool
    name: str = ""
    scope: str = ""

    def label(self) -> str:
        kind = _("working day") if self.is_workday else _("rest day")
        return f"{kind} {self.name}".strip()


@dataclass(frozen=True)
class Change:
    date: date
    before: DayState
    after: DayState

    @property
    def name(self) -> str:
        return self.after.name or self.before.name

    @property
    def replaces_local_day(self) -> bool:
        return self.before.scope == Scope.LOCAL and self.after.scope != Scope.LOCAL


def _plain(d: date) -> DayState:
    return DayState(d.weekday() < 5)


def _year_dates(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year, 12, 31) - first).days + 1)]


def preview_notice(notice: Notice) -> list[Change]:
    """What applying the notice would change, day by day (only the days whose state or name changes)."""
    rows = CalendarDay.objects.filter(date__year=notice.year)
    before = {r.date: DayState(r.is_workday, r.name, r.scope) for r in rows}
    after = {d: s for d, s in before.items() if s.scope == Scope.LOCAL}
    after.update({d: DayState(work, name, Scope.NATIONAL) for d, (work, name) in notice.days().items()})
    changes = []
    for d in _year_dates(notice.year):
        old, new = before.get(d, _plain(d)), after.get(d, _plain(d))
        if (old.is_workday, old.name) != (new.is_workday, new.name):
            changes.append(Change(d, old, new))
    return changes


def _record(summary: str, *, by, now: datetime, since: date) -> CalendarRevision:
    """The revision row; after the commit, `calendar_revised(since=…)` so due dates are counted again."""
    revision = CalendarRevision.objects.create(created_at=now, summary=summary[:300], by=by)
    calendar.invalidate()
    transaction.on_commit(lambda: calendar_revised.send(sender=CalendarRevision, since=since))
    return revision


def _first_day(obj: CalendarDay | CalendarYear) -> date:
    return obj.date if isinstance(obj, CalendarDay) else date(obj.year, 1, 1)


def apply_notice(notice: Notice, *, by, now: datetime) -> CalendarRevision:
    """Replace the year's national days with the notice's, all or nothing. A local rest day on a date the
    notice names gives way to the national entry (the preview shows it)."""
    days = notice.days()
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=notice.year, scope=Scope.NATIONAL).delete()
        CalendarDay.objects.filter(date__in=list(days)).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d, is_workday=work, name=name, source=notice.source, scope=Scope.NATIONAL)
            for d, (work, name) in sorted(days.items())
        )
        CalendarYear.objects.update_or_create(
            year=notice.year, defaults={"source": notice.source, "title": notice.title, "loaded_at": now}
        )
        since = min([date(notice.year, 1, 1), *days])
        return _record(f"Loaded {notice.year}: {notice.title}", by=by, now=now, since=since)


def _check_local_date(day: date, field: str) -> list[Problem]:
    if not calendar.FIRST_YEAR <= day.year <= calendar.LAST_YEAR:
        return [
            Problem(
                None,
                field,
                _("must be between %(first)s and %(last)s")
                % {
                    "first": f"{calendar.FIRST_YEAR}-01-01",
                    "last": f"{calendar.LAST_YEAR}-12-31",
                },
            )
        ]
    return []


def add_local_rest_day(day: date, name: str, *, by, now: datetime) -> CalendarRevision:
    """A region's own extra rest day (e.g. a minority-ethnic holiday set by the local government)."""
    problems = _check_local_date(day, "date")
    if not name.strip():
        problems.append(Problem(None, "name", _("missing; give the rest day's name")))
    with transaction.atomic():
        existing = CalendarDay.objects.select_for_update().filter(date=day).first()
        if existing is not None:
            problems.append(
                Problem(
                    None,
                    "date",
                    _("%(date)s already has a %(scope)s entry “%(name)s”")
                    % {
                        "date": day.isoformat(),
                        "scope": existing.get_scope_display(),
                        "name": existing.name,
                    },
                )
            )
        elif not problems and day.weekday() >= 5:
            problems.append(
                Problem(
                    None,
                    "date",
                    _("%(date)s is a Saturday or Sunday, already a rest day") % {"date": day.isoformat()},
                )
            )
        if problems:
            raise CalendarInputError(problems)
        CalendarDay.objects.create(
            date=day, is_workday=False, name=name.strip(), source="local", scope=Scope.LOCAL
        )
        return _record(f"Local rest day {day.isoformat()} {name.strip()}", by=by, now=now, since=day)


def remove_local_rest_day(day: date, *, by, now: datetime) -> CalendarRevision:
    with transaction.atomic():
        deleted, _rows = CalendarDay.objects.filter(date=day, scope=Scope.LOCAL).delete()
        if not deleted:
            raise CalendarInputError(
                [Problem(None, "date", _("%(date)s has no local rest day") % {"date": day.isoformat()})]
            )
        return _record(f"Removed local rest day {day.isoformat()}", by=by, now=now, since=day)


def save_calendar_entry(obj: CalendarDay | CalendarYear, *, by, now: datetime) -> CalendarRevision:
    """An edit made by hand (the admin): saved with a revision like any other change."""
    with transaction.atomic():
        adding = obj._state.adding
        before = type(obj).objects.filter(pk=obj.pk).first() if not adding else None
        obj.save()
        verb = "Added" if adding else "Changed"
        since = min([_first_day(obj), *([_first_day(before)] if before is not None else [])])
        return _record(f"{verb} {obj._meta.model_name} {obj}", by=by, now=now, since=since)


def delete_calendar_entries(
    objs: Iterable[CalendarDay | CalendarYear], *, by, now: datetime
) -> CalendarRevision | None:
    with transaction.atomic():
        labels, firsts = [], []
        for obj in objs:
            labels.append(f"{obj._meta.model_name} {obj}")
            firsts.append(_first_day(obj))
            obj.delete()
        if not labels:
            return None
        return _record("Deleted " + ", ".join(labels), by=by, now=now, since=min(firsts))
