"""The state machines of cards and supervision orders, each one table and one function."""

from __future__ import annotations

from govhall.cases.errors import TransitionNotAllowed
from govhall.supervision.models import CardState, InspectionState, OrderState

# Card: the department replies (cause and correction) or appeals (申诉, once); a supervisor closes a replied
# card, and upholds or revokes an appealed one with a reason. An upheld card still needs its reply.
CARD_TRANSITIONS: dict[str, dict[str, str]] = {
    CardState.ISSUED: {"reply": CardState.REPLIED, "appeal": CardState.APPEALED, "revoke": CardState.REVOKED},
    CardState.REPLIED: {"close": CardState.CLOSED, "appeal": CardState.APPEALED},
    CardState.APPEALED: {"uphold": CardState.UPHELD, "revoke": CardState.REVOKED},
    CardState.UPHELD: {"reply": CardState.REPLIED, "close": CardState.CLOSED},
    CardState.REVOKED: {},
    CardState.CLOSED: {},
}

# Order (督办): the department replies; the supervisor closes it or sends it back with a reason.
ORDER_TRANSITIONS: dict[str, dict[str, str]] = {
    OrderState.OPEN: {"reply": OrderState.REPLIED, "close": OrderState.CLOSED},
    OrderState.REPLIED: {"close": OrderState.CLOSED, "reopen": OrderState.OPEN},
    OrderState.CLOSED: {},
}


# On-site inspection (现场督查): the inspector records findings and photos while it waits, then gives the
# verdict; the centre may cancel a task nobody has concluded. A verdict is final.
INSPECTION_TRANSITIONS: dict[str, dict[str, str]] = {
    InspectionState.PENDING: {
        "record": InspectionState.PENDING,
        "photo": InspectionState.PENDING,
        "done": InspectionState.DONE,
        "not_done": InspectionState.NOT_DONE,
        "cancel": InspectionState.CANCELLED,
    },
    InspectionState.DONE: {},
    InspectionState.NOT_DONE: {},
    InspectionState.CANCELLED: {},
}


def inspection_transition(inspection, action: str) -> str:
    try:
        return INSPECTION_TRANSITIONS[inspection.state][action]
    except KeyError:
        raise TransitionNotAllowed(machine="inspection", state=inspection.state, action=action) from None


def card_transition(card, action: str) -> str:
    try:
        return CARD_TRANSITIONS[card.state][action]
    except KeyError:
        raise TransitionNotAllowed(machine="card", state=card.state, action=action) from None


def order_transition(order, action: str) -> str:
    try:
        return ORDER_TRANSITIONS[order.state][action]
    except KeyError:
        raise TransitionNotAllowed(machine="order", state=order.state, action=action) from None
