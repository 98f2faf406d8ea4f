"""好差评 of a remote help session (一次一评): once the session has ended, the asker (or the draft's own
account) rates it once, with the hall's levels and reasons.

The rating is a visits `Rating` (rated object "help") recorded through the visits' rating service, so that
it counts in the 好差评 figures of the department and the clerk who helped like any other, and a bad one
opens its follow-up; the visits sit below the portal, so the session keeps the link (`HelpSession.rating`,
one-to-one). Who handled it: the session's department, its clerk, the clerk's hall (the centre) and the
item; the channel is the online service hall.

One transaction: the session locked, the rating and its follow-up written, the session's `rate` move
(ended → ended, version + 1, a HelpEvent). Refused, nothing written: a session not ended (cancelled,
no-show, still waiting or running: 409 by the state table), a second rating (409, `AlreadyRated`), someone
other than the asker or the draft's account (403), bad input (400 on the field, the visits' rules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.errors import TransitionNotAllowed
from govhall.portal.help_states import HelpMove, next_state
from govhall.portal.models import HelpSession
from govhall.portal.services.help import HelpForbidden, _move, lock_session
from govhall.visits.models import RatedObject, Rating, RatingChannel
from govhall.visits.services.ratings import rate_service


class AlreadyRated(TransitionNotAllowed):
    """The session has its rating: 一次一评, a second one is refused (409) and nothing is written."""

    def __init__(self, session: HelpSession) -> None:
        self.machine = "help_session"
        self.state = session.state
        self.action = HelpMove.RATE
        Exception.__init__(self, _("This remote help session has been rated already: it is rated once."))


def may_rate(session: HelpSession, user) -> bool:
    """The asker, or the account whose draft it is (a township clerk may ask for a resident's draft)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (session.asked_by_id, session.application.owner_id)


@transaction.atomic
def rate_help(
    session: HelpSession | int,
    *,
    level: int,
    by,
    now: datetime,
    reasons: Iterable[str] | None = None,
    comment: str = "",
) -> Rating:
    """Rate the ended session once; a bad level needs a reason and opens the department's follow-up."""
    session = lock_session(session)
    if not may_rate(session, by):
        raise HelpForbidden(_("Only the one who asked for the help, or the draft's account, rates it."))
    next_state(session.state, HelpMove.RATE)  # not ended: 409 naming the state
    if session.rating_id is not None:
        raise AlreadyRated(session)
    clerk = session.clerk
    rating = rate_service(
        RatedObject.HELP,
        level=level,
        reasons=reasons,
        comment=comment,
        channel=RatingChannel.PORTAL,
        rater=by,
        now=now,
        department_id=session.department_id,
        hall_id=clerk.hall_id if clerk is not None else None,
        clerk_id=session.clerk_id,
        item_id=session.item_id,
    )
    session.rating = rating
    _move(session, HelpMove.RATE, by=by, now=now, note=rating.get_level_display(), fields=["rating"])
    return rating
