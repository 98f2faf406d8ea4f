"""The monthly assessment report: figures, ranking, overdue cases and cards, changes; drafts are replaced,
published reports never change; the command and its XLSX and PDF."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from govhall.cases.errors import StaleVersion
from govhall.stats.models import PublishedReportIsFrozen, Report, ReportState
from govhall.stats.reports import ReportError, generate_monthly, parse_month, publish_report
from govhall.stats.tests.conftest import at, set_min_cases
from govhall.stats.tests.history import march

MARCH = date(2026, 3, 1)
APRIL_2 = at("2026-04-02 10:00")

# The sheets of the hotline's sections of the report (govhall/hotline/stats_tables.py, hot.py).
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
def history(world):
    set_min_cases(1)
    return march(world)


def test_the_march_report(world, history):
    report = generate_monthly(MARCH, now=APRIL_2, user=world.users["leader"])
    data = report.data
    assert (report.state, report.version, data["month"], data["previous_month"]) == (
        "draft",
        1,
        "2026-03",
        "2026-02",
    )
    s = data["summary"]
    assert (s["received"], s["accepted"], s["on_time_rate"], s["open_overdue"]) == (8, 7, 66.7, 1)
    assert data["by_kind"] == {"immediate": 1, "committed": 5, "consultation": 1}
    assert [(r["rank"], r["code"], r["score"], r["assessed"]) for r in data["ranking"]["ranked"]] == [
        (1, "SCJ", 64.19, 6)
    ]
    assert [r["code"] for r in data["ranking"]["unranked"]] == ["ZJJ"]
    # D: due 03-10, still open at the end of March: 15 working days overdue on 03-31.
    overdue = data["overdue"]
    assert overdue["total"] == 1
    assert [(r["number"], r["due"], r["days_overdue"]) for r in overdue["rows"]] == [
        (history["D"].number, "2026-03-10", 15)
    ]
    changes = {c["key"]: c for c in data["changes"]}
    assert (changes["received"]["previous"], changes["received"]["change"]) == (0, 8)
    assert changes["on_time_rate"]["previous"] is None and changes["on_time_rate"]["change"] is None


def test_april_compares_with_march(world, history):
    report = generate_monthly(date(2026, 4, 1), now=at("2026-05-06 10:00"))
    changes = {c["key"]: c for c in report.data["changes"]}
    assert (
        changes["received"]["current"],
        changes["received"]["previous"],
        changes["received"]["change"],
    ) == (
        0,
        8,
        -8,
    )
    # D is still open, now overdue at the end of April too.
    assert changes["open_overdue"]["current"] == 1
    assert report.data["ranking"]["ranked"][0]["previous_rank"] == 1


def test_regenerating_a_draft_replaces_it(world, history):
    first = generate_monthly(MARCH, now=APRIL_2)
    again = generate_monthly(MARCH, now=at("2026-04-03 10:00"), user=world.users["supervisor"])
    assert (again.pk, again.version, again.generated_by) == (first.pk, 2, world.users["supervisor"])
    assert Report.objects.count() == 1


def test_a_published_report_never_changes(world, history):
    report = generate_monthly(MARCH, now=APRIL_2)
    published = publish_report(report, by=world.users["leader"], now=APRIL_2, version=1)
    assert (published.state, published.published_by) == (ReportState.PUBLISHED, world.users["leader"])
    frozen = dict(published.data)
    with pytest.raises(
        PublishedReportIsFrozen, match="2026-03 is published: a published report never changes"
    ):
        generate_monthly(MARCH, now=at("2026-04-03 10:00"))
    with pytest.raises(PublishedReportIsFrozen):
        publish_report(published, by=world.users["leader"], now=APRIL_2, version=1)
    with pytest.raises(PublishedReportIsFrozen):
        published.delete()
    published.data = {}
    with pytest.raises(PublishedReportIsFrozen):
        published.save()
    assert Report.objects.get().data == frozen


def test_publishing_names_the_version_read(world, history):
    report = generate_monthly(MARCH, now=APRIL_2)
    generate_monthly(MARCH, now=APRIL_2)  # someone regenerated meanwhile: version 2
    with pytest.raises(StaleVersion):
        publish_report(report, by=world.users["leader"], now=APRIL_2, version=1)
    assert Report.objects.get().state == ReportState.DRAFT


def test_a_month_is_published_once_it_has_ended(world, history):
    report = generate_monthly(MARCH, now=at("2026-03-20 10:00"))
    with pytest.raises(
        ReportError, match="month: The report for 2026-03 can be published once the month has ended"
    ):
        publish_report(report, by=world.users["leader"], now=at("2026-03-31 17:00"), version=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [("2026-13", "is not a month"), ("oct", "is not a month"), ("2026-1", "is not a month")],
)
def test_bad_months_are_refused(text, message):
    with pytest.raises(ReportError, match=f"month: .*{message}"):
        parse_month(text)


def test_a_future_month_is_refused(world):
    with pytest.raises(ReportError, match="month: The month 2026-05 has not begun"):
        generate_monthly(date(2026, 5, 1), now=APRIL_2)


def test_only_leaders_supervisors_and_admins_generate_and_publish(world, history):
    with pytest.raises(PermissionDenied):
        generate_monthly(MARCH, now=APRIL_2, user=world.users["clerk"])
    report = generate_monthly(MARCH, now=APRIL_2, user=world.users["admin"])
    with pytest.raises(PermissionDenied):
        publish_report(report, by=world.users["head"], now=APRIL_2, version=1)


def test_the_command_generates_publishes_and_writes_xlsx_and_pdf(world, history, tmp_path, capsys):
    path = tmp_path / "2026-03.xlsx"
    call_command(
        "report", "monthly", "2026-03", "--publish", "--xlsx", str(path), "--now", "2026-04-02T10:00"
    )
    out = capsys.readouterr().out
    assert "2026-03: published" in out and "1. 市场监督管理局  64.19" in out
    book = load_workbook(path)
    assert book.sheetnames == [
        *("概览", "环比", "排名", "未排名", "权重", "超期办件", "亮牌", "好差评"),
        *HOTLINE_SHEETS,  # the hotline's registered section (govhall.stats.sections)
        "各单位现场督查情况",  # statistics' own section of on-site inspections (govhall/stats/inspections.py)
    ]
    rows = list(book["排名"].values)
    assert rows[0][:3] == ("名次", "部门", "得分") and rows[1][:3] == (1, "市场监督管理局", 64.19)
    pdf = tmp_path / "2026-03.pdf"
    call_command("report", "monthly", "2026-03", "--now", "2026-04-05T10:00", "--pdf", str(pdf))
    assert "published 2026-04-02, unchanged" in capsys.readouterr().out
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "2026-03 考核通报" in text and "已发布" in text and "市场监督管理局" in text
    with pytest.raises(CommandError, match="month"):
        call_command("report", "monthly", "2026-3x")
