"""Moments of the living city, planned backwards from `now` in working days.

Every action of the demo happens at a moment before `now`, on a working day of the official calendar
(or Monday–Friday in a year without a holiday notice), between 09:00 and the afternoon. Today counts as a
day of work only when it is a working day and the morning is far enough gone; on a rest day, a holiday
or early in the morning the last action day is the working day before.

A step's light at `now` follows from the day it started (its due date is add_workdays(start, limit)), so
the open work is planned by choosing start days whose light at `now` is the one wanted
(`start_days`): whatever the weekday, holiday or year, every light shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.utils import timezone

from govhall.cases import clock as case_clock
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

OPENING = time(9, 0)
# Minutes after 09:00 in which a case's first action of a past day falls (until 13:00); its later actions
# that day follow a few minutes apart.
FIRST_ACTION_MINUTES = 240
# Today is a day of work once this many minutes after 09:00 have passed (10:30).
TODAY_FROM_MINUTES = 90
# Actions today stay this long before `now`.
TODAY_MARGIN = timedelta(minutes=45)


@dataclass(frozen=True)
class Clock:
    now: datetime

    @cached_property
    def zone(self):
        return timezone.get_current_timezone()

    @cached_property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def at(self, day: date, minutes: int = 0) -> datetime:
        """`minutes` after 09:00 on `day`, local time."""
        return datetime.combine(day, OPENING, self.zone) + timedelta(minutes=minutes)

    @cached_property
    def acts_today(self) -> bool:
        return workdays.is_workday(self.today) and self.now >= self.at(self.today, TODAY_FROM_MINUTES)

    def back(self, n: int) -> date:
        """The n-th working day before today (n ≥ 1)."""
        return workdays.add_workdays(self.today, -n)

    @cached_property
    def last_action_day(self) -> date:
        return self.today if self.acts_today else self.back(1)

    def action_days(self, depth: int) -> list[date]:
        """The last `depth` days of work, newest first (today first when it is one)."""
        days = [self.today] if self.acts_today else []
        days += [self.back(n) for n in range(1, depth + 1 - len(days))]
        return days

    def first_minutes(self, day: date) -> int:
        """The latest minute after 09:00 at which a case's first action on `day` may fall."""
        if day < self.today:
            return FIRST_ACTION_MINUTES
        spare = (self.now - TODAY_MARGIN - self.at(day)) // timedelta(minutes=1)
        return max(0, min(FIRST_ACTION_MINUTES, spare))

    def ahead(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n ≥ 0: add_workdays)."""
        return workdays.add_workdays(day, n)

    def between(self, a: date, b: date) -> int:
        return workdays.workdays_between(a, b)


@dataclass
class Moments:
    """Increasing moments for the actions of one case (or lane case): the first action on a day at a
    random time in the morning, each further one a few minutes after the one before."""

    clock: Clock
    rng: random.Random
    last: datetime | None = None
    taken: list[datetime] = field(default_factory=list)

    def on(self, day: date) -> datetime:
        if self.last is not None and timezone.localdate(self.last) >= day:
            moment = self.last + timedelta(minutes=self.rng.randint(2, 4))
        else:
            moment = self.clock.at(day, self.rng.randint(0, self.clock.first_minutes(day)))
        if moment >= self.clock.now:
            raise ValueError(f"planned a moment {moment} after now {self.clock.now}")
        self.last = moment
        self.taken.append(moment)
        return moment


def light_of_step(
    start: date, limit: int, threshold: lights.Threshold, now: datetime, *, added: int = 0
) -> str:
    """The light at `now` of a step of `limit` working days (plus `added`) started on `start`, as
    lights.stamp_step would set it."""
    due = case_clock.step_due_date(start, limit, added)
    warn_at, due_at = lights.thresholds(due, limit + added, threshold)
    if due_at <= now:
        return lights.RED
    if warn_at <= now:
        return lights.YELLOW
    return lights.GREEN


def start_days(
    light: str, limit: int, threshold: lights.Threshold, clock: Clock, *, added: int = 0, depth: int = 30
) -> list[date]:
    """Days of work (newest first) on which such a step may start and show `light` at `clock.now`."""
    return [
        day
        for day in clock.action_days(depth)
        if light_of_step(day, limit, threshold, clock.now, added=added) == light
    ]


def months_back(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return min(
        day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1), following - timedelta(1)
    )
