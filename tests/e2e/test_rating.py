"""好差评 in the browser: a citizen rates a concluded case from 我的办件 on a phone (390 px, axe-core clean),
anyone rates by the code on a notice, and the window tablet takes a rating by touch alone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.test_portal_mine import PHONE, fits_the_phone, sign_in


@pytest.fixture
def concluded(transactional_db):
    """张三's account (real name recorded) and a window case of theirs, concluded."""
    from govhall.cases.tests.factories import PERSON, make_world
    from govhall.portal.tests.conftest import applicant
    from govhall.visits.tests.ratings.conftest import concluded_case, seed_reasons

    seed_reasons()  # a transactional test before this one flushed the migration's rows
    world = make_world()
    now = timezone.now()
    zhang = applicant("zhang", phone="13900000001", id_number=PERSON.id_number, now=now)
    return world, zhang, concluded_case(world, now)


def test_a_citizen_rates_a_concluded_case_on_a_phone(page: Page, site, live_server, axe, concluded):
    from govhall.visits.models import FollowUp, Rating

    _world, zhang, case = concluded
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, zhang)
    site.open(f"/portal/my/cases/{case.number}/")
    panel = page.locator("[data-test=my-rating]")
    expect(panel.locator("h2")).to_have_text("评价本次服务")
    fits_the_phone(page)
    axe(page)
    # A bad rating without a reason is refused, with the rule named.
    panel.get_by_label("非常不满意").check()
    page.click("[data-test=rating-submit]")
    expect(page.locator("[data-test=error-summary]")).to_contain_text("至少选择一项原因")
    fits_the_phone(page)
    axe(page)
    site.screenshot("rating-refused-390")
    page.get_by_label("非常不满意").check()
    page.get_by_label("效率").check()
    page.fill("textarea[name=comment]", "等候时间太长")
    page.click("[data-test=rating-submit]")
    expect(page.locator(".message--success")).to_contain_text("感谢您的评价")
    expect(page.locator("[data-test=my-rating-current]")).to_contain_text("非常不满意")
    fits_the_phone(page)
    axe(page)
    site.screenshot("rating-my-case-390")
    rating = Rating.objects.get(case=case)
    assert rating.level == 1 and FollowUp.objects.filter(rating=rating).exists()


def test_the_public_rating_page_and_the_feedback_page_on_a_phone(page: Page, site, axe, concluded):
    from govhall.visits.models import Rating
    from govhall.visits.rating_codes import rating_code

    _world, _zhang, case = concluded
    page.set_viewport_size(PHONE)
    site.open(f"/portal/rate/?number={case.number}&code={rating_code(case)}")
    expect(page.locator("h1")).to_have_text("办件评价")
    fits_the_phone(page)
    axe(page)
    site.screenshot("rating-code-390")
    page.get_by_label("满意", exact=True).check()
    page.click("[data-test=rating-submit]")
    expect(page.locator("[data-test=rate-done]")).to_be_visible()
    assert Rating.objects.get(case=case).channel == "notice"
    page.click("[data-test=feedback-link]")
    expect(page.locator("h1")).to_have_text("网站评价")
    fits_the_phone(page)
    axe(page)
    site.screenshot("rating-website-390")


def test_the_window_tablet_takes_a_rating_by_touch(browser, live_server, concluded, axe):
    from govhall.visits.models import FollowUp, Rating
    from govhall.visits.services.ratings import pair_tablet
    from govhall.visits.tests.ratings.conftest import done_visit

    world, _zhang, _case = concluded
    _tablet, token = pair_tablet(window=world.window, name="01", now=timezone.now())
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 1024, "height": 768}, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/visits/tablet/pair/{token}/")
    expect(page.locator("[data-test=tablet-idle]")).to_be_visible()
    axe(page)
    page.screenshot(path="/tmp/govhall-tablet-idle.png")

    # The clerk finishes a visit: the idle screen's poll brings up the five levels.
    visit = done_visit(world, timezone.now())
    expect(page.locator(f"[data-test=tablet-levels][data-visit='{visit.pk}']")).to_be_visible()
    axe(page)
    page.screenshot(path="/tmp/govhall-tablet-levels.png")
    page.locator("[data-test=tablet-level-2]").tap()
    expect(page.locator("[data-test=tablet-reasons]")).to_be_visible()
    axe(page)
    page.locator("[data-test=tablet-reason-attitude]").tap()
    page.screenshot(path="/tmp/govhall-tablet-reasons.png")
    page.locator("[data-test=tablet-send]").tap()
    expect(page.locator("[data-test=tablet-thanks]")).to_be_visible()
    rating = Rating.objects.get(visit=visit)
    assert (rating.level, rating.channel, list(rating.reasons.values_list("code", flat=True))) == (
        2,
        "tablet",
        ["attitude"],
    )
    assert FollowUp.objects.filter(rating=rating).exists()
    # Back to idle by itself, and the rated visit is not offered again.
    expect(page.locator("[data-test=tablet-idle]")).to_be_visible()
    context.close()
