"""The hotline's figures (docs/hotline-stats.md), each at exact moments: on-time sign-for, on-time closure,
satisfaction, solved, redo and return rates, the volumes and the ranking of the units.

Tickets are registered and dispatched with the real services; for the boundary cases what the units and the
centre did next (sign for, reply, callback, extension, return) is written on the rows by `Story`, to put a
moment exactly on a deadline: a fixture, not a mock of our code. One test moves its tickets through the
handling and callback services only, and checks the same figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govhall.hotline import stats
from govhall.hotline.models import (
    CallbackAttempt,
    CallbackOutcome,
    Closure,
    Dispatch,
    DispatchRole,
    DispatchState,
    LimitPolicy,
    Ticket,
    TicketState,
)
from govhall.hotline.services.intake import dispatch_ticket, register_ticket

pytestmark = pytest.mark.django_db

NOV_FIRST, NOV_LAST = date(2026, 11, 1), date(2026, 11, 30)
NOW = timezone.make_aware(datetime(2026, 12, 7, 9, 0))  # the world's Monday: November is over


@pytest.fixture(autouse=True)
def policy_since_january(world):
    """The world's limit policy is in force from its Monday; these stories begin in October."""
    LimitPolicy.objects.update(in_force_from=at("2026-01-01 00:00"))


def at(text: str) -> datetime:
    """'11-10 17:00' (2026, local time) or '2026-10-31 23:59:59'."""
    if not text.startswith("20"):
        text = "2026-" + text
    fmt = "%Y-%m-%d %H:%M:%S" if text.count(":") == 2 else "%Y-%m-%d %H:%M"
    return timezone.make_aware(datetime.strptime(text, fmt))


class Story:
    """One ticket, registered and dispatched with the services, then moved by writing its rows."""

    def __init__(self, world, *, received: str = "11-10 09:00", subject: str = "010101", **extra):
        values = {
            "channel": "phone",
            "request_type": "complaint",
            "subject": subject,
            "title": "路面坑洼",
            "content": "人民路口路面塌陷。",
            "caller_name": "张三",
            "caller_phone": "13812341234",
            "area": "A01",
            "by": world.operator,
            "now": at(received),
        }
        self.world = world
        self.ticket = register_ticket(**(values | extra))

    def dispatch(self, when: str | None = None, **kwargs) -> Story:
        moment = at(when) if when else self.ticket.received_at
        self.ticket = dispatch_ticket(self.ticket, by=self.world.operator, now=moment, **kwargs)
        return self

    def lead(self, round_: int | None = None) -> Dispatch:
        rows = self.ticket.dispatches.filter(role=DispatchRole.LEAD).exclude(state=DispatchState.WITHDRAWN)
        if round_ is not None:
            rows = rows.filter(round=round_)
        return rows.order_by("-id").first()

    def set(self, dispatch: Dispatch | None = None, **fields) -> Story:
        dispatch = dispatch or self.lead()
        Dispatch.objects.filter(pk=dispatch.pk).update(**fields)
        return self

    def reply(self, when: str, *, round_: int = 0) -> Story:
        Ticket.objects.filter(pk=self.ticket.pk).update(
            state=TicketState.REPLIED, replied_at=at(when), round=round_
        )
        self.ticket.refresh_from_db()
        return self

    def callback(self, when: str, outcome: str, solved: bool | None = None, *, round_: int = 0) -> Story:
        CallbackAttempt.objects.create(
            ticket=self.ticket, round=round_, at=at(when), outcome=outcome, solved=solved
        )
        return self

    def redo(self, unit_code: str, when: str) -> Story:
        """A verified dissatisfaction: round 1, dispatched anew (here to another unit)."""
        Ticket.objects.filter(pk=self.ticket.pk).update(round=1)
        d = self.lead(0)
        Dispatch.objects.create(
            ticket=self.ticket,
            unit=self.world.units[unit_code],
            role=DispatchRole.LEAD,
            round=1,
            dispatched_at=at(when),
            sign_due_at=d.sign_due_at,
            handle_due_at=d.handle_due_at,
        )
        self.ticket.refresh_from_db()
        return self


