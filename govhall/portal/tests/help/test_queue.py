"""Asking for help: the session joins its department's queue, first come first, with a waiting time from
the durations of the department's recent sessions; booking an appointment slot; who may ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.tests.factories import MaterialFactory, ServiceItemFactory
from govhall.portal import queries_help, services
from govhall.portal.models import AuthorKind, HelpEvent, HelpSession, HelpState
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import NOW, at


def test_a_resident_asks_and_joins_the_queue_of_the_items_department(world):
    session = world.asked()
    assert session.state == HelpState.REQUESTED
    assert session.department == world.world.department
    assert session.asker_kind == AuthorKind.RESIDENT and session.hall is None
    assert queries_help.queue_position(session) == 1
    assert queries_help.estimated_wait(session) == timedelta(0)
    event = HelpEvent.objects.get(session=session)
    assert (event.move, event.from_state, event.to_state, event.by) == (
        "request",
        "",
        "requested",
        world.resident,
    )


def test_a_township_clerk_asks_from_the_township_hall(world):
    session = world.asked(world.township)
    assert session.asker_kind == AuthorKind.TOWNSHIP_CLERK
    assert session.hall == world.world.township


def test_the_queue_is_first_come_first_and_moves_up(world):
    first = world.asked(now=NOW)
    other = world.asked(world.township, now=NOW + timedelta(minutes=1))
    someone = world.world.users["applicant"]
    third = helping.request_help(world.draft(someone), by=someone, now=NOW + timedelta(minutes=2))
    assert [queries_help.queue_position(s) for s in (first, other, third)] == [1, 2, 3]
    helping.cancel_help(
        first, by=world.resident, now=NOW + timedelta(minutes=3), expected_version=first.version
    )
    other.refresh_from_db()
    third.refresh_from_db()
    assert [queries_help.queue_position(s) for s in (other, third)] == [1, 2]


@pytest.mark.parametrize(
    "durations, ahead, expected",
    [
        ([], 2, timedelta(minutes=30)),  # no history: 15 minutes a session
        ([10, 20], 1, timedelta(minutes=15)),
        ([10, 20, 30], 2, timedelta(minutes=40)),
    ],
)
def test_the_wait_is_those_ahead_times_the_mean_duration(world, durations, ahead, expected):
    t = NOW - timedelta(days=1)
    for minutes in durations:
        s = world.asked(world.world.users["applicant"], now=t, files=False)
        s = helping.start_help(s, by=world.clerk, now=t, expected_version=s.version)
        helping.end_help(
            s,
            outcome="advised",
            by=world.clerk,
            now=t + timedelta(minutes=minutes),
            expected_version=s.version,
        )
    waiting = [world.asked(now=NOW + timedelta(seconds=n), files=False) for n in range(ahead + 1)]
    assert queries_help.estimated_wait(waiting[-1]) == expected
    assert queries_help.department_wait(world.world.department.pk, now=NOW + timedelta(minutes=1)) == (
        expected / ahead * (ahead + 1)
    )


def test_one_open_session_per_draft(world):
    session = world.asked()
    with pytest.raises(ValidationError) as refused:
        helping.request_help(session.application, by=world.resident, now=NOW)
    assert "already has an open remote help session" in str(refused.value.message_dict["application"])
    assert HelpSession.objects.count() == 1


def test_only_the_drafts_own_account_asks(world):
    app = world.draft()
    with pytest.raises(services.NotYours):
        helping.request_help(app, by=world.world.users["applicant"], now=NOW)
    assert not HelpSession.objects.exists()


def test_a_centre_clerk_does_not_ask(world):
    app = world.draft(world.clerk)
    with pytest.raises(ValidationError) as refused:
        helping.request_help(app, by=world.clerk, now=NOW)
    assert "asked_by" in refused.value.message_dict


def test_a_submitted_application_is_not_helped_as_a_draft(world):
    app = world.draft()
    app = services.submit_application(app, by=world.resident, now=NOW, expected_version=app.version)
    with pytest.raises(ValidationError) as refused:
        helping.request_help(app, by=world.resident, now=NOW)
    assert "draft" in str(refused.value.message_dict["application"])


@pytest.fixture
def slot(world):
    from govhall.visits.models import Slot, WindowGroup

    group = WindowGroup.objects.create(hall=world.world.centre, code="R", name="远程帮办")
    group.items.set([world.world.item])
    start = at("2026-03-03 10:00")
    return Slot.objects.create(
        group=group, day=start.date(), start_at=start, end_at=at("2026-03-03 11:00"), capacity=1
    )


def test_a_booked_session_takes_a_place_and_joins_the_queue_at_the_slot(world, slot, seeded_calendar):
    session = helping.book_help(world.draft(), slot=slot, by=world.resident, now=NOW)
    slot.refresh_from_db()
    assert slot.booked == 1 and session.booking.slot == slot
    assert session.requested_at == slot.start_at
    assert not queries_help.waiting(world.world.department.pk, now=NOW).exists()
    assert list(queries_help.waiting(world.world.department.pk, now=slot.start_at)) == [session]
    helping.cancel_help(session, by=world.resident, now=NOW, expected_version=session.version)
    slot.refresh_from_db()
    assert slot.booked == 0, "the place goes back to the slot"


def test_a_full_slot_is_refused_and_nothing_is_written(world, slot, seeded_calendar):
    helping.book_help(world.draft(), slot=slot, by=world.resident, now=NOW)
    with pytest.raises(ValidationError) as refused:
        helping.book_help(world.draft(world.township), slot=slot, by=world.township, now=NOW)
    assert "full" in str(refused.value.message_dict["slot"])
    assert HelpSession.objects.count() == 1


def test_a_slot_of_a_group_not_serving_the_item_is_refused(world, slot, seeded_calendar):
    other = ServiceItemFactory(published=True, online=True, department=world.world.department, name="其他")
    MaterialFactory(item=other, position=1, name="申请书", required=True)
    app = services.start_application(by=world.resident, now=NOW, item=other)
    with pytest.raises(ValidationError) as refused:
        helping.book_help(app, slot=slot, by=world.resident, now=NOW)
    assert "does not serve this item" in str(refused.value.message_dict["item"])


def test_a_booked_session_that_starts_was_kept(world, slot, seeded_calendar):
    from govhall.visits.models import BookingState

    session = helping.book_help(world.draft(), slot=slot, by=world.resident, now=NOW)
    helping.start_help(session, by=world.clerk, now=slot.start_at, expected_version=session.version)
    session.booking.refresh_from_db()
    assert session.booking.state == BookingState.ARRIVED
    assert not session.booking.is_no_show(slot.end_at), "not counted a no-show by the visits' figures"
