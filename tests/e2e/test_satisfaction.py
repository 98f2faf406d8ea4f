"""好差评 in public and in the statistics, in the browser: a resident on a 390 px phone opens the public
satisfaction page from the portal home, chooses a month and reads each department's figures (axe-core
clean, no sideways scrolling); a leader opens the ratings page, groups by window and follows a figure to
the ratings behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from govhall.cases.tests.factories import make_world
from govhall.stats.tests.ratings_history import ratings_march

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PASSWORD = "Haochaping-2026-leader"


@pytest.fixture
def rated(transactional_db):
    rw = ratings_march(make_world())
    leader = rw.world.users["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    return rw


def test_a_resident_reads_each_departments_figures_on_a_phone(page: Page, site, axe, rated):
    page.set_viewport_size(PHONE)
    site.open("/portal/")
    page.click("[data-test=satisfaction-link] a")
    expect(page.locator("h1")).to_have_text("好差评公示")
    page.select_option("#id_month", "2026-03")
    page.click("[data-test=satisfaction-month] button[type=submit]")
    expect(page.locator("[data-test=satisfaction-period]")).to_contain_text("2026-03")
    scj = page.locator("[data-test=satisfaction-SCJ]")
    expect(scj.locator("[data-test=rated]")).to_have_text("5")
    expect(scj.locator("[data-test=satisfaction-rate]")).to_have_text("80.0 %")
    expect(scj.locator("[data-test=callback-rate]")).to_have_text("100.0 %")
    zjj = page.locator("[data-test=satisfaction-ZJJ]")
    expect(zjj.locator("[data-test=bad]")).to_have_text("1")
    expect(zjj.locator("[data-test=rectified-on-time]")).to_have_text("0.0 %")
    expect(page.locator("[data-test=satisfaction-total]")).to_contain_text("66.7 %")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe(page)
    site.screenshot("satisfaction-390")


def test_a_leader_follows_a_figure_to_its_ratings(page: Page, site, rated):
    site.login("leader", PASSWORD)
    site.open("/stats/ratings/?from=2026-03-01&to=2026-03-31&by=window")
    table = page.locator("[data-test=table-ratings]")
    expect(table).to_contain_text("住建分大厅 02 住建窗口")
    row = table.locator("tr", has_text="市场监管窗口")
    expect(row).to_contain_text("80.0 %")
    site.screenshot("stats-ratings")
    row.get_by_role("link", name="5", exact=True).first.click()
    expect(page.locator("[data-test=measure]")).to_have_text("评价数")
    expect(page.locator("[data-test=rating-row]")).to_have_count(5)
    site.screenshot("stats-rating-list")
