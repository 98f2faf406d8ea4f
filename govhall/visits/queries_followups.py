"""Reads of the follow-ups: who sees which, with the light of the current stage computed in SQL."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from govhall.cases.queries import mask_phone
from govhall.supervision import lights
from govhall.visits.models.followups import FollowUp, FollowUpState
from govhall.visits.services.followups import DEPARTMENT_ROLES, SEE_ALL_ROLES

NEVER_PAUSED = Q(pk__isnull=True)
FOLLOW_UP_LIT = ~Q(state=FollowUpState.CLOSED)


def visible_follow_ups(user) -> QuerySet[FollowUp]:
    """The centre (supervisors, leaders) sees every follow-up; a department's staff see their department's;
    everyone else none."""
    rows = FollowUp.objects.select_related("rating", "department")
    role = getattr(user, "role", None)
    if role in SEE_ALL_ROLES:
        return rows
    if role in DEPARTMENT_ROLES and user.department_id:
        return rows.filter(department_id=user.department_id)
    return rows.none()


def with_lights(rows: QuerySet[FollowUp], now: datetime) -> QuerySet[FollowUp]:
    """`.light` ('green' / 'yellow' / 'red', NULL when closed) against the current stage's deadline."""
    return rows.annotate(light=lights.light_expression(now, paused=NEVER_PAUSED, lit=FOLLOW_UP_LIT))


def light_filter(light: str, now: datetime) -> Q:
    return lights.conditions(now, paused=NEVER_PAUSED)[light] & FOLLOW_UP_LIT


def rater_summary(follow_up: FollowUp) -> dict[str, str]:
    """What the department needs to call the rater back, and no more: a masked name and the phone number
    (the callback needs it whole; it is shown only to those who may act on the follow-up)."""
    rating = follow_up.rating
    name = ""
    if rating.rater_id:
        full = rating.rater.display_name if (rating.rater.first_name or rating.rater.last_name) else ""
        name = (full[:1] + "*" * max(len(full) - 1, 1)) if full else ""  # 吴刚 → 吴*
    phone = rating.rater_phone or (rating.rater.phone if rating.rater_id else "")
    return {"name": name, "phone": phone, "masked_phone": mask_phone(phone) if phone else ""}
