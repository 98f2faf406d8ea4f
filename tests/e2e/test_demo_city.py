"""Opening the admin and the API docs in the browser shows the demo city in Chinese."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.demo.city import DEMO_ACCOUNTS, load_demo_city

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_city(transactional_db):
    load_demo_city(now=timezone.now(), with_accounts=True)
    return {account.username: account for account in DEMO_ACCOUNTS}


def test_admin_and_api_docs_show_the_demo_city_in_chinese(page: Page, site, demo_city):
    admin = demo_city["admin"]
    site.login(admin.username, admin.password)
    expect(page.locator(".site-user__name")).to_have_text(admin.full_name)
    site.screenshot("demo-home-admin")

    site.open("/admin/")
    expect(page.locator("#site-name")).to_contain_text("泉山市政务服务中心管理后台")
    site.screenshot("demo-admin-index")

    site.open("/admin/catalog/serviceitem/")
    expect(page.locator("#content h1")).to_have_text("选择 事项 来修改")
    expect(page.locator("#result_list")).to_be_visible()
    page.fill("#searchbar", "施工许可")
    page.keyboard.press("Enter")
    expect(page.locator("#result_list")).to_contain_text("建筑工程施工许可")
    expect(page.locator("#changelist-filter")).to_contain_text("过滤器")
    site.screenshot("demo-admin-items")

    site.open("/admin/core/user/")
    expect(page.locator("#result_list")).to_contain_text("周敏")
    expect(page.locator("#result_list")).to_contain_text("窗口人员")

    # Swagger UI draws operations as they scroll into view; a tall window draws the whole list (the
    # hotline's operations now come before /api/v1/items/).
    page.set_viewport_size({"width": 1280, "height": 16000})
    site.open("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("govhall API")
    expect(page.locator(".swagger-ui")).to_contain_text("政务服务中心")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/items/").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/workdays/add").first).to_be_visible()
    expect(page.locator(".swagger-ui img[src*='validator']")).to_have_count(0)
    site.screenshot("demo-api-docs")

    # The API itself answers the signed-in administrator with the demo city's items.
    page.locator(".opblock-summary-path", has_text="/api/v1/items/").first.click()
    response = page.request.get(site.url + "/api/v1/items/?limit=500")
    assert response.ok
    assert "建筑工程施工许可" in response.text()


def test_redoc_renders_locally(page: Page, site):
    site.open("/api/redoc/")
    # ReDoc lays out the whole schema (about 190 operations with their error answers) before it shows the
    # title: on a loaded 2-core machine that took more than the default 15 s.
    expect(page.get_by_role("heading", level=1)).to_contain_text("govhall API", timeout=90_000)
    expect(page.get_by_text("政务服务中心 API")).to_be_visible()
    site.screenshot("api-redoc", full_page=False)  # the whole page is 10,000 pixels high
