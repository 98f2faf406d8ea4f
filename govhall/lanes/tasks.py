"""Lane sweeps (Huey). Adapters only: read the clock at the edge, call a service."""

from __future__ import annotations

from datetime import date

from django.dispatch import receiver
from django.utils import timezone
from huey.contrib.djhuey import db_task

from govhall.lanes.services.clock import recompute_lane_clocks
from govhall.workdays.signals import calendar_revised


@db_task()
def recompute_lane_clocks_after_revision(since: str) -> int:
    """After a calendar change: lane and stage due dates from `since` on, counted again."""
    return recompute_lane_clocks(since=date.fromisoformat(since), now=timezone.now())


@receiver(calendar_revised, dispatch_uid="lanes.recompute_lane_clocks")
def calendar_was_revised(sender, *, since: date, **kwargs) -> None:
    recompute_lane_clocks_after_revision(since.isoformat())
