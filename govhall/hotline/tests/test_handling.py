"""The units' handling: sign for, return, extension, contribution and reply, with the centre's decisions.
Each rule its own test; the dispatch's transition table is checked move by move."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from govhall.hotline.errors import StaleVersion, TicketForbidden
from govhall.hotline.models import (
    Closure,
    Dispatch,
    DispatchRole,
    DispatchState,
    ExtensionRequest,
    ExtensionState,
    ReturnReason,
    Ticket,
    TicketEvent,
    TicketState,
)
from govhall.hotline.services import handling
from govhall.hotline.states import DISPATCH_TRANSITIONS, Move, MoveRefused
from govhall.hotline.tests.flow import (
    call,
    dispatched,
    fast_passwords,  # noqa: F401
    part,
    replied,
    signed,
)
from govhall.supervision.lights import end_of

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def events(ticket, move=None) -> list[TicketEvent]:
    rows = TicketEvent.objects.filter(ticket=ticket).order_by("id")
    return list(rows.filter(move=move) if move else rows)


# 签收


def test_signing_for_moves_the_light_to_the_handling_deadline(world):
    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    assert lead.due_at == lead.sign_due_at
    done = handling.sign_for(lead, by=world.HBJ_handler, now=world.now + HOUR, expected_version=lead.version)
    assert done.state == DispatchState.SIGNED
    assert (done.signed_at, done.signed_by) == (world.now + HOUR, world.HBJ_handler)
    lead.refresh_from_db()
    assert lead.due_at == lead.handle_due_at == end_of(date(2026, 12, 28))
    assert lead.warn_at < lead.due_at and lead.alert_level == 0
    event = events(ticket, Move.SIGN)[0]
    assert (event.from_state, event.to_state, event.dispatch_id) == ("pending", "signed", lead.pk)
    assert event.data["on_time"] is True and event.data["unit"] == "HBJ"


def test_the_ticket_is_handled_once_every_unit_signed_for_it(world):
    ticket = dispatched(world)
    handling.sign_for(part(ticket, "HBJ"), by=world.HBJ_handler, now=world.now + HOUR)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHED
    handling.sign_for(part(ticket, "ZJJ"), by=world.ZJJ_head, now=world.now + 3 * HOUR)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLING
    last = events(ticket, Move.SIGN)[-1]
    assert last.data["ticket_state"] == ["dispatched", "handling"]
    assert last.data["on_time"] is False  # the co-unit signed after its two hours


def test_only_the_unit_of_the_dispatch_signs_for_it(world):
    ticket = dispatched(world)
    for user in (world.ZJJ_handler, world.operator, world.QZF_head):
        with pytest.raises(TicketForbidden):
            handling.sign_for(part(ticket, "HBJ"), by=user, now=world.now)
    assert part(ticket, "HBJ").state == DispatchState.PENDING
    assert not events(ticket, Move.SIGN)


def test_a_stale_version_is_refused_and_nothing_written(world):
    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    with pytest.raises(StaleVersion):
        handling.sign_for(lead, by=world.HBJ_handler, now=world.now, expected_version=lead.version - 1)
    assert part(ticket, "HBJ").state == DispatchState.PENDING
    assert not events(ticket, Move.SIGN)


# The dispatch's table, move by move: every move that the table does not allow in a state is refused
# with MoveRefused (409) and writes nothing.


def _in_state(world, state: str) -> Dispatch:
    """The co-unit's (ZJJ) dispatch brought to `state` through the services."""
    ticket = dispatched(world)
    co = part(ticket, "ZJJ")
    later = world.now + HOUR
    if state in ("signed", "returning", "done"):
        handling.sign_for(co, by=world.ZJJ_handler, now=later)
    if state in ("returning", "withdrawn"):
        handling.request_return(co, reason_code="R01", rule="三定方案", by=world.ZJJ_handler, now=later)
    if state == "withdrawn":
        handling.decide_return(co, accept=True, by=world.supervisor, now=later)
    if state == "done":
        handling.contribute(co, text="意见", by=world.ZJJ_handler, now=later)
    co.refresh_from_db()
    assert co.state == state
    return co


