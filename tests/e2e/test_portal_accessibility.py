"""Every page of the online service hall passes axe-core's WCAG 2.x A/AA checks with no serious or critical
violation and fits a 390 px phone without sideways scrolling: in the standard and in the 适老化 mode, with
the demo city and a citizen's realistic portal life (tests/e2e/portal_data.py), and after each form is
sent with errors (the error summary). One live server and one data set for all pages: the CI box is small.

Screenshots of every page: GOVHALL_A11Y_SHOTS=1 (into GOVHALL_SCREENSHOTS, /tmp by default)."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.demo.city import load_demo_city
from govhall.supervision.notify.sms import MemoryBackend
from tests.e2e.conftest import axe_violations, describe_violations
from tests.e2e.portal_data import PortalLife, build_portal_life

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("GOVHALL_A11Y_SHOTS") == "1"


@dataclass(frozen=True)
class Visit:
    """A page to check: `path` is formatted with the portal life; `then` brings it into the state to check
    (a form sent with errors, say) and waits for that state."""

    name: str
    path: str
    then: Callable[[Page, PortalLife], None] | None = None
    status: int = 200  # a query that finds nothing answers 404


def _summary(page: Page) -> None:
    expect(page.locator("[data-test=error-summary]")).to_be_visible()


PHONES = itertools.count(13912340010)  # one number per sign-in: codes are throttled per number


def login_with_a_wrong_code(page: Page, life: PortalLife) -> None:
    page.fill("input[name=phone]", str(next(PHONES)))
    page.click("[data-test=send-code]")
    expect(page.locator("[data-test=code-sent]")).to_be_visible()
    page.fill("input[name=code]", "000000")
    page.click("[data-test=sign-in]")
    _summary(page)


def ask_without_a_phone(page: Page, life: PortalLife) -> None:
    page.fill("#id_question", "个体工商户设立登记需要哪些材料？")
    page.click("[data-test=ask]")
    _summary(page)


def ask_anonymously(page: Page, life: PortalLife) -> None:
    page.fill("#id_question", "个体工商户设立登记需要哪些材料？")
    page.fill("#id_phone", "13700001111")
    page.click("[data-test=ask]")
    expect(page.locator("[data-test=number]")).to_be_visible()


def look_up_with_a_wrong_code(page: Page, life: PortalLife) -> None:
    page.fill("#id_number", life.consultation.number)
    page.fill("#id_code", "WRONG1")
    page.click("[data-test=lookup]")
    page.wait_for_load_state()


def register_a_bad_credit_code(page: Page, life: PortalLife) -> None:
    page.fill("input[name=name]", "泉山市龙山科技有限公司")
    page.fill("input[name=credit_code]", "914403001922038217")
    page.click("[data-test=register-company]")
    _summary(page)


def authorise_without_a_phone(page: Page, life: PortalLife) -> None:
    page.click("[data-test=authorise]")
    _summary(page)


def save_a_bad_id_number(page: Page, life: PortalLife) -> None:
    page.fill("input[name=id_number]", "110105194912310021")
    page.click("[data-test=save-real-name]")
    _summary(page)


def submit_the_unfinished_draft(page: Page, life: PortalLife) -> None:
    page.click("button[name=action][value=submit]")
    _summary(page)


def withdraw_without_a_reason(page: Page, life: PortalLife) -> None:
    page.click("form.form button[type=submit]")
    _summary(page)


def resubmit_without_the_correction(page: Page, life: PortalLife) -> None:
    page.click("[data-test=send-correction]")
    _summary(page)


ANONYMOUS = [
    Visit("home", "/portal/"),
    Visit("search", "/portal/search/?q=营业执照"),
    Visit("search-pinyin", "/portal/search/?q=gtgsh"),
    Visit("search-nothing", "/portal/search/?q=不存在的事项名称"),
    Visit("guide", "/portal/items/{life.item.code}/"),
    Visit("lane", "/portal/lanes/{life.lane.code}/"),
    Visit("login", "/portal/login/"),
    Visit("login-error", "/portal/login/", login_with_a_wrong_code),
    Visit("progress", "/portal/progress/"),
    Visit(
        "progress-result",
        "/portal/progress/?number={life.concluded.number}&code={life.concluded.verification_code}",
    ),
    Visit("progress-none", "/portal/progress/?number={life.concluded.number}&code=WRONG1", status=404),
    Visit("consult-ask", "/portal/consult/?item={life.item.code}"),
    Visit("consult-ask-error", "/portal/consult/", ask_without_a_phone),
    Visit("consult-done", "/portal/consult/?item={life.item.code}", ask_anonymously),
    Visit("consult-lookup", "/portal/consult/lookup/"),
    Visit("consult-lookup-none", "/portal/consult/lookup/", look_up_with_a_wrong_code),
    Visit(
        "consult-lookup-answer",
        "/portal/consult/lookup/?number={life.consultation.number}&code={life.consultation.verification_code}",
    ),
    # ratingstats: the public 好差评 figures
    Visit("satisfaction", "/portal/satisfaction/"),
]
SIGNED_IN = [
    Visit("home-signed-in", "/portal/"),
    Visit("account", "/portal/account/"),
    Visit("account-error", "/portal/account/", save_a_bad_id_number),
    Visit("company-new", "/portal/account/companies/new/"),
    Visit("company-new-error", "/portal/account/companies/new/", register_a_bad_credit_code),
    Visit("company", "/portal/account/companies/{life.company.pk}/"),
    Visit("company-error", "/portal/account/companies/{life.company.pk}/", authorise_without_a_phone),
    Visit("apply-start", "/portal/apply/{life.item.code}/"),
    Visit("apply-lane-start", "/portal/apply/lane/{life.lane.code}/"),
    Visit("apply-editor", "/portal/applications/{life.draft.pk}/edit/"),
    Visit("apply-editor-error", "/portal/applications/{life.draft.pk}/edit/", submit_the_unfinished_draft),
    Visit("apply-receipt", "/portal/applications/{life.submitted.pk}/receipt/"),
    Visit("apply-withdraw", "/portal/applications/{life.submitted.pk}/withdraw/"),
    Visit(
        "apply-withdraw-error",
        "/portal/applications/{life.submitted.pk}/withdraw/",
        withdraw_without_a_reason,
    ),
    Visit("apply-correct", "/portal/applications/{life.returned.pk}/correct/"),
    Visit(
        "apply-correct-error",
        "/portal/applications/{life.returned.pk}/correct/",
        resubmit_without_the_correction,
    ),
    Visit("my", "/portal/my/"),
    Visit("my-case-returned", "/portal/my/cases/{life.returned.case.number}/"),
    Visit("my-case-concluded", "/portal/my/cases/{life.concluded.number}/"),
    Visit("my-notice-supplement", "/portal/my/cases/{life.returned.case.number}/notices/supplement/"),
    Visit("my-notice-acceptance", "/portal/my/cases/{life.concluded.number}/notices/acceptance/"),
    Visit("my-inbox", "/portal/my/inbox/"),
    Visit("licences", "/portal/licences/"),
    Visit("consult-ask-signed-in", "/portal/consult/?item={life.item.code}"),
    Visit("consult-mine", "/portal/consult/mine/"),
    Visit("consult-detail", "/portal/consult/{life.consultation.pk}/"),
    # part visit (issue 16): appointments and the phone page for a number
    Visit("visit-book", "/visits/book/{life.item.code}/"),
    Visit("visit-bookings", "/visits/bookings/"),
    Visit("visit-take", "/visits/take/370181-000/"),
]


# --- rating (issue 16): the public rating page (also with its refusal) and the website's feedback page ---
def rate_without_a_reason(page: Page, life: PortalLife) -> None:
    page.check("input[name=level][value='1']")
    page.click("[data-test=rating-submit]")
    _summary(page)


ANONYMOUS += [
    Visit("rate", "/portal/rate/"),
    Visit("rate-error", "/portal/rate/?number={life.concluded.number}&code=WRONG123", rate_without_a_reason),
    Visit("feedback", "/portal/feedback/"),
]


@pytest.fixture
def console_errors(page):
    """As in conftest, except that Chromium's log line for a page answered 404 (a query that found
    nothing) or 400 (a form sent with errors), both expected here, is no error of the page."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not re.search(r"status of 40[04]", message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors
    assert errors == [], f"the pages logged errors: {errors}"


