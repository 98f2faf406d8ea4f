"""Huey tasks of the visits app. Adapters only: read the clock at the edge, call a service. The visit's
own tasks live in tasks_visit and are imported here, where Huey looks for them."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab

from govhall.core.periodic import periodic_task
from govhall.visits.tasks_visit import generate_appointment_slots  # noqa: F401


@periodic_task(crontab(minute=f"*/{settings.GOVHALL_FOLLOWUP_SWEEP_MINUTES}"))
def sweep_rating_follow_ups() -> dict:
    """Every 5 minutes by default: reminders and escalations of the bad-rating follow-ups' deadlines."""
    from govhall.supervision.notify import deliver_due
    from govhall.visits.services.followup_sweep import sweep_follow_ups

    result = sweep_follow_ups(now=timezone.now())
    deliver_due(now=timezone.now())
    return result