def november(now=NOW, minimum=1) -> dict:
    return stats.compute(NOV_FIRST, NOV_LAST, now=now, minimum=minimum)


def unit_row(data: dict, code: str) -> dict:
    return next(u for u in data["units"] if u["code"] == code)


# --- on-time sign-for ------------------------------------------------------------------------------------

SIGN_DUE = "11-10 17:00"


@pytest.mark.parametrize(
    ("dispatched", "signed", "state", "counted", "on_time"),
    [
        ("11-10 09:00", "11-10 16:59", DispatchState.SIGNED, True, True),
        ("11-10 09:00", SIGN_DUE, DispatchState.SIGNED, True, True),  # at the deadline itself: on time
        ("11-10 09:00", "11-10 17:01", DispatchState.SIGNED, True, False),
        ("11-10 09:00", None, DispatchState.PENDING, True, False),  # still pending, overdue: late
        ("11-10 09:00", "11-10 10:00", DispatchState.WITHDRAWN, False, False),  # withdrawn: out
        ("2026-10-31 23:59:59", "2026-11-01 08:00", DispatchState.SIGNED, False, False),  # October's
        ("11-30 23:59", "12-01 08:00", DispatchState.SIGNED, True, True),  # the month's last minute
        ("2026-12-01 00:00", "12-01 08:00", DispatchState.SIGNED, False, False),  # December's
    ],
)
def test_on_time_sign_for(world, dispatched, signed, state, counted, on_time):
    s = Story(world).dispatch(dispatched)
    due = SIGN_DUE if at(dispatched) < at(SIGN_DUE) else "12-01 17:00"
    s.set(state=state, sign_due_at=at(due), signed_at=at(signed) if signed else None)
    totals = november()["totals"]
    assert (totals["sign_sample"], totals["sign_on_time"]) == (int(counted), int(on_time))


def test_a_pending_dispatch_before_its_deadline_is_not_yet_counted(world):
    s = Story(world, received="11-30 16:00").dispatch()
    s.set(sign_due_at=at("12-01 10:00"))
    early = november(now=at("11-30 18:00"))["totals"]
    assert (early["sign_sample"], early["sign_rate"]) == (0, None)
    later = november(now=at("12-01 10:00"))["totals"]  # the deadline has come: late
    assert (later["sign_sample"], later["sign_on_time"], later["sign_rate"]) == (1, 0, 0.0)


# --- on-time closure ---------------------------------------------------------------------------------------

DUE = "11-20 00:00"  # handling overdue from: the end of 11-19


@pytest.mark.parametrize(
    ("state", "done", "due", "sample", "on_time", "why"),
    [
        (DispatchState.DONE, "11-19 23:59", DUE, 1, 1, "done before the deadline"),
        (DispatchState.DONE, DUE, DUE, 1, 1, "done at the deadline itself: on time"),
        (DispatchState.DONE, "11-20 00:01", DUE, 1, 0, "a minute after: late"),
        (DispatchState.DONE, "11-24 15:00", "11-25 00:00", 1, 1, "extension approved: the new deadline"),
        (DispatchState.SIGNED, None, DUE, 1, 0, "open and overdue at the month's end"),
        (DispatchState.RETURN_REQUESTED, None, DUE, 1, 0, "asking to return, overdue: still open"),
        (DispatchState.SIGNED, None, "12-10 00:00", 0, 0, "open, not yet due: not counted"),
        (DispatchState.DONE, "12-02 10:00", DUE, 1, 0, "done in December, overdue at November's end"),
        (DispatchState.DONE, "12-02 10:00", "12-05 00:00", 0, 0, "done in December, on time, December's"),
        (DispatchState.DONE, "2026-10-30 10:00", DUE, 0, 0, "done in October"),
        (DispatchState.WITHDRAWN, None, DUE, 0, 0, "withdrawn: out"),
        (DispatchState.DONE, "12-01 00:00", "12-01 00:00", 0, 0, "due at the end, done then: December's"),
        (DispatchState.DONE, "12-01 00:01", "12-01 00:00", 0, 0, "due at the end itself: not yet late then"),
    ],
)
def test_on_time_closure(world, state, done, due, sample, on_time, why):
    s = Story(world, received="2026-10-28 09:00").dispatch()
    extended = 3 if due == "11-25 00:00" else 0
    s.set(state=state, done_at=at(done) if done else None, handle_due_at=at(due), extended_workdays=extended)
    totals = november()["totals"]
    assert (totals["closure_sample"], totals["closure_on_time"]) == (sample, on_time), why