@pytest.fixture
def life(transactional_db, settings, tmp_path) -> PortalLife:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    now = timezone.now()
    load_demo_city(now=now, with_accounts=True)
    return build_portal_life(now=now)


def sign_in(page: Page, live_server, user) -> None:
    """The SMS sign-in has its own test (test_portal_keyboard.py); a session cookie is faster here."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def check(page: Page, site, life: PortalLife, visit: Visit, mode: str) -> list[str]:
    """What is wrong with the page (empty when nothing is)."""
    response = page.goto(site.url + visit.path.format(life=life))
    assert response is not None and response.status == visit.status, f"{visit.name}: {response.status}"
    if visit.then:
        visit.then(page, life)
    page.wait_for_load_state("networkidle")
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(f"[{mode}] {visit.name}: " + describe_violations(page.url, violations))
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"[{mode}] {visit.name}: {page.url} scrolls sideways ({width} px wide)")
    if SHOTS:
        site.screenshot(f"portal-{mode}-{visit.name}")
    return problems


def test_every_portal_page_is_accessible_and_fits_a_phone_in_both_modes(page: Page, site, live_server, life):
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    for mode in ("standard", "elder"):
        page.context.clear_cookies()
        if mode == "elder":
            site.open("/portal/")
            page.click("[data-test=display-elder]")
            expect(page.locator("html")).to_have_class("mode-elder")
        for visit in ANONYMOUS:
            problems += check(page, site, life, visit, mode)
        sign_in(page, live_server, life.citizen)
        for visit in SIGNED_IN:
            problems += check(page, site, life, visit, mode)
    assert not problems, "\n".join(problems)
