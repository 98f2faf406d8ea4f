"""The statistics pages: who may open them, the dashboard's figures and links, the drill-down, exports,
and the report pages (generate, publish with the version read, 409 on a stale one, XLSX, PDF)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from govhall.stats.models import Report, ReportState
from govhall.stats.reports import generate_monthly, publish_report
from govhall.stats.tests.conftest import set_min_cases
from govhall.stats.tests.history import march

MARCH = "from=2026-03-01&to=2026-03-31"
MARCH_1 = date(2026, 3, 1)


@pytest.fixture
def history(world):
    set_min_cases(1)
    return march(world)


@pytest.fixture
def leader(client, world):
    client.force_login(world.users["leader"])
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [("leader", 200), ("supervisor", 200), ("admin", 200), ("clerk", 403), ("head", 403), ("operator", 403)],
)
def test_leaders_supervisors_and_admins_only(client, world, role, status):
    client.force_login(world.users[role])
    for url in ("/stats/", "/stats/reports/", f"/stats/cases/?measure=received&{MARCH}"):
        assert client.get(url).status_code == status, url


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get("/stats/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_dashboard_shows_the_figures_and_links_each_to_its_cases(leader, history, world):
    html = leader.get(f"/stats/?{MARCH}").content.decode()
    assert 'data-test="tile-received"' in html and "66.7 %" in html
    assert "echarts.min.js" in html and 'id="stats-charts"' in html
    assert f'href="/stats/cases/?{MARCH.replace("&", "&amp;")}&amp;measure=on_time"' in html
    # The department row's figures link with its code.
    assert "department=SCJ&amp;measure=received" in html
    for key in ("department", "ranking", "hall", "kind", "channel", "month"):
        assert f'data-test="export-{key}-xlsx"' in html


def test_a_department_filter_narrows_the_figures(leader, history):
    html = leader.get(f"/stats/?{MARCH}&department=ZJJ").content.decode()
    received = re.search(r'data-test="tile-received">\s*<span>[^<]*</span><strong>(\d+)</strong>', html)
    assert received and received.group(1) == "0"


def test_a_bad_filter_is_shown_on_the_field(leader, history):
    html = leader.get("/stats/?from=2026-03-31&to=2026-03-01").content.decode()
    assert 'data-error="to"' in html and 'data-test="tiles"' not in html


def test_the_drill_down_lists_the_cases(leader, history):
    html = leader.get(f"/stats/cases/?{MARCH}&measure=on_time").content.decode()
    for letter in "ABEH":
        assert history[letter].number in html
    assert history["C"].number not in html
    assert leader.get(f"/stats/cases/?{MARCH}&measure=nonsense").status_code == 404


@pytest.mark.parametrize("name", ["department", "hall", "kind", "channel", "month", "item", "ranking"])
def test_every_table_exports_as_xlsx_and_csv(leader, history, name):
    xlsx = leader.get(f"/stats/export/{name}.xlsx?{MARCH}")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    body = leader.get(f"/stats/export/{name}.csv?{MARCH}").content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(body))) == [str(v) for v in rows[0]]
    assert len(rows) >= 2


def test_the_department_export_has_the_figures(leader, history):
    body = leader.get(f"/stats/export/department.csv?{MARCH}").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))[:2]
    assert header[:3] == ["部门", "已收件", "受理"] and row[:3] == ["市场监督管理局", "8", "7"]


def test_generate_and_publish_from_the_pages(leader, history, world):
    response = leader.post("/stats/reports/generate/", {"month": "2026-03"})
    assert response.status_code == 302 and response["Location"] == "/stats/reports/2026-03/"
    html = leader.get("/stats/reports/2026-03/").content.decode()
    assert "2026-03 考核通报" in html and 'data-test="publish"' in html and "64.19" in html
    assert leader.post("/stats/reports/2026-03/publish/", {"version": "1"}).status_code == 302
    report = Report.objects.get()
    assert report.state == ReportState.PUBLISHED and report.published_by == world.users["leader"]
    html = leader.get("/stats/reports/2026-03/").content.decode()
    assert 'data-test="publish"' not in html and 'data-test="regenerate"' not in html
    xlsx = leader.get("/stats/reports/2026-03/xlsx/")
    assert "排名" in load_workbook(io.BytesIO(xlsx.content)).sheetnames


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_the_report_as_pdf(leader, history, world, client):
    generate_monthly(MARCH_1, now=timezone.now())
    response = leader.get("/stats/reports/2026-03/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="govhall-report-2026-03.pdf"'
    assert 'href="/stats/reports/2026-03/pdf/"' in leader.get("/stats/reports/2026-03/").content.decode()
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "2026-03 考核通报"
    text = _pdf_text(response.content)
    # The page's heading, state and lead, and every table with its figures, in Chinese.
    for expected in ("2026-03 考核通报", "草稿", "第 1 版", "收件 8 件，受理 7 件", "66.7 %", "概览", "环比"):
        assert expected in text, expected
    assert "排名" in text and "市场监督管理局" in text and "64.19" in text
    assert "超期办件" in text and history["D"].number in text
    assert "第 1 页" in text
    # The font is one every PDF reader supplies for Chinese, not embedded.
    assert b"/BaseFont /STSong-Light" in response.content
    # Published: frozen, so the same bytes at every download; and in English on request.
    report = Report.objects.get()
    publish_report(report, by=world.users["leader"], now=timezone.now(), version=1)
    first = leader.get("/stats/reports/2026-03/pdf/").content
    assert first == leader.get("/stats/reports/2026-03/pdf/").content
    assert "已发布" in _pdf_text(first)
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = leader.get("/stats/reports/2026-03/pdf/").content
    assert "Assessment report 2026-03" in _pdf_text(english)
    client.force_login(world.users["clerk"])
    assert client.get("/stats/reports/2026-03/pdf/").status_code == 403


def test_publishing_a_version_someone_replaced_answers_409(leader, history):
    now = timezone.now()
    generate_monthly(MARCH_1, now=now)
    generate_monthly(MARCH_1, now=now)  # version 2
    response = leader.post("/stats/reports/2026-03/publish/", {"version": "1"})
    assert response.status_code == 409 and 'data-test="conflict"' in response.content.decode()
    assert Report.objects.get().state == ReportState.DRAFT


def test_regenerating_a_published_report_is_refused_with_the_rule(leader, history, world):
    report = generate_monthly(MARCH_1, now=timezone.now())
    publish_report(report, by=world.users["leader"], now=timezone.now(), version=1)
    response = leader.post("/stats/reports/generate/", {"month": "2026-03"}, follow=True)
    assert "已发布的通报不再更改" in response.content.decode()


def test_the_navigation_offers_the_statistics(client, world):
    client.force_login(world.users["leader"])
    assert 'data-nav="stats"' in client.get("/").content.decode()
    client.force_login(world.users["clerk"])
    assert 'data-nav="stats"' not in client.get("/").content.decode()
