"""我的办件 and 办件查询 on a phone (390 px wide): an applicant whose case came back for correction
sees 需补正 and the one-time notice; anyone finds a case by its number and verification code without
signing in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def returned_case(transactional_db):
    """张三's account (real name recorded) and a window case of theirs returned with a one-time notice."""
    from govhall.cases import services
    from govhall.cases.tests.factories import PERSON, make_world
    from govhall.portal.tests.conftest import applicant

    world = make_world()
    now = timezone.now()
    zhang = applicant("zhang", phone="13900000001", id_number=PERSON.id_number, now=now)
    case = world.receive(now, materials=[])
    case = services.request_supplement(
        case, missing=world.required_ids, note="申请书须本人签字", by=world.users["clerk"], now=now
    )
    return zhang, case


def sign_in(page: Page, live_server, user) -> None:
    """The portal's own sign-in is another part's work: a session made by the test client stands in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"


def test_an_applicant_sees_the_correction_and_the_notice_on_a_phone(
    page: Page, site, live_server, returned_case
):
    zhang, case = returned_case
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, zhang)
    site.open("/portal/my/")
    row = page.locator("[data-test=my-row]").first
    expect(row.locator("[data-test=my-state]")).to_have_text("需补正")
    expect(row.locator("[data-test=my-next]")).to_contain_text("一次性告知书")
    fits_the_phone(page)
    site.screenshot("portal-my-390")

    row.locator("a").first.click()
    expect(page.locator("[data-test=my-case-number]")).to_have_text(case.number)
    expect(page.locator("[data-test=my-timeline]")).to_contain_text("申请书须本人签字")
    fits_the_phone(page)
    page.locator("[data-test=my-notice][data-kind=supplement] a").first.click()
    notice = page.locator("[data-test=notice]")
    expect(notice).to_contain_text("一次性告知书")
    expect(page.locator("[data-test=notice-code]")).to_have_text(case.verification_code)
    expect(notice).to_contain_text("/portal/progress/")
    fits_the_phone(page)
    site.screenshot("portal-notice-390")


def test_the_public_progress_query_finds_a_case_on_a_phone(page: Page, site, returned_case):
    _zhang, case = returned_case
    page.set_viewport_size(PHONE)
    site.open("/portal/progress/")
    expect(page.locator("h1")).to_have_text("办件进度查询")
    page.fill("input[name=number]", case.number)
    page.fill("input[name=code]", case.verification_code)
    page.click("[data-test=progress-form] button[type=submit]")
    expect(page.locator("[data-test=progress-state]")).to_have_text("需补正")
    expect(page.locator("[data-test=progress-applicant]")).to_have_text("张*")
    expect(page.locator("body")).not_to_contain_text("13812345678")
    fits_the_phone(page)
    site.screenshot("portal-progress-390")
    # The address printed on older notices still leads here.
    site.open(f"/cases/progress/?number={case.number}&code={case.verification_code}")
    expect(page.locator("[data-test=progress-state]")).to_have_text("需补正")
