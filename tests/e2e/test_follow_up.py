"""The follow-up of a bad rating in the browser, in Chinese: a 非常不满意 rating whose callback deadline has
passed shows a red light in the department's list; the handler calls back, records 属实 with an
explanation, and records the rectification; the light turns to the rectification's deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.catalog.models import Department
from govhall.core.models import User
from govhall.demo.city import DEMO_ACCOUNTS, load_demo_city
from govhall.visits.models import Rating, RatingLevel
from govhall.visits.models.followups import FollowUp
from govhall.visits.services.followups import open_follow_up
from tests.e2e.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_city(transactional_db):
    load_demo_city(now=timezone.now(), with_accounts=True)
    return {account.username: account for account in DEMO_ACCOUNTS}


def very_dissatisfied(*, days_ago: int) -> FollowUp:
    """A 非常不满意 rating of the website given to the handler's department `days_ago` days ago, written
    directly (the rating pages are another part's), and its follow-up opened then."""
    then = timezone.now() - timedelta(days=days_ago)
    rating = Rating.objects.create(
        rated="website",
        level=RatingLevel.VERY_DISSATISFIED,
        channel="portal",
        rater=User.objects.get(username="citizen"),
        department=Department.objects.get(code="GSJ"),
        comment="材料要求说了三次都不一样",
        rated_at=then,
    )
    return open_follow_up(rating, now=then)


def test_a_red_follow_up_is_verified_and_rectified(page: Page, site, demo_city):
    follow_up = very_dissatisfied(days_ago=10)
    handler = demo_city["handler"]

    site.login(handler.username, handler.password)
    page.click("nav.site-nav a[data-nav=follow-ups]")
    expect(page.locator("h1")).to_have_text("差评整改")
    row = page.locator(f"tr[data-follow-up='{follow_up.pk}']")
    expect(row.locator("[data-light=red]")).to_be_visible()
    expect(row).to_contain_text("非常不满意")
    expect(row).to_contain_text("待回访核实")
    site.screenshot("follow-up-list")
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)

    row.locator("a").click()
    expect(page.locator("[data-test=rating]")).to_contain_text("材料要求说了三次都不一样")
    expect(page.locator("[data-test=due] [data-light=red]")).to_be_visible()

    # Without a finding the follow-up does not move: the rule is named at the field.
    page.fill("[data-test=form-verify] textarea[name=explanation]", "已电话回访")
    page.click("[data-test=submit-verify]")
    expect(page.locator("[data-test=form-verify] [data-error=finding]")).to_contain_text("须有回访核实结论")
    expect(page.locator("[data-test=state]")).to_have_text("待回访核实")

    page.select_option("[data-test=form-verify] select[name=finding]", "founded")
    page.fill("[data-test=form-verify] textarea[name=explanation]", "已电话回访，窗口一次性告知不到位属实")
    page.click("[data-test=submit-verify]")
    expect(page.locator("[data-test=state]")).to_have_text("整改中")
    expect(page.locator("[data-test=finding]")).to_have_text("属实")
    expect(page.locator("[data-test=due] [data-light=green]")).to_be_visible()

    page.fill("[data-test=form-rectify] textarea[name=rectification]", "已统一材料清单并对窗口人员培训")
    page.click("[data-test=submit-rectify]")
    expect(page.locator("[data-test=rectification]")).to_contain_text("已统一材料清单")
    expect(page.locator("[data-test=form-report_back]")).to_be_visible()
    expect(page.locator("[data-test=events] li")).to_have_count(3)
    site.screenshot("follow-up-detail")
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)

    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.finding, follow_up.version) == ("rectifying", "founded", 3)
