"""A case through the workbench in the browser, in Chinese: the clerk files and accepts an application of
the demo city, prints the acceptance notice; the handler approves every step and concludes; the conclusion
notice shows."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.cases.models import Case, CaseState
from govhall.demo.city import DEMO_ACCOUNTS, load_demo_city

pytestmark = pytest.mark.e2e

CREDIT_CODE = "914403001922038216"  # valid under GB 32100


@pytest.fixture
def demo_city(transactional_db):
    load_demo_city(now=timezone.now(), with_accounts=True)
    return {account.username: account for account in DEMO_ACCOUNTS}


def logout(page: Page) -> None:
    page.click("[data-test=logout]")
    expect(page.locator("[data-test=login]")).to_be_visible()


def open_notice(page: Page, site, kind: str) -> None:
    href = page.locator(f"[data-test=notice-{kind}]").get_attribute("href")
    site.open(href)


def test_clerk_files_and_accepts_handler_approves_and_concludes(page: Page, site, demo_city):
    clerk, handler = demo_city["clerk"], demo_city["handler"]

    # The clerk: one screen for the item, the applicant, the materials and the decision.
    site.login(clerk.username, clerk.password)
    page.click("nav.site-nav a[data-nav=intake]")
    expect(page.locator("h1")).to_have_text("窗口受理")
    # The click returns once the new page starts; typing before htmx has processed the page loses the
    # input event (seen on a loaded machine), so wait for the page to finish loading first.
    page.wait_for_load_state()
    page.fill("[data-test=item-search]", "qybg")
    option = page.locator("[data-test=item-option]", has_text="企业变更登记")
    expect(option).to_be_visible()
    site.screenshot("intake-autocomplete")
    option.click()
    expect(page.locator("[data-test=chosen-item]")).to_contain_text("企业变更登记")
    expect(page.locator("#item-options li")).to_have_count(0)

    # A wrong credit code is refused next to its field, with the rule.
    page.check("input[name=applicant_kind][value=organisation]")
    page.fill("input[name=applicant_name]", "泉山市明水食品有限公司")
    page.fill("input[name=credit_code]", CREDIT_CODE[:-1] + "7")
    page.fill("input[name=legal_representative]", "赵明路")
    page.fill("input[name=contact_name]", "李娜")
    page.fill("input[name=phone]", "13912345678")
    for box in page.locator("[data-test=materials] input[name=materials]").all():
        box.check()
    site.screenshot("intake-filled")
    page.click("[data-test=intake-submit]")
    expect(page.locator("[data-error=credit_code]")).to_contain_text("GB 32100")
    site.screenshot("intake-error")
    assert not Case.objects.exists()

    page.fill("input[name=credit_code]", CREDIT_CODE)
    page.click("[data-test=intake-submit]")
    expect(page.locator("[data-test=case-state]")).to_have_text("已受理（办理中）")
    number = page.locator("[data-test=case-number]").inner_text()
    case = Case.objects.get(number=number)
    site.screenshot("case-accepted")

    # The search finds it while typing (htmx), with the phone masked.
    page.click("nav.site-nav a[data-nav=cases]")
    expect(page.locator("h1")).to_have_text("办件查询")
    page.wait_for_load_state()  # htmx must have processed the search box (see above)
    page.fill("input[name=q]", number[:-2])
    expect(page.locator("[data-test=results]")).to_contain_text(number)
    expect(page.locator("[data-test=results]")).to_contain_text("139****5678")
    site.screenshot("search")
    page.goto(site.url + f"/cases/{case.pk}/")

    # The acceptance notice, printable, with the number and the verification code.
    open_notice(page, site, "acceptance")
    expect(page.locator("[data-test=notice] h1")).to_have_text("受理通知书")
    expect(page.locator("[data-test=notice-number]")).to_have_text(number)
    expect(page.locator("[data-test=notice-code]")).to_have_text(case.verification_code)
    expect(page.locator("[data-test=notice]")).to_contain_text("泉山市明水食品有限公司")
    expect(page.locator("[data-test=notice]")).to_contain_text("企业变更登记")
    site.screenshot("notice-acceptance")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator("[data-test=print]")).to_be_hidden()
    site.screenshot("notice-acceptance-print")
    page.emulate_media(media="screen")
    logout(page)

    # The handler: the queue, then every step approved, then the conclusion.
    site.login(handler.username, handler.password)
    page.click("nav.site-nav a[data-nav=queue]")
    expect(page.locator("[data-test=queue]")).to_contain_text(number)
    site.screenshot("handler-queue")
    page.click(f"[data-test='open-{number}']")
    steps = case.steps.count()
    assert steps >= 2
    for n in range(steps):
        expect(page.locator("[data-test=active-step]")).to_contain_text(f"{n + 1}.")
        page.fill("[data-test=action-step] textarea[name=comment]", "材料齐全，同意")
        page.click("[data-test=submit-step]")
        expect(page.locator(".message--success")).to_be_visible()
    site.screenshot("handler-steps-done")
    page.check("[data-test=action-conclude] input[name=decision][value=approved]")
    page.fill("[data-test=action-conclude] textarea[name=text]", "准予变更登记，换发营业执照。")
    page.click("[data-test=submit-conclude]")
    expect(page.locator("[data-test=case-state]")).to_have_text("已办结")
    expect(page.locator("[data-test=timeline]")).to_contain_text("办结")
    site.screenshot("case-concluded")

    open_notice(page, site, "conclusion")
    expect(page.locator("[data-test=notice] h1")).to_have_text("办结通知书")
    expect(page.locator("[data-test=notice-decision]")).to_contain_text("准予变更登记")
    expect(page.locator("[data-test=notice-code]")).to_have_text(case.verification_code)
    site.screenshot("notice-conclusion")
    case.refresh_from_db()
    assert case.state == CaseState.CONCLUDED
