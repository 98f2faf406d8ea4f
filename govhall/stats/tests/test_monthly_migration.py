"""Migration 0003 fills the monthly roll-ups from the daily rows already stored (an upgrade keeps its
history): run backwards to 0002, daily rows written, then forwards again."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("stats", "0002_report_version_ranked_choices")]
AFTER = [("stats", "0003_monthly_rollups")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _migrate_to_latest() -> None:
    """Every app back at its last migration: going back to 0002 also unapplied 0004 and anything that
    depends on it, and later tests in this process (the API fuzz) read those columns."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_monthly_rows_are_the_daily_rows_summed_by_month_without_the_item():
    apps = _migrate(BEFORE)
    daily = apps.get_model("stats", "DailyFigure")
    durations = apps.get_model("stats", "DailyDuration")
    key = {"department": 7, "hall": 2, "channel": "window", "kind": "committed"}
    daily.objects.bulk_create(
        [
            daily(day=date(2026, 3, 2), item=11, received=3, concluded=1, used_days=4, **key),
            daily(day=date(2026, 3, 31), item=12, received=2, on_time=1, **key),
            daily(day=date(2026, 4, 1), item=11, received=5, **key),
            daily(day=date(2026, 3, 2), item=11, received=1, **{**key, "hall": 3}),
        ]
    )
    durations.objects.bulk_create(
        [
            durations(day=date(2026, 3, 2), item=11, used=4, count=1, **key),
            durations(day=date(2026, 3, 9), item=12, used=4, count=2, **key),
            durations(day=date(2026, 3, 9), item=12, used=0, count=1, **key),
        ]
    )
    try:
        apps = _migrate(AFTER)
        monthly = apps.get_model("stats", "MonthlyFigure")
        rows = {
            (r.month, r.hall): (r.received, r.concluded, r.on_time, r.used_days)
            for r in monthly.objects.all()
        }
        assert rows == {
            (date(2026, 3, 1), 2): (5, 1, 1, 4),
            (date(2026, 4, 1), 2): (5, 0, 0, 0),
            (date(2026, 3, 1), 3): (1, 0, 0, 0),
        }
        histogram = apps.get_model("stats", "MonthlyDuration").objects.values_list("month", "used", "count")
        assert sorted(histogram) == [(date(2026, 3, 1), 0, 1), (date(2026, 3, 1), 4, 3)]
    finally:
        _migrate_to_latest()
        from django.apps import apps as current

        for model in ("DailyFigure", "DailyDuration", "MonthlyFigure", "MonthlyDuration"):
            current.get_model("stats", model).objects.all().delete()
        columns = {
            c.name
            for c in connection.introspection.get_table_description(connection.cursor(), "stats_dailyfigure")
        }
        assert "online_decided" in columns, (
            f"stats_dailyfigure left without 0004's columns: {sorted(columns)}"
        )
