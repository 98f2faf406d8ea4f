"""A company-registration lane in the browser, in Chinese: the clerk files one unified form with one set
of materials (every wrong field is listed at once), the three departments (工商, 质监, 商务) approve
their item cases in any order, and the applicant's one lane case is concluded."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.cases.models import CaseState
from govhall.cases.tests.factories import resident_id
from govhall.core.models import Role, User
from govhall.demo.city import DEMO_ACCOUNTS, load_demo_city
from govhall.lanes.models import LaneCase, LaneCaseState, LaneItemCase

pytestmark = pytest.mark.e2e

PASSWORD = "lane-e2e-password"


@pytest.fixture
def demo_city(transactional_db):
    load_demo_city(now=timezone.now(), with_accounts=True)
    accounts = {account.username: (account.username, account.password) for account in DEMO_ACCOUNTS}
    # The demo has handlers of 工商 only: one handler for each other department of the lane.
    for username, name in (("zhijian", "质量技术监督局"), ("shangwu", "商务局")):
        from govhall.catalog.models import Department

        department = Department.objects.get(name__endswith=name)
        User.objects.create_user(username, password=PASSWORD, role=Role.HANDLER, department=department)
        accounts[username] = (username, PASSWORD)
    return accounts


def logout(page: Page) -> None:
    page.click("[data-test=logout]")
    expect(page.locator("[data-test=login]")).to_be_visible()


def approve_own_item(page: Page, site, lane_case: LaneCase, department_code: str) -> None:
    """As the department's handler: from the lane page to the item case, every step, then the decision."""
    site.open(f"/lanes/{lane_case.pk}/")
    row = page.locator(f"[data-test=item-row][data-department={department_code}]")
    expect(row.locator("[data-test=holding]")).to_be_visible()
    row.locator("[data-test=item-case-link]").click()
    while page.locator("[data-test=action-step]").count():
        page.fill("[data-test=action-step] textarea[name=comment]", "审查通过")
        page.click("[data-test=submit-step]")
        expect(page.locator(".message--success")).to_be_visible()
    page.check("[data-test=action-conclude] input[name=decision][value=approved]")
    page.fill("[data-test=action-conclude] textarea[name=text]", "准予办理。")
    page.click("[data-test=submit-conclude]")
    expect(page.locator("[data-test=case-state]")).to_have_text("已办结")


def test_clerk_files_one_form_three_departments_approve_in_any_order(page: Page, site, demo_city):
    site.login(*demo_city["clerk"])
    page.click("nav.site-nav a[data-nav=lanes]")
    expect(page.locator("h1")).to_have_text("快车道")
    page.click("[data-test=lane-apply-link]")
    # The lane's radio loads the unified form through htmx on "change": check it only once the page (and
    # htmx with it) has loaded, or a loaded machine lets the change go by unheard.
    page.wait_for_load_state("load")
    page.check("[data-test=lane-option-company-registration]")
    expect(page.locator("[data-test=unified-form]")).to_be_visible()
    values = {
        "company_name": "泉山市明远贸易有限公司",
        "registered_capital": "500",
        "business_scope": "日用百货批发零售；货物进出口",
        "business_address": "山东省泉山市明水街道汇泉路88号",
        "investor": "明远国际控股有限公司",
        "investor_country": "新加坡",
        "legal_rep": "陈明远",
        "legal_rep_id": resident_id("37018119800101123"),
        "contact_name": "李娜",
        "phone": "12345",  # wrong: listed with the ID number below
    }
    for key, value in values.items():
        page.fill(f"[data-field={key}]", value)
    page.fill("[data-field=legal_rep_id]", "370181198001011230")
    page.select_option("[data-field=company_type]", "外商独资企业")
    for box in page.locator("[data-test=lane-materials] input[name=materials]").all():
        box.check()
    site.screenshot("lane-apply-filled")
    page.click("[data-test=lane-submit]")
    expect(page.locator("[data-test=form-errors]")).to_contain_text("2")
    expect(page.locator("[data-error=phone]")).to_contain_text("联系电话")
    expect(page.locator("[data-error=legal_rep_id]")).to_contain_text("GB 11643")
    site.screenshot("lane-apply-errors")
    assert not LaneCase.objects.exists()

    page.fill("[data-field=phone]", "13912345678")
    page.fill("[data-field=legal_rep_id]", values["legal_rep_id"])
    page.click("[data-test=lane-submit]")
    expect(page.locator("[data-test=lane-case-state]")).to_have_text("办理中")
    number = page.locator("[data-test=lane-case-number]").inner_text()
    lane_case = LaneCase.objects.get(number=number)
    expect(page.locator("[data-test=holding]")).to_have_count(3)
    site.screenshot("lane-case-opened")
    links = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case__item__department")
    departments = {link.case.item.department.name: link.case.item.department.code for link in links}
    assert len(departments) == 3
    for link in links:
        assert link.case.state == CaseState.ACCEPTED
        assert link.application  # filled from the one form
    logout(page)

    # Any order: 商务 first, then 工商 (the demo handler), then 质监.
    order = [("shangwu", "商务局"), ("handler", "工商行政管理局"), ("zhijian", "质量技术监督局")]
    for username, department in order:
        site.login(*demo_city[username])
        code = next(code for name, code in departments.items() if name.endswith(department))
        approve_own_item(page, site, lane_case, code)
        if username == "handler":
            site.open(f"/lanes/{lane_case.pk}/")
            expect(page.locator("[data-test=holding]")).to_have_count(1)
            site.screenshot("lane-case-one-holding")
        logout(page)

    site.login(*demo_city["clerk"])
    site.open(f"/lanes/{lane_case.pk}/")
    expect(page.locator("[data-test=lane-case-state]")).to_have_text("已办结")
    expect(page.locator("[data-test=stage-1] [data-test=stage-state]")).to_have_text("已通过")
    expect(page.locator("[data-test=holding]")).to_have_count(0)
    site.screenshot("lane-case-concluded")
    lane_case.refresh_from_db()
    assert lane_case.state == LaneCaseState.CONCLUDED
