"""The visit's state machine as one table and one function (like govhall.cases.states).

Read it as: in state S, action A leads to state T. Anything not in the table is refused.
"""

from __future__ import annotations

from govhall.cases.errors import TransitionNotAllowed
from govhall.visits.models import VisitState


class VisitAction:
    CALL = "call"  # 叫号
    RECALL = "recall"  # 重呼
    SKIP = "skip"  # 过号: absent when called
    REQUEUE = "requeue"  # a skipped resident came back
    START = "start"  # service starts at the window
    FINISH = "finish"  # service ends
    TRANSFER = "transfer"  # 转移 to another window group's queue
    CANCEL = "cancel"  # the resident gave up before being called


ALLOWED_TRANSITIONS: dict[str, dict[str, str]] = {
    VisitState.WAITING: {
        VisitAction.CALL: VisitState.CALLED,
        VisitAction.TRANSFER: VisitState.WAITING,
        VisitAction.CANCEL: VisitState.CANCELLED,
    },
    VisitState.CALLED: {
        VisitAction.RECALL: VisitState.CALLED,
        VisitAction.SKIP: VisitState.ABSENT,
        VisitAction.START: VisitState.SERVING,
        VisitAction.TRANSFER: VisitState.WAITING,
    },
    VisitState.SERVING: {
        VisitAction.FINISH: VisitState.DONE,
        VisitAction.TRANSFER: VisitState.WAITING,
    },
    VisitState.ABSENT: {VisitAction.REQUEUE: VisitState.WAITING},
    VisitState.DONE: {},
    VisitState.CANCELLED: {},
}

# A window holds at most one of these at a time.
AT_WINDOW = (VisitState.CALLED, VisitState.SERVING)


def next_state(state: str, action: str) -> str:
    """The state `action` leads to from `state`; TransitionNotAllowed (→ 409) when the table has no move."""
    try:
        return ALLOWED_TRANSITIONS[state][action]
    except KeyError:
        raise TransitionNotAllowed(machine="visit", state=state, action=action) from None