UNIT_SERVICES = {
    Move.SIGN: lambda d, w, now: handling.sign_for(d, by=w.ZJJ_handler, now=now),
    Move.REQUEST_RETURN: lambda d, w, now: handling.request_return(
        d, reason_code="R01", rule="三定方案", by=w.ZJJ_handler, now=now
    ),
    Move.REQUEST_EXTENSION: lambda d, w, now: handling.request_extension(
        d, workdays=3, reason="需现场勘查", by=w.ZJJ_handler, now=now
    ),
    Move.CONTRIBUTE: lambda d, w, now: handling.contribute(d, text="意见", by=w.ZJJ_handler, now=now),
    Move.ACCEPT_RETURN: lambda d, w, now: handling.decide_return(d, accept=True, by=w.supervisor, now=now),
    Move.REJECT_RETURN: lambda d, w, now: handling.decide_return(
        d, accept=False, note="属于职责", by=w.supervisor, now=now
    ),
}
REFUSED = [
    (state, move)
    for state in DispatchState.values
    for move in UNIT_SERVICES
    if move not in DISPATCH_TRANSITIONS[state]
]


@pytest.mark.parametrize(("state", "move"), REFUSED)
def test_a_move_not_in_the_dispatch_table_is_refused_and_writes_nothing(world, state, move):
    dispatch = _in_state(world, state)
    before = (TicketEvent.objects.count(), ExtensionRequest.objects.count(), dispatch.version)
    with pytest.raises(MoveRefused):
        UNIT_SERVICES[move](dispatch, world, world.now + 2 * HOUR)
    dispatch.refresh_from_db()
    assert (TicketEvent.objects.count(), ExtensionRequest.objects.count(), dispatch.version) == before
    assert dispatch.state == state


# 退单


@pytest.mark.parametrize(
    ("reason_code", "rule", "field"),
    [
        ("R99", "三定方案", "reason_code"),
        ("", "三定方案", "reason_code"),
        ("R04", "三定方案", "reason_code"),  # made inactive below
        ("R01", "  ", "rule"),
    ],
)
def test_a_return_needs_a_known_reason_in_use_and_the_rule(world, reason_code, rule, field):
    ReturnReason.objects.filter(code="R04").update(is_active=False)
    ticket = dispatched(world)
    with pytest.raises(ValidationError) as e:
        handling.request_return(
            part(ticket, "HBJ"), reason_code=reason_code, rule=rule, by=world.HBJ_handler, now=world.now
        )
    assert field in e.value.message_dict
    assert part(ticket, "HBJ").state == DispatchState.PENDING
    assert not events(ticket, Move.REQUEST_RETURN)


@pytest.mark.parametrize(("when", "within"), [("2026-12-09 17:00", True), ("2026-12-10 09:00", False)])
def test_a_return_records_whether_it_came_within_the_return_limit(world, when, within):
    # Two working days from Monday 7 December: return by Wednesday 9 December.
    from govhall.hotline.tests.flow import at

    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    assert lead.return_due_date == date(2026, 12, 9)
    handling.request_return(
        lead, reason_code="R01", rule="三定方案", note="不属本局", by=world.HBJ_handler, now=at(when)
    )
    lead.refresh_from_db()
    assert (lead.state, lead.return_reason.code, lead.return_rule) == ("returning", "R01", "三定方案")
    assert events(ticket, Move.REQUEST_RETURN)[0].data["within_limit"] is within


def test_an_accepted_lead_return_goes_to_the_named_unit_with_fresh_deadlines(world):
    ticket = signed(world)
    assert ticket.state == TicketState.HANDLING
    lead = part(ticket, "HBJ")
    later = world.now + timedelta(days=1)  # Tuesday
    handling.request_return(lead, reason_code="R01", rule="三定方案", by=world.HBJ_handler, now=later)
    ticket = handling.decide_return(lead, accept=True, new_unit="CGJ", by=world.supervisor, now=later)
    assert ticket.state == TicketState.DISPATCHED
    assert part(ticket, "HBJ").state == DispatchState.WITHDRAWN
    new = part(ticket, "CGJ")
    assert (new.role, new.state, new.dispatched_at) == (DispatchRole.LEAD, DispatchState.PENDING, later)
    assert new.handle_due_date == date(2026, 12, 29)  # 15 working days from Tuesday
    assert ticket.reply_due_at == new.handle_due_at
    redispatch = events(ticket, Move.REDISPATCH)[0]
    assert redispatch.dispatch_id == new.pk and redispatch.data["after_return_of"] == "HBJ"
    assert events(ticket, Move.ACCEPT_RETURN)[0].data["ticket_state"] == ["handling", "dispatched"]


