"""A citizen on a phone (390 px wide) signs up with a text-message code and records their real name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from govhall.supervision.notify.sms import MemoryBackend

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def test_sign_up_by_code_and_record_the_real_name(site, page, settings):
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    site.open("/portal/")
    page.click("[data-test=login]")
    expect(page).to_have_url(re.compile(r"/portal/login/"))
    page.fill("input[name=phone]", "13800138000")
    page.click("[data-test=send-code]")
    expect(page.locator("[data-test=code-sent]")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", MemoryBackend.outbox[-1][1]).group(1)
    page.fill("input[name=code]", code)
    page.click("[data-test=sign-in]")
    # Back where they started, signed in.
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("[data-test=logout]")).to_be_visible()
    site.open("/portal/account/")

    # A wrong check digit first: the error summary links to the field.
    page.fill("input[name=real_name]", "张三")
    page.fill("input[name=id_number]", "110105194912310021")
    page.click("[data-test=save-real-name]")
    summary = page.locator("[data-test=error-summary]")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#id_id_number']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    site.screenshot("portal-sign-in-id-error")

    page.fill("input[name=id_number]", "11010519491231002X")
    page.click("[data-test=save-real-name]")
    expect(page.locator("[data-test=saved]")).to_be_visible()
    expect(page.locator("[data-test=real-name]")).to_contain_text("张三")
