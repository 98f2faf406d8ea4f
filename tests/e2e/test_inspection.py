"""The inspector's page on a phone (390 px), in Chinese: an inspector (效能监察) opens the task the centre
assigned, writes findings, tries a file that is not a photo (refused at the field, nothing written), adds a
real photo, and gives the verdict "not done", which sends the 12345 ticket back to its unit for a new
round. axe-core at each step; the page never scrolls sideways."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from govhall.core.models import Role, User
from govhall.hotline.models import Dispatch, TicketState
from govhall.hotline.services import handling
from govhall.hotline.services.intake import dispatch_ticket, register_ticket
from govhall.supervision.inspections import assign_inspection
from govhall.supervision.models import InspectionPhoto, InspectionState
from tests.e2e.test_hotline_desk import PASSWORD, TOKEN, hotline  # noqa: F401  (the desk's small world)

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def replied_ticket(hotline, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"  # the live server runs in this process: it stores there
    now = timezone.now() - timedelta(days=2)
    operator, handler = hotline["operator"], hotline["handler"]
    ticket = register_ticket(
        channel="phone",
        request_type="complaint",
        subject="010101",
        title="幸福路路面塌陷",
        content="幸福路与人民路交叉口路面塌陷。",
        caller_phone="13812340000",
        area="A01",
        by=operator,
        now=now,
    )
    ticket = dispatch_ticket(ticket, by=operator, now=now)
    dispatch = Dispatch.objects.get(ticket=ticket)
    handling.sign_for(dispatch, by=handler, now=now + timedelta(hours=1))
    ticket = handling.reply_ticket(
        ticket, reply="已修复路面。", basis="《城市道路管理条例》", by=handler, now=now + timedelta(hours=2)
    )
    inspector = User.objects.create_user(
        "jc1", password=PASSWORD, role=Role.SUPERVISOR, last_name="陈", first_name="静"
    )
    admin = User.objects.create_user("adm1", password=PASSWORD, role=Role.ADMIN)
    task = assign_inspection(
        kind="ticket",
        reference=ticket.number,
        inspector=inspector,
        instruction="到幸福路与人民路交叉口查看路面是否已修复",
        by=admin,
        now=timezone.now(),
    )
    return ticket, task


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at 390 px ({width} px)"


def test_an_inspector_finds_a_reply_not_done_on_a_phone(page: Page, site, replied_ticket, axe, tmp_path):
    """The files the browser sends are written under tmp_path too (beside the media root)."""
    ticket, task = replied_ticket
    page.set_viewport_size(PHONE)
    site.login("jc1", PASSWORD)
    site.open("/supervision/inspections/")
    expect(page.locator("h1")).to_have_text("现场督查")
    card = page.locator(f"[data-inspection='{task.pk}']")
    expect(card).to_contain_text(ticket.number)
    no_sideways_scroll(page)
    axe(page)

    card.locator("a").click()
    expect(page.locator("[data-test=inspection-state]")).to_have_text("待督查")
    expect(page.locator("[data-test=instruction]")).to_contain_text("路面是否已修复")
    page.fill("[data-test=form-record] textarea", "现场查看：路面仍有塌陷，未见施工。")
    page.click("[data-test=submit-record]")
    expect(page.locator(".message--success")).to_be_visible()

    # Not a photo: refused at the field, in Chinese; nothing stored.
    fake = tmp_path / "现场.jpg"
    fake.write_bytes(b"%PDF-1.7 this is a document")
    page.set_input_files("[data-test=form-photo] input[type=file]", str(fake))
    page.click("[data-test=submit-photo]")
    expect(page.locator("[data-error=photo]")).to_contain_text("不是照片")
    assert not InspectionPhoto.objects.exists()
    no_sideways_scroll(page)
    axe(page)

    photo = tmp_path / "road.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (120, 110, 100)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    page.set_input_files("[data-test=form-photo] input[type=file]", str(photo))
    page.click("[data-test=submit-photo]")
    expect(page.locator("[data-test=photos] img")).to_have_count(1)
    width = page.locator("[data-test=photos] img").evaluate("img => img.getBoundingClientRect().width")
    assert 0 < width <= PHONE["width"], f"the photo is {width} px wide on a 390 px screen"

    page.locator("[data-test=form-verdict] label", has_text="未办结").click()
    page.click("[data-test=submit-verdict]")
    expect(page.locator("[data-test=inspection-state]")).to_have_text("未办结")
    expect(page.locator("[data-test=verdict]")).to_contain_text("重办")
    no_sideways_scroll(page)
    site.screenshot("inspection-not-done")
    axe(page)

    task.refresh_from_db()
    ticket.refresh_from_db()
    assert task.state == InspectionState.NOT_DONE
    assert (ticket.state, ticket.round) == (TicketState.DISPATCHED, 1)
