"""Signing in shows each role its own navigation, in Chinese; the language switch turns it English."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from govhall.core.models import Role, User

pytestmark = pytest.mark.e2e

PASSWORD = "Correct-horse-battery-9"


@pytest.fixture
def accounts(transactional_db):
    User.objects.create_user(
        "admin1",
        password=PASSWORD,
        role=Role.ADMIN,
        last_name="周",
        first_name="敏",
        is_staff=True,
        is_superuser=True,
    )
    User.objects.create_user("clerk1", password=PASSWORD, role=Role.CLERK, last_name="王", first_name="晓燕")


def nav(page: Page):
    return page.locator("nav.site-nav a")


def test_visitor_sees_the_welcome_in_chinese(page: Page, site):
    site.open("/")
    expect(page.locator("h1")).to_contain_text("网上办事大厅")  # the public lands in the portal
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav(page)).to_have_text(["办事指南", "我的办件", "在线咨询", "办件查询", "民生留言"])
    expect(page.locator("[data-landing=progress] a")).to_have_text("办件进度查询")
    site.screenshot("home-visitor")


def test_printed_pages_leave_out_navigation_and_buttons(page: Page, site, accounts):
    site.login("admin1", PASSWORD)
    page.emulate_media(media="print")
    expect(page.locator("nav.site-nav")).to_be_hidden()
    expect(page.locator(".language-switch")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    site.screenshot("home-admin-print")


def test_administrator_and_clerk_see_their_own_navigation_and_english_on_request(page: Page, site, accounts):
    site.login("admin1", PASSWORD)
    expect(page.locator(".site-user .role-badge")).to_have_text("系统管理员")
    expect(nav(page)).to_have_text(["首页", "统计分析", "排队叫号", "事项目录", "管理后台", "API 文档"])
    expect(page.locator("[data-landing=users] a")).to_have_text("用户与角色")
    site.screenshot("home-admin-zh")

    page.click("[data-test=language-en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav(page)).to_have_text(
        ["Home", "Statistics", "Queue and windows", "Service catalogue", "Back office", "API documentation"]
    )
    expect(page.locator(".site-user .role-badge")).to_have_text("Administrator")
    site.screenshot("home-admin-en")

    page.click("[data-test=language-zh-hans]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.click("[data-test=logout]")
    expect(page.locator("[data-test=login]")).to_have_text("登录")

    site.login("clerk1", PASSWORD)
    expect(page.locator(".site-user .role-badge")).to_have_text("窗口人员")
    expect(nav(page)).to_have_text(["首页", "窗口受理", "办件查询", "快车道", "排队叫号", "API 文档"])
    expect(page.locator(".lead")).to_contain_text("您在窗口受理申请")
    expect(page.locator("[data-landing=intake] a")).to_have_text("窗口受理")
    site.screenshot("home-clerk-zh")

    page.click("[data-test=language-en]")
    expect(page.locator(".site-user .role-badge")).to_have_text("Window clerk")
    expect(page.locator("h2")).to_have_text(["Your work today", "What you can do here"])
    expect(nav(page)).to_have_text(
        ["Home", "Intake", "Case search", "Fast lanes", "Queue and windows", "API documentation"]
    )


def test_login_page(page: Page, site):
    site.open("/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录")
    site.screenshot("login-zh")
    page.fill("input[name=username]", "nobody")
    page.fill("input[name=password]", "wrong")
    page.click("form.form button[type=submit]")
    expect(page.locator(".form-error").first).to_contain_text("请输入一个正确的")
