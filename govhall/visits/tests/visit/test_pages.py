"""The visit's pages answer, refuse whom they must, and go through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from govhall.visits.devices import kiosk_token
from govhall.visits.models import Booking, BookingState, Visit
from govhall.visits.services import visit as services
from govhall.visits.tests.visit.test_api import next_workday_slots


@pytest.fixture
def web():
    def make(user=None) -> Client:
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


def test_the_guide_offers_booking_when_a_group_serves_the_item(hall, web):
    hall.world.item.online = False
    r = web().get(f"/portal/items/{hall.world.item.code}/")
    assert r.status_code == 200 and b'data-test="book-visit"' in r.content


def test_booking_page_needs_sign_in_then_books(hall, web):
    slot = next_workday_slots(hall)[0]
    r = web().get(f"/visits/book/{hall.world.item.code}/")
    assert r.status_code == 302 and "/portal/login/" in r["Location"]
    c = web(hall.world.users["applicant"])
    r = c.get(f"/visits/book/{hall.world.item.code}/")
    assert r.status_code == 200 and f'value="{slot.pk}"'.encode() in r.content
    r = c.post(f"/visits/book/{hall.world.item.code}/", {"slot": slot.pk})
    booking = Booking.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/visits/bookings/{booking.code}/")
    assert c.get("/visits/bookings/").status_code == 200
    r = c.post(f"/visits/bookings/{booking.code}/", {"action": "cancel"})
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED


def test_the_kiosk_needs_its_device_link(hall, web):
    code = hall.world.centre.code
    assert web().get(f"/visits/kiosk/{code}/").status_code == 403
    token = kiosk_token(hall.world.centre)
    c = web()
    assert c.get(f"/visits/kiosk/{code}/", {"device": token}).status_code == 200
    r = c.post(f"/visits/kiosk/{code}/", {"device": token, "group": hall.group_a.pk})
    assert r.status_code == 302
    r = c.get(r["Location"])
    assert r.status_code == 200 and b"A001" in r.content


def test_an_unknown_booking_code_is_refused_on_the_kiosk(hall, web):
    code = hall.world.centre.code
    r = web().post(f"/visits/kiosk/{code}/", {"device": kiosk_token(hall.world.centre), "code": "NOPE2345"})
    assert r.status_code == 400 and "没有这个预约码的预约" in r.content.decode()


def test_the_phone_page_takes_a_number_signed_in(hall, web):
    c = web(hall.world.users["applicant"])
    r = c.post(f"/visits/take/{hall.world.centre.code}/", {"group": hall.group_b.pk})
    visit = Visit.objects.get()
    assert r["Location"].endswith(f"/visits/numbers/{visit.pk}/")
    assert visit.person == hall.world.users["applicant"]
    assert b"B001" in c.get(r["Location"]).content


def test_the_window_calls_and_finishes_and_the_display_follows(hall, web):
    now = timezone.now()
    services.take_number(group=hall.group_a, now=now - timedelta(minutes=1))
    c = web(hall.world.users["clerk"])
    w = hall.windows[0].pk
    assert c.get("/visits/").status_code == 200
    display = web().get(f"/visits/display/{hall.world.centre.code}/")
    assert display.status_code == 200
    before = display.context["version"]
    c.post(f"/visits/windows/{w}/act/", {"action": "call"})
    visit = Visit.objects.get()
    assert visit.state == "called" and visit.window_id == w
    calls = web().get(f"/visits/display/{hall.world.centre.code}/calls/", {"v": before})
    assert calls.status_code == 200 and b'data-number="A001"' in calls.content
    unchanged = web().get(f"/visits/display/{hall.world.centre.code}/calls/", {"v": calls.context["version"]})
    assert unchanged.status_code == 204
    c.post(f"/visits/windows/{w}/act/", {"action": "start", "visit": visit.pk})
    c.post(f"/visits/windows/{w}/act/", {"action": "finish", "visit": visit.pk})
    visit.refresh_from_db()
    assert visit.state == "done"
    r = c.get(f"/visits/windows/{w}/")
    assert r.status_code == 200 and b'data-test="call-next"' in r.content


def test_residents_cannot_open_a_window(hall, web):
    assert web(hall.world.users["applicant"]).get(f"/visits/windows/{hall.windows[0].pk}/").status_code == 403
