"""民生网 on a phone (390 px): a signed-in citizen leaves a message (after a first try with a missing
field), gets the receipt, follows it in 我的留言; once the unit has replied, anyone reads the published
message with no trace of the caller. axe-core on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.catalog.models import Department
from govhall.core.models import Role, User
from govhall.hotline.defaults import install_defaults
from govhall.hotline.models import Area, DispatchCatalogue, DispatchRule, Subject, Ticket, TicketState
from govhall.hotline.services.intake import dispatch_ticket

PHONE = {"width": 390, "height": 844}
NAME, MOBILE = "李秀英", "13812345678"


@pytest.fixture
def hotline(transactional_db):
    """Two subject branches, an area, the default limits and a catalogue, a citizen and an operator."""
    past = timezone.now() - timedelta(days=30)
    lamps = Department.objects.create(code="CGJ", name="市城管局", is_resident=False)
    office = Department.objects.create(code="QZF", name="区政府办公室", is_resident=False)
    made: dict[str, Subject] = {}
    for code, name in [("01", "城乡建设"), ("0101", "市政设施"), ("010102", "路灯不亮"),
                       ("02", "生态环境"), ("0201", "噪声污染"), ("020101", "施工噪声")]:  # fmt: skip
        made[code] = Subject.objects.create(
            code=code, name=name, level=len(code) // 2, parent=made.get(code[:-2])
        )
    Area.objects.create(code="A01", name="东城街道")
    install_defaults(now=past)
    catalogue = DispatchCatalogue.objects.create(
        version=1, in_force_from=past, fallback_unit=office, created_at=past
    )
    DispatchRule.objects.create(catalogue=catalogue, subject=made["0101"], lead_unit=lamps)
    citizen = User.objects.create_user(
        username="li", role=Role.APPLICANT, phone=MOBILE, last_name="李", first_name="秀英"
    )
    operator = User.objects.create_user(username="op", password="x", role=Role.OPERATOR)
    return citizen, operator


def sign_in(page: Page, live_server, user) -> None:
    """The portal's SMS sign-in is the portal's to test: a session made by the test client stands in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"


def test_a_citizen_leaves_a_message_follows_it_and_reads_the_published_reply(
    page: Page, site, live_server, hotline, axe
):
    citizen, operator = hotline
    page.set_viewport_size(PHONE)

    # Not signed in: the page says why and sends the visitor to the portal's sign-in.
    site.open("/messages/new/")
    expect(page.locator("[data-test=sign-in]")).to_have_attribute(
        "href", "/portal/login/?next=%2Fmessages%2Fnew%2F"
    )
    fits_the_phone(page)
    axe(page)

    sign_in(page, live_server, citizen)
    site.open("/messages/new/")
    expect(page.locator("h1")).to_have_text("我要留言")
    expect(page.locator("#id_phone")).to_have_value(MOBILE)
    fits_the_phone(page)
    axe(page)

    # A first try without a title: the summary links the field, and what was typed stays.
    page.check("input[name=request_type][value=help]")
    page.select_option("#id_subject", "010102")
    page.fill("#id_content", "和平路12号门口的路灯坏了一周，晚上很黑。")
    page.select_option("#id_area", "A01")
    page.fill("#id_address", "和平路12号")
    page.check("#id_publish_allowed")
    page.click("[data-test=send]")
    summary = page.locator("[data-test=error-summary]")
    expect(summary).to_be_visible()
    expect(page.locator("#id_content")).to_have_value("和平路12号门口的路灯坏了一周，晚上很黑。")
    expect(page.locator("#id_subject")).to_have_value("010102")
    fits_the_phone(page)
    axe(page)
    summary.locator("a[href='#id_title']").click()
    expect(page.locator("#id_title")).to_be_focused()
    page.fill("#id_title", "和平路路灯不亮")
    page.click("[data-test=send]")

    # The receipt: the number, what happens next (求助: 10 working days), a link to follow it.
    expect(page.locator("h1")).to_have_text("留言已提交")
    ticket = Ticket.objects.get()
    expect(page.locator("[data-test=panel]")).to_contain_text(ticket.number)
    expect(page.locator("[data-test=next-steps]")).to_contain_text("10 个工作日")
    fits_the_phone(page)
    axe(page)
    site.screenshot("hotline-web-done-390")
    page.click("[data-test=follow]")
    expect(page.locator("[data-test=number]")).to_have_text(ticket.number)
    expect(page.locator("[data-test=no-reply]")).to_be_visible()
    fits_the_phone(page)
    axe(page)

    site.open("/messages/mine/")
    row = page.locator("[data-test=mine-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("和平路路灯不亮")
    expect(row).to_contain_text("已收到")
    fits_the_phone(page)
    axe(page)

    # The centre dispatches it and the unit replies (arranged here: the reply pages are another part's).
    dispatch_ticket(ticket, by=operator, now=timezone.now())
    Ticket.objects.filter(pk=ticket.pk).update(
        state=TicketState.REPLIED, reply=f"{NAME}您好：路灯已修复。", replied_at=timezone.now()
    )
    site.open(f"/messages/mine/{ticket.number}/")
    expect(page.locator("[data-test=reply]")).to_contain_text("路灯已修复")

    # Anyone reads it in the published list, without the caller's name, phone or address.
    page.context.clear_cookies()
    site.open("/messages/")
    expect(page.locator("[data-test=public-row]")).to_have_count(1)
    fits_the_phone(page)
    axe(page)
    page.locator("[data-test=public-row] a").click()
    expect(page.locator("[data-test=reply]")).to_contain_text("路灯已修复")
    expect(page.locator("[data-test=unit]")).to_have_text("市城管局")
    html = page.content()
    for secret in (NAME, MOBILE, "和平路12号"):
        assert secret not in html
    fits_the_phone(page)
    axe(page)
    site.screenshot("hotline-web-published-390")

    # English on request.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    site.open("/messages/")
    expect(page.locator("h1")).to_have_text("Answered messages")
    axe(page)
