"""The 12345 desk in the browser, in Chinese: the telephony announces a call (the CTI hook), the operator's
workbench shows 来电 138****1234 with the caller's earlier ticket without reloading; the operator takes the
call, picks the subject by searching, sees where the catalogue sends it, and saves and dispatches. The
unit's handler then finds it in the unit's list, signs for it and replies (once the handling services are
installed). axe-core on the workbench and the unit's pages."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.catalog.models import Department
from govhall.core.models import Role, User
from govhall.hotline import moves
from govhall.hotline.defaults import install_defaults
from govhall.hotline.models import Area, DispatchCatalogue, DispatchRule, Subject, Ticket, TicketState
from govhall.hotline.services.intake import register_ticket
from tests.e2e.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-horse-battery-9"
TOKEN = "e2e-cti-token-0123456789"


@pytest.fixture
def hotline(transactional_db, settings):
    settings.GOVHALL_HOTLINE_CTI_TOKEN = TOKEN
    now = timezone.now()
    units = {
        code: Department.objects.create(code=code, name=name, is_resident=False)
        for code, name in [("CGJ", "市城管局"), ("HBJ", "市生态环境局"), ("QZF", "区政府办公室")]
    }
    made = {}
    for code, name in [
        ("01", "城乡建设"),
        ("0101", "市政设施"),
        ("010101", "道路破损"),
        ("02", "生态环境"),
        ("0201", "噪声污染"),
        ("020101", "施工噪声"),
    ]:
        made[code] = Subject.objects.create(
            code=code, name=name, level=len(code) // 2, parent=made.get(code[:-2]) if len(code) > 2 else None
        )
    Area.objects.create(code="A01", name="东城街道")
    install_defaults(now=now - timedelta(days=30))
    catalogue = DispatchCatalogue.objects.create(
        version=1, in_force_from=now - timedelta(days=30), fallback_unit=units["QZF"], created_at=now
    )
    DispatchRule.objects.create(catalogue=catalogue, subject=made["0101"], lead_unit=units["CGJ"])
    DispatchRule.objects.create(catalogue=catalogue, subject=made["0201"], lead_unit=units["HBJ"])

    def user(username, role, unit=None, name=("赵", "丽")):
        return User.objects.create_user(
            username, password=PASSWORD, role=role, department=unit, last_name=name[0], first_name=name[1]
        )

    operator = user("op1", Role.OPERATOR)
    handler = user("cgj1", Role.HANDLER, units["CGJ"], ("张", "伟"))
    earlier = register_ticket(
        channel="phone",
        request_type="enquiry",
        subject="020101",
        title="上次咨询施工时间",
        content="夜间施工许可如何办理？",
        caller_phone="13812341234",
        answer="向生态环境局申请夜间施工许可。",
        by=operator,
        now=now - timedelta(days=3),
    )
    return {"operator": operator, "handler": handler, "earlier": earlier}


def ring(url: str, phone: str, operator: str) -> int:
    request = urllib.request.Request(
        url + "/api/v1/hotline/cti/incoming-call",
        data=json.dumps({"phone": phone, "operator": operator}).encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_a_call_is_taken_dispatched_signed_for_and_replied(page: Page, site, hotline, axe):
    site.login("op1", PASSWORD)
    page.click("nav.site-nav a[data-nav=hotline]")
    expect(page.locator("h1")).to_have_text("12345热线工作台")
    expect(page.locator("[data-test=incoming-number]")).to_have_count(0)
    axe(page)

    # The telephony announces the call: the poll brings it in without a reload.
    assert ring(site.url, "13812341234", "op1") == 201
    expect(page.locator("[data-test=incoming-number]")).to_have_text("来电 138****1234", timeout=20_000)
    expect(page.locator("[data-test=call-history]")).to_contain_text(hotline["earlier"].number)
    expect(page.locator("[data-test=call-history]")).to_contain_text("上次咨询施工时间")
    page.click("[data-test=take-call]")
    expect(page.locator("[data-test=caller-phone]")).to_have_value("13812341234")
    expect(page.locator("[data-test=caller-history]")).to_contain_text(hotline["earlier"].number)

    page.fill("input[name=caller_name]", "李明")
    page.locator("[data-test=group-request_type] label", has_text="投诉").click()
    page.fill("[data-test=subject-search]", "道路")
    page.click("[data-test=subject-option][data-subject='010101']")
    expect(page.locator("[data-test=subject]")).to_have_value("010101")
    expect(page.locator("[data-test=suggested-lead]")).to_have_text("市城管局")
    page.fill("input[name=title]", "幸福路路面塌陷")
    page.fill("textarea[name=content]", "幸福路与人民路交叉口路面塌陷，有安全隐患。")
    page.fill("input[name=address]", "幸福路与人民路交叉口")
    page.select_option("[data-test=area]", "A01")
    site.screenshot("hotline-workbench")
    axe(page)
    page.click("[data-test=submit-dispatch]")
    expect(page.locator(".message--success")).to_contain_text("已派单")
    ticket = Ticket.objects.get(title="幸福路路面塌陷")
    assert ticket.state == TicketState.DISPATCHED
    assert [d.unit.code for d in ticket.dispatches.all()] == ["CGJ"]

    if not moves.handling_available():
        pytest.skip("the handling services are not installed yet: the unit's moves are not offered")
    page.click("form.inline-form button[type=submit]")  # log out
    site.login("cgj1", PASSWORD)
    page.click("nav.site-nav a[data-nav=hotline-unit]")
    row = page.locator(f"tr[data-dispatch='{ticket.dispatches.get().pk}']")
    expect(row).to_contain_text(ticket.number)
    axe(page)
    row.locator("a").click()
    expect(page.locator("[data-test=caller]")).to_contain_text("138****1234")
    page.click("[data-test=submit-sign]")
    expect(page.locator("[data-test=form-reply]")).to_be_visible()
    page.fill("[data-test=form-reply] textarea[name=reply]", "已安排修复，三日内完工。")
    page.fill("[data-test=form-reply] textarea[name=basis]", "《城市道路管理条例》第三十一条")
    page.click("[data-test=submit-reply]")
    expect(page.locator("[data-test=reply]")).to_contain_text("已安排修复")
    axe(page)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REPLIED


def test_the_workbench_reports_an_error_at_the_field_and_keeps_the_input(page: Page, site, hotline):
    site.login("op1", PASSWORD)
    site.open("/hotline/")
    page.fill("[data-test=caller-phone]", "13900001111")
    page.locator("[data-test=group-request_type] label", has_text="求助").click()
    page.fill("[data-test=subject]", "999999")
    page.fill("input[name=title]", "标题保留")
    page.click("[data-test=submit-dispatch]")
    expect(page.locator("[data-error=subject]")).to_contain_text("999999")
    expect(page.locator("input[name=title]")).to_have_value("标题保留")
    expect(page.locator("[data-test=caller-phone]")).to_have_value("13900001111")
    violations = axe_violations(page)
    assert not violations, describe_violations(page.url, violations)
    assert not Ticket.objects.filter(title="标题保留").exists()
