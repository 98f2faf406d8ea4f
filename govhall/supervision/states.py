"""The state machines of cards and supervision orders, each one table and one function."""

from __future__ import annotations

from govhall.cases.errors import TransitionNotAllowed
from govhall.supervision.models import CardState, OrderState

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
