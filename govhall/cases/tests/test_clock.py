"""The legal clock, table-driven over the real 2026 calendar (seeded from chinese_calendar)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from govhall.cases.clock import notice_deadline, replay
from govhall.workdays import calendar as workdays

D = date.fromisoformat


def ev(kind: str, **data):
    return SimpleNamespace(
        kind=kind, data={k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
    )


def received(on: str, promised: int = 5, legal: int = 20):
    return ev("received", receipt_date=D(on), promised_limit=promised, legal_limit=legal)


def accepted(on: str):
    return ev("accepted", date=D(on))


@pytest.mark.django_db
def test_the_seeded_2026_calendar_has_the_official_holidays_and_make_up_days():
    off = ["2026-01-01", "2026-01-02", "2026-02-15", "2026-02-23", "2026-10-01", "2026-10-07", "2026-04-06"]
    on = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10", "2026-10-08"]
    assert [workdays.is_workday(D(d)) for d in off] == [False] * len(off)
    assert [workdays.is_workday(D(d)) for d in on] == [True] * len(on)


# acceptance day, promised limit, legal limit, promised due, legal due, rule
ACCEPTANCE_TABLE = [
    (
        "2026-03-02",
        5,
        20,
        "2026-03-09",
        "2026-03-30",
        "Monday + 5 → next Monday; the acceptance day is not counted",
    ),
    ("2026-03-06", 1, 20, "2026-03-09", "2026-04-03", "Friday + 1 skips the weekend"),
    ("2026-03-07", 1, 20, "2026-03-10", "2026-04-07", "accepted on a Saturday: counting starts Monday"),
    (
        "2026-02-13",
        2,
        20,
        "2026-02-24",
        "2026-03-19",
        "春节: make-up Saturday 2-14 counts, 2-15..2-23 do not",
    ),
    ("2026-02-14", 1, 20, "2026-02-24", "2026-03-20", "accepted on the make-up Saturday 2-14"),
    ("2026-02-26", 2, 20, "2026-02-28", "2026-03-25", "make-up Saturday 2-28 is a working day"),
    ("2026-09-18", 1, 20, "2026-09-20", "2026-10-22", "make-up Sunday 9-20 is a working day"),
    (
        "2026-09-30",
        3,
        20,
        "2026-10-10",
        "2026-11-03",
        "国庆 10-1..10-7 off, 10-8 and make-up Saturday 10-10 on",
    ),
    ("2025-12-31", 2, 20, "2026-01-05", "2026-01-29", "元旦 2026: 1-1..1-3 off, make-up Sunday 1-4 on"),
    ("2026-03-02", 0, 1, "2026-03-02", "2026-03-03", "promised 0 (decided on the spot): due the same day"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("accepted_on", "promised", "legal", "due", "legal_due", "rule"), ACCEPTANCE_TABLE)
def test_due_dates_count_working_days_from_acceptance(accepted_on, promised, legal, due, legal_due, rule):
    clock = replay([received(accepted_on, promised, legal), accepted(accepted_on)])
    assert (clock.promised_due, clock.legal_due) == (D(due), D(legal_due)), rule
    assert clock.acceptance_date == D(accepted_on)
    assert clock.provisional is False


@pytest.mark.django_db
def test_a_deadline_in_a_year_without_an_official_notice_is_provisional():
    clock = replay([received("2026-12-31"), accepted("2026-12-31")])
    assert clock.promised_due == D("2027-01-07")  # 2027 counted Monday–Friday until the notice is loaded
    assert clock.provisional is True
    assert clock.calendar_version == workdays.calendar_version()


@pytest.mark.django_db
def test_no_clock_runs_before_acceptance():
    clock = replay([received("2026-03-02")])
    assert (clock.acceptance_date, clock.promised_due, clock.legal_due) == (None, None, None)
    assert clock.notice_deadline == D("2026-03-09")


@pytest.mark.django_db
def test_supplement_restarts_the_clock_from_the_day_the_last_material_arrives():
    clock = replay(
        [
            received("2026-03-02"),
            ev("supplement_requested"),
            ev("supplement_completed", date=D("2026-03-09")),
            accepted("2026-03-10"),
        ]
    )
    assert clock.acceptance_date == D("2026-03-09")
    assert clock.promised_due == D("2026-03-16")
    assert clock.legal_due == D("2026-04-07")


@pytest.mark.django_db
def test_deemed_acceptance_is_backdated_to_the_day_of_receipt():
    clock = replay([received("2026-03-02"), ev("deemed_accepted", date=D("2026-03-02"))])
    assert clock.acceptance_date == D("2026-03-02")
    assert clock.deemed_accepted is True
    assert clock.promised_due == D("2026-03-09")


# receipt day, last day a one-time notice may be issued
NOTICE_TABLE = [
    ("2026-03-02", "2026-03-09"),  # Monday → next Monday
    ("2026-02-09", "2026-02-14"),  # six working days in a row up to the make-up Saturday
    ("2026-02-12", "2026-02-26"),  # across 春节
    ("2026-03-07", "2026-03-16"),  # received online on a Saturday
]


@pytest.mark.django_db
@pytest.mark.parametrize(("receipt", "deadline"), NOTICE_TABLE)
def test_the_one_time_notice_window_is_five_working_days_after_receipt(receipt, deadline):
    assert notice_deadline(D(receipt)) == D(deadline)


# started, ended, working days not counted (start < d <= end)
SUSPENSION_TABLE = [
    ("2026-03-04", "2026-03-04", 0, "resumed the same day: nothing added"),
    ("2026-03-04", "2026-03-09", 3, "Wed → Mon: Thu, Fri, Mon"),
    ("2026-03-06", "2026-03-09", 1, "Fri → Mon: the weekend does not count"),
    ("2026-02-13", "2026-02-24", 2, "across 春节: only 2-14 and 2-24 are working days"),
    ("2026-09-30", "2026-10-12", 4, "across 国庆: 10-8, 10-9, 10-10, 10-12"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("started", "ended", "days", "rule"), SUSPENSION_TABLE)
def test_suspended_working_days_are_those_after_the_start_up_to_the_end(started, ended, days, rule):
    clock = replay(
        [
            received("2026-03-02" if started >= "2026-03-02" else "2026-02-02", 5, 20),
            accepted("2026-03-02" if started >= "2026-03-02" else "2026-02-02"),
            ev("suspended", started_on=D(started), expected_days=10),
            ev("resumed", started_on=D(started), ended_on=D(ended)),
        ]
    )
    assert clock.suspended_days == days, rule


@pytest.mark.django_db
def test_suspension_and_extension_push_both_due_dates():
    base = [received("2026-03-02"), accepted("2026-03-02")]
    suspended = [*base, ev("suspended", started_on=D("2026-03-04"), expected_days=10)]
    # While the procedure runs, the expected days the applicant was told about are counted.
    assert replay(suspended).promised_due == D("2026-03-23")
    resumed = [*suspended, ev("resumed", started_on=D("2026-03-04"), ended_on=D("2026-03-09"))]
    assert (replay(resumed).promised_due, replay(resumed).legal_due) == (D("2026-03-12"), D("2026-04-02"))
    extended = [*resumed, ev("extension_decided", approved=True, days=10)]
    clock = replay(extended)
    assert (clock.promised_due, clock.legal_due) == (D("2026-03-26"), D("2026-04-17"))
    assert (clock.suspended_days, clock.extension_days) == (3, 10)
    refused = [*resumed, ev("extension_decided", approved=False, days=10)]
    assert replay(refused).extension_days == 0


@pytest.mark.django_db
def test_an_immediate_case_converted_to_committed_gets_its_new_promised_limit():
    events = [received("2026-03-02", promised=0, legal=20), accepted("2026-03-02")]
    assert replay(events).promised_due == D("2026-03-02")
    converted = [*events, ev("converted_to_committed", promised_limit=1)]
    assert replay(converted).promised_due == D("2026-03-03")
