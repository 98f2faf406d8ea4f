"""The remote help session's state machine as one table and one function (like the visit's).

Read it as: in state S, move M leads to state T. Anything not in the table is refused (409). The moves
that keep the state (edit, review, pre-approve, a chat message, a call's signal) are in the table too, so
that an ended session refuses them by the same rule.

    requested ─start→ in_progress ─end (advised / draft_improved / submitted)→ ended
        ├─cancel→ cancelled
        └─no_show→ no_show
    ended ─rate→ ended (once; a cancelled or no-show session is not rated)
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.errors import TransitionNotAllowed
from govhall.portal.models import HelpState


class HelpMove:
    REQUEST = "request"  # asked for now: joins the department's queue
    BOOK = "book"  # asked for on an appointment slot
    START = "start"  # a centre clerk of the department takes it
    EDIT = "edit"  # a field of the draft changed during the session
    REVIEW = "review"  # a material marked acceptable or not
    PREAPPROVE = "preapprove"  # 预审通过
    MESSAGE = "message"  # a line of the text chat
    SIGNAL = "signal"  # a WebRTC signalling message of the video call
    END = "end"
    CANCEL = "cancel"
    NO_SHOW = "no_show"  # called, nobody answered
    RATE = "rate"  # 一次一评: the asker rates the ended session (once: services.help_rating)


MOVE_LABELS = {
    HelpMove.REQUEST: gettext_lazy("Help asked for"),
    HelpMove.BOOK: gettext_lazy("Help booked on an appointment"),
    HelpMove.START: gettext_lazy("Taken by a centre clerk"),
    HelpMove.EDIT: gettext_lazy("Draft field changed"),
    HelpMove.REVIEW: gettext_lazy("Material marked"),
    HelpMove.PREAPPROVE: gettext_lazy("Draft pre-approved"),
    HelpMove.MESSAGE: gettext_lazy("Chat message"),
    HelpMove.SIGNAL: gettext_lazy("Video call"),
    HelpMove.END: gettext_lazy("Session ended"),
    HelpMove.CANCEL: gettext_lazy("Session cancelled"),
    HelpMove.NO_SHOW: gettext_lazy("Nobody answered"),
    HelpMove.RATE: gettext_lazy("Session rated"),
}

ALLOWED_TRANSITIONS: dict[str, dict[str, str]] = {
    HelpState.REQUESTED: {
        HelpMove.START: HelpState.IN_PROGRESS,
        HelpMove.CANCEL: HelpState.CANCELLED,
        HelpMove.NO_SHOW: HelpState.NO_SHOW,
    },
    HelpState.IN_PROGRESS: {
        HelpMove.EDIT: HelpState.IN_PROGRESS,
        HelpMove.REVIEW: HelpState.IN_PROGRESS,
        HelpMove.PREAPPROVE: HelpState.IN_PROGRESS,
        HelpMove.MESSAGE: HelpState.IN_PROGRESS,
        HelpMove.SIGNAL: HelpState.IN_PROGRESS,
        HelpMove.END: HelpState.ENDED,
    },
    HelpState.ENDED: {HelpMove.RATE: HelpState.ENDED},
    HelpState.CANCELLED: {},
    HelpState.NO_SHOW: {},
}


class HelpMoveRefused(TransitionNotAllowed):
    """A move the table does not allow, said in the session's own words (the API answers 409)."""

    def __init__(self, *, state: str, move: str) -> None:
        self.machine = "help_session"
        self.state = state
        self.action = move
        Exception.__init__(
            self,
            _("The remote help session is “%(state)s”: “%(move)s” is not allowed now.")
            % {"state": HelpState(state).label, "move": MOVE_LABELS.get(move, move)},
        )


def next_state(state: str, move: str) -> str:
    """The state `move` leads to from `state`; HelpMoveRefused (→ 409) when the table has no move."""
    try:
        return ALLOWED_TRANSITIONS[state][move]
    except KeyError:
        raise HelpMoveRefused(state=state, move=move) from None
