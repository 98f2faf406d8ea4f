"""Huey tasks of the hotline. Adapters only: read the clock at the edge, call a service."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab

from govhall.core.periodic import periodic_task


@periodic_task(crontab(minute=f"*/{settings.GOVHALL_HOTLINE_SWEEP_MINUTES}"))
def sweep_hotline_tickets() -> dict:
    """Every 5 minutes by default (GOVHALL_HOTLINE_SWEEP_MINUTES): reminders and escalations of the
    dispatches' sign-for and handling deadlines; then send what is due."""
    from govhall.hotline.sweep import sweep_tickets
    from govhall.supervision.notify import deliver_due

    result = sweep_tickets(now=timezone.now())
    deliver_due(now=timezone.now())
    return result


@periodic_task(crontab(hour="3", minute="20"))
def remove_expired_hotline_contacts() -> int:
    """Daily at 03:20: blank the contact data of tickets closed longer ago than the retention period."""
    from govhall.hotline.services.privacy import remove_expired_contacts

    return remove_expired_contacts(now=timezone.now())


@periodic_task(crontab(hour="7", minute="10"))
def remind_knowledge_reviews() -> int:
    """Daily at 07:10: the owners of knowledge entries whose review date came, once per due date."""
    from govhall.hotline.knowledge.services import send_review_reminders
    from govhall.supervision.notify import deliver_due

    sent = send_review_reminders(now=timezone.now())
    deliver_due(now=timezone.now())
    return sent
