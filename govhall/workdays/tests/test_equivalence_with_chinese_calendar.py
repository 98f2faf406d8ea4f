"""add_workdays must give exactly what chinese_calendar.find_workday gives, for every day it knows.

find_workday itself needs about 2 ms per call at n = 30, so calling it for all 510,000 (date, n) pairs would
take minutes. The reference for n > 0 is therefore derived from the package's own is_workday, walked once;
find_workday is still called directly for n = 0 on every date and for every n on a random sample.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import chinese_calendar as cc
import pytest

from govhall.workdays import calendar

FIRST, LAST = date(2004, 1, 1), date(2026, 12, 1)
MAX_N = 60


@pytest.fixture(scope="module")
def reference():
    days = [FIRST + timedelta(days=i) for i in range((date(2026, 12, 31) - FIRST).days + 1)]
    flags = [cc.is_workday(d) for d in days]
    workdays = [d for d, work in zip(days, flags, strict=True) if work]
    # next_index[i]: position in `workdays` of the first working day on or after days[i]
    next_index, k = [0] * len(days), len(workdays)
    for i in range(len(days) - 1, -1, -1):
        if flags[i]:
            k -= 1
        next_index[i] = k
    return days, workdays, next_index


def weekday_after_2026(r: int) -> date:
    """The r-th (0-based) Monday–Friday day from 2027-01-01: the fallback for a year without data."""
    d = date(2027, 1, 1)
    while True:
        if d.weekday() < 5:
            if r == 0:
                return d
            r -= 1
        d += timedelta(days=1)


def test_add_workdays_equals_find_workday_for_every_date_2004_to_2026_and_n_0_to_60(
    seeded_calendar, reference
):
    days, workdays, next_index = reference
    snapshot = calendar.CACHE.snapshot()
    wrong, spilled = [], []
    for i, d in enumerate(days):
        if d > LAST:
            break
        if cc.find_workday(0, d) != workdays[next_index[i]]:
            wrong.append((d, 0, "reference"))
        for n in range(MAX_N + 1):
            j = next_index[i] + n
            ours = snapshot.add_workdays(d, n)
            if j < len(workdays):
                if ours != workdays[j]:
                    wrong.append((d, n, ours, workdays[j]))
            else:
                spilled.append((d, n))
                if ours != weekday_after_2026(j - len(workdays)):
                    wrong.append((d, n, ours, "Mon–Fri fallback"))
    assert wrong == []
    assert spilled, "dates late in 2026 must reach into 2027"


def test_add_workdays_equals_find_workday_called_directly_on_a_random_sample(seeded_calendar):
    rng = random.Random(20261128)
    span = (LAST - FIRST).days
    pairs = [(FIRST + timedelta(days=rng.randrange(span)), rng.randrange(MAX_N + 1)) for _ in range(300)]
    pairs += [(FIRST + timedelta(days=rng.randrange(span)), -rng.randrange(1, MAX_N + 1)) for _ in range(100)]
    checked = 0
    for d, n in pairs:
        try:
            expected = cc.find_workday(n, d)
        except NotImplementedError:
            continue
        assert calendar.add_workdays(d, n) == expected, (d, n)
        checked += 1
    assert checked > 350


@pytest.mark.parametrize(
    ("start", "n"),
    [
        (date(2026, 12, 1), 30),
        (date(2026, 12, 15), 20),
        (date(2026, 12, 31), 1),
        (date(2026, 11, 20), 60),
    ],
)
def test_a_count_that_runs_into_2027_uses_monday_to_friday_and_is_provisional(seeded_calendar, start, n):
    with pytest.raises(NotImplementedError):
        cc.find_workday(n, start)
    result = calendar.deadline(start, n)
    assert result.date.year == 2027
    assert result.provisional is True
    assert result.date.weekday() < 5
    assert calendar.workdays_between(date(2026, 12, 31), result.date) == (
        sum(
            1
            for i in range((result.date - date(2026, 12, 31)).days)
            if (date(2027, 1, 1) + timedelta(i)).weekday() < 5
        )
    )


@pytest.mark.parametrize(("start", "n"), [(date(2004, 1, 5), -5), (date(2004, 1, 2), -1)])
def test_a_negative_count_that_runs_into_2003_uses_monday_to_friday_and_is_provisional(
    seeded_calendar, start, n
):
    with pytest.raises(NotImplementedError):
        cc.find_workday(n, start)
    result = calendar.deadline(start, n)
    assert result.date.year == 2003
    assert result.provisional is True
