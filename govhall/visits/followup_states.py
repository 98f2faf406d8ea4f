"""The state machine of the follow-up of a bad rating (差评整改), as one table and one function.

Read the table as: in state S, move M leads to state T. Anything not in the table is refused. Two moves
lead to a state that depends on what was recorded, and the function resolves them:

- verify (回访核实): a founded or partly founded finding obliges the department to rectify (→ rectifying);
  unfounded or unreachable closes the follow-up (→ closed);
- dismiss an appeal: the follow-up goes back to where it was when appealed: rectifying when a founded
  finding was recorded before the appeal, else callback.

Closing needs a finding, except when the centre upholds an appeal (the rating then leaves the figures).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.visits.errors import FollowUpMoveRefused
from govhall.visits.models.followups import FOUNDED_FINDINGS, Finding, FollowUpState


class Move:
    OPEN = "open"  # recorded on opening; not a move anyone makes
    VERIFY = "verify"  # 回访核实: callback and finding
    RECTIFY = "rectify"  # 整改: the rectification is recorded
    REPORT_BACK = "report_back"  # 反馈: the rater's view of the rectification
    APPEAL = "appeal"  # 申诉 by the department
    UPHOLD_APPEAL = "uphold_appeal"  # the centre: the rating leaves the figures
    DISMISS_APPEAL = "dismiss_appeal"  # the centre: the rating stands


MOVE_LABELS = {
    Move.OPEN: gettext_lazy("Opened"),
    Move.VERIFY: gettext_lazy("Called back and verified"),
    Move.RECTIFY: gettext_lazy("Rectification recorded"),
    Move.REPORT_BACK: gettext_lazy("Reported back to the rater"),
    Move.APPEAL: gettext_lazy("Appealed"),
    Move.UPHOLD_APPEAL: gettext_lazy("Appeal upheld"),
    Move.DISMISS_APPEAL: gettext_lazy("Appeal dismissed"),
}

# What the moves are called where they are offered or refused.
ACTION_LABELS = {
    Move.VERIFY: gettext_lazy("Call back and verify"),
    Move.RECTIFY: gettext_lazy("Rectify"),
    Move.REPORT_BACK: gettext_lazy("Report back to the rater"),
    Move.APPEAL: gettext_lazy("Appeal the rating"),
    Move.UPHOLD_APPEAL: gettext_lazy("Uphold the appeal"),
    Move.DISMISS_APPEAL: gettext_lazy("Dismiss the appeal"),
}

# Targets resolved from the row (see the module's docstring).
BY_FINDING = "by_finding"
BACK_TO_BEFORE_APPEAL = "back_to_before_appeal"

ALLOWED_TRANSITIONS: dict[str, dict[str, str]] = {
    FollowUpState.CALLBACK: {
        Move.VERIFY: BY_FINDING,
        Move.APPEAL: FollowUpState.APPEALED,
    },
    FollowUpState.RECTIFYING: {
        Move.RECTIFY: FollowUpState.RECTIFYING,
        Move.REPORT_BACK: FollowUpState.CLOSED,
        Move.APPEAL: FollowUpState.APPEALED,
    },
    FollowUpState.APPEALED: {
        Move.UPHOLD_APPEAL: FollowUpState.CLOSED,
        Move.DISMISS_APPEAL: BACK_TO_BEFORE_APPEAL,
    },
    FollowUpState.CLOSED: {},
}

# Who makes each move: the department responsible, or the centre (its supervisors).
DEPARTMENT_MOVES = frozenset({Move.VERIFY, Move.RECTIFY, Move.REPORT_BACK, Move.APPEAL})
CENTRE_MOVES = frozenset({Move.UPHOLD_APPEAL, Move.DISMISS_APPEAL})


def follow_up_transition(follow_up, move: str, *, finding: str | None = None) -> str:
    """The only gate for follow-up state changes: the state `move` leads to (the caller saves it), or
    FollowUpMoveRefused. `finding` is the finding the move records (verify) or the one on the row."""
    try:
        target = ALLOWED_TRANSITIONS[follow_up.state][move]
    except KeyError:
        raise FollowUpMoveRefused(state=follow_up.state, action=move) from None
    finding = follow_up.finding if finding is None else finding
    if target == BY_FINDING:
        if finding not in Finding.values:
            raise ValidationError({"finding": [finding_required_message()]})
        target = FollowUpState.RECTIFYING if finding in FOUNDED_FINDINGS else FollowUpState.CLOSED
    elif target == BACK_TO_BEFORE_APPEAL:
        target = FollowUpState.RECTIFYING if finding in FOUNDED_FINDINGS else FollowUpState.CALLBACK
    if target == FollowUpState.CLOSED and move != Move.UPHOLD_APPEAL and finding not in Finding.values:
        raise ValidationError({"finding": [finding_required_message()]})
    return target


def finding_required_message() -> str:
    return _(
        "A follow-up is closed only with a finding of the callback (founded, partly founded, unfounded or "
        "rater unreachable): record the finding and its explanation."
    )


def allowed_moves(state: str) -> list[str]:
    """The moves the table allows from `state` (permissions still apply)."""
    return list(ALLOWED_TRANSITIONS.get(state, {}))
