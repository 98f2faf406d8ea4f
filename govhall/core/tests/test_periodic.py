"""A periodic task's period is claimed once: the first run of a minute wins, the others of that minute
skip, the next minute is free again, and claims older than a week go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from govhall.core.models import PeriodClaim
from govhall.core.periodic import claim

T = datetime(2026, 12, 6, 8, 30, 15, tzinfo=UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "runs, expected",
    [
        ([("a", 0)], [True]),
        ([("a", 0), ("a", 40)], [True, False]),  # same minute: 08:30:15 and 08:30:55
        ([("a", 0), ("a", 45)], [True, True]),  # 08:31:00 is the next minute
        ([("a", 0), ("b", 0)], [True, True]),  # another task
        ([("a", 0), ("a", 0), ("a", 60), ("a", 61)], [True, False, True, False]),
    ],
)
def test_one_run_per_task_and_minute(runs, expected):
    assert [claim(task, now=T + timedelta(seconds=s)) for task, s in runs] == expected


@pytest.mark.django_db
def test_claims_older_than_a_week_are_dropped():
    claim("a", now=T - timedelta(days=8))
    claim("a", now=T - timedelta(days=6))
    claim("a", now=T)
    assert PeriodClaim.objects.filter(task="a").count() == 2
