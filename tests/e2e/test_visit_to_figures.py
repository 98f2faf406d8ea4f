"""Issue 16's whole path in one browser test: a citizen books a slot on the portal, takes the number by
booking code at the hall's kiosk, the hall display shows it called, the clerk calls, serves and finishes
the visit at the window, the window tablet (评价器) takes a rating by touch, and the rating appears in the
department's figures on the leaders' /stats/ratings/.

Then a 非常不满意 with a reason, given on the tablet after a walk-in visit, opens a follow-up in the
department's list; a 非常不满意 given on the tablet ten days ago (written through the rating service at
that moment, as test_follow_up.py does: the pages read the real clock) shows the red light."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.cases.tests.factories import World
from govhall.catalog.models import Window
from govhall.core.models import User
from govhall.stats.ratingstats_views import COLUMNS
from govhall.visits.devices import kiosk_token
from govhall.visits.models import FollowUp, Rating, RatingChannel, RatingLevel, Slot, Visit
from govhall.visits.services.ratings import pair_tablet, rate_visit
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_visit_queue import sign_in

pytestmark = pytest.mark.e2e

WAIT = 15_000  # ms: a loaded CI machine, a display polling every few seconds, a tablet every two


@dataclass
class Journey:
    world: World
    window: Window
    slot: Slot
    citizen: User


@pytest.fixture
def journey(transactional_db, seeded_calendar):
    """The test hall open today (groups A and B, window 01 serving 市场监督管理局), a slot later today, the
    rating reasons and the working-day calendar seeded again (the live server's test flushed them)."""
    from govhall.cases.tests.factories import UserFactory
    from govhall.core.models import Role
    from govhall.visits.tests.ratings.conftest import seed_reasons
    from govhall.visits.tests.visit.conftest import make_hall
    from govhall.workdays import calendar
    from govhall.workdays.models import CalendarDay

    seed_reasons()
    now = timezone.localtime()
    CalendarDay.objects.update_or_create(date=now.date(), defaults={"is_workday": True, "name": ""})
    calendar.reset_cache()
    hall = make_hall()
    window = hall.windows[0]
    # A walk-in visit has no item: its rating (and follow-up) goes to the department its window serves.
    window.departments.add(hall.world.department)
    start = now + timedelta(minutes=30)
    slot = Slot.objects.create(
        group=hall.group_a, day=now.date(), start_at=start, end_at=start + timedelta(hours=1), capacity=3
    )
    citizen = UserFactory(username="zhangsan", role=Role.APPLICANT, first_name="三", last_name="张")
    return Journey(hall.world, window, slot, citizen)


@contextmanager
def seen(page: Page, step: str):
    """On a failed expectation, say which step failed and what the page showed (text and a screenshot)."""
    try:
        yield
    except AssertionError as exc:
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = SCREENSHOTS / f"govhall-visit-to-figures-{slug}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            text = page.locator("body").inner_text(timeout=2_000)
        except Exception as shot_error:  # the page itself may be gone
            text = f"(could not read the page: {shot_error})"
        raise AssertionError(
            f"{step}: {exc}\n--- {page.url} showed:\n{text[:3000]}\n--- screenshot: {path}"
        ) from exc


def console_error(message) -> list[str]:
    """A console error of the tablet's page, as text (a screen page that links no icon makes the browser
    ask for /favicon.ico, a 404: that is an error too)."""
    if message.type != "error":
        return []
    return [f"{message.text} ({message.location.get('url', '')})"]


def department_figures(page: Page, department: str) -> dict[str, str]:
    """The figures of the department's row in the ratings table, by column key (as the page shows them)."""
    row = page.locator("[data-test=table-ratings] tbody tr", has_text=department)
    expect(row).to_have_count(1)
    cells = row.locator("td").all_inner_texts()
    return {key: cells[i + 1].strip() for i, key in enumerate(COLUMNS)}


def serve_next(page: Page, display: Page, site, window: Window, number: str) -> None:
    """The clerk calls the next number at the window (the display shows it), serves and finishes it."""
    site.open(f"/visits/windows/{window.pk}/")
    page.click("[data-test=call-next]")
    current = page.locator("[data-test=current]")
    with seen(page, f"the window calls {number}"):
        expect(current).to_have_attribute("data-number", number)
        expect(current).to_have_attribute("data-state", "called")
    with seen(display, f"the display shows {number} at window {window.number}"):
        # The display polls: the call shows up without a reload.
        expect(display.locator(f"[data-test=call][data-number={number}]")).to_have_attribute(
            "data-window", window.number, timeout=WAIT
        )
    page.click("[data-test=start]")
    with seen(page, f"{number} is served"):
        expect(current).to_have_attribute("data-state", "serving")
    page.click("[data-test=finish]")
    with seen(page, f"{number} is finished"):
        expect(page.locator("[data-test=call-next]")).to_be_visible()
    with seen(display, f"the display drops {number}"):
        expect(display.locator("[data-test=call]")).to_have_count(0, timeout=WAIT)


def test_a_booked_visit_is_rated_on_the_tablet_and_counted_and_a_very_bad_one_turns_red(
    page: Page, site, live_server, browser, journey: Journey
):
    world, window, slot, citizen = journey.world, journey.window, journey.slot, journey.citizen
    centre, department = world.centre, world.department
    kiosk = f"/visits/kiosk/{centre.code}/?device={kiosk_token(centre)}"

    # 1. The citizen books a slot from the item's guide on the portal.
    sign_in(page, live_server, citizen)
    site.open(f"/portal/items/{world.item.code}/")
    page.click("[data-test=book-visit]")
    page.check(f"#slot-{slot.pk}")
    page.click("[data-test=book-submit]")
    booking = page.locator("[data-test=booking]")
    with seen(page, "the booking is made"):
        expect(booking).to_have_attribute("data-state", "booked")
    code = booking.get_attribute("data-code")
    assert code and len(code) == 8, f"booking code {code!r}"

    # 2. At the hall the kiosk (a signed device link, no sign-in) gives the number by booking code.
    page.context.clear_cookies()
    site.open(kiosk)
    page.fill("#id_code", code)
    page.click("[data-test=take-by-code]")
    with seen(page, "the kiosk gives the booked number"):
        expect(page.locator("[data-test=ticket-number]")).to_have_text("A001")

    # 3. The hall display on its own screen: nothing called yet.
    display = page.context.new_page()
    display.set_default_timeout(WAIT)
    display.goto(f"{live_server.url}/visits/display/{centre.code}/")
    with seen(display, "the display before any call"):
        expect(display.locator("[data-test=display]")).to_be_visible()
        expect(display.locator("[data-test=call]")).to_have_count(0)

    # 4. The window's tablet, paired with window 01, touch only, waits idle.
    _tablet, token = pair_tablet(window=window, name=window.number, now=timezone.now())
    tablet_context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 1024, "height": 768}, locale="zh-CN"
    )
    tablet = tablet_context.new_page()
    tablet.set_default_timeout(WAIT)
    tablet_errors: list[str] = []
    tablet.on("pageerror", lambda error: tablet_errors.append(str(error)))
    tablet.on("console", lambda message: tablet_errors.extend(console_error(message)))
    try:
        tablet.goto(f"{live_server.url}/visits/tablet/pair/{token}/")
        with seen(tablet, "the tablet pairs and waits"):
            expect(tablet.locator("[data-test=tablet-idle]")).to_be_visible()

        # 5. The clerk calls A001 at window 01 (the display shows it), serves and finishes it.
        sign_in(page, live_server, world.users["clerk"])
        serve_next(page, display, site, window, "A001")
        visit = Visit.objects.get(number="A001", day=timezone.localdate())
        assert (visit.state, visit.source, visit.person, visit.window, visit.booking.code) == (
            "done",
            "booking",
            citizen,
            window,
            code,
        )

        # 6. The tablet's poll brings up the five levels for A001; the citizen touches 非常满意.
        with seen(tablet, "the tablet offers A001's levels"):
            expect(tablet.locator(f"[data-test=tablet-levels][data-visit='{visit.pk}']")).to_be_visible(
                timeout=WAIT
            )
        tablet.locator(f"[data-test=tablet-level-{RatingLevel.VERY_SATISFIED}]").tap()
        with seen(tablet, "the tablet thanks for A001's rating"):
            expect(tablet.locator("[data-test=tablet-thanks]")).to_be_visible()
        rating = Rating.objects.get(visit=visit)
        assert (rating.level, rating.channel, rating.department, rating.window) == (
            RatingLevel.VERY_SATISFIED,
            RatingChannel.TABLET,
            department,
            window,
        )

        # 7. The leader reads it in the department's figures (/stats/ratings/, by department).
        sign_in(page, live_server, world.users["leader"])
        site.open("/stats/ratings/")
        with seen(page, "the leader's figures after A001"):
            expect(page.locator("[data-test=tile-rated] strong")).to_have_text("1")
            figures = department_figures(page, department.name)
            assert (figures["rated"], figures["satisfaction_rate"], figures["bad"]) == (
                "1",
                "100.0 %",
                "0",
            ), figures
        site.screenshot("visit-to-figures-stats")

        # 8. A walk-in takes a number at the kiosk; the clerk serves A002 at the same window.
        page.context.clear_cookies()
        site.open(kiosk)
        page.click("[data-test=group-A]")
        with seen(page, "the kiosk gives a walk-in number"):
            expect(page.locator("[data-test=ticket-number]")).to_have_text("A002")
        sign_in(page, live_server, world.users["clerk"])
        serve_next(page, display, site, window, "A002")
        walk_in = Visit.objects.get(number="A002", day=timezone.localdate())

        # 9. On the tablet (back to idle by itself): 非常不满意, a reason, send.
        with seen(tablet, "the tablet offers A002's levels"):
            expect(tablet.locator(f"[data-test=tablet-levels][data-visit='{walk_in.pk}']")).to_be_visible(
                timeout=WAIT
            )
        tablet.locator(f"[data-test=tablet-level-{RatingLevel.VERY_DISSATISFIED}]").tap()
        with seen(tablet, "the tablet asks for the reasons"):
            expect(tablet.locator("[data-test=tablet-reasons]")).to_be_visible()
        tablet.locator("[data-test=tablet-reason-efficiency]").tap()
        tablet.locator("[data-test=tablet-send]").tap()
        with seen(tablet, "the tablet thanks for A002's rating"):
            expect(tablet.locator("[data-test=tablet-thanks]")).to_be_visible()
        bad = Rating.objects.get(visit=walk_in)
        assert (bad.level, bad.channel, bad.department, list(bad.reasons.values_list("code", flat=True))) == (
            RatingLevel.VERY_DISSATISFIED,
            RatingChannel.TABLET,
            department,
            ["efficiency"],
        )
        fresh = FollowUp.objects.get(rating=bad)
        assert fresh.department == department
        assert tablet_errors == [], f"the tablet logged errors: {tablet_errors}"
    finally:
        tablet_context.close()

    # 10. The figures count it: two ratings, one bad, one follow-up.
    sign_in(page, live_server, world.users["leader"])
    site.open("/stats/ratings/")
    with seen(page, "the leader's figures after A002"):
        figures = department_figures(page, department.name)
        assert (figures["rated"], figures["satisfaction_rate"], figures["bad"], figures["follow_ups"]) == (
            "2",
            "50.0 %",
            "1",
            "1",
        ), figures

    # 11. Ten days ago window 01's tablet took another 非常不满意 (through the service, at that moment).
    then = timezone.now() - timedelta(days=10)
    from govhall.visits.tests.ratings.conftest import done_visit

    old_visit = done_visit(world, then, window=window)
    old = FollowUp.objects.get(
        rating=rate_visit(
            old_visit,
            level=RatingLevel.VERY_DISSATISFIED,
            reasons=["attitude"],
            channel=RatingChannel.TABLET,
            now=then,
        )
    )

    # 12. The department's handler: the old one is red, today's not (yet).
    sign_in(page, live_server, world.users["handler"])
    site.open("/visits/follow-ups/")
    with seen(page, "the department's follow-up list"):
        expect(page.locator("h1")).to_have_text("差评整改")
        old_row = page.locator(f"tr[data-follow-up='{old.pk}']")
        expect(old_row.locator("[data-light=red]")).to_be_visible()
        expect(old_row).to_contain_text("非常不满意")
        expect(old_row).to_contain_text(department.name)
        fresh_row = page.locator(f"tr[data-follow-up='{fresh.pk}']")
        expect(fresh_row).to_contain_text("非常不满意")
        expect(fresh_row).to_contain_text(department.name)
        expect(fresh_row.locator("[data-light]")).not_to_have_attribute("data-light", "red")
    site.screenshot("visit-to-figures-follow-ups")
    page.click("[data-light-filter=red]")
    with seen(page, "the red filter"):
        expect(page.locator("tr[data-follow-up]")).to_have_count(1)
        expect(page.locator(f"tr[data-follow-up='{old.pk}'] [data-light=red]")).to_be_visible()
