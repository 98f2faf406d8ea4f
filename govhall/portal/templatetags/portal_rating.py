"""The rating panel on a case's page in 我的办件: the current rating, and the form while it may be given or
changed (once the case is concluded, rejected or delivered, within the change period)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from govhall.visits.forms_ratings import RatingForm
from govhall.visits.services import ratings

register = template.Library()


@register.simple_tag
def rating_panel(case, form=None) -> dict:
    rateable = case.state in ratings.RATEABLE_CASE_STATES
    current = ratings.current_rating(case=case) if rateable else None
    return {
        "rateable": rateable,
        "current": current,
        "can_change": rateable and ratings.can_change(current, now=timezone.now()),
        "form": form or RatingForm(),
    }
