"""Periodic sweeps of the case rules (Huey). Adapters only: read the clock at the edge, call a service."""

from __future__ import annotations

from datetime import date

from django.dispatch import receiver
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_task

from govhall.cases import services
from govhall.core.periodic import periodic_task
from govhall.workdays.signals import calendar_revised


@periodic_task(crontab(minute="5", hour="0"))
def convert_unfinished_immediate_cases() -> int:
    """Just after midnight: immediate cases accepted before today and not concluded become committed."""
    return services.convert_unfinished_immediate(now=timezone.now())


@periodic_task(crontab(minute="15", hour="*"))
def apply_five_day_rule() -> int:
    """Hourly: cases past the one-time-notice window without a notice count as accepted from receipt."""
    return services.deem_overdue_receipts(now=timezone.now())


@db_task()
def recompute_clocks_after_revision(since: str) -> int:
    """After a calendar change (workdays' calendar_revised): due dates from `since` on, counted again."""
    return services.recompute_clocks(since=date.fromisoformat(since), now=timezone.now())


@receiver(calendar_revised, dispatch_uid="cases.recompute_clocks")
def calendar_was_revised(sender, *, since: date, **kwargs) -> None:
    recompute_clocks_after_revision(since.isoformat())