def test_a_co_unit_is_done_when_it_contributed_and_counts_for_itself(world):
    s = Story(world, subject="020101").dispatch()  # 噪声: lead HBJ, co ZJJ
    co = s.ticket.dispatches.get(role=DispatchRole.CO)
    s.set(co, state=DispatchState.DONE, done_at=at("11-12 10:00"), handle_due_at=at(DUE))
    s.set(state=DispatchState.DONE, done_at=at("11-21 10:00"), handle_due_at=at(DUE))
    data = november()
    assert unit_row(data, "ZJJ")["closure_rate"] == 100.0
    assert unit_row(data, "HBJ")["closure_rate"] == 0.0
    assert data["totals"]["closure_rate"] == 50.0


# --- callbacks: satisfaction and solved ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempts", "closure", "sample", "satisfied", "unreachable", "solved"),
    [
        ([("11-15 10:00", "satisfied", True)], "", 1, 1, 0, (1, 1)),
        ([("11-15 10:00", "fairly", None)], "", 1, 1, 0, (0, 0)),
        ([("11-15 10:00", "dissatisfied", False)], "", 1, 0, 0, (1, 0)),
        # not reached three times, closed as unreachable: out of the rate, counted apart
        (
            [("11-15 10:00", "no_answer", None), ("11-16 10:00", "no_answer", None)],
            Closure.UNREACHABLE,
            0,
            0,
            1,
            (0, 0),
        ),
        # not reached, then reached: the last attempt counts
        ([("11-15 10:00", "no_answer", None), ("11-16 10:00", "satisfied", True)], "", 1, 1, 0, (1, 1)),
        # reached in October, last attempt there: not November's
        ([("2026-10-31 23:00", "satisfied", True)], "", 0, 0, 0, (0, 0)),
        # satisfied in October, dissatisfied on a later call in November: November's, dissatisfied
        (
            [("2026-10-31 23:00", "satisfied", True), ("11-02 09:00", "dissatisfied", False)],
            "",
            1,
            0,
            0,
            (1, 0),
        ),
        # satisfied in November, then a later attempt in December: December's
        ([("11-29 09:00", "satisfied", True), ("12-01 09:00", "satisfied", True)], "", 0, 0, 0, (0, 0)),
    ],
)
def test_satisfaction_and_solved_take_the_final_callback(
    world, attempts, closure, sample, satisfied, unreachable, solved
):
    s = Story(world, received="2026-10-20 09:00").dispatch().reply("2026-10-25 09:00")
    for when, outcome, was_solved in attempts:
        s.callback(when, outcome, was_solved)
    if closure:
        Ticket.objects.filter(pk=s.ticket.pk).update(closure=closure, closed_at=at(attempts[-1][0]))
    t = november()["totals"]
    assert (t["sat_sample"], t["satisfied"], t["unreachable"]) == (sample, satisfied, unreachable)
    assert (t["solved_sample"], t["solved"]) == solved


def test_a_redone_ticket_counts_for_the_lead_unit_of_its_last_round(world):
    s = Story(world, received="11-02 09:00").dispatch()  # 道路: lead CGJ
    s.reply("11-05 09:00").callback("11-06 09:00", CallbackOutcome.DISSATISFIED, False)
    s.redo("QZF", "11-08 09:00").reply("11-12 09:00", round_=1)
    s.callback("11-13 09:00", CallbackOutcome.SATISFIED, True, round_=1)
    data = november()
    assert unit_row(data, "QZF")["satisfied"] == 1
    assert unit_row(data, "QZF")["sat_sample"] == 1
    assert unit_row(data, "QZF")["redone"] == 1
    assert unit_row(data, "CGJ")["sat_sample"] == 0  # round 0's callback is not the final one
    assert data["totals"]["satisfaction_rate"] == 100.0


