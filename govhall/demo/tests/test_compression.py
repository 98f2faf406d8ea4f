"""The time-limit compression report of the demo city: 4,802 → 2,518 working days (−47.6 %), by
department, and per lane serial against parallel length."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from govhall.demo.city import load_demo_city
from govhall.lanes.queries import compression_report


@pytest.fixture
def demo(db):
    load_demo_city(now=timezone.now(), with_accounts=True)


def test_the_compression_report_shows_the_demo_numbers(demo):
    report = compression_report()
    assert report["totals"] == {
        "items": 269,
        "legal_limit_sum": 4802,
        "promised_limit_sum": 2518,
        "saving_days": 2284,
        "compression_percent": 47.6,
    }
    assert sum(d["legal_limit_sum"] for d in report["departments"]) == 4802
    assert sum(d["promised_limit_sum"] for d in report["departments"]) == 2518
    gsj = next(d for d in report["departments"] if d["code"] == "GSJ")
    assert gsj["name"] == "泉山市工商行政管理局"
    lanes = {lane["code"]: lane for lane in report["lanes"]}
    company = lanes["company-registration"]
    # 外资企业设立登记 8 + 组织机构代码证核发 0 + 外商投资企业设立备案 2 one after another, 8 in parallel
    assert (company["serial_days"], company["parallel_days"], company["saving_days"]) == (10, 8, 2)
    assert company["saving_percent"] == 20.0
    construction = lanes["construction"]
    assert [s["parallel_promised"] for s in construction["stages"]] == [12, 17, 11, 8]
    assert (construction["serial_days"], construction["parallel_days"]) == (131, 48)
    assert construction["saving_percent"] == 63.4
    assert (lanes["convenience"]["serial_days"], lanes["convenience"]["parallel_days"]) == (27, 9)


def test_govhall_catalog_compression_prints_the_same(demo):
    out = StringIO()
    call_command("catalog", "compression", "--json", stdout=out)
    assert json.loads(out.getvalue()) == json.loads(json.dumps(compression_report()))
    text = StringIO()
    call_command("catalog", "compression", stdout=text)
    assert "legal 4802 → promised 2518 working days (−47.6 %)" in text.getvalue()
