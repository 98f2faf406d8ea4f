"""The operator's knowledge search panel on the 12345 desk, in Chinese: typing a query shows the ranked
entries (a title match before a keyword match) without reloading; ticking one cites it, and saving the call
records the citation on the ticket. axe-core on the panel with its results."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.catalog.models import Department
from govhall.core.models import Role, User
from govhall.hotline.knowledge import services
from govhall.hotline.models import KnowledgeCategory, KnowledgeCitation, Ticket, TicketState
from tests.e2e.test_hotline_desk import PASSWORD, hotline  # noqa: F401  (the desk's small world)

pytestmark = pytest.mark.e2e


def publish(unit, handler, head, approver, category, **text):
    now = timezone.now()
    values = {
        "content": "办理说明。",
        "issuing_unit": unit.name,
        "kind": "hot",
        "keywords": "",
        "valid_from": date(2026, 1, 1),
        "review_due": date(2030, 6, 30),
        "expires_at": None,
    } | text
    entry = services.write_entry(owner=unit, category=category, by=handler, now=now, **values)
    services.submit(entry, by=handler, now=now)
    services.review(entry, by=head, now=now)
    services.approve(entry, by=approver, now=now)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def entries(hotline, settings):  # noqa: F811
    settings.GOVHALL_KNOWLEDGE_CHECK_SECONDS = 0
    unit = Department.objects.get(code="CGJ")
    head = User.objects.create_user("cgjhead", password=PASSWORD, role=Role.DEPT_HEAD, department=unit)
    approver = User.objects.create_user("sup1", password=PASSWORD, role=Role.SUPERVISOR)
    root = KnowledgeCategory.objects.create(code="02", name="便民服务", path="便民服务")
    leaf = KnowledgeCategory.objects.create(
        code="0201", name="市政设施", parent=root, path="便民服务/市政设施"
    )
    args = (unit, hotline["handler"], head, approver, leaf)
    keyword = publish(*args, title="城市道路挖掘审批须知", keywords="路灯,道路")
    title = publish(*args, title="路灯不亮报修流程", keywords="报修")
    return {"title": title, "keyword": keyword}


def test_the_operator_finds_ranked_entries_and_cites_one_on_the_ticket(page: Page, site, entries, axe):
    site.login("op1", PASSWORD)
    site.open("/hotline/")
    panel = page.locator("[data-test=knowledge-panel]")
    page.fill("[data-test=knowledge-q]", "路灯")
    hits = page.locator("[data-test=knowledge-hits] li[data-entry]")
    expect(hits).to_have_count(2, timeout=20_000)
    ranked = [int(v) for v in hits.evaluate_all("items => items.map(li => li.dataset.entry)")]
    assert ranked == [entries["title"].pk, entries["keyword"].pk], f"ranked {ranked}"
    axe(page, include="[data-test=knowledge-panel]")

    hits.first.locator("[data-test=cite]").check()
    expect(panel.locator("[data-test=kb-cited] li")).to_have_count(1)
    expect(panel.locator("[data-test=kb-cited]")).to_contain_text("路灯不亮报修流程")

    # Another search keeps the citation and shows its tick.
    page.fill("[data-test=knowledge-q]", "挖掘")
    expect(hits).to_have_count(1)
    page.fill("[data-test=knowledge-q]", "路灯不亮")
    expect(hits.first.locator("[data-test=cite]")).to_be_checked()

    page.fill("[data-test=caller-phone]", "13900002222")
    page.locator("[data-test=group-request_type] label", has_text="咨询").click()
    page.fill("[data-test=subject]", "010101")
    page.fill("input[name=title]", "路灯不亮怎么报修")
    page.fill("textarea[name=content]", "小区门口路灯不亮，问如何报修。")
    page.fill("textarea[name=answer]", "按报修流程拨打城管热线，三日内修复。")
    page.click("[data-test=submit-answer]")
    expect(page.locator(".message--success")).to_be_visible()
    ticket = Ticket.objects.get(title="路灯不亮怎么报修")
    assert ticket.state == TicketState.CLOSED
    cited = KnowledgeCitation.objects.get(ticket=ticket)
    assert cited.entry_id == entries["title"].pk and cited.version_id == entries["title"].published_id
    axe(page)
