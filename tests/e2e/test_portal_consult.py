"""Online consultation in the browser at 390 px (a phone): a visitor asks anonymously and gets a number and
a code, the department answers and publishes an edited text, the visitor looks the answer up, and the
answer also went out once by text message."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from govhall.cases.models import Case
from govhall.cases.tests.factories import make_world
from govhall.supervision.notify.sms import MemoryBackend

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PASSWORD = "consult-test-pw-1"


@pytest.fixture
def world(transactional_db, settings):
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    world = make_world()
    head = world.users["head"]
    head.set_password(PASSWORD)
    head.save()
    return world


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"


def test_ask_anonymously_answer_publish_and_look_up(page: Page, site, world, axe):
    page.set_viewport_size(PHONE)

    # The visitor asks about an item; forgetting the phone gives an error summary that links the field.
    site.open(f"/portal/consult/?item={world.item.code}")
    expect(page.locator("h1")).to_have_text("在线咨询")
    fits_the_screen(page)
    axe(page)
    page.fill("#id_question", "办理食品经营许可需要多久？我叫王小明。")
    page.click("[data-test=ask]")
    summary = page.locator("[data-test=error-summary]")
    expect(summary).to_be_visible()
    summary.locator("a[href='#id_phone']").click()
    expect(page.locator("#id_phone")).to_be_focused()
    fits_the_screen(page)
    axe(page)
    page.fill("#id_name", "王小明")
    page.fill("#id_phone", "13700001111")
    page.click("[data-test=ask]")
    expect(page.locator("h1")).to_have_text("咨询已收到")
    number = page.locator("[data-test=number]").inner_text().strip()
    code = page.locator("[data-test=code]").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.verification_code == code and case.channel == "online"
    fits_the_screen(page)
    axe(page)
    site.screenshot("portal-consult-done")

    # The department head answers and publishes an edited text (the asker's name refused first).
    site.login("head", PASSWORD)
    site.open("/cases/consultations/")
    page.click(f"text={number}")
    page.fill("textarea[name=answer]", "王小明您好：承诺5个工作日办结。")
    page.click("[data-test=submit-answer]")
    expect(page.locator("[data-test=answer]")).to_contain_text("承诺5个工作日办结")
    page.fill("[data-test=form-publish] textarea[name=answer]", "王小明您好：承诺5个工作日办结。")
    page.fill("[data-test=form-publish] textarea[name=question]", "办理食品经营许可需要多久？")
    page.click("[data-test=submit-publish]")
    expect(page.locator("[data-test=form-publish] .form-error")).to_contain_text("提问人")
    page.fill("[data-test=form-publish] textarea[name=answer]", "承诺5个工作日办结。")
    page.click("[data-test=submit-publish]")
    expect(page.locator("[data-test=published]")).to_be_visible()
    page.click("[data-test=logout]")

    # The visitor looks the answer up with the number and code, on the phone.
    site.open("/portal/consult/lookup/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("[data-test=lookup]")
    expect(page.locator("[data-test=answer]")).to_contain_text("承诺5个工作日办结")
    fits_the_screen(page)
    axe(page)
    site.screenshot("portal-consult-answer")

    # The published Q&A carries only the edited text.
    published = page.request.get(
        f"{site.url}/api/v1/portal/consultations/published/?item={world.item.code}"
    ).json()
    assert [(r["question"], r["answer"]) for r in published] == [
        ("办理食品经营许可需要多久？", "承诺5个工作日办结。")
    ]

    # And the answer went out once by text message to the phone given.
    assert [phone for phone, _text in MemoryBackend.outbox] == ["13700001111"]
