"""The 12345 desk's suggestions while the operator types (重复件), in Chinese: the panel asks the server once
the typing pauses (debounced, static/hotline/similar.js), shows the open ticket of the same caller with
"这是重复来电" and another caller's open ticket about the same road with "关联为重复件"; one click records
the repeat call (no new ticket) or registers the new ticket linked to the master (not dispatched). axe-core
on the workbench with suggestions shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.hotline.models import Dispatch, Ticket, TicketState
from govhall.hotline.services.intake import dispatch_ticket, register_ticket
from tests.e2e.test_hotline_desk import PASSWORD, hotline  # noqa: F401 — the desk's world, a fixture

pytestmark = pytest.mark.e2e
MASTER_CALLER = "13900001111"


@pytest.fixture
def road(hotline):  # noqa: F811
    """An open ticket of yesterday: a road caved in (subject 010101, area A01), dispatched to 市城管局."""
    yesterday = timezone.now() - timedelta(days=1)
    ticket = register_ticket(
        channel="phone",
        request_type="complaint",
        subject="010101",
        title="幸福路路面塌陷",
        content="幸福路与人民路交叉口路面塌陷，有安全隐患。",
        area="A01",
        caller_phone=MASTER_CALLER,
        by=hotline["operator"],
        now=yesterday,
    )
    return dispatch_ticket(ticket, by=hotline["operator"], now=yesterday)


def similar_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/hotline/similar/" in r.url else None)
    return seen


def test_another_callers_call_about_the_same_road_is_linked_as_a_duplicate(page: Page, site, road, axe):
    site.login("op1", PASSWORD)
    site.open("/hotline/")
    seen = similar_requests(page)
    page.locator("[data-test=caller-phone]").press_sequentially("13700002222", delay=20)
    expect(page.locator("[data-test=similar-none]")).to_be_visible()
    # Eleven keystrokes within the pause of 400 ms: one request, not eleven.
    assert len(seen) == 1, f"requests while typing the number: {seen}"

    page.locator("[data-test=group-request_type] label", has_text="投诉").click()
    page.fill("[data-test=subject]", "010101")
    page.select_option("[data-test=area]", "A01")
    page.locator("input[name=title]").press_sequentially("幸福路塌陷了", delay=20)
    hit = page.locator(f"[data-test=similar-hit][data-ticket='{road.pk}']")
    expect(hit).to_be_visible()
    expect(hit).to_contain_text(road.number)
    expect(hit).to_contain_text("同一区域")
    expect(hit.locator("[data-test=repeat-call]")).to_have_count(0)
    assert len(seen) <= 4, f"one request per pause, at most one per field: {seen}"
    axe(page)

    page.fill("textarea[name=content]", "人民路口路面塌了一个大坑。")
    expect(hit).to_be_visible()
    hit.locator("[data-test=link-duplicate]").click()
    expect(page.locator(".message--success")).to_contain_text("已关联主件（重复件）")
    duplicate = Ticket.objects.get(caller_phone="13700002222")
    assert (duplicate.state, duplicate.master_id) == (TicketState.MERGED, road.pk)
    assert not Dispatch.objects.filter(ticket=duplicate).exists()

    site.open(f"/hotline/tickets/{road.pk}/")
    expect(page.locator("[data-test=duplicate]")).to_contain_text(duplicate.number)


def test_the_same_caller_again_is_a_repeat_call_and_registers_nothing(page: Page, site, road, axe):
    site.login("op1", PASSWORD)
    site.open("/hotline/")
    before = Ticket.objects.count()
    page.locator("[data-test=caller-phone]").press_sequentially(MASTER_CALLER, delay=20)
    hit = page.locator(f"[data-test=similar-hit][data-ticket='{road.pk}']")
    expect(hit).to_contain_text("同一来电人")
    page.fill("textarea[name=content]", "路面还没修，再次催促。")
    axe(page)
    hit.locator("[data-test=repeat-call]").click()
    expect(page.locator(".message--success")).to_contain_text(
        f"已在工单 {road.number} 上记录重复来电（共 1 次）"
    )
    road.refresh_from_db()
    assert road.repeat_calls == 1
    assert Ticket.objects.count() == before
    assert road.events.filter(move="repeat_call", note="路面还没修，再次催促。").exists()
