"""Huey tasks of the portal. Adapters only: read the clock at the edge, call a service."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_task

from govhall.core.periodic import periodic_task
from govhall.portal import notify, services


@db_task()
def send_texts() -> dict:
    """Send the applicants' text messages that are due (queued after each commit that wrote some)."""
    return notify.send_due_texts(now=timezone.now())


@periodic_task(crontab(minute="*/5"))
def retry_texts() -> dict:
    """Texts a gateway refused are tried again when their time comes."""
    return notify.send_due_texts(now=timezone.now())


@periodic_task(crontab(minute="40", hour="*"))
def sweep_old_drafts() -> tuple[int, int]:
    """Hourly: remind the owners of drafts near removal, remove drafts kept too long without activity."""
    result = services.sweep_drafts(now=timezone.now())
    return result.reminded, result.removed


# --- rating (issue 16): the invitation to rate a concluded case still unrated ---
@periodic_task(crontab(minute="20", hour="*"))
def invite_to_rate() -> int:
    """Hourly: invite (inbox and SMS, once per case) the applicants of concluded cases still unrated after
    GOVHALL_RATING_INVITE_DAYS days."""
    from govhall.portal.rating_invite import invite_unrated

    return invite_unrated(now=timezone.now())
