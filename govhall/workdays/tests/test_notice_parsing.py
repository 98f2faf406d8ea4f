"""parse_notice checks everything and lists every problem with its line, field and rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from govhall.workdays.notices import CalendarInputError, MakeUpDay, RestRange, parse_notice

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def problems_of(text: str, fmt: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(CalendarInputError) as caught:
        parse_notice(text, fmt)
    return [(p.line, p.field, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("name", ["notice-2027-example.yaml", "notice-2027-example.csv"])
def test_the_example_files_are_valid_and_agree(name):
    notice = parse_notice((EXAMPLES / name).read_text(encoding="utf-8"), name.rsplit(".", 1)[1])
    assert notice.year == 2027
    assert notice.source.startswith("https://")
    assert RestRange("国庆节", date(2027, 10, 1), date(2027, 10, 7), notice.rest[-1].line) in notice.rest
    assert [w.date for w in notice.work] == [
        date(2027, 2, 20),
        date(2027, 4, 25),
        date(2027, 5, 8),
        date(2027, 9, 26),
        date(2027, 10, 9),
    ]
    assert len(notice.days()) == 3 + 9 + 3 + 5 + 1 + 1 + 7 + 5


def test_yaml_and_csv_examples_describe_the_same_days():
    yaml_days = parse_notice(
        (EXAMPLES / "notice-2027-example.yaml").read_text(encoding="utf-8"), "yaml"
    ).days()
    csv_days = parse_notice((EXAMPLES / "notice-2027-example.csv").read_text(encoding="utf-8"), "csv").days()
    assert {d: w for d, (w, _) in yaml_days.items()} == {d: w for d, (w, _) in csv_days.items()}


BAD_YAML = """\
title: 国务院办公厅关于2027年部分节假日安排的通知
source: https://www.gov.cn/example
rests: []
rest:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-13, to: 2027-02-05}
  - {name: 清明节, from: 2027-4-3, to: 2027-04-05}
  - {name: 劳动节, from: 2027-05-01, to: 2027-05-05}
  - {name: 周末, from: 2027-06-05, to: 2027-06-06}
  - {from: 2027-06-09, to: 2027-06-09}
work:
  - {name: 调休, date: 2027-05-03}
  - {name: 调休, date: 2027-02-17}
  - {name: 调休, date: 2026-10-10}
  - {name: 调休, date: 2027-01-02}
