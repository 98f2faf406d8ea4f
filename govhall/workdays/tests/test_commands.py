"""govhall workdays add|between and govhall calendar load|show."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay, CalendarYear

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("args", "stdout"),
    [
        (("add", "2026-09-30", "5"), "2026-10-13\n"),
        (("add", "2026-10-08", "-1"), "2026-09-30\n"),
        (("between", "2026-09-30", "2026-10-10"), "3\n"),
        (("between", "2026-10-10", "2026-09-30"), "-3\n"),
    ],
)
def test_workdays_prints_only_the_answer(seeded_calendar, args, stdout):
    assert run("workdays", *args) == (stdout, "")


def test_a_provisional_answer_keeps_stdout_the_iso_date_and_says_so_on_stderr(seeded_calendar):
    out, err = run("workdays", "add", "2026-12-20", "10")
    assert out == "2027-01-04\n"
    assert "provisional" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2026-13-01", "5"), "argument DATE: “2026-13-01” is not a date in the form YYYY-MM-DD"),
        (("add", "2026-09-30", "five"), "argument N: “five” is not a whole number"),
        (("between", "2026-09-30", "30/09/2026"), "argument B: “30/09/2026” is not a date"),
        (("add", "2100-12-31", "10"), "ends on 2100-12-31"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_rule(seeded_calendar, args, message):
    with pytest.raises(CommandError, match=message):
        run("workdays", *args)


def test_calendar_load_without_yes_only_previews(seeded_calendar):
    before = CalendarDay.objects.count()
    out, _ = run("calendar", "load", str(EXAMPLES / "notice-2027-example.yaml"))
    assert "2027-10-04  working day  →  rest day 国庆节" in out
    assert "34 day(s) change" in out
    assert "Not applied" in out
    assert CalendarDay.objects.count() == before


@pytest.mark.parametrize("name", ["notice-2027-example.yaml", "notice-2027-example.csv"])
def test_calendar_load_with_yes_applies(seeded_calendar, name):
    out, _ = run("calendar", "load", str(EXAMPLES / name), "--yes")
    assert "Applied 2027" in out
    assert CalendarYear.objects.filter(year=2027).exists()
    assert calendar.is_workday(__import__("datetime").date(2027, 10, 4)) is False


def test_calendar_load_of_a_bad_file_prints_every_problem_and_exits_with_2(seeded_calendar, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "# title: t\n# source: s\ndate_from,date_to,kind,name\n2027-02-05,,holiday,春节\n", encoding="utf-8"
    )
    before = CalendarDay.objects.count()
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("calendar", "load", str(bad), "--yes", stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 2
    assert "year: missing" in err.getvalue()
    assert "line 4, kind: unknown kind “holiday”" in err.getvalue()
    assert CalendarDay.objects.count() == before


def test_calendar_load_reads_a_gb18030_csv_from_excel(seeded_calendar, tmp_path):
    text = (EXAMPLES / "notice-2027-example.csv").read_text(encoding="utf-8")
    path = tmp_path / "notice.csv"
    path.write_bytes(text.encode("gb18030"))
    out, _ = run("calendar", "load", str(path), "--yes")
    assert "Applied 2027" in out


def test_calendar_load_names_a_missing_file(seeded_calendar, tmp_path):
    with pytest.raises(CommandError, match="FILE: cannot read"):
        run("calendar", "load", str(tmp_path / "missing.yaml"))


def test_calendar_show_lists_the_special_days(seeded_calendar):
    out, _ = run("calendar", "show", "2026")
    assert "2026-01-04  working day  元旦调休上班" in out
    out, _ = run("calendar", "show", "2027")
    assert "provisional" in out
