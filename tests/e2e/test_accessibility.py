"""The shared frame and the pages people outside the staff use pass axe-core's WCAG 2.x A/AA checks
with no serious or critical violation: on a phone (390 px), on a desktop (1280 px), and in 适老化 mode.

A new page is checked by calling `axe(page)` once it shows what it should (docs/accessibility.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.cases import services
from govhall.cases.inputs import Applicant, Contact
from govhall.catalog.models import ServiceItem
from govhall.core.models import User
from govhall.demo.city import DEMO_ACCOUNTS, load_demo_city

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def city(transactional_db):
    """The demo city with one accepted case whose first step is overdue, so boards and lists have rows."""
    load_demo_city(now=timezone.now(), with_accounts=True)
    clerk = User.objects.get(username="clerk")
    item = (
        ServiceItem.objects.filter(status="published", department__code="GSJ", case_kind="committed")
        .filter(steps__isnull=False)
        .distinct()
        .order_by("code")
        .first()
    )
    then = timezone.now() - timedelta(days=40)
    case = services.receive_case(
        item=item,
        applicant=Applicant(
            kind="organisation",
            name="泉山市明水食品有限公司",
            credit_code="914403001922038216",
            legal_representative="赵明路",
        ),
        contact=Contact(name="李娜", phone="13912345678", address="泉山市龙山大道1号"),
        materials=list(item.materials.values_list("pk", flat=True)),
        hall=clerk.hall,
        window=None,
        by=clerk,
        now=then,
    )
    case = services.accept_case(case, by=clerk, now=then)
    return {"case": case, "accounts": {a.username: a for a in DEMO_ACCOUNTS}}


def public_pages(city) -> list[tuple[str, str]]:
    case = city["case"]
    return [
        ("portal-home", "/portal/"),
        ("login", "/accounts/login/"),
        ("progress", "/cases/progress/"),
        ("progress-result", f"/cases/progress/?number={case.number}&code={case.verification_code}"),
    ]


STAFF_PAGES = [
    # (account, name, path): a page of each app whose styles moved into govhall.css
    ("clerk", "cases-search", "/cases/"),
    ("clerk", "case-detail", "/cases/{case}/"),
    ("clerk", "lanes", "/lanes/"),
    ("supervisor", "supervision-board", "/supervision/"),
]


def visit(page: Page, site, path: str) -> None:
    site.open(path)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("viewport", "elder"),
    [(PHONE, False), (DESKTOP, False), (PHONE, True), (DESKTOP, True)],
    ids=["390px", "1280px", "elder-390px", "elder-1280px"],
)
def test_public_and_staff_pages_have_no_serious_accessibility_violation(
    page: Page, site, city, axe, viewport, elder
):
    page.set_viewport_size(viewport)
    size = f"{viewport['width']}px" + ("-elder" if elder else "")
    visit(page, site, "/accounts/login/")
    if elder:
        page.click("[data-test=display-elder]")
        expect(page.locator("html")).to_have_class("mode-elder")
    for name, path in public_pages(city):
        visit(page, site, path)
        axe(page)
        site.screenshot(f"a11y-{name}-{size}")
    signed_in = None
    for account, name, path in STAFF_PAGES:
        if account != signed_in:
            if signed_in:
                page.click("[data-test=logout]")
            site.login(account, city["accounts"][account].password)
            signed_in = account
        visit(page, site, path.format(case=city["case"].pk))
        axe(page)
        site.screenshot(f"a11y-{name}-{size}")
