"""After `govhall demo --once` every role signs in and finds work on its first page, at today's clock:
the tiles of its work today are not all zero, and the list behind a tile has rows. The citizen lands in the
online service hall; the operator also finds the progress query."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import Page, expect

from govhall.demo.city import DEMO_ACCOUNTS
from govhall.demo.rebuild import drop_and_migrate

pytestmark = pytest.mark.e2e

# role → the tiles that must count something on any day, and one tile to follow to a list with rows.
WORK = {
    "clerk": (["supplement", "deliver"], "deliver"),
    "agency": ([], None),
    "handler": (["queue"], "queue"),
    "head": (["queue", "extensions", "cards", "orders"], "extensions"),
    "supervisor": (["red", "yellow"], "red"),
    "leader": (["red"], "red"),
    "admin": (["red"], None),
    # The hotline's desk (govhall.demo.living.hotline.Desk) leaves work in each of the centre's lists.
    "operator": (
        ["hotline-registered", "hotline-callback", "hotline-returns", "hotline-extensions", "hotline-review"],
        "hotline-callback",
    ),
}


@pytest.fixture
def living_city(transactional_db):
    """The demo exactly as `make run` loads it (the real clock); the tables are dropped afterwards (case
    events are append-only, so the usual flush cannot remove them).

    The browser fixtures run the test in another context, where Django opens a connection of its own;
    pytest-django closes only its own, and on PostgreSQL the one left open kept the test database from
    being dropped at the end of the run. So this context's connections are closed here."""
    try:
        call_command("demo", "--once", verbosity=0)
        yield {account.username: account for account in DEMO_ACCOUNTS}
    finally:
        drop_and_migrate(check=False)
        connections.close_all()


def count(page: Page, key: str) -> int:
    text = page.locator(f"[data-tile={key}] .tile__count").inner_text().strip()
    return int(re.sub(r"\D", "", text) or 0)


def test_every_role_finds_work_on_its_first_page(living_city, page: Page, site):
    for username, account in living_city.items():
        site.login(username, account.password)
        if username == "citizen":
            # A citizen lands in the online service hall and finds their cases and licences there.
            expect(page.locator("h1")).to_contain_text("网上办事大厅")
            page.click("[data-nav=applications]")
            expect(page.locator("[data-test=my-row]").first).to_be_visible()
            page.goto(f"{site.url}/portal/licences/")
            expect(page.locator("[data-licence]").first).to_contain_text("营业执照")
            site.screenshot("living-citizen")
            page.click("[data-test=logout]")
            continue
        expect(page.locator("h1")).to_contain_text("欢迎您")
        assert "正在建设中" not in page.content(), username
        if username == "operator":
            expect(page.locator("[data-landing=progress] a")).to_have_text("办件进度查询")
        keys = page.locator("[data-tile]").evaluate_all("tiles => tiles.map(t => t.dataset.tile)")
        counts = {key: count(page, key) for key in keys}
        must, follow = WORK[username]
        assert any(counts.values()), f"{username}: every tile counts 0: {counts}"
        assert all(counts.get(key, 0) > 0 for key in must), f"{username}: {counts}, expected {must}"
        if username == "leader":
            expect(page.locator("[data-tile=report]")).to_contain_text("已发布")
        if follow:
            page.click(f"[data-tile={follow}]")
            page.wait_for_load_state()
            rows = page.locator("table tbody tr")
            expect(rows.first).to_be_visible()
            assert rows.count() > 0, f"{username}: the list behind {follow} is empty"
        site.screenshot(f"living-{username}")
        page.click("[data-test=logout]")
        expect(page.locator("[data-test=login]")).to_be_visible()
