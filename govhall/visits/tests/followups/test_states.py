"""The follow-up's transition table, read as a specification: every state × move, allowed or refused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from govhall.visits.errors import FollowUpMoveRefused
from govhall.visits.followup_states import ALLOWED_TRANSITIONS, Move, allowed_moves, follow_up_transition
from govhall.visits.models.followups import FollowUpState

CALLBACK, RECTIFYING, APPEALED, CLOSED = (
    FollowUpState.CALLBACK,
    FollowUpState.RECTIFYING,
    FollowUpState.APPEALED,
    FollowUpState.CLOSED,
)

# (state, finding on the row, move, finding given, expected state or None when refused)
TABLE = [
    (CALLBACK, "", Move.VERIFY, "founded", RECTIFYING),
    (CALLBACK, "", Move.VERIFY, "partly", RECTIFYING),
    (CALLBACK, "", Move.VERIFY, "unfounded", CLOSED),
    (CALLBACK, "", Move.VERIFY, "unreachable", CLOSED),
    (CALLBACK, "", Move.APPEAL, None, APPEALED),
    (CALLBACK, "", Move.RECTIFY, None, None),
    (CALLBACK, "", Move.REPORT_BACK, None, None),
    (CALLBACK, "", Move.UPHOLD_APPEAL, None, None),
    (CALLBACK, "", Move.DISMISS_APPEAL, None, None),
    (RECTIFYING, "founded", Move.RECTIFY, None, RECTIFYING),
    (RECTIFYING, "founded", Move.REPORT_BACK, None, CLOSED),
    (RECTIFYING, "partly", Move.APPEAL, None, APPEALED),
    (RECTIFYING, "founded", Move.VERIFY, "founded", None),
    (RECTIFYING, "founded", Move.UPHOLD_APPEAL, None, None),
    (APPEALED, "", Move.UPHOLD_APPEAL, None, CLOSED),
    (APPEALED, "", Move.DISMISS_APPEAL, None, CALLBACK),
    (APPEALED, "founded", Move.DISMISS_APPEAL, None, RECTIFYING),
    (APPEALED, "partly", Move.DISMISS_APPEAL, None, RECTIFYING),
    (APPEALED, "", Move.VERIFY, "founded", None),
    (APPEALED, "founded", Move.RECTIFY, None, None),
    (APPEALED, "", Move.APPEAL, None, None),
    *[
        (CLOSED, "unfounded", move, None, None)
        for move in (
            Move.VERIFY,
            Move.RECTIFY,
            Move.REPORT_BACK,
            Move.APPEAL,
            Move.UPHOLD_APPEAL,
            Move.DISMISS_APPEAL,
        )
    ],
]


@pytest.mark.parametrize(("state", "on_row", "move", "finding", "expected"), TABLE)
def test_the_table_allows_exactly_these_moves(state, on_row, move, finding, expected):
    row = SimpleNamespace(state=state, finding=on_row)
    if expected is None:
        with pytest.raises(FollowUpMoveRefused) as refused:
            follow_up_transition(row, move, finding=finding)
        assert refused.value.action == move
    else:
        assert follow_up_transition(row, move, finding=finding) == expected


@pytest.mark.parametrize("finding", ["", "maybe"])
def test_a_follow_up_is_not_closed_without_a_finding(finding):
    with pytest.raises(ValidationError) as refused:
        follow_up_transition(SimpleNamespace(state=CALLBACK, finding=""), Move.VERIFY, finding=finding)
    assert "closed only with a finding" in refused.value.message_dict["finding"][0]


def test_report_back_without_a_finding_on_the_row_is_refused():
    with pytest.raises(ValidationError):
        follow_up_transition(SimpleNamespace(state=RECTIFYING, finding=""), Move.REPORT_BACK)


def test_an_upheld_appeal_closes_without_a_finding():
    assert follow_up_transition(SimpleNamespace(state=APPEALED, finding=""), Move.UPHOLD_APPEAL) == CLOSED


def test_every_state_has_a_row_and_closed_is_final():
    assert set(ALLOWED_TRANSITIONS) == set(FollowUpState.values)
    assert allowed_moves(CLOSED) == []
