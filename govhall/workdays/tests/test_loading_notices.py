"""Preview, apply (all or nothing) and local rest days; every change shows at once in the arithmetic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from govhall.workdays import calendar, services
from govhall.workdays.models import CalendarDay, CalendarRevision, CalendarYear, Scope

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
D = date.fromisoformat


def example(fmt: str) -> services.Notice:
    return services.parse_notice((EXAMPLES / f"notice-2027-example.{fmt}").read_text(encoding="utf-8"), fmt)


def counts() -> tuple[int, int, int]:
    return CalendarDay.objects.count(), CalendarYear.objects.count(), CalendarRevision.objects.count()


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_applying_a_notice_changes_the_arithmetic_immediately(seeded_calendar, now, fmt):
    before_version = calendar.calendar_version()
    assert calendar.deadline(D("2026-12-30"), 5) == calendar.Deadline(D("2027-01-06"), True, before_version)
    assert calendar.is_workday(D("2027-10-04")) is True

    revision = services.apply_notice(example(fmt), by=None, now=now)

    assert calendar.calendar_version() == revision.pk > before_version
    # 2027-01-01 is now 元旦, and the year is official
    assert calendar.deadline(D("2026-12-30"), 5) == calendar.Deadline(D("2027-01-07"), False, revision.pk)
    assert calendar.is_workday(D("2027-10-04")) is False
    assert calendar.is_workday(D("2027-10-09")) is True
    assert calendar.is_provisional(D("2027-06-01")) is False
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.loaded_at) == ("https://www.gov.cn/zhengce/content/example-2027.htm", now)
    assert CalendarDay.objects.filter(date__year=2027).count() == 34


def test_applying_a_year_again_replaces_its_national_days(seeded_calendar, now):
    services.apply_notice(example("yaml"), by=None, now=now)
    text = (
        "year: 2027\ntitle: 更正\nsource: https://www.gov.cn/example-fix\n"
        "rest:\n  - {name: 元旦, date: 2027-01-01}\n"
    )
    services.apply_notice(services.parse_notice(text, "yaml"), by=None, now=now)
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "name")) == [
        (D("2027-01-01"), "元旦")
    ]
    assert calendar.is_workday(D("2027-10-04")) is True
    assert CalendarYear.objects.get(year=2027).title == "更正"


def test_a_bad_file_changes_nothing(seeded_calendar):
    before = counts()
    version = calendar.calendar_version()
    with pytest.raises(services.CalendarInputError):
        services.parse_notice("year: 2027\nrest:\n  - {name: x, from: 2027-01-05, to: 2027-01-01}\n", "yaml")
    assert counts() == before
    assert calendar.calendar_version() == version


def test_preview_lists_each_changed_day_with_before_and_after(seeded_calendar):
    changes = services.preview_notice(example("yaml"))
    by_date = {c.date: c for c in changes}
    assert by_date[D("2027-01-01")].before == services.DayState(True)
    assert by_date[D("2027-01-01")].after == services.DayState(False, "元旦", Scope.NATIONAL)
    assert by_date[D("2027-02-20")].after.is_workday is True
    assert by_date[D("2027-02-20")].name == "春节调休上班"
    assert len(changes) == 34
    assert CalendarDay.objects.filter(date__year=2027).count() == 0  # a preview writes nothing


def test_preview_of_an_unchanged_year_is_empty(seeded_calendar, now):
    services.apply_notice(example("csv"), by=None, now=now)
    assert services.preview_notice(example("yaml")) == []


def test_a_local_rest_day_counts_at_once_and_survives_a_national_reload(seeded_calendar, now):
    assert calendar.add_workdays(D("2027-03-02"), 1) == D("2027-03-03")
    services.add_local_rest_day(D("2027-03-03"), "三月三", by=None, now=now)
    assert calendar.add_workdays(D("2027-03-02"), 1) == D("2027-03-04")
    assert calendar.is_provisional(D("2027-03-03")) is True  # a local day does not make the year official

    services.apply_notice(example("yaml"), by=None, now=now)
    assert CalendarDay.objects.get(date=D("2027-03-03")).scope == Scope.LOCAL

    services.remove_local_rest_day(D("2027-03-03"), by=None, now=now)
    assert calendar.add_workdays(D("2027-03-02"), 1) == D("2027-03-03")


def test_a_national_entry_replaces_a_local_rest_day_on_the_same_date_and_the_preview_says_so(
    seeded_calendar, now
):
    services.add_local_rest_day(D("2027-10-04"), "本地节日", by=None, now=now)
    changes = {c.date: c for c in services.preview_notice(example("yaml"))}
    assert changes[D("2027-10-04")].replaces_local_day is True
    services.apply_notice(example("yaml"), by=None, now=now)
    day = CalendarDay.objects.get(date=D("2027-10-04"))
    assert (day.scope, day.name) == (Scope.NATIONAL, "国庆节")


@pytest.mark.parametrize(
    ("day", "name", "field", "rule"),
    [
        ("2026-10-01", "x", "date", "already has a National entry"),
        ("2026-10-10", "x", "date", "already has a National entry"),  # a make-up working day
        ("2027-03-06", "x", "date", "Saturday or Sunday"),
        ("2027-03-03", " ", "name", "missing"),
        ("1999-03-03", "x", "date", "must be between"),
    ],
)
def test_a_local_rest_day_must_be_a_plain_working_day(seeded_calendar, now, settings, day, name, field, rule):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    before = counts()
    with translation.override("en"), pytest.raises(services.CalendarInputError) as caught:
        services.add_local_rest_day(D(day), name, by=None, now=now)
    assert any(p.field == field and rule in p.message for p in caught.value.problems), caught.value.problems
    assert counts() == before


def test_removing_a_local_rest_day_that_does_not_exist_is_an_error(seeded_calendar, now):
    with pytest.raises(services.CalendarInputError):
        services.remove_local_rest_day(D("2026-10-01"), by=None, now=now)


def test_every_change_adds_one_revision(seeded_calendar, now, django_user_model):
    user = django_user_model.objects.create_user("admin1")
    start = CalendarRevision.objects.count()
    services.apply_notice(example("yaml"), by=user, now=now)
    services.add_local_rest_day(D("2027-03-03"), "三月三", by=user, now=now)
    services.remove_local_rest_day(D("2027-03-03"), by=user, now=now)
    revisions = list(CalendarRevision.objects.order_by("id"))[start:]
    assert [r.by for r in revisions] == [user, user, user]
    assert revisions[0].summary.startswith("Loaded 2027")
    with pytest.raises(ValueError, match="append-only"):
        revisions[0].save()