"""


def test_a_bad_yaml_file_lists_every_problem_with_line_and_field():
    problems = problems_of(BAD_YAML, "yaml")
    fields = {(line, field) for line, field, _ in problems}
    assert (None, "year") in fields  # missing year
    assert (3, "rests") in fields  # unknown field
    assert (6, "rest[1].to") in fields  # from > to
    assert (7, "rest[2].from") in fields  # not ISO
    assert (9, "rest[4].from") in fields  # only a weekend
    assert (10, "rest[5].name") in fields  # no name
    assert (12, "work[0].date") in fields  # a Monday
    assert (13, "work[1].date") in fields  # a Wednesday
    assert (14, "work[2].date") not in fields  # a Saturday; with the year missing there is no year to check
    assert (15, "2027-01-02") in fields  # both rest (元旦) and work
    messages = " | ".join(m for _, _, m in problems)
    assert "is before the start" in messages
    assert "not a date in the form YYYY-MM-DD" in messages
    assert "falls on a Saturday or Sunday" in messages
    assert "both as a rest day" in messages
    assert len(problems) == 9


def test_a_date_outside_the_notice_year_is_an_error():
    text = "year: 2027\ntitle: t\nsource: s\nrest:\n  - {name: 元旦, from: 2026-12-31, to: 2027-01-01}\n"
    assert problems_of(text, "yaml") == [(5, "rest[0].from", "2026-12-31 is outside the year 2027")]


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        ("", "file", "the file is empty"),
        ("year: [2027]\ntitle: t\nsource: s\nrest: []\n", "year", "must be a single value"),
        ("year: 1999\ntitle: t\nsource: s\nrest:\n  - {name: x, date: 1999-01-01}\n", "year", "between"),
        ("year: 2027\ntitle: t\nsource: s\nrest: {a: 1}\n", "rest", "must be a list"),
        ("year: 2027\nsource: s\nrest:\n  - {name: x, date: 2027-01-01}\n", "title", "missing"),
        ("year: 2027\ntitle: t\nrest:\n  - {name: x, date: 2027-01-01}\n", "source", "missing"),
        ("year: 2027\ntitle: t\nsource: s\n", "rest", "no rest days"),
        (
            "year: 2027\ntitle: t\nsource: s\nrest:\n  - {name: x, from: 2027-01-01, to: 2027-03-01}\n",
            "rest[0].to",
            "at most",
        ),
        (
            "year: 2027\ntitle: t\nsource: s\nrest:\n  - {name: x, date: 2027-01-01, to: 2027-01-02}\n",
            "rest[0]",
            "not both",
        ),
        ("year: 2027\ntitle: t\nsource: s\nrest: [\n", "yaml", "not valid YAML"),
    ],
)
def test_yaml_rules(text, field, rule):
    problems = problems_of(text, "yaml")
    assert any(f == field and rule in m for _, f, m in problems), problems


def test_overlapping_rest_ranges_and_a_twice_listed_workday_are_errors():
    text = (
        "year: 2027\ntitle: t\nsource: s\nrest:\n"
        "  - {name: a, from: 2027-10-01, to: 2027-10-07}\n"
        "  - {name: b, from: 2027-10-07, to: 2027-10-08}\n"
        "work:\n  - {name: w, date: 2027-10-09}\n  - {name: w, date: 2027-10-09}\n"
    )
    messages = [m for _, _, m in problems_of(text, "yaml")]
    assert any("in two rest ranges" in m for m in messages)
    assert any("listed twice as a working day" in m for m in messages)


BAD_CSV = """\
# title: t
# source: s
date_from,date_to,kind,name
2027-01-01,2027-01-03,rest,元旦
2027-02-05,,holiday,春节
2027-02-20,2027-02-21,work,春节调休上班
2027-13-01,,rest,坏日期
2027-05-01,,rest,
"""


def test_a_bad_csv_file_lists_every_problem_with_line_and_column():
    problems = problems_of(BAD_CSV, "csv")
    assert {(line, field) for line, field, _ in problems} == {
        (None, "year"),
        (5, "kind"),
        (6, "date_to"),
        (7, "date_from"),
        (8, "name"),
    }
    assert any("unknown kind “holiday”" in m for _, _, m in problems)


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        ("# year: 2027\n# title: t\n# source: s\nfrom,to,kind,name\n", "header", "must name the columns"),
        ("# year: 2027\n# title: t\n# source: s\n", "header", "no header row"),
        (
            "# year: x\n# title: t\n# source: s\ndate_from,date_to,kind,name\n2027-01-01,,rest,元旦\n",
            "year",
            "not a year",
        ),
        (
            "# year: 2027\n# title: t\n# source: s\ndate_from,date_to,kind,name\n,,rest,元旦\n",
            "date_from",
            "missing",
        ),
        (
            "# year: 2027\n# title: t\n# source: s\ndate_from,date_to,kind,name\n2027-01-01,,,元旦\n",
            "kind",
            "missing",
        ),
    ],
)
def test_csv_rules(text, field, rule):
    problems = problems_of(text, "csv")
    assert any(f == field and rule in m for _, f, m in problems), problems


def test_a_one_day_csv_rest_entry_may_leave_date_to_empty():
    text = "# year: 2027\n# title: t\n# source: s\ndate_from,date_to,kind,name\n2027-06-09,,rest,端午节\n"
    assert parse_notice(text, "csv").rest == (RestRange("端午节", date(2027, 6, 9), date(2027, 6, 9), 5),)


def test_a_make_up_day_parsed_from_csv():
    text = (
        "# year: 2027\n# title: t\n# source: s\ndate_from,date_to,kind,name\n"
        "2027-10-01,2027-10-07,rest,国庆节\n2027-10-09,,work,国庆节调休上班\n"
    )
    assert parse_notice(text, "csv").work == (MakeUpDay("国庆节调休上班", date(2027, 10, 9), 6),)


def test_more_than_six_working_days_in_a_row_is_a_warning_not_an_error():
    text = (
        "year: 2027\ntitle: t\nsource: s\nrest:\n  - {name: 国庆节, from: 2027-10-01, to: 2027-10-07}\n"
        "work:\n  - {name: 调休, date: 2027-09-25}\n  - {name: 调休, date: 2027-09-26}\n"
    )
    notice = parse_notice(text, "yaml")
    assert notice.warnings == ("11 working days in a row, 2027-09-20 to 2027-09-30 (more than 6)",)


def test_problems_are_in_chinese_for_a_chinese_user():
    with translation.override("zh-hans"), pytest.raises(CalendarInputError) as caught:
        parse_notice("title: t\nsource: s\nrest:\n  - {name: x, date: 2027-01-01}\n", "yaml")
    assert "缺少" in str(caught.value)


def test_an_unknown_format_is_an_error():
    assert problems_of("", "xlsx") == [(None, "format", "unknown format “xlsx”; use yaml or csv")]
