"""On-site inspections in the monthly report and the dashboard: statistics' own section over supervision's
tasks, every kind by the unit the verdict counts for, with the tasks left overdue at the period's end."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.stats import inspections as section
from govhall.stats import sections
from govhall.stats.reports import generate_monthly
from govhall.stats.tests.conftest import at
from govhall.supervision.inspections import assign_inspection, conclude

pytestmark = pytest.mark.django_db


def hall_task(world, *, hall, at_, **kw):
    return assign_inspection(
        kind="hall",
        reference=hall.code,
        inspector=world.users["supervisor"],
        instruction="暗访窗口",
        by=world.users["admin"],
        now=at_,
        **kw,
    )


def test_verdicts_and_overdue_tasks_by_unit(world):
    world.other_hall.department = world.other_department
    world.other_hall.save()
    inspector = world.users["supervisor"]
    done = hall_task(world, hall=world.other_hall, at_=at("2026-03-02 09:00"))
    conclude(done, verdict="done", findings="好", by=inspector, now=at("2026-03-03 10:00"))
    bad = hall_task(world, hall=world.other_hall, at_=at("2026-03-02 09:00"))
    conclude(bad, verdict="not_done", findings="无人", by=inspector, now=at("2026-03-04 10:00"))
    hall_task(world, hall=world.township, at_=at("2026-03-23 09:00"))  # due 03-26, still pending
    late = hall_task(world, hall=world.township, at_=at("2026-03-25 09:00"))  # due 03-30
    conclude(late, verdict="done", findings="好", by=inspector, now=at("2026-04-02 10:00"))  # after March

    data = section.compute(date(2026, 3, 1), date(2026, 3, 31), now=at("2026-04-10 10:00"))
    by_name = {u["name"]: u for u in data["units"]}
    zjj = by_name["住房和城乡建设局"]
    assert (zjj["inspected"], zjj["done"], zjj["not_done"], zjj["not_done_rate"], zjj["overdue"]) == (
        2,
        1,
        1,
        50.0,
        0,
    )
    township = by_name["明水街道为民服务大厅（QS0101）"]
    assert (township["inspected"], township["overdue"]) == (0, 2)
    assert data["totals"]["overdue"] == 2
    april = section.compute(date(2026, 4, 1), date(2026, 4, 30), now=at("2026-04-10 10:00"))
    assert april["totals"]["inspected"] == 1 and april["totals"]["overdue"] == 1  # the one still pending


def test_the_report_stores_the_section_and_links_each_number(world):
    task = hall_task(world, hall=world.township, at_=at("2026-03-02 09:00"))
    conclude(
        task, verdict="not_done", findings="无人", by=world.users["supervisor"], now=at("2026-03-03 10:00")
    )
    report = generate_monthly(date(2026, 3, 1), now=at("2026-04-02 10:00"), user=world.users["leader"])
    stored = report.data["sections"]["inspections"]
    assert stored["totals"]["not_done"] == 1
    table = next(t for t in sections.tables(report.data["sections"]) if t.key == "inspections")
    assert table.links[0]["not_done"].startswith("/supervision/inspections/?from=2026-03-01&to=2026-03-31")
    assert "state=not_done" in table.links[0]["not_done"]
