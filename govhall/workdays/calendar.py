"""Working-day arithmetic on an in-process sorted array of working-day ordinals.

The array is built from the `CalendarDay` table and plain Monday–Friday for every other day, from
FIRST_YEAR up to a few years past the data, and extended lazily up to LAST_YEAR. A day in a year without
a `CalendarYear` row is counted Monday–Friday and makes a deadline *provisional*.

Freshness: a write through the services (or any save/delete of a calendar row) drops this process's
copy at once; other processes notice the new `CalendarRevision` within
`settings.GOVHALL_CALENDAR_CHECK_SECONDS`, because a process asks the database for the latest revision
at most that often. Between checks a call costs a clock read and a bisect, no query.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from govhall.core import inputs

FIRST_YEAR = inputs.FIRST_YEAR  # 2000: the same years bound every date a request may carry
LAST_YEAR = inputs.LAST_YEAR  # 2100
# How far past the last stored year the first build reaches; later years are added on demand.
_INITIAL_MARGIN_YEARS = 10


class CalendarRangeError(ValueError):
    """A date or a count reaches outside the years the calendar can answer for."""


@dataclass(frozen=True)
class Deadline:
    date: date
    provisional: bool
    calendar_version: int


Token = tuple[int, str | None]


class Snapshot:
    """One consistent state of the calendar: pure arithmetic, no database access."""

    def __init__(
        self,
        *,
        overrides: dict[int, bool],
        official_years: Iterable[int],
        version: int = 0,
        token: Token = (0, None),
        until_year: int | None = None,
    ) -> None:
        self.overrides = overrides
        self.official_years = frozenset(official_years)
        self.version = version
        self.token = token
        self._lock = threading.Lock()
        self.first = date(FIRST_YEAR, 1, 1).toordinal()
        known = [date.fromordinal(o).year for o in overrides] + list(self.official_years)
        if until_year is None:
            until_year = max([*known, FIRST_YEAR]) + _INITIAL_MARGIN_YEARS
        until_year = min(until_year, LAST_YEAR)
        ords, flags = self._days(self.first, date(until_year, 12, 31).toordinal())
        # One tuple, swapped as a whole when extended, so readers on other threads never see half of it.
        self._data = (ords, flags, date(until_year, 12, 31).toordinal())

    def _days(self, first: int, last: int) -> tuple[list[int], bytearray]:
        overrides = self.overrides
        ords: list[int] = []
        flags = bytearray(last - first + 1)
        weekday = date.fromordinal(first).weekday()
        for o in range(first, last + 1):
            work = overrides.get(o)
            if work is None:
                work = weekday < 5
            if work:
                ords.append(o)
                flags[o - first] = 1
            weekday = 0 if weekday == 6 else weekday + 1
        return ords, flags

    def _extend(self) -> None:
        with self._lock:
            ords, flags, last = self._data
            year = date.fromordinal(last).year
            if year >= LAST_YEAR:
                raise CalendarRangeError(f"the working-day calendar ends on {LAST_YEAR}-12-31")
            new_last = date(LAST_YEAR, 12, 31).toordinal()
            more_ords, more_flags = self._days(last + 1, new_last)
            self._data = (ords + more_ords, flags + more_flags, new_last)

    def _check_start(self, o: int) -> None:
        if o < self.first:
            raise CalendarRangeError(f"the working-day calendar starts on {FIRST_YEAR}-01-01")

    # The public arithmetic. Each method follows chinese_calendar's conventions where one exists.

    def is_workday(self, d: date) -> bool:
        o = d.toordinal()
        self._check_start(o)
        while o > self._data[2]:
            self._extend()
        return bool(self._data[1][o - self.first])

    def is_provisional(self, d: date) -> bool:
        return d.year not in self.official_years

    def add_workdays(self, start: date, n: int) -> date:
        """As `chinese_calendar.find_workday(n, start)`: for n >= 0 the n-th working day after the first
        working day on or after `start`; for n < 0 the |n|-th working day before `start`."""
        o = start.toordinal()
        self._check_start(o)
        while True:
            ords, _, last = self._data
            if o <= last:
                j = bisect_left(ords, o) + n
                if j < 0:
                    raise CalendarRangeError(f"the working-day calendar starts on {FIRST_YEAR}-01-01")
                if j < len(ords):
                    return date.fromordinal(ords[j])
            self._extend()

    def workdays_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b; negative (and symmetric) when b < a."""
        oa, ob = a.toordinal(), b.toordinal()
        self._check_start(min(oa, ob))
        while max(oa, ob) > self._data[2]:
            self._extend()
        ords = self._data[0]
        return bisect_right(ords, ob) - bisect_right(ords, oa)

    def spans_provisional(self, a: date, b: date) -> bool:
        lo, hi = (a, b) if a <= b else (b, a)
        official = self.official_years
        return any(year not in official for year in range(lo.year, hi.year + 1))

    def deadline(self, start: date, n: int) -> Deadline:
        end = self.add_workdays(start, n)
        return Deadline(end, self.spans_provisional(start, end), self.version)


class CalendarCache:
    """This process's copy of the calendar, checked against the latest revision at most every `interval`
    seconds. `clock` and `interval` are injectable so tests can move time without sleeping."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, interval: float | None = None):
        self.clock = clock
        self.interval = interval
        self._snapshot: Snapshot | None = None
        self._fresh_until = float("-inf")
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        snap = self._snapshot
        if snap is not None and self.clock() < self._fresh_until:
            return snap
        return self._refresh()

    def reset(self) -> None:
        """Forget the copy; the next call rebuilds it from the table."""
        self._snapshot = None
        self._fresh_until = float("-inf")

    def _interval(self) -> float:
        if self.interval is not None:
            return self.interval
        from django.conf import settings

        return float(getattr(settings, "GOVHALL_CALENDAR_CHECK_SECONDS", 2))

    def _refresh(self) -> Snapshot:
        with self._lock:
            checked_at = self.clock()
            token = latest_token()
            snap = self._snapshot
            if snap is None or snap.token != token:
                snap = load_snapshot(token)
                self._snapshot = snap
            self._fresh_until = checked_at + self._interval()
            return snap


def latest_token() -> Token:
    from govhall.workdays.models import CalendarRevision

    row = CalendarRevision.objects.order_by("-id").values_list("id", "nonce").first()
    return (0, None) if row is None else (row[0], str(row[1]))


def load_snapshot(token: Token | None = None) -> Snapshot:
    from govhall.workdays.models import CalendarDay, CalendarYear

    if token is None:
        token = latest_token()
    overrides = {d.toordinal(): work for d, work in CalendarDay.objects.values_list("date", "is_workday")}
    years = CalendarYear.objects.values_list("year", flat=True)
    return Snapshot(overrides=overrides, official_years=years, version=token[0], token=token)


CACHE = CalendarCache()


def add_workdays(start: date, n: int) -> date:
    return CACHE.snapshot().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    return CACHE.snapshot().workdays_between(a, b)


def is_workday(d: date) -> bool:
    return CACHE.snapshot().is_workday(d)


def is_provisional(d: date) -> bool:
    return CACHE.snapshot().is_provisional(d)


def calendar_version() -> int:
    return CACHE.snapshot().version


def deadline(start: date, n: int) -> Deadline:
    return CACHE.snapshot().deadline(start, n)


def reset_cache() -> None:
    CACHE.reset()


def invalidate() -> None:
    """Called on every calendar write: rebuild now (this transaction sees its own rows) and again after
    commit (so other threads of this process stop using the old copy before their next check)."""
    from django.db import transaction

    CACHE.reset()
    transaction.on_commit(CACHE.reset)
