"""Supervision in the browser, in Chinese: the supervisor sees a red step on the board, drills down and
issues a supervision order (督办); the department head replies; the supervisor closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.cases import services
from govhall.cases.inputs import Applicant, Contact
from govhall.cases.models import Case
from govhall.catalog.models import ServiceItem
from govhall.core.models import User
from govhall.demo.city import DEMO_ACCOUNTS, load_demo_city
from govhall.supervision.models import Order

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_city(transactional_db):
    load_demo_city(now=timezone.now(), with_accounts=True)
    return {account.username: account for account in DEMO_ACCOUNTS}


def overdue_case(*, days_ago: int) -> Case:
    """A case of the handler's department accepted `days_ago` calendar days ago: its first step is red."""
    clerk = User.objects.get(username="clerk")
    item = (
        ServiceItem.objects.filter(status="published", department__code="GSJ", case_kind="committed")
        .filter(steps__isnull=False)
        .distinct()
        .order_by("code")
        .first()
    )
    then = timezone.now() - timedelta(days=days_ago)
    case = services.receive_case(
        item=item,
        applicant=Applicant(
            kind="organisation",
            name="泉山市明水食品有限公司",
            credit_code="914403001922038216",
            legal_representative="赵明路",
        ),
        contact=Contact(name="李娜", phone="13912345678", address="泉山市龙山大道1号"),
        materials=list(item.materials.values_list("pk", flat=True)),
        hall=clerk.hall,
        window=None,
        by=clerk,
        now=then,
    )
    return services.accept_case(case, by=clerk, now=then)


def logout(page: Page) -> None:
    page.click("[data-test=logout]")
    expect(page.locator("[data-test=login]")).to_be_visible()


def test_supervisor_orders_the_department_to_act_on_a_red_step(page: Page, site, demo_city):
    case = overdue_case(days_ago=40)
    step = case.steps.get(state="active")
    department = step.department
    supervisor, head = demo_city["supervisor"], demo_city["head"]

    # The board: the department has a red step; the chart is drawn.
    site.login(supervisor.username, supervisor.password)
    page.click("nav.site-nav a[data-nav=supervision]")
    expect(page.locator("h1")).to_have_text("监察看板")
    expect(page.locator("[data-test=total-red] strong")).to_have_text("1")
    red = page.locator(f"[data-test=red-department-{department.pk}]")
    expect(red).to_have_text("1")
    expect(page.locator("#board-chart canvas")).to_have_count(1)
    site.screenshot("supervision-board")

    # Drill down to the step, then order the department to act.
    red.click()
    expect(page.locator("[data-test=steps]")).to_contain_text(case.number)
    expect(page.locator(f"tr[data-step='{step.pk}'] [data-light=red]")).to_be_visible()
    site.screenshot("supervision-steps")
    page.click(f"[data-test=order-{step.pk}]")
    expect(page.locator("h1")).to_have_text("下达督办")
    page.fill("textarea[name=instruction]", "该环节已超时，请于两个工作日内办结并说明原因。")
    page.fill("input[name=due_date]", (timezone.localdate() + timedelta(days=2)).isoformat())
    site.screenshot("supervision-order-new")
    page.click("[data-test=order-form] button[type=submit]")
    expect(page.locator("[data-test=order-state]")).to_have_text("待部门办理")
    order = Order.objects.get()
    logout(page)

    # The department head: the inbox counts the order; the head replies.
    site.login(head.username, head.password)
    expect(page.locator("[data-test=unread-count]")).to_have_text("1")
    page.click("[data-test=inbox-link]")
    expect(page.locator("[data-test=inbox]")).to_contain_text(case.number)
    site.screenshot("supervision-inbox")
    page.click(f"[data-test=inbox] a[href='/supervision/orders/{order.pk}/']")
    page.fill(
        "[data-test=action-reply] textarea[name=reply]", "已于今日办结，超时原因为现场核查排期，已调整人员。"
    )
    page.click("[data-test=action-reply] button[type=submit]")
    expect(page.locator("[data-test=order-state]")).to_have_text("已回复")
    expect(page.locator("[data-test=reply]")).to_contain_text("已于今日办结")
    logout(page)

    # The supervisor reads the reply and closes the order; the record keeps every step.
    site.login(supervisor.username, supervisor.password)
    site.open(f"/supervision/orders/{order.pk}/")
    expect(page.locator("[data-test=reply]")).to_contain_text("已于今日办结")
    page.click("[data-test=action-close] button[type=submit]")
    expect(page.locator("[data-test=order-state]")).to_have_text("已办结")
    expect(page.locator("[data-test=record] li")).to_have_count(3)
    site.screenshot("supervision-order-closed")
    order.refresh_from_db()
    assert order.state == "closed"
