"""A citizen on a phone searches the guides, opens one, answers the situation and sees their materials."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from govhall.catalog import search
from govhall.portal.tests.conftest import build_guides

pytestmark = pytest.mark.e2e


@pytest.fixture
def guides(transactional_db):
    search.forget()
    yield build_guides()
    search.forget()


def test_a_citizen_finds_a_guide_and_the_materials_for_their_situation(page: Page, site, guides):
    page.set_viewport_size({"width": 390, "height": 844})
    site.open("/")
    expect(page.locator("h1")).to_have_text("网上办事大厅")
    page.fill("[data-test=search-q]", "yyzz")
    page.click("[data-test=search-go]")
    expect(page.locator("[data-test=total]")).to_contain_text("1")
    page.click("[data-test=results] a:has-text('公司设立登记')")
    expect(page.locator("h1")).to_have_text("公司设立登记")
    expect(page.locator("[data-test=materials]")).to_contain_text("授权委托书")
    page.check("[data-test=answer-applicant-company]")
    page.check("[data-test=answer-agent-no]")
    page.click("[data-test=situation-go]")
    mine = page.locator("[data-test=my-materials] li")
    expect(mine).to_have_text(["公司登记申请书", "股东营业执照"])
    # Nothing wider than the phone: the materials table scrolls inside its own box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    site.screenshot("portal-guide-390")