def test_an_accepted_lead_return_without_a_unit_goes_to_the_fallback_unit(world):
    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    handling.request_return(lead, reason_code="R02", rule="辖区划分", by=world.HBJ_handler, now=world.now)
    ticket = handling.decide_return(lead, accept=True, by=world.operator, now=world.now)
    assert part(ticket, "QZF").role == DispatchRole.LEAD


def test_the_fallback_unit_returning_needs_a_named_unit(world):
    ticket = dispatched(world, subject="020102")  # no rule: the fallback unit leads
    lead = part(ticket, "QZF")
    handling.request_return(lead, reason_code="R01", rule="三定方案", by=world.QZF_head, now=world.now)
    with pytest.raises(ValidationError) as e:
        handling.decide_return(lead, accept=True, by=world.supervisor, now=world.now)
    assert "new_unit" in e.value.message_dict
    assert part(ticket, "QZF").state == DispatchState.RETURN_REQUESTED
    for bad in ("QZF", "NOPE"):  # the returning unit itself, an unknown unit
        with pytest.raises(ValidationError) as e:
            handling.decide_return(lead, accept=True, new_unit=bad, by=world.supervisor, now=world.now)
        assert "new_unit" in e.value.message_dict
    ticket = handling.decide_return(lead, accept=True, new_unit="SJJ", by=world.supervisor, now=world.now)
    assert part(ticket, "SJJ").role == DispatchRole.LEAD


def test_a_return_cannot_go_to_a_unit_that_already_has_a_part(world):
    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    handling.request_return(lead, reason_code="R01", rule="三定方案", by=world.HBJ_handler, now=world.now)
    with pytest.raises(ValidationError) as e:
        handling.decide_return(lead, accept=True, new_unit="ZJJ", by=world.supervisor, now=world.now)
    assert "new_unit" in e.value.message_dict
    assert Dispatch.objects.filter(ticket=ticket).count() == 2


def test_an_accepted_co_unit_return_just_withdraws_it(world):
    ticket = dispatched(world)
    handling.sign_for(part(ticket, "HBJ"), by=world.HBJ_handler, now=world.now)
    co = part(ticket, "ZJJ")
    handling.request_return(co, reason_code="R01", rule="三定方案", by=world.ZJJ_handler, now=world.now)
    with pytest.raises(ValidationError):
        handling.decide_return(co, accept=True, new_unit="SJJ", by=world.supervisor, now=world.now)
    ticket = handling.decide_return(co, accept=True, by=world.supervisor, now=world.now)
    assert part(ticket, "ZJJ").state == DispatchState.WITHDRAWN
    assert ticket.dispatches.count() == 2
    assert ticket.state == TicketState.HANDLING  # the lead, the only open part, had signed for it


@pytest.mark.parametrize(("sign_first", "back_to"), [(True, "signed"), (False, "pending")])
def test_a_rejected_return_needs_a_note_and_goes_back(world, sign_first, back_to):
    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    if sign_first:
        handling.sign_for(lead, by=world.HBJ_handler, now=world.now)
    handling.request_return(lead, reason_code="R01", rule="三定方案", by=world.HBJ_handler, now=world.now)
    with pytest.raises(ValidationError) as e:
        handling.decide_return(lead, accept=False, by=world.supervisor, now=world.now)
    assert "note" in e.value.message_dict
    handling.decide_return(lead, accept=False, note="噪声监管属本局职责", by=world.supervisor, now=world.now)
    lead.refresh_from_db()
    assert lead.state == back_to
    assert lead.due_at == (lead.handle_due_at if sign_first else lead.sign_due_at)
    assert events(ticket, Move.REJECT_RETURN)[0].note == "噪声监管属本局职责"


def test_only_the_centre_decides_a_return(world):
    ticket = dispatched(world)
    lead = part(ticket, "HBJ")
    handling.request_return(lead, reason_code="R01", rule="三定方案", by=world.HBJ_handler, now=world.now)
    with pytest.raises(TicketForbidden):
        handling.decide_return(lead, accept=True, new_unit="CGJ", by=world.HBJ_head, now=world.now)


# 延期


