"""The visit in a browser (issue 16, part visit): a citizen books a slot from the item's guide, takes the
number by booking code at the hall's kiosk, the hall display shows it called, and the clerk serves and
finishes the visit at the window. Citizen pages at 390 px pass axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.visits.devices import kiosk_token
from govhall.visits.models import Slot, Visit

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def hall_today(transactional_db):
    """The test hall with window groups A and B, today made a working day, and a slot starting later today."""
    from govhall.cases.tests.factories import UserFactory
    from govhall.core.models import Role
    from govhall.visits.tests.visit.conftest import make_hall
    from govhall.workdays import calendar
    from govhall.workdays.models import CalendarDay

    now = timezone.localtime()
    CalendarDay.objects.update_or_create(date=now.date(), defaults={"is_workday": True, "name": ""})
    calendar.reset_cache()
    hall = make_hall()
    start = now + timedelta(minutes=30)
    slot = Slot.objects.create(
        group=hall.group_a,
        day=now.date(),
        start_at=start,
        end_at=max(start + timedelta(hours=1), start),
        capacity=3,
    )
    citizen = UserFactory(username="zhangsan", role=Role.APPLICANT, first_name="三", last_name="张")
    return hall, slot, citizen


def sign_in(page: Page, live_server, user) -> None:
    page.context.clear_cookies()
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"


def test_book_take_number_by_code_called_on_display_served_and_finished(
    page: Page, site, live_server, axe, hall_today
):
    hall, slot, citizen = hall_today
    item = hall.world.item
    centre = hall.world.centre

    # 1. The citizen books from the guide, on a phone.
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, citizen)
    site.open(f"/portal/items/{item.code}/")
    page.click("[data-test=book-visit]")
    expect(page.locator("h1")).to_have_text("预约办理")
    axe(page)
    fits_the_phone(page)
    site.screenshot("visit-book-390")
    page.check(f"#slot-{slot.pk}")
    page.click("[data-test=book-submit]")
    booking = page.locator("[data-test=booking]")
    expect(booking).to_have_attribute("data-state", "booked")
    code = booking.get_attribute("data-code")
    assert code and len(code) == 8
    axe(page)
    fits_the_phone(page)
    site.screenshot("visit-booking-390")

    # 2. At the hall, the kiosk (signed device link, no sign-in) gives the number by booking code.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1080, "height": 1920})
    site.open(f"/visits/kiosk/{centre.code}/?device={kiosk_token(centre)}")
    axe(page)
    site.screenshot("visit-kiosk", full_page=False)
    page.fill("#id_code", code.lower())
    page.click("[data-test=take-by-code]")
    expect(page.locator("[data-test=ticket-number]")).to_have_text("A001")
    axe(page)
    site.screenshot("visit-kiosk-ticket", full_page=False)

    # 3. The hall display, on its own screen, shows nothing called yet.
    display = page.context.new_page()
    display.set_default_timeout(15_000)
    display.set_viewport_size({"width": 1920, "height": 1080})
    display.goto(f"{live_server.url}/visits/display/{centre.code}/")
    expect(display.locator("[data-test=call]")).to_have_count(0)

    # 4. The clerk calls the next number at window 01: the booked A001.
    sign_in(page, live_server, hall.world.users["clerk"])
    page.set_viewport_size({"width": 1280, "height": 800})
    site.open(f"/visits/windows/{hall.windows[0].pk}/")
    page.click("[data-test=call-next]")
    current = page.locator("[data-test=current]")
    expect(current).to_have_attribute("data-number", "A001")
    expect(current).to_have_attribute("data-state", "called")

    # 5. The display shows A001 and window 01 within a few polls, without reloading.
    called = display.locator("[data-test=call][data-number=A001]")
    expect(called).to_have_attribute("data-window", "01")
    display.screenshot(
        path=str(site.screenshot("visit-window-called").with_name("govhall-visit-display.png"))
    )

    # 6. Service starts and finishes; the window is free to call again.
    page.click("[data-test=start]")
    expect(current).to_have_attribute("data-state", "serving")
    page.click("[data-test=finish]")
    expect(page.locator("[data-test=call-next]")).to_be_visible()
    expect(display.locator("[data-test=call]")).to_have_count(0)

    visit = Visit.objects.get(number="A001")
    assert (visit.state, visit.source, visit.person, visit.window, visit.clerk) == (
        "done",
        "booking",
        citizen,
        hall.windows[0],
        hall.world.users["clerk"],
    )
    assert visit.ticket_at <= visit.called_at <= visit.started_at <= visit.ended_at
    assert visit.booking.code == code


def test_a_signed_in_resident_takes_a_number_on_the_phone(page: Page, site, live_server, axe, hall_today):
    hall, _slot, citizen = hall_today
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, citizen)
    site.open("/visits/bookings/")
    axe(page)
    fits_the_phone(page)
    page.click(f"[data-test=take-halls] a[href='/visits/take/{hall.world.centre.code}/']")
    expect(page.locator("h1")).to_contain_text("取号")
    axe(page)
    fits_the_phone(page)
    site.screenshot("visit-take-390")
    page.click("[data-test=group-B]")
    expect(page.locator("[data-test=ticket-number]")).to_have_text("B001")
    expect(page.locator("[data-test=ticket-wait]")).to_contain_text("前面还有 0 人")
    axe(page)
    fits_the_phone(page)
    site.screenshot("visit-my-number-390")
