"""The hotline's statistics pages: who sees them, the month's table, charts and definitions, the tickets
behind each figure, and the hotline's section in the assessment report and the leaders' dashboard."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from govhall.core.models import Role, User
from govhall.hotline.models import DispatchState
from govhall.hotline.tests.test_stats import NOW, Story, at, policy_since_january  # noqa: F401
from govhall.stats.reports import generate_monthly

pytestmark = pytest.mark.django_db

NOVEMBER = "/hotline/stats/?month=2026-11"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def leader(world):
    return User.objects.create_user(username="leader", password="x", role=Role.LEADER)


@pytest.fixture
def signed(world):
    """Two CGJ dispatches of November: one signed for on time, one late."""
    on_time = Story(world).dispatch()
    on_time.set(state=DispatchState.SIGNED, sign_due_at=at("11-10 17:00"), signed_at=at("11-10 12:00"))
    late = Story(world).dispatch()
    late.set(state=DispatchState.SIGNED, sign_due_at=at("11-10 17:00"), signed_at=at("11-11 09:00"))
    return on_time.ticket.number, late.ticket.number


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader", 200), ("supervisor", 200), ("operator", 403), ("CGJ_head", 403), ("CGJ_handler", 403)],
)
def test_leaders_and_supervisors_see_the_page(client, world, leader, who, status):
    client.force_login(leader if who == "leader" else getattr(world, who))
    assert client.get(NOVEMBER).status_code == status


def test_the_page_needs_a_login(client, world):
    response = client.get(NOVEMBER)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_month_page_has_the_table_charts_and_definitions(client, world, signed):
    client.force_login(world.supervisor)
    response = client.get(NOVEMBER)
    html = response.content.decode()
    assert response.status_code == 200
    for marker in (
        'data-test="table-hotline_units"',
        'data-test="table-hotline_ranking"',
        'data-test="table-hotline_channel"',
        'data-test="table-hotline_subject2"',
        'id="chart-hotline-units"',
        'data-test="definition-closure"',
        "vendor/echarts/echarts.min.js",
    ):
        assert marker in html, marker
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from outside
    assert response.context["data"]["totals"]["sign_rate"] == 50.0


@pytest.mark.parametrize("month", ["2026-13", "November", "2026-1"])
def test_a_bad_month_is_refused_naming_the_field(client, world, month):
    client.force_login(world.supervisor)
    response = client.get(f"/hotline/stats/?month={month}")
    assert response.status_code == 400
    assert "month" in response.content.decode()


@pytest.mark.parametrize(("hit", "expected"), [("1", [0]), ("0", [1]), ("", [0, 1])])
def test_a_figure_opens_its_tickets(client, world, signed, hit, expected):
    client.force_login(world.supervisor)
    response = client.get(f"/hotline/stats/tickets/?indicator=sign&unit=CGJ&month=2026-11&hit={hit}")
    assert response.status_code == 200
    listed = [r.ticket_number for r in response.context["rows"]]
    assert listed == [signed[i] for i in expected]
    assert response.context["total"] == len(expected)


def test_the_table_links_the_rate_to_its_counted_tickets(client, world, signed):
    client.force_login(world.supervisor)
    table = client.get(NOVEMBER).context["tables"][0]
    cgj = next(i for i, r in enumerate(table.rows) if r.get("code") == "CGJ")
    url = table.links[cgj]["sign_rate"]
    assert [r.ticket_number for r in client.get(url).context["rows"]] == [signed[0]]


@pytest.mark.parametrize(
    "query",
    ["indicator=nope&month=2026-11", "indicator=sign&unit=NOPE&month=2026-11", "indicator=sign&hit=2"],
)
def test_an_unknown_figure_or_unit_is_not_found(client, world, query):
    client.force_login(world.supervisor)
    assert client.get(f"/hotline/stats/tickets/?{query}").status_code == 404


def test_the_volume_drill_down_narrows_by_subject_and_area(client, world):
    Story(world, subject="010101").dispatch()
    Story(world, subject="020101", area="").dispatch()
    client.force_login(world.supervisor)
    base = "/hotline/stats/tickets/?indicator=received&month=2026-11"
    assert client.get(base + "&subject=02").context["total"] == 1
    assert client.get(base + "&area=-").context["total"] == 1
    assert client.get(base + "&area=A01").context["total"] == 1
    assert client.get(base + "&channel=phone").context["total"] == 2


def test_the_assessment_report_has_the_hotline_section(client, world, leader, signed):
    report = generate_monthly(date(2026, 11, 1), now=NOW, user=leader)
    section = report.data["sections"]["hotline"]
    assert section["totals"]["sign_sample"] == 2
    client.force_login(leader)
    html = client.get(f"/stats/reports/{report}/").content.decode()
    assert 'data-test="section-hotline"' in html
    assert 'data-test="table-hotline_ranking"' in html
    assert 'data-test="definition-satisfaction"' in html
    book = load_workbook(io.BytesIO(client.get(f"/stats/reports/{report}/xlsx/").content))
    hotline_sheets = [  # the files speak zh-Hans first; other sections (hot list, inspections) follow
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
    ]
    first = book.sheetnames.index(hotline_sheets[0])
    assert book.sheetnames[first : first + len(hotline_sheets)] == hotline_sheets, book.sheetnames
    pdf = PdfReader(io.BytesIO(client.get(f"/stats/reports/{report}/pdf/").content))
    assert "承办单位排名" in "".join(page.extract_text() for page in pdf.pages)


def test_the_leaders_dashboard_shows_the_hotline_section(client, world, leader, signed):
    client.force_login(leader)
    response = client.get("/stats/?from=2026-11-01&to=2026-11-30")
    html = response.content.decode()
    assert 'data-test="section-hotline"' in html
    assert "/hotline/stats/?from=2026-11-01&amp;to=2026-11-30" in html
