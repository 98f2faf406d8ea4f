"""The units' on-site inspection figures and knowledge upkeep in the hotline's statistics page and in the
monthly assessment report, each number opening the rows behind it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from govhall.core.models import Role, User
from govhall.hotline import stats
from govhall.hotline.tests.flow import fast_passwords, replied  # noqa: F401
from govhall.hotline.tests.knowledge_flow import published
from govhall.stats.reports import generate_monthly
from govhall.supervision.inspections import assign_inspection, conclude

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def leader(world):
    return User.objects.create_user(username="leader", password="x", role=Role.LEADER)


def inspected(world, leader, verdict: str):
    ticket = replied(world)
    task = assign_inspection(
        kind="ticket",
        reference=ticket.number,
        inspector=world.supervisor,
        instruction="核实",
        by=leader,
        now=world.now + DAY,
    )
    return conclude(task, verdict=verdict, findings="现场核实", by=world.supervisor, now=world.now + 2 * DAY)


def test_inspections_count_for_the_unit_that_replied(world, leader):
    inspected(world, leader, "done")
    inspected(world, leader, "not_done")
    inspected(world, leader, "not_done")
    data = stats.compute(date(2026, 12, 1), date(2026, 12, 31), now=world.now + 3 * DAY)
    hbj = next(u for u in data["inspections"]["units"] if u["code"] == "HBJ")
    assert (hbj["inspected"], hbj["done"], hbj["not_done"], hbj["not_done_rate"]) == (3, 1, 2, 66.7)
    assert data["inspections"]["totals"]["inspected"] == 3
    earlier = stats.compute(date(2026, 11, 1), date(2026, 11, 30), now=world.now + 3 * DAY)
    assert earlier["inspections"]["units"] == []


def test_upkeep_counts_entries_past_their_review_date_as_of_the_day(kb):
    published(kb, review_due=date(2026, 12, 1))
    published(kb, title="第二条", review_due=date(2027, 6, 1))
    published(kb, title="第三条", unit="HBJ", review_due=date(2027, 6, 1))
    data = stats.compute(date(2026, 12, 1), date(2026, 12, 31), now=kb.now)
    assert data["upkeep"]["as_of"] == "2026-12-07"  # the period is not over: today
    sjj = next(u for u in data["upkeep"]["units"] if u["code"] == "SJJ")
    assert (sjj["owned"], sjj["published"], sjj["past_review"], sjj["past_review_rate"]) == (2, 2, 1, 50.0)
    assert data["upkeep"]["totals"]["past_review"] == 1
    november = stats.compute(date(2026, 11, 1), date(2026, 11, 30), now=kb.now)
    assert november["upkeep"]["as_of"] == "2026-11-30" and november["upkeep"]["totals"]["past_review"] == 0


def test_the_page_shows_both_tables_and_each_number_opens_its_rows(client, kb, leader):
    entry = published(kb, review_due=date(2026, 12, 1))
    published(kb, title="第二条", review_due=date(2027, 6, 1))
    inspected(kb, leader, "not_done")
    client.force_login(leader)
    page = client.get("/hotline/stats/?month=2026-12").content.decode()
    assert "热线：答复的现场督查" in page  # the pages speak zh-Hans first
    assert "知识库：各单位维护情况" in page
    links = re.findall(r'href="(/hotline/stats/knowledge/\?[^"]+)"', page)
    past = next(link for link in links if "unit=SJJ" in link and "past=1" in link).replace("&amp;", "&")
    listing = client.get(past)
    assert listing.status_code == 200
    body = listing.content.decode()
    assert f'data-entry="{entry.pk}"' in body and "第二条" not in body
    inspections = re.findall(r'href="(/supervision/inspections/\?[^"]+)"', page)
    not_done = next(link for link in inspections if "unit=HBJ" in link and "state=not_done" in link)
    body = client.get(not_done.replace("&amp;", "&")).content.decode()
    assert body.count("data-inspection=") == 1


def test_the_drill_down_is_for_leaders_only(client, kb):
    client.force_login(kb.CGJ_handler)
    assert client.get("/hotline/stats/knowledge/?past=1").status_code == 403


def test_the_monthly_report_carries_both_figures(kb, leader):
    published(kb, review_due=date(2026, 10, 1), now=kb.now.replace(month=10, day=1))
    inspected(kb, leader, "done")
    now = timezone.make_aware(datetime(2027, 1, 5, 9, 0))
    section = generate_monthly(date(2026, 12, 1), user=leader, now=now).data["sections"]["hotline"]
    assert section["inspections"]["totals"]["inspected"] == 1
    assert section["upkeep"]["as_of"] == "2026-12-31" and section["upkeep"]["totals"]["past_review"] == 1
