"""Registering and dispatching a ticket: the catalogue, the override, the deadlines, the bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.hotline.errors import TicketForbidden
from govhall.hotline.models import Closure, DispatchRole, DispatchState, Ticket, TicketEvent, TicketState
from govhall.hotline.services.intake import dispatch_ticket, mask_phone, register_ticket, route
from govhall.hotline.states import MoveRefused

pytestmark = pytest.mark.django_db


def call(world, **overrides):
    values = {
        "channel": "phone",
        "request_type": "complaint",
        "subject": "020101",
        "title": "夜间施工噪声",
        "content": "工地每晚十一点后还在打桩。",
        "caller_name": "张三",
        "caller_phone": "13812341234",
        "area": "A01",
        "by": world.operator,
        "now": world.now,
    }
    return register_ticket(**(values | overrides))


def test_a_phone_ticket_is_registered_with_a_daily_number(world):
    first, second = call(world), call(world)
    assert first.state == TicketState.REGISTERED
    assert first.number == "12345-20261207-00001"
    assert second.number == "12345-20261207-00002"
    assert TicketEvent.objects.filter(ticket=first, move="register").count() == 1


def test_answered_during_the_call_closes_at_once(world):
    ticket = call(world, request_type="enquiry", answer="办理时间为工作日9:00-17:00。")
    assert ticket.state == TicketState.CLOSED
    assert ticket.closure == Closure.ON_CALL
    assert ticket.closed_at == world.now
    assert not ticket.dispatches.exists()


@pytest.mark.parametrize(
    ("subject", "area", "lead", "co"),
    [
        ("020101", "A01", "HBJ", {"ZJJ"}),  # the subject's own rule, every area
        ("020101", "A02", "QZF", set()),  # the area's rule wins over the every-area rule
        ("010101", "A01", "CGJ", set()),  # a level-2 rule covers its leaves
        ("030101", "", "SJJ", set()),  # a level-1 rule covers its subtree
        ("020102", "A01", "QZF", set()),  # no rule: the catalogue's fallback unit
    ],
)
def test_the_catalogue_routes_by_the_most_specific_rule(world, subject, area, lead, co):
    ticket = call(world, subject=subject, area=area)
    answer = route(ticket.subject, ticket.area, now=world.now)
    assert answer.lead.code == lead
    assert {u.code for u in answer.co_units} == co


def test_dispatch_opens_one_child_per_unit_with_deadlines(world):
    ticket = dispatch_ticket(call(world), by=world.operator, now=world.now)
    assert ticket.state == TicketState.DISPATCHED
    assert ticket.catalogue == world.catalogue
    children = {d.unit.code: d for d in ticket.dispatches.all()}
    assert set(children) == {"HBJ", "ZJJ"}
    lead = children["HBJ"]
    assert lead.role == DispatchRole.LEAD and children["ZJJ"].role == DispatchRole.CO
    assert lead.state == DispatchState.PENDING
    assert lead.sign_due_at == world.now + timedelta(hours=2)
    # 投诉: 15 working days from Monday 2026-12-07 → Monday 2026-12-28, overdue from its end.
    assert lead.handle_due_date.isoformat() == "2026-12-28"
    assert ticket.reply_due_at == lead.handle_due_at
    assert lead.due_at == lead.sign_due_at  # the light of the first stage: signing for


def test_urgent_tickets_count_hours(world):
    ticket = dispatch_ticket(call(world, urgency="critical"), by=world.operator, now=world.now)
    lead = ticket.dispatches.get(role="lead")
    assert lead.handle_due_date is None
    assert lead.handle_due_at == world.now + timedelta(hours=2)


def test_an_override_needs_a_reason(world):
    ticket = call(world)
    with pytest.raises(ValidationError) as e:
        dispatch_ticket(ticket, by=world.operator, now=world.now, lead_unit="SJJ")
    assert "override_reason" in e.value.message_dict
    assert not ticket.dispatches.exists()
    done = dispatch_ticket(
        ticket, by=world.operator, now=world.now, lead_unit="SJJ", override_reason="涉及商户"
    )
    assert done.override_reason == "涉及商户"
    assert [d.unit.code for d in done.dispatches.all()] == ["SJJ"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject": "999999"}, "subject"),
        ({"subject": "0201"}, "subject"),  # not a leaf
        ({"area": "Z99"}, "area"),
        ({"request_type": "rant"}, "request_type"),
        ({"urgency": "now"}, "urgency"),
        ({"title": ""}, "title"),
        ({"caller_phone": "12"}, "caller_phone"),
        ({"caller_phone": ""}, "caller_phone"),
        ({"lat": "91", "lon": "120"}, "lat"),
        ({"lat": "30"}, "lon"),
        ({"channel": "web", "answer": "x", "by": None}, "answer"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, overrides, field):
    with pytest.raises(ValidationError) as e:
        call(world, **overrides)
    assert field in e.value.message_dict
    assert not Ticket.objects.exists()


def test_dispatch_to_an_unknown_unit_is_refused(world):
    ticket = call(world)
    with pytest.raises(ValidationError) as e:
        dispatch_ticket(ticket, by=world.operator, now=world.now, lead_unit="NOPE", override_reason="x")
    assert "lead_unit" in e.value.message_dict
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REGISTERED and not ticket.dispatches.exists()


def test_only_the_centre_registers_calls_and_dispatches(world):
    with pytest.raises(TicketForbidden):
        call(world, by=world.HBJ_handler)
    ticket = call(world)
    with pytest.raises(TicketForbidden):
        dispatch_ticket(ticket, by=world.HBJ_handler, now=world.now)


def test_a_ticket_is_dispatched_once(world):
    ticket = dispatch_ticket(call(world), by=world.operator, now=world.now)
    with pytest.raises(MoveRefused):
        dispatch_ticket(ticket, by=world.operator, now=world.now)


def test_a_report_hides_the_caller(world):
    ticket = call(world, request_type="report")
    assert ticket.confidential and ticket.hides_caller


def test_masked_phone():
    assert mask_phone("13812341234") == "138****1234"