def test_a_redo_round_not_yet_called_back_has_no_final_callback(world):
    s = Story(world, received="11-02 09:00").dispatch()
    s.reply("11-05 09:00").callback("11-06 09:00", CallbackOutcome.DISSATISFIED, False)
    s.redo("QZF", "11-08 09:00")
    assert november()["totals"]["sat_sample"] == 0


# --- redo and return ------------------------------------------------------------------------------------


def test_redo_rate_counts_tickets_replied_in_the_period(world):
    Story(world).dispatch().reply("11-12 09:00")
    Story(world).dispatch().reply("11-12 09:00", round_=1)
    Story(world).dispatch().reply("11-12 09:00", round_=2)
    Story(world).dispatch().reply("12-01 09:00", round_=1)  # December's reply
    t = november()["totals"]
    assert (t["replied"], t["redone"], t["redo_rate"]) == (3, 2, 66.7)


def test_a_returned_dispatch_counts_in_the_return_rate_and_not_in_sign_for(world):
    returned = Story(world).dispatch()
    returned.set(state=DispatchState.WITHDRAWN, returned_at=at("11-10 11:00"), signed_at=at("11-10 10:00"))
    asked = Story(world).dispatch()
    asked.set(
        state=DispatchState.RETURN_REQUESTED, returned_at=at("11-10 11:00"), signed_at=at("11-10 10:00")
    )
    Story(world).dispatch().set(state=DispatchState.SIGNED, signed_at=at("11-10 10:00"))
    Story(world).dispatch().set(state=DispatchState.SIGNED, signed_at=at("11-10 10:00"))
    row = unit_row(november(), "CGJ")
    assert (row["dispatches"], row["returned"], row["return_rate"]) == (4, 2, 50.0)
    assert row["sign_sample"] == 3  # the withdrawn one is out


# --- volumes ----------------------------------------------------------------------------------------------


def test_volumes_by_channel_type_subject_and_area(world):
    Story(world, subject="010101").dispatch()
    Story(world, subject="010102", request_type="help").dispatch()
    Story(world, subject="020101", area="A02").dispatch()
    Story(world, subject="030101", area="", received="11-30 23:59")
    Story(world, subject="030101", received="12-01 00:00")  # December's
    v = november()["volume"]
    assert [(r["key"], r["n"]) for r in v["channel"]] == [("phone", 4)]
    assert [(r["key"], r["n"]) for r in v["request_type"]] == [("complaint", 3), ("help", 1)]
    assert [(r["key"], r["name"], r["n"]) for r in v["subject1"]] == [
        ("01", "城乡建设", 2),
        ("02", "生态环境", 1),
        ("03", "市场监管", 1),
    ]
    assert [(r["key"], r["n"]) for r in v["subject2"]] == [("0101", 2), ("0201", 1), ("0301", 1)]
    assert [(r["key"], r["n"]) for r in v["area"]] == [("A01", 2), ("", 1), ("A02", 1)]
    data = november()
    assert data["totals"]["received"] == 4
    assert unit_row(data, "CGJ")["received"] == 2  # not yet dispatched: the centre's total only


# --- ranking ----------------------------------------------------------------------------------------------


def row(code, sample, sign=None, closure=None, sat=None, solved=None, redo=None, ret=None):
    return {
        "code": code,
        "name": code,
        "closure_sample": sample,
        "sign_rate": sign,
        "closure_rate": closure,
        "satisfaction_rate": sat,
        "solved_rate": solved,
        "redo_rate": redo,
        "return_rate": ret,
    }


