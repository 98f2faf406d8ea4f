"""The case state machine is a table; one function enforces it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from govhall.cases.errors import TransitionNotAllowed
from govhall.cases.models import CaseState
from govhall.cases.states import (
    ALLOWED_TRANSITIONS,
    EXTENSION_TRANSITIONS,
    STEP_TRANSITIONS,
    Action,
    allowed_actions,
    transition,
)

EVERY_ALLOWED = [
    (state, action, target) for state, row in ALLOWED_TRANSITIONS.items() for action, target in row.items()
]

EXPECTED = {
    ("received", "request_supplement"): "supplement_requested",
    ("received", "accept"): "accepted",
    ("received", "deem_accept"): "accepted",
    ("received", "reject"): "rejected",
    ("received", "withdraw"): "withdrawn",
    ("supplement_requested", "complete_supplement"): "received",
    ("supplement_requested", "reject"): "rejected",
    ("supplement_requested", "withdraw"): "withdrawn",
    ("accepted", "suspend"): "suspended",
    ("accepted", "conclude"): "concluded",
    ("accepted", "withdraw"): "withdrawn",
    ("suspended", "resume"): "accepted",
    ("suspended", "withdraw"): "withdrawn",
    ("concluded", "deliver"): "delivered",
    ("registered", "answer"): "answered",
}


def test_the_table_is_exactly_the_documented_machine():
    assert {(s, a): t for s, a, t in EVERY_ALLOWED} == EXPECTED


def test_every_state_has_a_row():
    assert set(ALLOWED_TRANSITIONS) == set(CaseState.values)


@pytest.mark.parametrize(("state", "action", "target"), EVERY_ALLOWED)
def test_every_allowed_transition_leads_where_the_table_says(state, action, target):
    assert transition(SimpleNamespace(state=state), action) == target


REFUSED = [
    ("received", Action.CONCLUDE, "a case is accepted before it is concluded"),
    ("received", Action.SUSPEND, "no special procedure before acceptance"),
    ("supplement_requested", Action.ACCEPT, "materials must be complete first"),
    ("supplement_requested", Action.REQUEST_SUPPLEMENT, "the notice is issued once"),
    ("accepted", Action.ACCEPT, "accepted twice"),
    ("accepted", Action.REJECT, "no rejection after acceptance: the case is denied by a decision"),
    ("suspended", Action.CONCLUDE, "resume before concluding"),
    ("concluded", Action.WITHDRAW, "no withdrawal after conclusion"),
    ("delivered", Action.DELIVER, "delivered twice"),
    ("rejected", Action.ACCEPT, "a rejected case is closed"),
    ("withdrawn", Action.RESUME, "a withdrawn case is closed"),
    ("registered", Action.ACCEPT, "a consultation is not accepted"),
    ("answered", Action.ANSWER, "answered twice"),
]


@pytest.mark.parametrize(("state", "action", "rule"), REFUSED)
def test_actions_outside_the_table_are_refused_with_a_clear_message(state, action, rule):
    with pytest.raises(TransitionNotAllowed) as error:
        transition(SimpleNamespace(state=state), action)
    assert action in str(error.value) and state in str(error.value), rule


def test_withdrawal_is_allowed_in_every_state_before_conclusion():
    before = {"received", "supplement_requested", "accepted", "suspended"}
    assert {s for s in ALLOWED_TRANSITIONS if Action.WITHDRAW in ALLOWED_TRANSITIONS[s]} == before


def test_step_and_extension_machines():
    assert STEP_TRANSITIONS["pending"] == {"start": "active"}
    assert STEP_TRANSITIONS["active"] == {"approve": "done", "return": "returned"}
    assert EXTENSION_TRANSITIONS["requested"] == {"approve": "approved", "refuse": "refused"}
    assert EXTENSION_TRANSITIONS["approved"] == {} and EXTENSION_TRANSITIONS["refused"] == {}


def test_allowed_actions_lists_what_a_workbench_may_offer():
    assert allowed_actions("suspended") == ["resume", "withdraw"]
    assert allowed_actions("delivered") == []
