"""The visit's services: slots on working days, bookings and their refusals, numbers, calling."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.errors import TransitionNotAllowed
from govhall.visits.models import Booking, BookingState, Slot, SlotKind, Visit, VisitState
from govhall.visits.queries_visit import display_rows, no_shows, queue_info, visit_times
from govhall.visits.services import visit as services
from govhall.visits.tests.visit.conftest import at
from govhall.workdays.models import CalendarDay


def slot_at(hall, text: str) -> Slot:
    return Slot.objects.get(group=hall.group_a, start_at=at(text))


@pytest.mark.parametrize(
    ("start", "expected_days"),
    [
        ("2026-03-02", {"2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"}),  # Mon–Fri
        (
            "2026-09-30",
            {"2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10"},
        ),  # 国庆 1–7 Oct off; Sat 10 Oct 调休
    ],
)
def test_slots_are_generated_on_working_days_only(hall, now, start, expected_days):
    first = date.fromisoformat(start)
    services.generate_slots(start=first, days=11 if first.month == 9 else 7, now=now)
    days = {d.isoformat() for d in Slot.objects.values_list("day", flat=True)}
    assert days == expected_days


def test_generating_twice_keeps_the_slots_and_their_bookings(hall, now):
    assert services.generate_slots(start=date(2026, 3, 2), days=1, now=now) == 2
    services.book_slot(slot=slot_at(hall, "2026-03-02 09:00"), person=hall.world.users["applicant"], now=now)
    assert services.generate_slots(start=date(2026, 3, 2), days=1, now=now) == 0
    assert slot_at(hall, "2026-03-02 09:00").booked == 1


def test_extended_hours_are_slots_of_their_own_kind(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    evening = slot_at(hall, "2026-03-02 17:30")
    assert (evening.kind, evening.capacity) == (SlotKind.EXTENDED, 3)


def test_booking_gives_a_short_code_and_takes_a_place(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    slot = slot_at(hall, "2026-03-02 09:00")
    booking = services.book_slot(
        slot=slot, person=hall.world.users["applicant"], item=hall.world.item, now=now
    )
    assert len(booking.code) == 8 and booking.code.isalnum()
    assert booking.state == BookingState.BOOKED
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_full_slot_refuses_a_booking_and_writes_nothing(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    slot = slot_at(hall, "2026-03-02 09:00")
    for name in ("applicant", "clerk"):
        services.book_slot(slot=slot, person=hall.world.users[name], now=now)
    with pytest.raises(ValidationError) as error:
        services.book_slot(slot=slot, person=hall.world.users["handler"], now=now)
    assert "slot is full" in str(error.value.message_dict["slot"])
    assert Booking.objects.count() == 2


def test_a_started_slot_refuses_a_booking(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    with pytest.raises(ValidationError) as error:
        services.book_slot(
            slot=slot_at(hall, "2026-03-02 09:00"),
            person=hall.world.users["applicant"],
            now=at("2026-03-02 09:00"),
        )
    assert "already started" in str(error.value.message_dict["slot"])


def test_a_slot_on_a_day_made_a_rest_day_refuses_a_booking(hall, now):
    services.generate_slots(start=date(2026, 3, 3), days=1, now=now)
    slot = slot_at(hall, "2026-03-03 09:00")
    CalendarDay.objects.update_or_create(
        date=date(2026, 3, 3), defaults={"is_workday": False, "name": "地方休息日"}
    )
    from govhall.workdays import calendar

    calendar.reset_cache()
    with pytest.raises(ValidationError) as error:
        services.book_slot(slot=slot, person=hall.world.users["applicant"], now=now)
    assert "not a working day" in str(error.value.message_dict["slot"])
    assert Booking.objects.count() == 0


def test_change_moves_the_booking_and_frees_the_old_place(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=2, now=now)
    old, new = slot_at(hall, "2026-03-02 09:00"), slot_at(hall, "2026-03-03 09:00")
    booking = services.book_slot(slot=old, person=hall.world.users["applicant"], now=now)
    services.change_booking(booking, slot=new, by=hall.world.users["applicant"], now=now)
    old.refresh_from_db(), new.refresh_from_db()
    assert (old.booked, new.booked) == (0, 1)
    booking.refresh_from_db()
    assert booking.slot == new and booking.version == 2


@pytest.mark.parametrize("action", ["cancel", "change"])
def test_a_booking_cannot_be_changed_or_cancelled_once_its_slot_started(hall, now, action):
    services.generate_slots(start=date(2026, 3, 2), days=2, now=now)
    user = hall.world.users["applicant"]
    booking = services.book_slot(slot=slot_at(hall, "2026-03-02 09:00"), person=user, now=now)
    later = at("2026-03-02 09:05")
    with pytest.raises(ValidationError) as error:
        if action == "cancel":
            services.cancel_booking(booking, by=user, now=later)
        else:
            services.change_booking(booking, slot=slot_at(hall, "2026-03-03 09:00"), by=user, now=later)
    assert "until its slot starts" in str(error.value.message_dict["booking"])


def test_cancel_frees_the_place_and_only_the_owner_may(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    slot = slot_at(hall, "2026-03-02 09:00")
    booking = services.book_slot(slot=slot, person=hall.world.users["applicant"], now=now)
    with pytest.raises(ValidationError):
        services.cancel_booking(booking, by=hall.world.users["clerk"], now=now)
    services.cancel_booking(booking, by=hall.world.users["applicant"], now=now)
    slot.refresh_from_db()
    assert slot.booked == 0


def test_a_booking_whose_slot_ended_without_a_number_is_a_no_show(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    user = hall.world.users["applicant"]
    kept = services.book_slot(slot=slot_at(hall, "2026-03-02 09:00"), person=user, now=now)
    services.book_slot(slot=slot_at(hall, "2026-03-02 17:30"), person=user, now=now)
    services.take_number_by_code(hall=hall.world.centre, code=kept.code, now=at("2026-03-02 08:50"))
    assert no_shows(now=at("2026-03-02 12:00")).count() == 0
    assert no_shows(now=at("2026-03-02 19:00")).count() == 1


def test_walk_in_numbers_count_per_group_and_day(hall, now):
    numbers = [services.take_number(group=hall.group_a, now=now).number for _ in range(3)]
    numbers.append(services.take_number(group=hall.group_b, now=now).number)
    numbers.append(services.take_number(group=hall.group_a, now=now + timedelta(days=1)).number)
    assert numbers == ["A001", "A002", "A003", "B001", "A001"]


def test_a_group_that_does_not_serve_the_item_refuses_a_number(hall, now):
    with pytest.raises(ValidationError) as error:
        services.take_number(group=hall.group_b, item=hall.world.item, now=now)
    assert "item" in error.value.message_dict


@pytest.mark.parametrize(
    ("taken_at", "message"),
    [
        ("2026-03-03 08:30", "only on the day of the appointment"),
        ("2026-03-02 10:00", "slot has ended"),
    ],
)
def test_a_booking_code_gives_a_number_only_on_its_day_before_its_slot_ends(hall, now, taken_at, message):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    booking = services.book_slot(
        slot=slot_at(hall, "2026-03-02 09:00"), person=hall.world.users["applicant"], now=now
    )
    with pytest.raises(ValidationError) as error:
        services.take_number_by_code(hall=hall.world.centre, code=booking.code, now=at(taken_at))
    assert message in str(error.value.message_dict["code"])


def test_a_booking_code_gives_one_number_only(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    booking = services.book_slot(
        slot=slot_at(hall, "2026-03-02 09:00"), person=hall.world.users["applicant"], now=now
    )
    visit = services.take_number_by_code(
        hall=hall.world.centre, code=booking.code.lower(), now=at("2026-03-02 08:55")
    )
    assert (visit.source, visit.person, visit.number) == ("booking", hall.world.users["applicant"], "A001")
    with pytest.raises(ValidationError):
        services.take_number_by_code(hall=hall.world.centre, code=booking.code, now=at("2026-03-02 08:56"))


def test_booked_numbers_go_first_within_their_slot(hall, now):
    services.generate_slots(start=date(2026, 3, 2), days=1, now=now)
    booking = services.book_slot(
        slot=slot_at(hall, "2026-03-02 09:00"), person=hall.world.users["applicant"], now=now
    )
    early = services.take_number(group=hall.group_a, now=at("2026-03-02 08:55"))  # before the slot
    services.take_number(group=hall.group_a, now=at("2026-03-02 09:01"))  # within the slot
    booked = services.take_number_by_code(
        hall=hall.world.centre, code=booking.code, now=at("2026-03-02 09:02")
    )
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    called = []
    for minute in range(3):
        visit = services.call_next(window=window, clerk=clerk, now=at(f"2026-03-02 09:1{minute}"))
        called.append(visit.number)
        services.skip(visit, window=window, now=at(f"2026-03-02 09:1{minute}"))
    assert called == [early.number, booked.number, "A002"]


def test_the_full_visit_records_window_clerk_hall_item_and_times(hall, now):
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    visit = services.take_number(group=hall.group_a, item=hall.world.item, now=at("2026-03-02 09:00"))
    visit = services.call_next(window=window, clerk=clerk, now=at("2026-03-02 09:10"))
    visit = services.recall(visit, window=window, now=at("2026-03-02 09:11"))
    visit = services.start_service(visit, window=window, now=at("2026-03-02 09:12"))
    visit = services.finish_service(visit, window=window, now=at("2026-03-02 09:20"))
    assert visit.state == VisitState.DONE and visit.calls == 2
    assert (visit.window, visit.clerk, visit.hall, visit.item) == (
        window,
        clerk,
        hall.world.centre,
        hall.world.item,
    )
    assert (visit.ticket_at, visit.called_at, visit.started_at, visit.ended_at) == (
        at("2026-03-02 09:00"),
        at("2026-03-02 09:11"),
        at("2026-03-02 09:12"),
        at("2026-03-02 09:20"),
    )


def test_a_window_holding_a_number_cannot_call_the_next(hall, now):
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    services.take_number(group=hall.group_a, now=now)
    services.take_number(group=hall.group_a, now=now)
    first = services.call_next(window=window, clerk=clerk, now=now)
    with pytest.raises(ValidationError) as error:
        services.call_next(window=window, clerk=clerk, now=now)
    assert first.number in str(error.value.message_dict["window"])


def test_nobody_waiting_calls_nobody(hall, now):
    assert services.call_next(window=hall.windows[0], clerk=hall.world.users["clerk"], now=now) is None


def test_transfer_queues_the_number_in_the_other_group(hall, now):
    clerk = hall.world.users["clerk"]
    services.take_number(group=hall.group_a, now=now)
    visit = services.call_next(window=hall.windows[0], clerk=clerk, now=now)
    visit = services.transfer(visit, to_group=hall.group_b, window=hall.windows[0], now=now)
    assert (visit.state, visit.group, visit.window, visit.number) == (
        VisitState.WAITING,
        hall.group_b,
        None,
        "A001",
    )
    again = services.call_next(window=hall.windows[2], clerk=clerk, now=now)
    assert again.pk == visit.pk


def test_a_finished_visit_cannot_be_called_back(hall, now):
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    services.take_number(group=hall.group_a, now=now)
    visit = services.call_next(window=window, clerk=clerk, now=now)
    visit = services.start_service(visit, window=window, now=now)
    visit = services.finish_service(visit, window=window, now=now)
    with pytest.raises(TransitionNotAllowed):
        services.recall(visit, window=window, now=now)


def test_skipped_number_can_come_back_to_the_end_of_the_queue(hall, now):
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    services.take_number(group=hall.group_a, now=now)
    services.take_number(group=hall.group_a, now=now)
    first = services.call_next(window=window, clerk=clerk, now=now)
    services.skip(first, window=window, now=now)
    services.requeue(Visit.objects.get(pk=first.pk), now=at("2026-03-02 08:30"))
    assert services.call_next(window=window, clerk=clerk, now=now).number == "A002"


def test_queue_info_counts_ahead_and_estimates_the_wait(hall, now):
    visits = [services.take_number(group=hall.group_a, now=now) for _ in range(5)]
    info = queue_info(hall.group_a, now=now, visit=visits[4])
    # 4 ahead, 10 minutes each, two windows: 20 minutes
    assert (info.waiting, info.ahead, info.wait_minutes) == (5, 4, 20)


def test_the_estimate_uses_todays_service_times_once_three_were_served(hall, now):
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    for n in range(3):
        services.take_number(group=hall.group_a, now=now)
        v = services.call_next(window=window, clerk=clerk, now=now)
        v = services.start_service(v, window=window, now=at(f"2026-03-02 09:{n}0"))
        services.finish_service(v, window=window, now=at(f"2026-03-02 09:{n}4"))
    waiting = services.take_number(group=hall.group_a, now=now)
    services.take_number(group=hall.group_a, now=now)
    info = queue_info(hall.group_a, now=now)
    assert (info.service_minutes, info.wait_minutes) == (4.0, 4)
    assert queue_info(hall.group_a, now=now, visit=waiting).ahead == 0


def test_the_display_shows_called_numbers_and_their_windows(hall, now):
    services.take_number(group=hall.group_a, now=now)
    services.call_next(window=hall.windows[1], clerk=hall.world.users["clerk"], now=now)
    rows = display_rows(hall.world.centre, now=now)
    assert [(r["number"], r["window"]) for r in rows] == [("A001", "02")]


def test_a_case_opened_during_the_visit_links_to_it(hall, now):
    case = hall.world.accepted(now)
    services.take_number(group=hall.group_a, now=now)
    visit = services.call_next(window=hall.windows[0], clerk=hall.world.users["clerk"], now=now)
    visit = services.link_case(visit, case_number=case.number, now=now)
    assert visit.case == case
    with pytest.raises(ValidationError):
        services.link_case(visit, case_number="NO-SUCH", now=now)


def test_visit_times_per_group_and_hour(hall, now):
    clerk, window = hall.world.users["clerk"], hall.windows[0]
    services.take_number(group=hall.group_a, now=at("2026-03-02 09:00"))
    v = services.call_next(window=window, clerk=clerk, now=at("2026-03-02 09:06"))
    v = services.start_service(v, window=window, now=at("2026-03-02 09:07"))
    services.finish_service(v, window=window, now=at("2026-03-02 09:15"))
    rows = visit_times(start=date(2026, 3, 2), end=date(2026, 3, 2))
    assert rows == [
        {
            "hall": hall.world.centre.name,
            "group": "A",
            "group_name": "市场准入",
            "hour": 9,
            "visits": 1,
            "served": 1,
            "absent": 0,
            "wait_minutes": 6.0,
            "service_minutes": 8.0,
        }
    ]


@pytest.mark.parametrize(
    ("old_at", "full_at"),
    [("2026-03-03 09:00", "2026-03-02 09:00"), ("2026-03-02 09:00", "2026-03-03 09:00")],
)
def test_changing_to_a_full_slot_keeps_the_old_place(hall, now, old_at, full_at):
    """Both orders of the slots' keys: claim first, or release first and roll back."""
    services.generate_slots(start=date(2026, 3, 2), days=2, now=now)
    old, full = slot_at(hall, old_at), slot_at(hall, full_at)
    Slot.objects.filter(pk=full.pk).update(booked=full.capacity)
    user = hall.world.users["applicant"]
    booking = services.book_slot(slot=old, person=user, now=now)
    with pytest.raises(ValidationError):
        services.change_booking(booking, slot=full, by=user, now=now)
    old.refresh_from_db()
    booking.refresh_from_db()
    assert (old.booked, booking.slot_id) == (1, old.pk)
