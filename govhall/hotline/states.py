"""The state machines of a ticket and of a dispatch, as tables and one function each.

Read a table as: in state S, move M leads to state T. Anything not in the table is refused (409). Some
moves lead to a state that depends on what else is true, and the functions resolve them:

- a ticket's SIGN: handling once every open dispatch of the round is signed for, else still dispatched;
- a ticket's CALLBACK: satisfied or fairly satisfied closes; dissatisfied goes to the centre's review; not
  reached stays replied until the configured number of failed attempts, then closes as unreachable.

    registered ─dispatch→ dispatched ─sign (all)→ handling ─reply→ replied ─callback→ closed
         │                  ↑   return accepted: re-dispatch        │  dissatisfied
         └─answer_on_call→ closed                                   ↓
                            └──────────── redo ←──────────────── review ─confirm→ closed
                            └── inspection_redo ← replied, review or closed (on-site inspection: not done)
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.errors import TransitionNotAllowed
from govhall.hotline.models import CallbackOutcome, DispatchState, TicketState


class Move:
    REGISTER = "register"  # recorded on creation
    ANSWER_ON_CALL = "answer_on_call"  # 当场解答
    DISPATCH = "dispatch"  # 派单
    SIGN = "sign"  # 签收
    REQUEST_RETURN = "request_return"  # 申请退单
    ACCEPT_RETURN = "accept_return"  # 退单审核通过: the dispatch is withdrawn (and re-dispatched)
    REJECT_RETURN = "reject_return"  # 退单驳回: the unit keeps it
    REDISPATCH = "redispatch"  # the centre sends it to another unit (after a return, or by override)
    REQUEST_EXTENSION = "request_extension"  # 申请延期
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    CONTRIBUTE = "contribute"  # 协办意见
    REPLY = "reply"  # 答复
    CALLBACK = "callback"  # 回访
    CLOSE_NO_CALLBACK = "close_no_callback"  # anonymous: nobody to call back, closed on the reply
    CONFIRM_CLOSE = "confirm_close"  # the centre finds the dissatisfaction not upheld
    REDO = "redo"  # 重办
    INSPECTION_REDO = "inspection_redo"  # 现场督查 found the reply not done: 重办
    ESCALATE = "escalate"  # 提级督办
    REVEAL = "reveal"  # contact data revealed
    REMOVE_CONTACT = "remove_contact"  # retention: contact data removed
    CITE = "cite"  # a knowledge entry's version cited for the answer (知识库引用)
    REPEAT_CALL = "repeat_call"  # 重复来电: the same caller again about this open ticket (counted only)
    MERGE = "merge"  # 重复件: linked to a master ticket instead of being dispatched
    UNMERGE = "unmerge"  # the link undone: registered again, to be dispatched on its own
    LINK_DUPLICATE = "link_duplicate"  # on the master: a duplicate was linked to it
    UNLINK_DUPLICATE = "unlink_duplicate"  # on the master: a duplicate was unlinked
    MASTER_REPLY = "master_reply"  # the master's reply reached this duplicate's caller


MOVE_LABELS = {
    Move.REGISTER: gettext_lazy("Registered"),
    Move.ANSWER_ON_CALL: gettext_lazy("Answered during the call"),
    Move.DISPATCH: gettext_lazy("Dispatched"),
    Move.SIGN: gettext_lazy("Signed for"),
    Move.REQUEST_RETURN: gettext_lazy("Return requested"),
    Move.ACCEPT_RETURN: gettext_lazy("Return accepted"),
    Move.REJECT_RETURN: gettext_lazy("Return rejected"),
    Move.REDISPATCH: gettext_lazy("Re-dispatched"),
    Move.REQUEST_EXTENSION: gettext_lazy("Extension requested"),
    Move.APPROVE_EXTENSION: gettext_lazy("Extension approved"),
    Move.REFUSE_EXTENSION: gettext_lazy("Extension refused"),
    Move.CONTRIBUTE: gettext_lazy("Co-unit's contribution"),
    Move.REPLY: gettext_lazy("Replied"),
    Move.CALLBACK: gettext_lazy("Called back"),
    Move.CLOSE_NO_CALLBACK: gettext_lazy("Closed without callback (nobody to call)"),
    Move.CONFIRM_CLOSE: gettext_lazy("Dissatisfaction not upheld, closed"),
    Move.REDO: gettext_lazy("Sent back to be redone"),
    Move.INSPECTION_REDO: gettext_lazy("Sent back to be redone after an on-site inspection"),
    Move.ESCALATE: gettext_lazy("Escalated to a supervision order"),
    Move.REVEAL: gettext_lazy("Contact data revealed"),
    Move.REMOVE_CONTACT: gettext_lazy("Contact data removed"),
    Move.CITE: gettext_lazy("Knowledge entry cited"),
    Move.REPEAT_CALL: gettext_lazy("Repeat call from the same caller"),
    Move.MERGE: gettext_lazy("Linked as a duplicate to a master ticket"),
    Move.UNMERGE: gettext_lazy("Duplicate link undone"),
    Move.LINK_DUPLICATE: gettext_lazy("Duplicate ticket linked"),
    Move.UNLINK_DUPLICATE: gettext_lazy("Duplicate ticket unlinked"),
    Move.MASTER_REPLY: gettext_lazy("Master ticket's reply passed on"),
}

# Targets resolved by the functions below.
BY_SIGNATURES = "by_signatures"
BY_OUTCOME = "by_outcome"

TICKET_TRANSITIONS: dict[str, dict[str, str]] = {
    TicketState.REGISTERED: {
        Move.DISPATCH: TicketState.DISPATCHED,
        Move.ANSWER_ON_CALL: TicketState.CLOSED,
        Move.MERGE: TicketState.MERGED,
    },
    TicketState.DISPATCHED: {
        Move.SIGN: BY_SIGNATURES,
        Move.REQUEST_RETURN: TicketState.DISPATCHED,
        Move.ACCEPT_RETURN: BY_SIGNATURES,
        Move.REJECT_RETURN: BY_SIGNATURES,
        Move.REDISPATCH: TicketState.DISPATCHED,
        Move.CONTRIBUTE: TicketState.DISPATCHED,
        Move.REQUEST_EXTENSION: TicketState.DISPATCHED,
        Move.APPROVE_EXTENSION: TicketState.DISPATCHED,
        Move.REFUSE_EXTENSION: TicketState.DISPATCHED,
    },
    TicketState.HANDLING: {
        Move.REQUEST_RETURN: TicketState.HANDLING,
        Move.ACCEPT_RETURN: BY_SIGNATURES,
        Move.REJECT_RETURN: BY_SIGNATURES,
        Move.REDISPATCH: TicketState.DISPATCHED,
        Move.CONTRIBUTE: TicketState.HANDLING,
        Move.REQUEST_EXTENSION: TicketState.HANDLING,
        Move.APPROVE_EXTENSION: TicketState.HANDLING,
        Move.REFUSE_EXTENSION: TicketState.HANDLING,
        Move.REPLY: TicketState.REPLIED,
    },
    TicketState.REPLIED: {
        Move.CALLBACK: BY_OUTCOME,
        Move.CLOSE_NO_CALLBACK: TicketState.CLOSED,
        Move.INSPECTION_REDO: TicketState.DISPATCHED,
    },
    TicketState.REVIEW: {
        Move.CONFIRM_CLOSE: TicketState.CLOSED,
        Move.REDO: TicketState.DISPATCHED,
        Move.INSPECTION_REDO: TicketState.DISPATCHED,
    },
    # A reply found not done on the spot reopens the ticket (govhall.hotline.inspection).
    TicketState.CLOSED: {Move.INSPECTION_REDO: TicketState.DISPATCHED},
    # A duplicate waits for its master's reply, then is called back like any replied ticket.
    TicketState.MERGED: {
        Move.UNMERGE: TicketState.REGISTERED,
        Move.MASTER_REPLY: TicketState.REPLIED,
    },
}

# Moves that leave an open ticket in its state: a repeat call attaches to it, a duplicate links to (or is
# unlinked from) it as the master. Not on a closed ticket, nor on one that is itself a duplicate.
for _state in (
    TicketState.REGISTERED,
    TicketState.DISPATCHED,
    TicketState.HANDLING,
    TicketState.REPLIED,
    TicketState.REVIEW,
):
    for _move in (Move.REPEAT_CALL, Move.LINK_DUPLICATE, Move.UNLINK_DUPLICATE):
        TICKET_TRANSITIONS[_state][_move] = _state
# The caller of a duplicate may call again about it too: counted on their own ticket.
TICKET_TRANSITIONS[TicketState.MERGED][Move.REPEAT_CALL] = TicketState.MERGED

# A dispatch's own machine: which moves a unit (or the centre, on the unit's dispatch) may make.
DISPATCH_TRANSITIONS: dict[str, dict[str, str]] = {
    DispatchState.PENDING: {
        Move.SIGN: DispatchState.SIGNED,
        Move.REQUEST_RETURN: DispatchState.RETURN_REQUESTED,
        Move.REDISPATCH: DispatchState.WITHDRAWN,
    },
    DispatchState.SIGNED: {
        Move.REQUEST_RETURN: DispatchState.RETURN_REQUESTED,
        Move.REQUEST_EXTENSION: DispatchState.SIGNED,
        Move.APPROVE_EXTENSION: DispatchState.SIGNED,
        Move.REFUSE_EXTENSION: DispatchState.SIGNED,
        Move.CONTRIBUTE: DispatchState.DONE,
        Move.REPLY: DispatchState.DONE,
        Move.REDISPATCH: DispatchState.WITHDRAWN,
    },
    DispatchState.RETURN_REQUESTED: {
        Move.ACCEPT_RETURN: DispatchState.WITHDRAWN,
        # Rejected: back to signed if it had been signed for before, else to pending.
        Move.REJECT_RETURN: "back",
    },
    DispatchState.DONE: {},
    DispatchState.WITHDRAWN: {},
}

ACTION_LABELS = {
    Move.DISPATCH: gettext_lazy("Dispatch"),
    Move.ANSWER_ON_CALL: gettext_lazy("Answer during the call"),
    Move.SIGN: gettext_lazy("Sign for"),
    Move.REQUEST_RETURN: gettext_lazy("Return the ticket"),
    Move.ACCEPT_RETURN: gettext_lazy("Accept the return"),
    Move.REJECT_RETURN: gettext_lazy("Reject the return"),
    Move.REDISPATCH: gettext_lazy("Re-dispatch"),
    Move.REQUEST_EXTENSION: gettext_lazy("Ask for an extension"),
    Move.APPROVE_EXTENSION: gettext_lazy("Approve the extension"),
    Move.REFUSE_EXTENSION: gettext_lazy("Refuse the extension"),
    Move.CONTRIBUTE: gettext_lazy("Contribute to the reply"),
    Move.REPLY: gettext_lazy("Reply"),
    Move.CALLBACK: gettext_lazy("Record a callback"),
    Move.CLOSE_NO_CALLBACK: gettext_lazy("Close without callback"),
    Move.CONFIRM_CLOSE: gettext_lazy("Close: dissatisfaction not upheld"),
    Move.REDO: gettext_lazy("Send back to be redone"),
    Move.REPEAT_CALL: gettext_lazy("Record a repeat call"),
    Move.MERGE: gettext_lazy("Link as a duplicate"),
    Move.UNMERGE: gettext_lazy("Undo the duplicate link"),
    Move.LINK_DUPLICATE: gettext_lazy("Take a duplicate"),
    Move.UNLINK_DUPLICATE: gettext_lazy("Release a duplicate"),
    Move.MASTER_REPLY: gettext_lazy("Pass on the master's reply"),
    Move.INSPECTION_REDO: gettext_lazy("Send back to be redone (on-site inspection)"),
}

# Who makes each move: the centre (operators and supervisors) or the unit the dispatch belongs to.
CENTRE_MOVES = frozenset(
    {
        Move.DISPATCH,
        Move.ANSWER_ON_CALL,
        Move.ACCEPT_RETURN,
        Move.REJECT_RETURN,
        Move.REDISPATCH,
        Move.APPROVE_EXTENSION,
        Move.REFUSE_EXTENSION,
        Move.CALLBACK,
        Move.CONFIRM_CLOSE,
        Move.REDO,
        Move.REPEAT_CALL,
        Move.MERGE,
        Move.UNMERGE,
    }
)
UNIT_MOVES = frozenset({Move.SIGN, Move.REQUEST_RETURN, Move.REQUEST_EXTENSION, Move.CONTRIBUTE, Move.REPLY})


class MoveRefused(TransitionNotAllowed):
    """The move is not in the table for the current state (answered 409)."""

    def __init__(self, *, machine: str, state: str, action: str, allowed) -> None:
        self.machine = machine
        self.state = state
        self.action = action
        names = ", ".join(str(ACTION_LABELS.get(m, m)) for m in allowed) or _("none")
        label = (TicketState if machine == "ticket" else DispatchState)(state).label
        Exception.__init__(
            self,
            _("“%(action)s” is not allowed on a %(machine)s in state “%(state)s” (allowed: %(allowed)s).")
            % {
                "action": ACTION_LABELS.get(action, action),
                "machine": _("ticket") if machine == "ticket" else _("dispatch"),
                "state": label,
                "allowed": names,
            },
        )


def ticket_transition(
    ticket,
    move: str,
    *,
    all_signed: bool | None = None,
    outcome: str | None = None,
    unreachable: bool = False,
) -> str:
    """The ticket's state after `move`, or MoveRefused. `all_signed`: after the move every open dispatch of
    the round is signed for; `outcome`/`unreachable`: the callback's outcome and whether the failed attempts
    reached the limit."""
    moves = TICKET_TRANSITIONS.get(ticket.state, {})
    if move not in moves:
        raise MoveRefused(machine="ticket", state=ticket.state, action=move, allowed=moves)
    target = moves[move]
    if target == BY_SIGNATURES:
        return TicketState.HANDLING if all_signed else TicketState.DISPATCHED
    if target == BY_OUTCOME:
        if outcome in (CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY):
            return TicketState.CLOSED
        if outcome == CallbackOutcome.DISSATISFIED:
            return TicketState.REVIEW
        return TicketState.CLOSED if unreachable else TicketState.REPLIED
    return target


def dispatch_transition(dispatch, move: str) -> str:
    """The dispatch's state after `move`, or MoveRefused."""
    moves = DISPATCH_TRANSITIONS.get(dispatch.state, {})
    if move not in moves:
        raise MoveRefused(machine="dispatch", state=dispatch.state, action=move, allowed=moves)
    target = moves[move]
    if target == "back":
        return DispatchState.SIGNED if dispatch.signed_at else DispatchState.PENDING
    return target
