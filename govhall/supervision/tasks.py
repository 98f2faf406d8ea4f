"""Huey tasks of supervision. Adapters only: read the clock at the edge, call a service."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_task

from govhall.core.periodic import periodic_task
from govhall.supervision import notify
from govhall.supervision.sweep import sweep


@periodic_task(crontab(minute=f"*/{settings.GOVHALL_SWEEP_MINUTES}"))
def supervise() -> dict:
    """Every minute by default (GOVHALL_SWEEP_MINUTES): reminders, rule cards, escalations; then send."""
    result = sweep(now=timezone.now())
    notify.deliver_due(now=timezone.now())
    return {"crossings": result.crossings, "cards": result.cards, "messages": result.messages}


@db_task()
def deliver_outbox() -> dict:
    """Send the e-mails and text messages that are due (queued after each commit that wrote some)."""
    return notify.deliver_due(now=timezone.now())


@db_task()
def restamp_open_rows() -> int:
    """After a threshold rule changed: recompute yellow of every open step, case and lane case."""
    from django.apps import apps

    from govhall.supervision.lights import restamp_open

    count = restamp_open()
    if apps.is_installed("govhall.lanes"):
        from govhall.lanes.services.clock import restamp_open_lanes

        count += restamp_open_lanes()
    return count