def _extension(world, ticket, days=3, unit="HBJ"):
    return handling.request_extension(
        part(ticket, unit),
        workdays=days,
        reason="需第三方检测",
        by=getattr(world, f"{unit}_handler"),
        now=world.now,
    )


def test_an_approved_extension_moves_the_due_date_by_working_days_and_restarts_reminders(world):
    ticket = signed(world)
    lead = part(ticket, "HBJ")
    Dispatch.objects.filter(pk=lead.pk).update(alert_level=1)  # the yellow reminder went out
    request = _extension(world, ticket, days=3)
    decided = handling.decide_extension(request, approve=True, by=world.supervisor, now=world.now)
    assert decided.state == ExtensionState.APPROVED and decided.decided_by == world.supervisor
    lead = part(ticket, "HBJ")
    # Due Monday 28 December; three more working days: Thursday 31 December.
    assert (lead.handle_due_date, lead.extended_workdays) == (date(2026, 12, 31), 3)
    assert lead.handle_due_at == lead.due_at == end_of(date(2026, 12, 31))
    assert lead.alert_level == 0
    ticket.refresh_from_db()
    assert ticket.reply_due_at == lead.handle_due_at
    event = events(ticket, Move.APPROVE_EXTENSION)[0]
    assert (event.data["old_due_date"], event.data["new_due_date"]) == ("2026-12-28", "2026-12-31")
    assert datetime.fromisoformat(event.data["new_due"]) == lead.handle_due_at


def test_a_co_units_extension_leaves_the_reply_due_alone(world):
    ticket = signed(world)
    before = ticket.reply_due_at
    handling.decide_extension(
        _extension(world, ticket, unit="ZJJ"), approve=True, by=world.operator, now=world.now
    )
    ticket.refresh_from_db()
    assert ticket.reply_due_at == before
    assert part(ticket, "ZJJ").handle_due_date == date(2026, 12, 31)


def test_a_refused_extension_needs_a_note_and_changes_no_deadline(world):
    ticket = signed(world)
    request = _extension(world, ticket)
    with pytest.raises(ValidationError) as e:
        handling.decide_extension(request, approve=False, by=world.supervisor, now=world.now)
    assert "note" in e.value.message_dict
    handling.decide_extension(request, approve=False, note="时限充足", by=world.supervisor, now=world.now)
    assert part(ticket, "HBJ").handle_due_date == date(2026, 12, 28)
    request.refresh_from_db()
    assert request.state == ExtensionState.REFUSED


def test_an_extension_is_decided_once(world):
    ticket = signed(world)
    request = _extension(world, ticket)
    handling.decide_extension(request, approve=True, by=world.supervisor, now=world.now)
    with pytest.raises(handling.AlreadyDecided):
        handling.decide_extension(request, approve=True, by=world.supervisor, now=world.now)
    assert part(ticket, "HBJ").extended_workdays == 3


def test_one_extension_request_waits_at_a_time(world):
    ticket = signed(world)
    _extension(world, ticket)
    with pytest.raises(ValidationError) as e:
        _extension(world, ticket)
    assert "workdays" in e.value.message_dict
    assert ExtensionRequest.objects.count() == 1


@pytest.mark.parametrize("days", [0, -1, 11, "x", None])
def test_an_extension_asks_for_one_to_ten_working_days(world, days):
    ticket = signed(world)
    with pytest.raises(ValidationError) as e:
        _extension(world, ticket, days=days)
    assert "workdays" in e.value.message_dict


@override_settings(GOVHALL_HOTLINE_MAX_EXTENSION_DAYS=5)
def test_extensions_add_up_to_the_configured_maximum(world):
    ticket = signed(world)
    handling.decide_extension(
        _extension(world, ticket, days=4), approve=True, by=world.supervisor, now=world.now
    )
    with pytest.raises(ValidationError) as e:
        _extension(world, ticket, days=2)
    assert "workdays" in e.value.message_dict
    _extension(world, ticket, days=1)


def test_an_hour_limit_is_not_extended(world):
    ticket = signed(world, urgency="urgent")
    with pytest.raises(ValidationError) as e:
        _extension(world, ticket)
    assert "workdays" in e.value.message_dict
    assert not ExtensionRequest.objects.exists()


