"""The ratings page, the ratings behind a figure, the export, the API and the public page and API."""

from __future__ import annotations

import io
from datetime import date, datetime
from unittest import mock

import pytest
from openpyxl import load_workbook

from govhall.core.api_errors import field_errors
from govhall.stats.tests.ratings_history import ratings_march

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def rw(world):
    return ratings_march(world)


@pytest.fixture
def april_15():
    """Today is 2026-04-15 for the pages (the edge reads the date; the figures take it as a parameter)."""
    moment = datetime.fromisoformat("2026-04-15T10:00:00+08:00")
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


@pytest.mark.parametrize("who", ["clerk", "handler", "applicant"])
def test_only_leaders_see_the_rating_figures(rw, client, who):
    client.force_login(rw.world.users[who])
    assert client.get(f"/stats/ratings/?{MARCH}").status_code == 403
    assert client.get(f"/api/v1/stats/ratings/?{MARCH}").status_code == 403


def test_the_page_shows_each_department_with_links_to_its_ratings(rw, client, april_15):
    client.force_login(rw.world.users["leader"])
    page = client.get(f"/stats/ratings/?{MARCH}&by=department").content.decode()
    assert "市场监督管理局" in page and "住房和城乡建设局" in page
    assert "80.0 %" in page and "66.7 %" in page  # SCJ's satisfaction rate; the tile of the whole
    assert "/stats/ratings/list/?" in page
    department = rw.world.other_department.pk
    listed = client.get(
        f"/stats/ratings/list/?{MARCH}&measure=bad&by=department&key={department}"
    ).content.decode()
    assert listed.count('data-test="rating-row"') == 1


@pytest.mark.parametrize("by", ["department", "hall", "window", "clerk", "item", "month"])
def test_every_dimension_renders_and_exports(rw, client, april_15, by):
    client.force_login(rw.world.users["supervisor"])
    assert client.get(f"/stats/ratings/?{MARCH}&by={by}").status_code == 200
    xlsx = client.get(f"/stats/ratings/export.xlsx?{MARCH}&by={by}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.active.max_row >= 2


def test_a_bad_figure_is_not_found(rw, client):
    client.force_login(rw.world.users["leader"])
    assert client.get(f"/stats/ratings/list/?{MARCH}&measure=nope").status_code == 404
    assert client.get(f"/stats/ratings/list/?{MARCH}&measure=bad&by=month&key=2026-13").status_code == 404


def test_the_api_gives_the_totals_the_rows_and_the_ratings(rw, client, april_15):
    client.force_login(rw.world.users["leader"])
    totals = client.get(f"/api/v1/stats/ratings/?{MARCH}").json()["totals"]
    assert (totals["rated"], totals["satisfaction_rate"], totals["callback_rate"]) == (6, 66.7, 50.0)
    rows = client.get(f"/api/v1/stats/ratings/?{MARCH}&by=department").json()["rows"]
    assert {r["name"]: r["satisfaction_rate"] for r in rows} == {
        "市场监督管理局": 80.0,
        "住房和城乡建设局": 0.0,
    }
    listed = client.get(f"/api/v1/stats/ratings/list/?{MARCH}&measure=called_back").json()
    assert listed["total"] == 1 and listed["results"][0]["case"] == rw.cases["C"].number
    bad = client.get(f"/api/v1/stats/ratings/?{MARCH}&by=nope")
    assert bad.status_code == 400 and "by" in field_errors(bad.json())
    bad = client.get("/api/v1/stats/ratings/?from=2026-03-31&to=2026-03-01")
    assert bad.status_code == 400 and "to" in field_errors(bad.json())


def test_the_public_page_shows_each_department_without_signing_in(rw, client, april_15):
    page = client.get("/portal/satisfaction/?month=2026-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert "市场监督管理局" in html and "住房和城乡建设局" in html and "80.0 %" in html
    # No person, case or comment on the public page.
    for private in (rw.cases["C"].number, rw.world.users["clerk"].display_name, "13"):
        assert private not in html.split('data-test="satisfaction-departments"')[1].split("</ul>")[0]
    assert 'href="/portal/satisfaction/"' in client.get("/portal/").content.decode()


def test_the_public_page_refuses_a_month_it_does_not_offer(rw, client, april_15):
    assert client.get("/portal/satisfaction/?month=2020-01").status_code == 400


def test_the_public_api(rw, client, april_15):
    data = client.get("/api/v1/stats/ratings/public/?month=2026-03").json()
    assert data["complete"] is True and data["month"] == "2026-03"
    by_code = {d["code"]: d for d in data["departments"]}
    assert by_code["SCJ"] == {
        "code": "SCJ",
        "name": "市场监督管理局",
        "rated": 5,
        "satisfaction_rate": 80.0,
        "bad": 1,
        "callback_rate": 100.0,
        "rectified_on_time_rate": 100.0,
    }
    assert data["total"]["rated"] == 6
    april = client.get("/api/v1/stats/ratings/public/").json()
    assert (april["month"], april["complete"], april["to"]) == ("2026-04", False, "2026-04-15")
    assert client.get("/api/v1/stats/ratings/public/?month=2026-05").status_code == 400
    assert client.get("/api/v1/stats/ratings/public/?month=March").status_code == 400


def test_the_public_month_lists_departments_with_nothing_too(world):
    from govhall.stats.ratingstats import public_month

    data = public_month(date(2026, 3, 1), today=date(2026, 4, 15))
    assert [(d["code"], d["rated"], d["satisfaction_rate"]) for d in data["departments"]] == [
        ("SCJ", 0, None),
        ("ZJJ", 0, None),
    ]


def test_the_monthly_report_has_a_ratings_sheet_and_the_ranking_the_satisfaction_rate(rw, client):
    from govhall.stats import reports
    from govhall.stats.tables import report_tables
    from govhall.stats.tests.conftest import set_min_cases

    set_min_cases(1)
    report = reports.generate_monthly(date(2026, 3, 1), now=datetime.fromisoformat("2026-04-15T10:00+08:00"))
    block = report.data["ratings"]
    assert (block["summary"]["rated"], block["summary"]["satisfaction_rate"]) == (6, 66.7)
    assert {d["code"]: d["satisfaction_rate"] for d in block["departments"]} == {"SCJ": 80.0, "ZJJ": 0.0}
    ranked = report.data["ranking"]["ranked"][0]
    assert (ranked["code"], ranked["satisfaction_rate"], ranked["rated"]) == ("SCJ", 80.0, 5)
    sheet = next(t for t in report_tables(report.data) if t.key == "ratings")
    assert [r["name"] for r in sheet.rows] == ["市场监督管理局", "住房和城乡建设局", "All departments"]
    client.force_login(rw.world.users["leader"])
    book = load_workbook(io.BytesIO(client.get("/stats/reports/2026-03/xlsx/").content))
    assert book.sheetnames[7] == "好差评"  # the page speaks zh-Hans first (the hotline's sheets follow)
