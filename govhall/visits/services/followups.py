"""Services of the follow-up of a bad rating. open_follow_up is called by the rating services inside their
transaction; the rest of the follow-up (verify, rectify, report back, appeal) lives here too."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from govhall.visits.models import FollowUp, Rating
from govhall.workdays.calendar import add_workdays

CALLBACK_DAYS = 1


def open_follow_up(rating: Rating, *, now: datetime) -> FollowUp:
    """Open the follow-up of a bad rating, assigned to the department that handled the rated service.
    Call inside the transaction that records the rating."""
    today = timezone.localdate(now)
    return FollowUp.objects.create(
        rating=rating,
        department=rating.department,
        opened_at=now,
        callback_due=add_workdays(today, CALLBACK_DAYS),
    )
