"""Huey tasks of the portal. Adapters only: read the clock at the edge, call a service."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from govhall.portal import notify, services


@db_task()
def send_texts() -> dict:
    """Send the applicants' text messages that are due (queued after each commit that wrote some)."""
    return notify.send_due_texts(now=timezone.now())


@db_periodic_task(crontab(minute="*/5"))
def retry_texts() -> dict:
    """Texts a gateway refused are tried again when their time comes."""
    return notify.send_due_texts(now=timezone.now())


@db_periodic_task(crontab(minute="40", hour="*"))
def sweep_old_drafts() -> tuple[int, int]:
    """Hourly: remind the owners of drafts near removal, remove drafts kept too long without activity."""
    result = services.sweep_drafts(now=timezone.now())
    return result.reminded, result.removed
