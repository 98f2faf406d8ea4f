"""The callback (回访) and the review of a dissatisfied caller: outcomes, unreachable callers, 重办 and
提级督办; and the ticket's transition table, move by move."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from govhall.hotline.errors import StaleVersion, TicketForbidden
from govhall.hotline.models import (
    CallbackAttempt,
    CallbackOutcome,
    Closure,
    Dispatch,
    DispatchState,
    TicketEvent,
    TicketState,
)
from govhall.hotline.services import handling
from govhall.hotline.services.callback import record_callback, review_dissatisfaction
from govhall.hotline.states import TICKET_TRANSITIONS, Move, MoveRefused
from govhall.hotline.tests.flow import (
    call,
    dispatched,
    fast_passwords,  # noqa: F401
    part,
    replied,
    signed,
)
from govhall.supervision.models import Order

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def callback(world, ticket, outcome, solved=None, **kw):
    return record_callback(
        ticket, outcome=outcome, solved=solved, by=world.operator, now=world.now + 2 * DAY, **kw
    )


@pytest.mark.parametrize("outcome", [CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY])
def test_a_satisfied_caller_closes_the_ticket(world, outcome):
    ticket = callback(world, replied(world), outcome, solved=True)
    assert (ticket.state, ticket.closure, ticket.callback_outcome, ticket.solved) == (
        TicketState.CLOSED,
        Closure.CALLBACK,
        outcome,
        True,
    )
    assert ticket.closed_at == world.now + 2 * DAY
    attempt = CallbackAttempt.objects.get(ticket=ticket)
    assert (attempt.round, attempt.outcome, attempt.by) == (0, outcome, world.operator)


def test_solved_is_asked_unless_the_caller_was_not_reached(world):
    ticket = replied(world)
    with pytest.raises(ValidationError) as e:
        callback(world, ticket, CallbackOutcome.SATISFIED)
    assert "solved" in e.value.message_dict
    assert not CallbackAttempt.objects.exists()
    callback(world, ticket, CallbackOutcome.NO_ANSWER)
    assert CallbackAttempt.objects.get().solved is None


def test_an_unknown_outcome_names_the_field(world):
    with pytest.raises(ValidationError) as e:
        callback(world, replied(world), "happy", solved=True)
    assert "outcome" in e.value.message_dict


def test_a_callback_before_the_reply_is_refused_and_writes_nothing(world):
    ticket = signed(world)
    before = TicketEvent.objects.count()
    with pytest.raises(MoveRefused):
        callback(world, ticket, CallbackOutcome.SATISFIED, solved=True)
    assert not CallbackAttempt.objects.exists()
    assert TicketEvent.objects.count() == before


def test_only_the_centre_calls_back(world):
    with pytest.raises(TicketForbidden):
        record_callback(
            replied(world), outcome="satisfied", solved=True, by=world.HBJ_head, now=world.now + 2 * DAY
        )


@override_settings(GOVHALL_HOTLINE_CALLBACK_ATTEMPTS=3)
def test_a_caller_not_reached_three_times_closes_as_unreachable(world):
    ticket = replied(world)
    for n in (1, 2):
        ticket = callback(world, ticket, CallbackOutcome.NO_ANSWER)
        assert (ticket.state, ticket.failed_callbacks) == (TicketState.REPLIED, n)
    ticket = callback(world, ticket, CallbackOutcome.NO_ANSWER)
    assert (ticket.state, ticket.closure, ticket.failed_callbacks) == (
        TicketState.CLOSED,
        Closure.UNREACHABLE,
        3,
    )
    assert ticket.callback_outcome == CallbackOutcome.NO_ANSWER and ticket.solved is None
    assert CallbackAttempt.objects.filter(ticket=ticket).count() == 3


def test_a_caller_reached_after_failed_attempts_counts(world):
    ticket = callback(world, replied(world), CallbackOutcome.NO_ANSWER)
    ticket = callback(world, ticket, CallbackOutcome.FAIRLY, solved=False)
    assert (ticket.state, ticket.callback_outcome, ticket.solved) == (TicketState.CLOSED, "fairly", False)


def test_a_dissatisfied_caller_sends_the_ticket_to_review(world):
    ticket = callback(world, replied(world), CallbackOutcome.DISSATISFIED, solved=False)
    assert (ticket.state, ticket.callback_outcome) == (TicketState.REVIEW, "dissatisfied")
    assert not ticket.closure


def test_a_stale_callback_is_refused(world):
    ticket = replied(world)
    with pytest.raises(StaleVersion):
        callback(world, ticket, "satisfied", solved=True, expected_version=ticket.version - 1)
    assert not CallbackAttempt.objects.exists()


# The review


def _in_review(world, **overrides):
    return callback(world, replied(world, **overrides), CallbackOutcome.DISSATISFIED, solved=False)


def test_a_dissatisfaction_not_upheld_closes_and_keeps_the_outcome(world):
    ticket = review_dissatisfaction(
        _in_review(world), uphold=False, note="已依法答复", by=world.supervisor, now=world.now + 3 * DAY
    )
    assert (ticket.state, ticket.closure, ticket.callback_outcome) == (
        TicketState.CLOSED,
        Closure.NOT_UPHELD,
        CallbackOutcome.DISSATISFIED,
    )


def test_the_review_needs_a_note_and_a_supervisor(world):
    ticket = _in_review(world)
    with pytest.raises(ValidationError) as e:
        review_dissatisfaction(ticket, uphold=False, note="", by=world.supervisor, now=world.now)
    assert "note" in e.value.message_dict
    with pytest.raises(TicketForbidden):
        review_dissatisfaction(ticket, uphold=False, note="x", by=world.operator, now=world.now)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REVIEW


def test_an_upheld_dissatisfaction_sends_it_back_to_the_same_units(world):
    ticket = _in_review(world)
    when = world.now + 3 * DAY  # Thursday 10 December
    ticket = review_dissatisfaction(ticket, uphold=True, note="噪声仍在", by=world.supervisor, now=when)
    assert (ticket.state, ticket.round) == (TicketState.DISPATCHED, 1)
    assert (ticket.reply, ticket.replied_at, ticket.callback_outcome, ticket.solved) == ("", None, "", None)
    fresh = {d.unit.code: d for d in Dispatch.objects.filter(ticket=ticket, round=1)}
    assert set(fresh) == {"HBJ", "ZJJ"}
    assert fresh["HBJ"].role == "lead" and fresh["HBJ"].state == DispatchState.PENDING
    assert fresh["HBJ"].handle_due_date.isoformat() == "2026-12-31"  # 15 working days from Thursday
    assert ticket.reply_due_at == fresh["HBJ"].handle_due_at
    event = TicketEvent.objects.get(ticket=ticket, move=Move.REDO)
    assert event.data["round"] == 1 and event.data["co_units"] == ["ZJJ"]
    assert ticket.escalated_order is None


def test_a_redo_leaves_out_the_unit_whose_return_was_accepted(world):
    ticket = dispatched(world)
    co = part(ticket, "ZJJ")
    handling.request_return(co, reason_code="R01", rule="三定方案", by=world.ZJJ_handler, now=world.now)
    handling.decide_return(co, accept=True, by=world.supervisor, now=world.now)
    handling.sign_for(part(ticket, "HBJ"), by=world.HBJ_handler, now=world.now)
    handling.reply_ticket(ticket, reply="已处理", basis="法规", by=world.HBJ_handler, now=world.now)
    ticket = callback(world, ticket, "dissatisfied", solved=False)
    ticket = review_dissatisfaction(
        ticket, uphold=True, note="未解决", by=world.supervisor, now=world.now + 3 * DAY
    )
    assert list(Dispatch.objects.filter(ticket=ticket, round=1).values_list("unit__code", flat=True)) == [
        "HBJ"
    ]


def test_only_the_last_callback_counts(world):
    ticket = review_dissatisfaction(
        _in_review(world), uphold=True, note="未解决", by=world.supervisor, now=world.now + 3 * DAY
    )
    later = world.now + 4 * DAY
    for code in ("HBJ", "ZJJ"):
        handling.sign_for(part(ticket, code), by=getattr(world, f"{code}_handler"), now=later)
    handling.contribute(part(ticket, "ZJJ"), text="已复查", by=world.ZJJ_handler, now=later)
    handling.reply_ticket(ticket, reply="已停工", basis="法规", by=world.HBJ_handler, now=later)
    ticket = record_callback(ticket, outcome="satisfied", solved=True, by=world.operator, now=later + DAY)
    assert (ticket.callback_outcome, ticket.solved, ticket.closure) == ("satisfied", True, Closure.CALLBACK)
    assert list(CallbackAttempt.objects.filter(ticket=ticket).values_list("round", "outcome")) == [
        (0, "dissatisfied"),
        (1, "satisfied"),
    ]


def _redo(world, ticket, when):
    ticket = review_dissatisfaction(ticket, uphold=True, note="未解决", by=world.supervisor, now=when)
    for code in ("HBJ", "ZJJ"):
        handling.sign_for(part(ticket, code), by=getattr(world, f"{code}_handler"), now=when)
    handling.contribute(part(ticket, "ZJJ"), text="已复查", by=world.ZJJ_handler, now=when)
    handling.reply_ticket(ticket, reply="已处理", basis="法规", by=world.HBJ_handler, now=when)
    return record_callback(ticket, outcome="dissatisfied", solved=False, by=world.operator, now=when)


@override_settings(GOVHALL_HOTLINE_REDO_LIMIT=2)
def test_the_redo_that_reaches_the_limit_is_escalated_to_a_supervision_order(world):
    ticket = _redo(world, _in_review(world), world.now + 3 * DAY)
    assert ticket.round == 1 and ticket.escalated_order is None
    ticket = review_dissatisfaction(
        ticket, uphold=True, note="仍未解决", by=world.supervisor, now=world.now + 4 * DAY
    )
    assert ticket.round == 2
    order = Order.objects.get()
    assert ticket.escalated_order == order
    assert (order.department.code, order.subject) == ("HBJ", f"12345工单 {ticket.number}")
    assert order.due_date == part(ticket, "HBJ").handle_due_date
    assert ticket.number in order.instruction
    event = TicketEvent.objects.get(ticket=ticket, move=Move.ESCALATE)
    assert event.data["order"] == order.pk


@override_settings(GOVHALL_HOTLINE_REDO_LIMIT=1)
def test_an_administrator_may_not_issue_the_escalation(world):
    from govhall.core.models import Role, User

    admin = User.objects.create_user(username="adm", password="x", role=Role.ADMIN)
    ticket = _in_review(world)
    with pytest.raises(TicketForbidden):
        review_dissatisfaction(ticket, uphold=True, note="x", by=admin, now=world.now)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.round) == (TicketState.REVIEW, 0)
    assert not Order.objects.exists()


# The ticket's table, move by move: the ticket-level services in every state they are not allowed in.


def _ticket_in(world, state: str):
    if state == "registered":
        return call(world)
    if state == "dispatched":
        return dispatched(world)
    if state == "handling":
        return signed(world)
    if state == "replied":
        return replied(world)
    if state == "review":
        return _in_review(world)
    if state == "merged":  # 重复件: linked to another caller's open ticket
        from govhall.hotline.services.duplicates import merge_ticket

        master = dispatched(world)
        duplicate = call(world, caller_phone="13700000000")
        return merge_ticket(duplicate, master=master, by=world.operator, now=world.now)
    return callback(world, replied(world), "satisfied", solved=True)


TICKET_SERVICES = {
    Move.REPLY: lambda t, w: handling.reply_ticket(t, reply="x", basis="y", by=w.HBJ_handler, now=w.now),
    Move.CALLBACK: lambda t, w: record_callback(
        t, outcome="satisfied", solved=True, by=w.operator, now=w.now
    ),
    Move.CONFIRM_CLOSE: lambda t, w: review_dissatisfaction(
        t, uphold=False, note="x", by=w.supervisor, now=w.now
    ),
    Move.REDO: lambda t, w: review_dissatisfaction(t, uphold=True, note="x", by=w.supervisor, now=w.now),
}
REFUSED = [
    (state, move)
    for state in TicketState.values
    for move in TICKET_SERVICES
    if move not in TICKET_TRANSITIONS[state]
    and not (state == "handling" and move == Move.REPLY)  # refused by the open co-unit instead (400)
]


@pytest.mark.parametrize(("state", "move"), REFUSED)
def test_a_move_not_in_the_ticket_table_is_refused_and_writes_nothing(world, state, move):
    ticket = _ticket_in(world, state)
    ticket.refresh_from_db()
    before = (
        TicketEvent.objects.count(),
        CallbackAttempt.objects.count(),
        Dispatch.objects.count(),
        ticket.version,
    )
    with pytest.raises(MoveRefused):
        TICKET_SERVICES[move](ticket, world)
    ticket.refresh_from_db()
    after = (
        TicketEvent.objects.count(),
        CallbackAttempt.objects.count(),
        Dispatch.objects.count(),
        ticket.version,
    )
    assert after == before and ticket.state == state
