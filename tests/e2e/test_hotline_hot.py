"""Hot topics in the browser, in Chinese (docs/hotline-hot.md): the operator's board draws this week's hot
topic with ECharts and a click on its bar opens the tickets behind it; the leader's monthly hot list turns
the topic into a proactive task (未诉先办) with the button. axe-core on both pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.catalog.models import Department
from govhall.core.models import Role, User
from govhall.hotline.defaults import install_defaults
from govhall.hotline.hot import week_of, week_window
from govhall.hotline.models import Area, DispatchCatalogue, ProactiveTask, Subject, Ticket

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-horse-battery-9"


@pytest.fixture
def hot_topic(transactional_db):
    now = timezone.now()
    unit = Department.objects.create(code="SWJ", name="市水务局", is_resident=False)
    made = {}
    for code, name in [("01", "城乡建设"), ("0105", "公用事业"), ("010501", "供水问题")]:
        made[code] = Subject.objects.create(
            code=code, name=name, level=len(code) // 2, parent=made.get(code[:-2])
        )
    area = Area.objects.create(code="A101", name="普集镇")
    install_defaults(now=now - timedelta(days=30))
    DispatchCatalogue.objects.create(
        version=1, in_force_from=now - timedelta(days=30), fallback_unit=unit, created_at=now
    )
    start = week_window(week_of(timezone.localdate(now)))[0]
    step = (now - timedelta(minutes=5) - start) / 6
    Ticket.objects.bulk_create(
        Ticket(
            number=f"12345-E2E-{i:05d}", channel="phone", request_type="help", subject=made["010501"],
            area=area, title=f"普集镇停水{i}", content="停水", anonymous=True, received_at=start + step * i,
        )
        for i in range(6)
    )  # fmt: skip
    for username, role in (("op1", Role.OPERATOR), ("lead1", Role.LEADER)):
        User.objects.create_user(username, password=PASSWORD, role=role, last_name="王", first_name="芳")


def test_the_board_draws_the_topic_and_its_bar_opens_the_tickets(page: Page, site, hot_topic, axe):
    site.login("op1", PASSWORD)
    site.open("/hotline/hot/")
    expect(page.locator("h1")).to_have_text("热点")
    expect(page.locator("[data-topic='A101-010501'] [data-test=count]")).to_have_text("6")
    expect(page.locator("#chart-hot-week canvas")).to_have_count(1)
    axe(page)
    # The bar of the first topic: its middle, in the page's pixels, asked of the chart itself.
    point = page.evaluate(
        """() => { const box = document.getElementById('chart-hot-week');
                   const chart = echarts.getInstanceByDom(box);
                   const [x, y] = chart.convertToPixel({gridIndex: 0}, [3, 0]);
                   const r = box.getBoundingClientRect(); return [r.left + x, r.top + y]; }"""
    )
    page.mouse.click(point[0], point[1])
    page.wait_for_url("**/hotline/hot/tickets/**", timeout=15_000)
    expect(page.locator("[data-test=ticket-total]")).to_contain_text("6")
    expect(page.locator("[data-test=ticket-list] tbody tr")).to_have_count(6)


def test_the_leader_turns_the_topic_into_a_proactive_task(page: Page, site, hot_topic, axe):
    site.login("lead1", PASSWORD)
    site.open("/hotline/hot/month/")
    expect(page.locator("h1")).to_have_text("月度热点清单")
    expect(page.locator("#chart-hot-month canvas")).to_have_count(1)
    axe(page)
    form = page.locator("[data-topic='A101-010501'] [data-test=task-form]")
    form.locator("select[name=unit]").select_option("SWJ")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-topic='A101-010501'] [data-test=task]")).to_have_count(1, timeout=15_000)
    task = ProactiveTask.objects.select_related("ticket").get()
    expect(page.locator("[data-topic='A101-010501'] [data-test=task]")).to_have_text(task.ticket.number)
    assert task.ticket.dispatches.get().unit.code == "SWJ"