def test_ranking_ties_share_a_rank_and_small_samples_are_not_ranked():
    rows = [
        row("A", 12, 100, 90, 80, 70, 10, 0),
        row("B", 10, 100, 90, 80, 70, 10, 0),  # the same score as A: the same rank
        row("C", 30, 100, 100, 100, 100, 0, 0),
        row("D", 9, 100, 100, 100, 100, 0, 0),  # below the minimum
        row("E", 15),  # no rate at all
        row("F", 20, 50, 50, 50, 50, 50, 50),
    ]
    ranked, unranked = stats.rank(rows, weights=stats.WEIGHTS, minimum=10)
    assert [(r["code"], r["rank"]) for r in ranked] == [("C", 1), ("A", 2), ("B", 2), ("F", 4)]
    assert [r["code"] for r in unranked] == ["D", "E"]
    assert "9" in unranked[0]["reason"] and "10" in unranked[0]["reason"]
    # A: (15·100 + 30·90 + 30·80 + 15·70 + 5·90 + 5·100) ÷ 100
    assert Decimal(str(ranked[1]["score"])) == Decimal("86.00")


def test_the_minimum_sample_is_a_setting(world, settings):
    settings.GOVHALL_HOTLINE_RANK_MIN_SAMPLE = 2
    s = Story(world, received="2026-10-28 09:00").dispatch()
    s.set(state=DispatchState.DONE, done_at=at("11-03 10:00"), handle_due_at=at(DUE))
    data = stats.compute(NOV_FIRST, NOV_LAST, now=NOW)
    assert data["ranking"]["min_sample"] == 2
    assert data["ranking"]["ranked"] == []
    assert [r["code"] for r in data["ranking"]["unranked"]] == ["CGJ"]


def test_the_figures_are_aggregates_not_one_query_per_ticket(world):
    """The same number of queries for 2 tickets as for 12: one aggregate per figure and volume (with the
    on-site inspections' and the knowledge upkeep's, 18)."""

    def queries_for_month() -> int:
        with CaptureQueriesContext(connection) as captured:
            november()
        return len(captured.captured_queries)

    for _ in range(2):
        Story(world).dispatch().reply("11-12 09:00").callback("11-13 09:00", CallbackOutcome.SATISFIED, True)
    few = queries_for_month()
    for _ in range(10):
        Story(world, subject="020101").dispatch().reply("11-12 09:00").callback(
            "11-13 09:00", CallbackOutcome.FAIRLY, None
        )
    # 20: the two aggregates of repeat calls and duplicates, the inspections' and the knowledge upkeep's
    assert queries_for_month() == few <= 20


def test_figures_of_tickets_moved_through_the_services_only(world):
    """Monday 12-07 09:00: a noise complaint (市生态环境局 lead, 市住建局 co-unit) signed for at once,
    contributed, replied the next day and called back satisfied; a road complaint (市城管局) signed for two
    days late; another road complaint signed for at once, then asked to be returned."""
    from govhall.hotline.services import callback, handling
    from govhall.hotline.tests import flow

    later = world.now + timedelta(days=2)
    noise = flow.replied(world)
    callback.record_callback(
        noise, outcome=CallbackOutcome.SATISFIED, solved=True, by=world.operator, now=later
    )
    road = {"subject": "010101", "title": "路面坑洼", "content": "人民路口路面塌陷。"}
    late = flow.dispatched(world, **road)
    handling.sign_for(late.dispatches.get(), by=world.CGJ_handler, now=later)
    returned = flow.dispatched(world, **road)
    dispatch = returned.dispatches.get()
    handling.sign_for(dispatch, by=world.CGJ_handler, now=world.now + timedelta(minutes=20))
    handling.request_return(
        dispatch,
        reason_code="R01",
        rule="城管职责清单",
        by=world.CGJ_handler,
        now=world.now + timedelta(hours=1),
    )
    totals = stats.compute(date(2026, 12, 1), date(2026, 12, 31), now=at("12-10 09:00"), minimum=1)["totals"]
    assert {
        key: totals[key] for key in ("sign_sample", "sign_on_time", "closure_sample", "closure_on_time")
    } == {
        "sign_sample": 4,
        "sign_on_time": 3,
        "closure_sample": 2,
        "closure_on_time": 2,
    }
    assert (totals["sat_sample"], totals["satisfied"], totals["solved_sample"], totals["solved"]) == (
        1,
        1,
        1,
        1,
    )
    assert (totals["dispatches"], totals["returned"], totals["replied"], totals["redone"]) == (4, 1, 1, 0)
