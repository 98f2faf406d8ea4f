"""The registry of report sections: statistics computes, stores and renders what the apps above it
register, without importing them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from govhall.stats import sections
from govhall.stats.export import Column, Table
from govhall.stats.reports import compute, generate_monthly
from govhall.stats.tables import report_tables
from govhall.stats.tests.conftest import at

MARCH = date(2026, 3, 1)
CALLS: list[tuple] = []


def _compute(date_from, date_to, *, now):
    CALLS.append((date_from, date_to, now))
    return {"count": 7, "from": date_from.isoformat()}


def _tables(data):
    return [Table("demo", "Demo section", [Column("count", "Count", "int")], [{"count": data["count"]}])]


DEMO = sections.Section(
    key="demo",
    title="Demo",
    compute=_compute,
    tables=_tables,
    report_template="stats/_table.html",
    dashboard_template="stats/_table.html",
    order=999,
)


@pytest.fixture
def demo():
    CALLS.clear()
    sections.register(DEMO)
    yield DEMO
    sections.unregister("demo")


def test_a_registered_section_is_computed_for_the_period(db, demo):
    now = at("2026-04-02 10:00")
    assert sections.compute_all(date(2026, 3, 1), date(2026, 3, 31), now=now)["demo"] == {
        "count": 7,
        "from": "2026-03-01",
    }
    assert [(date(2026, 3, 1), date(2026, 3, 31), now)] == CALLS


def test_registering_again_replaces_and_order_is_kept(demo):
    sections.register(DEMO)
    keys = [s.key for s in sections.registered()]
    assert keys.count("demo") == 1
    assert keys[-1] == "demo"  # order 999: after the others


def test_blocks_and_tables_skip_sections_not_registered(demo):
    stored = {"demo": {"count": 3}, "gone": {"count": 1}}
    blocks = sections.blocks(stored)
    assert [(b["section"].key, b["template"]) for b in blocks if b["section"].key in ("demo", "gone")] == [
        ("demo", "stats/_table.html")
    ]
    assert [t.rows for t in sections.tables(stored)] == [[{"count": 3}]]
    sections.unregister("demo")
    assert sections.tables(stored) == []


def test_the_monthly_report_stores_every_section_and_its_tables_export(world, demo):
    report = generate_monthly(MARCH, now=at("2026-04-02 10:00"), user=world.users["leader"])
    assert report.data["sections"]["demo"] == {"count": 7, "from": "2026-03-01"}
    assert CALLS[-1][2] == at("2026-04-02 10:00")
    assert report_tables(report.data)[-1].key == "demo"
    assert "demo" not in [t.key for t in report_tables(report.data, with_sections=False)]


def test_a_report_without_now_evaluates_at_the_start_of_today(world, demo):
    compute(MARCH, today=date(2026, 4, 3))
    assert CALLS[-1][2] == at("2026-04-03 00:00")


def test_the_report_xlsx_has_the_section_sheet(client, world, demo):
    report = generate_monthly(MARCH, now=at("2026-04-02 10:00"), user=world.users["leader"])
    client.force_login(world.users["leader"])
    response = client.get(f"/stats/reports/{report}/xlsx/")
    book = load_workbook(io.BytesIO(response.content))
    assert "Demo section" in book.sheetnames
