"""On-site inspection of a ticket's reply (现场督查): the hotline's "ticket" target of supervision's
inspections. A "not done" verdict sends the ticket back to its units for a new round (重办), reopening a
closed ticket; "done" changes nothing; a redo the ticket's table refuses leaves no verdict behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from govhall.core.models import Role, User
from govhall.hotline.models import Dispatch, DispatchState, TicketEvent, TicketState
from govhall.hotline.services.callback import record_callback, send_back_for_redo
from govhall.hotline.states import TICKET_TRANSITIONS, Move, MoveRefused
from govhall.hotline.tests.flow import call, dispatched, fast_passwords, replied, signed  # noqa: F401
from govhall.supervision.inspections import assign_inspection, conclude
from govhall.supervision.models import InspectionState

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin(world):
    return User.objects.create_user(username="adm", password="x", role=Role.ADMIN)


def closed(world):
    return record_callback(
        replied(world), outcome="satisfied", solved=True, by=world.operator, now=world.now + 2 * DAY
    )


def in_review(world):
    return record_callback(
        replied(world), outcome="dissatisfied", solved=False, by=world.operator, now=world.now + 2 * DAY
    )


def inspect(world, admin, ticket):
    return assign_inspection(
        kind="ticket",
        reference=ticket.number,
        inspector=world.supervisor,
        instruction="到现场核实工地是否已停止夜间施工",
        by=admin,
        now=world.now + 2 * DAY,
    )


@pytest.mark.parametrize("make", [replied, closed, in_review], ids=["replied", "closed", "review"])
def test_a_reply_found_not_done_sends_the_ticket_back_to_its_units(world, admin, make):
    ticket = make(world)
    task = inspect(world, admin, ticket)
    assert task.unit == world.units["HBJ"] and task.target_label.startswith(f"{ticket.number} ")
    when = world.now + 3 * DAY
    task = conclude(task, verdict="not_done", findings="夜间仍在打桩", by=world.supervisor, now=when)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.round, ticket.closure, ticket.closed_at, ticket.reply) == (
        TicketState.DISPATCHED,
        1,
        "",
        None,
        "",
    )
    fresh = {d.unit.code: d.state for d in Dispatch.objects.filter(ticket=ticket, round=1)}
    assert fresh == {"HBJ": DispatchState.PENDING, "ZJJ": DispatchState.PENDING}
    event = TicketEvent.objects.get(ticket=ticket, move=Move.INSPECTION_REDO)
    assert (event.note, event.data["inspection"], event.by) == ("夜间仍在打桩", task.pk, world.supervisor)
    assert task.state == InspectionState.NOT_DONE and "1" in task.verdict_effect


def test_a_reply_found_done_leaves_the_ticket_as_it_is(world, admin):
    ticket = closed(world)
    task = conclude(
        inspect(world, admin, ticket),
        verdict="done",
        findings="已停工",
        by=world.supervisor,
        now=world.now + 3 * DAY,
    )
    ticket.refresh_from_db()
    assert (task.state, ticket.state, ticket.round) == (InspectionState.DONE, TicketState.CLOSED, 0)


@pytest.mark.parametrize("make", [call, dispatched, signed], ids=["registered", "dispatched", "handling"])
def test_a_ticket_without_a_reply_cannot_be_inspected(world, admin, make):
    with pytest.raises(ValidationError) as error:
        inspect(world, admin, make(world))
    assert "has no reply to inspect yet" in error.value.message_dict["reference"][0]


def test_a_ticket_answered_during_the_call_has_no_unit_to_inspect(world, admin):
    ticket = call(world, request_type="enquiry", answer="可向生态环境局申请夜间施工许可。")
    assert ticket.state == TicketState.CLOSED
    with pytest.raises(ValidationError) as error:
        inspect(world, admin, ticket)
    assert "no unit replied" in error.value.message_dict["reference"][0]


def test_a_redo_the_ticket_refuses_leaves_no_verdict(world, admin):
    """Assigned on a replied ticket, which an upheld dissatisfaction sent back meanwhile: the ticket is
    dispatched again, the inspection's redo is refused, and the inspection stays pending."""
    ticket = in_review(world)
    task = inspect(world, admin, ticket)
    from govhall.hotline.services.callback import review_dissatisfaction

    review_dissatisfaction(ticket, uphold=True, note="属实", by=world.supervisor, now=world.now + 3 * DAY)
    with pytest.raises(MoveRefused):
        conclude(task, verdict="not_done", findings="未整改", by=world.supervisor, now=world.now + 4 * DAY)
    task.refresh_from_db()
    ticket.refresh_from_db()
    assert (task.state, task.version, task.findings) == (InspectionState.PENDING, 1, "")
    assert (ticket.state, ticket.round) == (TicketState.DISPATCHED, 1)
    assert not TicketEvent.objects.filter(move=Move.INSPECTION_REDO).exists()


# The ticket's table for the inspection's redo, state by state.
STATES = {"registered": call, "dispatched": dispatched, "handling": signed, "replied": replied}
STATES |= {"review": in_review, "closed": closed}


@pytest.mark.parametrize("state", list(STATES))
def test_the_inspection_redo_follows_the_ticket_table(world, state):
    ticket = STATES[state](world)
    ticket.refresh_from_db()
    allowed = Move.INSPECTION_REDO in TICKET_TRANSITIONS[state]
    assert allowed == (state in ("replied", "review", "closed"))
    version = ticket.version
    with transaction.atomic():
        if allowed:
            send_back_for_redo(
                ticket, move=Move.INSPECTION_REDO, by=world.supervisor, now=world.now + 3 * DAY, note="x"
            )
        else:
            with pytest.raises(MoveRefused):
                send_back_for_redo(
                    ticket, move=Move.INSPECTION_REDO, by=world.supervisor, now=world.now + 3 * DAY, note="x"
                )
    ticket.refresh_from_db()
    if allowed:
        assert (ticket.state, ticket.round) == (TicketState.DISPATCHED, 1)
    else:
        assert (ticket.state, ticket.version) == (state, version)


def test_the_ticket_page_sends_an_inspector_and_lists_the_inspections(client, world, admin):
    ticket = replied(world)
    client.force_login(admin)
    page = client.get(f"/hotline/tickets/{ticket.pk}/").content.decode()
    assert f"/supervision/inspections/new/?kind=ticket&amp;ref={ticket.number}" in page
    task = inspect(world, admin, ticket)
    client.force_login(world.operator)  # the desk sees the ticket but neither assigns nor sees the task
    page = client.get(f"/hotline/tickets/{ticket.pk}/").content.decode()
    assert 'data-test="send-inspector"' not in page and f"/supervision/inspections/{task.pk}/" not in page
    client.force_login(world.supervisor)  # the inspector sees their task from the ticket
    page = client.get(f"/hotline/tickets/{ticket.pk}/").content.decode()
    assert f"/supervision/inspections/{task.pk}/" in page and 'data-test="send-inspector"' not in page
