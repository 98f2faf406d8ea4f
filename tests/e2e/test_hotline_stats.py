"""The hotline's statistics in the browser: a supervisor on a 390 px phone reads November's figures
(charts drawn, axe-core clean, no sideways scrolling) and follows the on-time sign-for rate to its tickets."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from govhall.hotline.models import DispatchState
from govhall.hotline.tests.conftest import world  # noqa: F401  (the hotline's test world)
from govhall.hotline.tests.test_stats import Story, at, policy_since_january  # noqa: F401

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PASSWORD = "Rexian-12345-sup"


@pytest.fixture
def november(transactional_db, world):  # noqa: F811
    world.supervisor.set_password(PASSWORD)
    world.supervisor.save()
    on_time = Story(world).dispatch()
    on_time.set(state=DispatchState.SIGNED, sign_due_at=at("11-10 17:00"), signed_at=at("11-10 12:00"))
    late = Story(world).dispatch()
    late.set(state=DispatchState.SIGNED, sign_due_at=at("11-10 17:00"), signed_at=at("11-11 09:00"))
    return on_time.ticket.number


def test_a_supervisor_reads_the_month_on_a_phone_and_opens_a_figure(page: Page, site, axe, november):
    page.set_viewport_size(PHONE)
    site.login("sup", PASSWORD)
    site.open("/hotline/stats/?month=2026-11")
    expect(page.locator("[data-test=tile-sign] strong")).to_have_text("50.0 %")
    expect(page.locator("#chart-hotline-units canvas")).to_have_count(1)
    expect(page.locator("[data-test=definition-closure]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    site.screenshot("hotline-stats-390")
    row = page.locator("[data-test=table-hotline_units] tr", has_text="市城管局")
    row.get_by_role("link", name="50.0 %").click()
    expect(page.locator("[data-test=indicator]")).to_contain_text("按时签收率")
    expect(page.locator(f"[data-test=row-{november}]")).to_have_count(1)
    expect(page.locator("[data-test=ticket-list] tbody tr")).to_have_count(1)
    axe(page)
