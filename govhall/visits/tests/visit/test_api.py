"""The visit's API under /api/v1/visits/: residents book, kiosks and phones take numbers, clerks call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.visits.devices import kiosk_token
from govhall.visits.models import Booking, BookingState, Slot, Visit
from govhall.visits.services import visit as services
from govhall.workdays import calendar


@pytest.fixture
def client_for():
    def make(user=None) -> APIClient:
        c = APIClient()
        if user is not None:
            c.force_authenticate(user)
        return c

    return make


def next_workday_slots(hall) -> list[Slot]:
    day = calendar.add_workdays(timezone.localdate(), 1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    services.generate_slots(start=day, days=1, now=timezone.now())
    return list(Slot.objects.filter(group=hall.group_a, day=day).order_by("start_at"))


def today_slot(hall) -> Slot:
    """A slot of today that started an hour ago and ends in an hour (whatever the calendar says)."""
    now = timezone.now()
    return Slot.objects.create(
        group=hall.group_a,
        day=timezone.localdate(now),
        start_at=now - timedelta(hours=1),
        end_at=now + timedelta(hours=1),
        capacity=2,
        booked=1,
    )


def test_a_resident_books_lists_changes_and_cancels(hall, client_for):
    first, second = next_workday_slots(hall)
    api = client_for(hall.world.users["applicant"])
    r = api.get("/api/v1/visits/slots/", {"item": hall.world.item.code})
    assert r.status_code == 200 and {s["id"] for s in r.json()} >= {first.pk, second.pk}
    r = api.post("/api/v1/visits/bookings/", {"slot": first.pk, "item": hall.world.item.code}, format="json")
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert api.get("/api/v1/visits/bookings/").json()[0]["code"] == code
    r = api.post(f"/api/v1/visits/bookings/{code}/change/", {"slot": second.pk, "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["slot"]["id"] == second.pk
    r = api.post(f"/api/v1/visits/bookings/{code}/cancel/", {"version": 1}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    r = api.post(f"/api/v1/visits/bookings/{code}/cancel/", {"version": 2}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"


def test_booking_a_full_slot_answers_400_naming_the_rule(hall, client_for):
    slot = next_workday_slots(hall)[0]
    Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)
    r = client_for(hall.world.users["applicant"]).post(
        "/api/v1/visits/bookings/", {"slot": slot.pk}, format="json"
    )
    assert r.status_code == 400
    assert "已约满" in field_errors(r.json())["slot"][0]  # the page speaks zh-Hans first


def test_booking_needs_a_signed_in_account(hall, client_for):
    slot = next_workday_slots(hall)[0]
    assert client_for().post("/api/v1/visits/bookings/", {"slot": slot.pk}, format="json").status_code == 403


def test_a_kiosk_takes_numbers_only_with_its_signed_device_token(hall, client_for):
    centre = hall.world.centre
    kiosk = client_for()
    body = {"hall": centre.code, "group": "A"}
    assert kiosk.post("/api/v1/visits/tickets/", body, format="json").status_code == 403
    bad = {**body, "device": kiosk_token(centre) + "x"}
    assert kiosk.post("/api/v1/visits/tickets/", bad, format="json").status_code == 403
    r = kiosk.post("/api/v1/visits/tickets/", {**body, "device": kiosk_token(centre)}, format="json")
    assert r.status_code == 201
    assert (r.json()["number"], r.json()["waiting_ahead"], r.json()["estimated_wait_minutes"]) == (
        "A001",
        0,
        0,
    )
    r = kiosk.post("/api/v1/visits/tickets/", {**body, "device": kiosk_token(centre)}, format="json")
    assert (r.json()["waiting_ahead"], r.json()["estimated_wait_minutes"]) == (1, 5)


def test_a_signed_in_phone_takes_a_number_for_an_item(hall, client_for):
    r = client_for(hall.world.users["applicant"]).post(
        "/api/v1/visits/tickets/",
        {"hall": hall.world.centre.code, "item": hall.world.item.code},
        format="json",
    )
    assert r.status_code == 201 and r.json()["group"] == "A" and r.json()["item"] == hall.world.item.code


def test_number_by_booking_code_then_called_served_and_finished(hall, client_for):
    slot = today_slot(hall)
    booking = Booking.objects.create(
        slot=slot, person=hall.world.users["applicant"], code="ABCD2345", booked_at=timezone.now()
    )
    kiosk = client_for()
    r = kiosk.post(
        "/api/v1/visits/tickets/",
        {"hall": hall.world.centre.code, "code": "abcd2345", "device": kiosk_token(hall.world.centre)},
        format="json",
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    booking.refresh_from_db()
    assert booking.state == BookingState.ARRIVED

    clerk = client_for(hall.world.users["clerk"])
    r = clerk.post(f"/api/v1/visits/windows/{hall.windows[0].pk}/call-next/")
    assert r.status_code == 200 and r.json()["number"] == number
    visit_id = r.json()["id"]
    display = kiosk.get(f"/api/v1/visits/halls/{hall.world.centre.code}/display/").json()
    assert display["called"][0]["number"] == number and display["called"][0]["window"] == "01"
    for action in ("recall", "start", "finish"):
        r = clerk.post(f"/api/v1/visits/visits/{visit_id}/{action}/", {}, format="json")
        assert r.status_code == 200, (action, r.content)
    v = Visit.objects.get(pk=visit_id)
    assert (v.state, v.calls, v.clerk, v.window) == ("done", 2, hall.world.users["clerk"], hall.windows[0])
    r = clerk.post(f"/api/v1/visits/visits/{visit_id}/skip/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"


def test_nobody_waiting_answers_204(hall, client_for):
    r = client_for(hall.world.users["clerk"]).post(f"/api/v1/visits/windows/{hall.windows[0].pk}/call-next/")
    assert r.status_code == 204


def test_residents_cannot_call_numbers(hall, client_for):
    r = client_for(hall.world.users["applicant"]).post(
        f"/api/v1/visits/windows/{hall.windows[0].pk}/call-next/"
    )
    assert r.status_code == 403


def test_transfer_and_queue_state(hall, client_for):
    now = timezone.now()
    services.take_number(group=hall.group_a, now=now)
    clerk = client_for(hall.world.users["clerk"])
    visit_id = clerk.post(f"/api/v1/visits/windows/{hall.windows[0].pk}/call-next/").json()["id"]
    r = clerk.post(f"/api/v1/visits/visits/{visit_id}/transfer/", {"group": "B"}, format="json")
    assert r.status_code == 200 and (r.json()["group"], r.json()["state"]) == ("B", "waiting")
    q = client_for().get(f"/api/v1/visits/halls/{hall.world.centre.code}/groups/B/queue/").json()
    assert (q["waiting"], q["estimated_wait_minutes"]) == (1, 6)
    r = clerk.post(f"/api/v1/visits/visits/{visit_id}/transfer/", {"group": "Z"}, format="json")
    assert r.status_code == 400 and "group" in field_errors(r.json())
