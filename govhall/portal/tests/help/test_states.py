"""The session's state table, read as a specification: every move from every state, allowed or refused."""

from __future__ import annotations

import pytest

from govhall.cases.errors import TransitionNotAllowed
from govhall.portal.help_states import ALLOWED_TRANSITIONS, HelpMove, next_state
from govhall.portal.models import HelpState

MOVES = [
    HelpMove.START,
    HelpMove.EDIT,
    HelpMove.REVIEW,
    HelpMove.PREAPPROVE,
    HelpMove.MESSAGE,
    HelpMove.SIGNAL,
    HelpMove.END,
    HelpMove.CANCEL,
    HelpMove.NO_SHOW,
    HelpMove.RATE,
]

TABLE = {
    # state: {move: the state it leads to}; every other move is refused
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
    # 一次一评: an ended session is rated (once: the service refuses a second rating)
    HelpState.ENDED: {HelpMove.RATE: HelpState.ENDED},
    HelpState.CANCELLED: {},
    HelpState.NO_SHOW: {},
}


def test_the_table_covers_every_state():
    assert set(ALLOWED_TRANSITIONS) == set(HelpState.values) == set(TABLE)


@pytest.mark.parametrize("state", list(TABLE))
@pytest.mark.parametrize("move", MOVES)
def test_each_move_from_each_state(state, move):
    target = TABLE[state].get(move)
    if target is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            next_state(state, move)
        assert str(HelpState(state).label) in str(refused.value)
    else:
        assert next_state(state, move) == target


@pytest.mark.parametrize("state", [HelpState.CANCELLED, HelpState.NO_SHOW])
def test_a_closed_session_allows_nothing(state):
    assert ALLOWED_TRANSITIONS[state] == {}


def test_an_ended_session_allows_only_its_rating():
    assert ALLOWED_TRANSITIONS[HelpState.ENDED] == {HelpMove.RATE: HelpState.ENDED}