def test_an_extension_needs_a_reason(world):
    ticket = signed(world)
    with pytest.raises(ValidationError) as e:
        handling.request_extension(
            part(ticket, "HBJ"), workdays=2, reason=" ", by=world.HBJ_handler, now=world.now
        )
    assert "reason" in e.value.message_dict


# 协办意见 and 答复


def test_a_co_unit_contributes_and_is_done(world):
    ticket = signed(world)
    with pytest.raises(ValidationError):
        handling.contribute(part(ticket, "ZJJ"), text="  ", by=world.ZJJ_handler, now=world.now)
    done = handling.contribute(
        part(ticket, "ZJJ"), text="已核查工地许可", by=world.ZJJ_handler, now=world.now
    )
    assert (done.state, done.contribution, done.done_by) == ("done", "已核查工地许可", world.ZJJ_handler)
    assert done.due_at is None


def test_the_lead_unit_does_not_contribute(world):
    ticket = signed(world)
    with pytest.raises(ValidationError) as e:
        handling.contribute(part(ticket, "HBJ"), text="意见", by=world.HBJ_handler, now=world.now)
    assert "text" in e.value.message_dict


def test_no_reply_while_a_co_unit_is_open_and_the_error_names_it(world):
    ticket = signed(world)
    with pytest.raises(ValidationError) as e:
        handling.reply_ticket(ticket, reply="已处理", basis="法规", by=world.HBJ_handler, now=world.now)
    assert "市住建局" in e.value.message_dict["reply"][0]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.HANDLING and not ticket.reply
    assert part(ticket, "HBJ").state == DispatchState.SIGNED


@pytest.mark.parametrize(
    ("reply", "basis", "fields"), [("", "x", {"reply"}), ("x", "", {"basis"}), ("", "", {"reply", "basis"})]
)
def test_a_reply_needs_the_result_and_its_legal_basis(world, reply, basis, fields):
    ticket = signed(world, units=("CGJ",), subject="010101")
    with pytest.raises(ValidationError) as e:
        handling.reply_ticket(ticket, reply=reply, basis=basis, by=world.CGJ_handler, now=world.now)
    assert set(e.value.message_dict) == fields


def test_the_reply_closes_the_lead_part_and_waits_for_the_callback(world):
    ticket = replied(world)
    assert ticket.state == TicketState.REPLIED
    assert ticket.replied_by == world.HBJ_handler and ticket.reply_basis.startswith("《噪声")
    assert part(ticket, "HBJ").state == DispatchState.DONE
    event = events(ticket, Move.REPLY)[0]
    assert event.data["ticket_state"] == ["handling", "replied"] and event.data["on_time"] is True


def test_only_the_lead_unit_replies(world):
    ticket = signed(world)
    handling.contribute(part(ticket, "ZJJ"), text="意见", by=world.ZJJ_handler, now=world.now)
    with pytest.raises(TicketForbidden):
        handling.reply_ticket(ticket, reply="x", basis="y", by=world.ZJJ_handler, now=world.now)


def test_a_reply_before_signing_for_is_refused(world):
    ticket = dispatched(world)
    with pytest.raises(MoveRefused):
        handling.reply_ticket(ticket, reply="x", basis="y", by=world.HBJ_handler, now=world.now)


def test_an_anonymous_ticket_closes_on_the_reply(world):
    ticket = replied(world, anonymous=True, caller_phone="", caller_name="")
    assert (ticket.state, ticket.closure) == (TicketState.CLOSED, Closure.NO_CALLBACK)
    assert ticket.closed_at == ticket.replied_at
    assert [e.move for e in events(ticket)][-2:] == [Move.REPLY, Move.CLOSE_NO_CALLBACK]


def test_the_ticket_version_moves_with_each_change(world):
    ticket = call(world)
    ticket = dispatched(world)
    v = Ticket.objects.get(pk=ticket.pk).version
    handling.sign_for(part(ticket, "HBJ"), by=world.HBJ_handler, now=world.now)
    assert Ticket.objects.get(pk=ticket.pk).version == v  # still dispatched: only the dispatch changed
    handling.sign_for(part(ticket, "ZJJ"), by=world.ZJJ_handler, now=world.now)
    assert Ticket.objects.get(pk=ticket.pk).version == v + 1
    with pytest.raises(StaleVersion):
        handling.reply_ticket(
            ticket, reply="x", basis="y", by=world.HBJ_handler, now=world.now, expected_version=v
        )
