"""Background work of the visit (part visit): every night, the appointment slots of the coming days."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab

from govhall.core.periodic import periodic_task
from govhall.visits.services.visit import generate_slots


@periodic_task(crontab(hour="1", minute="10"))
def generate_appointment_slots() -> int:
    now = timezone.now()
    return generate_slots(start=timezone.localdate(now), days=settings.GOVHALL_SLOT_DAYS_AHEAD, now=now)
