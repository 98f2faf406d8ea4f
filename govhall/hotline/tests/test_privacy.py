"""Who sees the caller: the centre in full, a unit masked until it reveals a field with a reason (recorded),
never for anonymous, confidential or reported tickets; contact data removed after the retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from govhall.hotline.errors import TicketForbidden
from govhall.hotline.models import ContactReveal, Ticket, TicketEvent
from govhall.hotline.services.callback import record_callback
from govhall.hotline.services.privacy import caller_view, remove_expired_contacts, reveal_contact
from govhall.hotline.states import Move
from govhall.hotline.tests.flow import (
    dispatched,
    fast_passwords,  # noqa: F401
    replied,
)

pytestmark = pytest.mark.django_db


def test_the_centre_sees_the_caller_in_full(world):
    ticket = dispatched(world)
    for user in (world.operator, world.supervisor):
        view = caller_view(ticket, user)
        assert (view["name"], view["phone"], view["masked"], view["hidden"]) == (
            "张三丰",
            "13812341234",
            False,
            False,
        )


def test_a_unit_sees_the_surname_and_a_masked_number(world):
    view = caller_view(dispatched(world), world.ZJJ_handler)
    assert (view["name"], view["phone"], view["masked"], view["hidden"]) == (
        "张**",
        "138****1234",
        True,
        False,
    )


def test_a_revealed_field_is_shown_in_full_to_that_user_only(world):
    ticket = dispatched(world)
    value = reveal_contact(ticket, field="phone", reason="需上门核实", by=world.HBJ_handler, now=world.now)
    assert value == "13812341234"
    mine = caller_view(ticket, world.HBJ_handler)
    assert (mine["name"], mine["phone"], mine["masked"], mine["revealed"]) == (
        "张**",
        "13812341234",
        True,
        ["phone"],
    )
    assert caller_view(ticket, world.HBJ_head)["phone"] == "138****1234"


def test_a_reveal_is_recorded_without_the_value(world):
    ticket = dispatched(world)
    reveal_contact(ticket, field="name", reason="需上门核实", by=world.HBJ_handler, now=world.now)
    reveal = ContactReveal.objects.get()
    assert (reveal.user, reveal.field, reveal.reason, reveal.at) == (
        world.HBJ_handler,
        "name",
        "需上门核实",
        world.now,
    )
    event = TicketEvent.objects.get(ticket=ticket, move=Move.REVEAL)
    assert event.data == {"field": "name", "unit": "HBJ"}
    assert "张三丰" not in str(event.data) + event.note


@pytest.mark.parametrize(("field", "reason", "error"), [("phone", " ", "reason"), ("email", "核实", "field")])
def test_a_reveal_needs_a_field_and_a_reason(world, field, reason, error):
    with pytest.raises(ValidationError) as e:
        reveal_contact(dispatched(world), field=field, reason=reason, by=world.HBJ_handler, now=world.now)
    assert error in e.value.message_dict
    assert not ContactReveal.objects.exists()


def test_only_a_unit_the_ticket_went_to_may_reveal(world):
    ticket = dispatched(world)
    assert caller_view(ticket, world.SJJ_handler)["hidden"] is True
    for user in (world.SJJ_handler, world.operator):
        with pytest.raises(TicketForbidden):
            reveal_contact(ticket, field="phone", reason="核实", by=user, now=world.now)
    assert not ContactReveal.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"anonymous": True, "caller_phone": "", "caller_name": ""},
        {"confidential": True},
        {"request_type": "report"},
    ],
)
def test_a_hidden_caller_is_never_shown_to_a_unit(world, overrides):
    ticket = dispatched(world, **overrides)
    view = caller_view(ticket, world.HBJ_handler)
    assert (view["name"], view["phone"], view["hidden"]) == ("", "", True)
    with pytest.raises(TicketForbidden):
        reveal_contact(ticket, field="phone", reason="核实", by=world.HBJ_handler, now=world.now)
    assert not ContactReveal.objects.exists()
    if not ticket.anonymous:
        assert caller_view(ticket, world.operator)["phone"] == "13812341234"


def _closed(world, days_ago: int):
    ticket = replied(world)
    closed_at = world.now + timedelta(days=2)
    record_callback(ticket, outcome="satisfied", solved=True, by=world.operator, now=closed_at)
    return ticket, closed_at + timedelta(days=days_ago)


@override_settings(GOVHALL_HOTLINE_CONTACT_RETENTION_DAYS=730)
def test_contact_data_are_removed_after_the_retention_period_once(world):
    ticket, now = _closed(world, 730)
    assert remove_expired_contacts(now=now) == 0  # closed exactly 730 days ago: kept until then
    later = now + timedelta(seconds=1)
    assert remove_expired_contacts(now=later) == 1
    ticket.refresh_from_db()
    assert (ticket.caller_name, ticket.caller_phone, ticket.contact_removed_at) == ("", "", later)
    assert remove_expired_contacts(now=later + timedelta(days=1)) == 0
    assert TicketEvent.objects.filter(ticket=ticket, move=Move.REMOVE_CONTACT).count() == 1
    view = caller_view(ticket, world.operator)
    assert view["removed"] is True and view["phone"] == ""
    with pytest.raises(ValidationError):
        reveal_contact(ticket, field="phone", reason="核实", by=world.HBJ_handler, now=later)


def test_open_tickets_keep_their_contact_data(world):
    ticket = replied(world)
    assert remove_expired_contacts(now=world.now + timedelta(days=3000)) == 0
    ticket.refresh_from_db()
    assert ticket.caller_phone == "13812341234"


@override_settings(GOVHALL_HOTLINE_CONTACT_RETENTION_DAYS=1)
def test_removal_goes_in_batches(world):
    for _ in range(3):
        _closed(world, 0)
    assert remove_expired_contacts(now=world.now + timedelta(days=10), batch=2) == 3
    assert not Ticket.objects.exclude(caller_phone="").exists()
