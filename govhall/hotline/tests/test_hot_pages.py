"""The hot-topic pages and API (docs/hotline-hot.md): the centre's board, the monthly hot list with its
task button, the tickets behind every figure, the section of the assessment report, and
/api/v1/hotline/hot-topics/ (week, monthly, tasks with 400/403/409)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.core.models import Role, User
from govhall.hotline.models import Channel, ProactiveTask, Ticket
from govhall.hotline.tests.test_hot import MONDAY, many
from govhall.stats.reports import generate_monthly

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 12, 9, 18, 0))
API = "/api/v1/hotline/hot-topics"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def leader(world):
    return User.objects.create_user(username="lead", password="x", role=Role.LEADER)


@pytest.fixture
def hot_week(world, settings, monkeypatch):
    """施工噪声 in 东城街道 (A01): 1 a week for four weeks, then 6 in the world's week (hot)."""
    settings.GOVHALL_HOTLINE_HOT_BASELINE_WEEKS = 4
    for back in (7, 14, 21, 28):
        many(world, 1, date.fromordinal(MONDAY.toordinal() - back))
    many(world, 6, MONDAY)
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return world


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_board_shows_the_hot_topic_and_opens_its_tickets(client, hot_week):
    client.force_login(hot_week.operator)
    response = client.get("/hotline/hot/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-topic="A01-020101"' in html and "施工噪声" in html
    assert 'id="chart-hot-week"' in html and "hotline/hot.js" in html
    assert 'hx-trigger="every 60s"' in html  # this week: refreshed as tickets come in
    link = response.context["data"]["topics"][0]["url"]
    assert link == "/hotline/hot/tickets/?area=A01&subject=020101&from=2026-12-07&to=2026-12-13"
    listed = client.get(link)
    assert listed.context["total"] == 6 and 'data-test="ticket-list"' in listed.content.decode()
    # The part polled by htmx is the topics alone.
    part = client.get("/hotline/hot/?part=topics").content.decode()
    assert part.startswith('<div id="hot-topics"') and "<html" not in part


def test_a_week_without_hot_topics_and_a_bad_week(client, hot_week):
    client.force_login(hot_week.supervisor)
    html = client.get("/hotline/hot/?week=2026-11-20").content.decode()
    assert 'data-test="no-hot-topics"' in html and "hx-trigger" not in html
    assert client.get("/hotline/hot/?week=2026-13-01").status_code == 400


def test_units_may_not_see_the_hot_topics(client, hot_week):
    client.force_login(hot_week.HBJ_handler)
    assert client.get("/hotline/hot/").status_code == 403
    assert client.get("/hotline/hot/month/").status_code == 403
    assert api(hot_week.HBJ_handler).get(f"{API}/").status_code == 403


def test_the_hot_list_turns_a_topic_into_a_task(client, hot_week, leader):
    client.force_login(leader)
    response = client.get("/hotline/hot/month/?month=2026-12")
    html = response.content.decode()
    assert 'data-topic="A01-020101"' in html and 'id="chart-hot-month"' in html
    assert 'data-test="task-form"' in html
    row = response.context["data"]["topics"][0]
    assert (row["count"], row["previous"], row["change"]) == (6, 4, 2)
    assert row["previous_url"].endswith("from=2026-11-01&to=2026-11-30")
    posted = client.post(
        "/hotline/hot/task/",
        {"area": "A01", "subject": "020101", "week": "2026-12-07", "unit": "HBJ", "due_date": "2026-12-18",
         "month": "2026-12"},
    )  # fmt: skip
    assert posted.status_code == 302 and posted["Location"] == "/hotline/hot/month/?month=2026-12"
    task = ProactiveTask.objects.get()
    assert task.ticket.channel == Channel.PROACTIVE and task.created_by == leader
    html = client.get("/hotline/hot/month/?month=2026-12").content.decode()
    assert task.ticket.number in html and 'data-test="task-form"' not in html
    # Again: refused with the number of the task that exists.
    again = client.post(
        "/hotline/hot/task/",
        {"area": "A01", "subject": "020101", "week": "2026-12-07", "unit": "HBJ", "due_date": "2026-12-18",
         "month": "2026-12"},
        follow=True,
    )  # fmt: skip
    assert task.ticket.number in again.content.decode() and ProactiveTask.objects.count() == 1


def test_the_api_lists_the_week_and_the_month(hot_week, leader):
    week = api(hot_week.operator).get(f"{API}/?week=2026-12-09")
    assert week.status_code == 200
    [topic] = week.json()["topics"]
    assert (topic["area"], topic["subject"], topic["count"], topic["baseline"]) == (
        "A01",
        "020101",
        6,
        "1.00",
    )
    assert week.json()["rule"] == {"multiple": "2", "min_count": 5, "baseline_weeks": 4, "subject_digits": 6}
    bad = api(hot_week.operator).get(f"{API}/?week=tomorrow", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and field_errors(bad.json()) == {
        "week": ["week: “tomorrow” is not a date (YYYY-MM-DD)."]
    }
    month = api(leader).get(f"{API}/monthly/?month=2026-12").json()
    assert [t["subject"] for t in month["topics"]] == ["020101"]
    assert api(leader).get(f"{API}/monthly/?month=2026-13").status_code == 400


def test_the_api_creates_a_task_once(hot_week):
    body = {"area": "A01", "subject": "020101", "week": "2026-12-07", "unit": "HBJ", "due_date": "2026-12-18"}
    made = api(hot_week.supervisor).post(f"{API}/tasks/", body, format="json")
    assert made.status_code == 201
    assert made.json()["unit"] == "HBJ" and made.json()["due_date"] == "2026-12-18"
    again = api(hot_week.operator).post(f"{API}/tasks/", body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "task_exists" and again.json()["number"] == made.json()["number"]
    bad = api(hot_week.supervisor).post(f"{API}/tasks/", {**body, "due_date": "2026-12-12"}, format="json")
    assert bad.status_code == 400 and "due_date" in field_errors(bad.json())
    assert api(hot_week.HBJ_head).post(f"{API}/tasks/", body, format="json").status_code == 403
    assert Ticket.objects.filter(channel=Channel.PROACTIVE).count() == 1


def test_the_assessment_report_includes_the_hot_list(client, hot_week, leader):
    report = generate_monthly(date(2026, 12, 1), now=NOW, user=leader)
    [row] = report.data["sections"]["hotline_hot"]["topics"]
    assert row["area"] == "A01" and row["count"] == 6
    client.force_login(leader)
    html = client.get(f"/stats/reports/{report}/").content.decode()
    assert 'data-test="section-hotline_hot"' in html and "/hotline/hot/tickets/?area=A01" in html
    book = load_workbook(io.BytesIO(client.get(f"/stats/reports/{report}/xlsx/").content))
    assert "热线：热点清单" in book.sheetnames, book.sheetnames
