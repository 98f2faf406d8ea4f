"""Errors of the visits services. The API maps them as for cases (govhall.cases.api.domain_error_response):
StaleVersion → 409, a refused move → 409, a forbidden one → 403, ValidationError → 400 with field names."""

from __future__ import annotations

from django.utils.translation import gettext as _

from govhall.cases.errors import CaseForbidden, TransitionNotAllowed


class FollowUpForbidden(CaseForbidden):
    """The user's role or department may not make this move on this follow-up."""


class FollowUpMoveRefused(TransitionNotAllowed):
    """The move is not in the follow-up's ALLOWED_TRANSITIONS for its current state."""

    def __init__(self, *, state: str, action: str) -> None:
        from govhall.visits.followup_states import ACTION_LABELS, ALLOWED_TRANSITIONS
        from govhall.visits.models.followups import FollowUpState

        self.machine = "follow-up"
        self.state = state
        self.action = action
        moves = ALLOWED_TRANSITIONS.get(state, {})
        allowed = ", ".join(str(ACTION_LABELS.get(m, m)) for m in moves) or _("none: it is closed")
        Exception.__init__(
            self,
            _("“%(action)s” is not allowed on a follow-up in state “%(state)s” (allowed: %(allowed)s).")
            % {
                "action": ACTION_LABELS.get(action, action),
                "state": FollowUpState(state).label,
                "allowed": allowed,
            },
        )
