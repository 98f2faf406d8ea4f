"""The rating panel of an ended remote help session (一次一评): the form for the asker while the session is
unrated, then the rating given. The department's clerk sees neither (their figures are in the statistics)."""

from __future__ import annotations

from django import template

from govhall.portal.models import HelpState
from govhall.portal.services.help_rating import may_rate
from govhall.visits.forms_ratings import RatingForm

register = template.Library()


@register.simple_tag(takes_context=True)
def help_rating_panel(context, session) -> dict:
    user = context["request"].user
    shown = session.state == HelpState.ENDED and may_rate(session, user)
    return {
        "shown": shown,
        "current": session.rating if shown and session.rating_id else None,
        "form": context.get("rating_form") or RatingForm(),
    }
