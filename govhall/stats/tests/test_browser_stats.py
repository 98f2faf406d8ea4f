"""The statistics in the browser, in Chinese: a leader opens the dashboard, filters by a department, and
downloads the monthly assessment report as XLSX and PDF. No request leaves the site; no console errors.

The browser fixtures are tests/e2e/conftest.py's (Debian's Chromium, external hosts blocked, console
errors fail the test), loaded from there so that this file runs alone too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from govhall.cases.tests.factories import make_world
from govhall.stats.tests.conftest import set_min_cases
from govhall.stats.tests.history import march

_spec = importlib.util.spec_from_file_location(
    "govhall_e2e_fixtures", Path(__file__).resolve().parents[3] / "tests" / "e2e" / "conftest.py"
)
_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_e2e)
browser_type_launch_args = _e2e.browser_type_launch_args
browser_context_args = _e2e.browser_context_args
external_requests = _e2e.external_requests
console_errors = _e2e.console_errors
site = _e2e.site

pytestmark = pytest.mark.e2e
PASSWORD = "Statistik-2026-leader"

# The sheets of the hotline's section of the report (govhall/hotline/stats_tables.py).
HOTLINE_SHEETS = (
    "热线：各单位指标",
    "热线：承办单位排名",
    "热线：答复的现场督查",
    "知识库：各单位维护情况",
    "热线：按渠道",
    "热线：按诉求类型",
    "热线：按一级分类",
    "热线：按二级分类",
    "热线：按区域",
    "热线：按月份、单位和诉求分类的重复来电与重复件",
    "热线：热点清单",  # its hot list, a section of its own (govhall/hotline/hot.py)
)


@pytest.fixture
def city(transactional_db):
    world = make_world()
    march(world)
    set_min_cases(1)
    leader = world.users["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    return world


def test_a_leader_filters_the_dashboard_and_downloads_the_monthly_report(page: Page, site, city, tmp_path):
    site.login("leader", PASSWORD)
    page.click("nav.site-nav a[data-nav=stats]")
    expect(page.locator("h1")).to_have_text("统计分析")

    # The whole year so far: the March cases of both departments' centre, four charts drawn.
    page.fill("input[name=from]", "2026-03-01")
    page.fill("input[name=to]", "2026-03-31")
    page.click("[data-test=apply-filter]")
    expect(page.locator("[data-test=tile-received] strong")).to_have_text("8")
    expect(page.locator("[data-test=tile-on_time_rate] strong")).to_have_text("66.7 %")
    for chart in ("trend", "kinds", "departments", "lights"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)
    expect(page.locator("[data-test=table-ranking] tbody tr").first).to_contain_text("市场监督管理局")
    site.screenshot("stats-dashboard")

    # Filter by the other department: nothing received there.
    page.select_option("select[name=department]", label="住房和城乡建设局")
    page.click("[data-test=apply-filter]")
    expect(page.locator("[data-test=tile-received] strong")).to_have_text("0")
    assert "department=ZJJ" in page.url

    # Back to the market regulator, and down to the cases concluded on time.
    page.select_option("select[name=department]", label="市场监督管理局")
    page.click("[data-test=apply-filter]")
    page.click("[data-test=tile-on_time_rate]")
    expect(page.locator("[data-test=measure]")).to_have_text("按时办结")
    expect(page.locator("[data-test=case-list] tbody tr")).to_have_count(4)

    # The monthly assessment report: generate March, then download it.
    page.go_back()
    page.click("[data-test=tab-reports]")
    expect(page.locator("h1")).to_have_text("考核通报")
    page.fill("input[name=month]", "2026-03")
    page.click("[data-test=generate]")
    expect(page.locator("h1")).to_have_text("2026-03 考核通报")
    expect(page.locator("[data-test=table-ranking]")).to_contain_text("64.19")
    site.screenshot("stats-report")
    with page.expect_download() as download:
        page.click("[data-test=download-xlsx]")
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == [
        *("概览", "环比", "排名", "未排名", "权重", "超期办件", "亮牌", "好差评"),
        *HOTLINE_SHEETS,  # the hotline's registered section (govhall.stats.sections)
        "各单位现场督查情况",  # statistics' own section of on-site inspections (govhall/stats/inspections.py)
    ]
    assert list(book["排名"].values)[1][:3] == (1, "市场监督管理局", 64.19)
    with page.expect_download() as download:
        page.click("[data-test=download-pdf]")
    assert download.value.suggested_filename == "govhall-report-2026-03.pdf"
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "2026-03 考核通报" in text and "市场监督管理局" in text and "64.19" in text
