"""The statistics of remote help (远程帮办), read only: sessions by township hall, by department and by month
with their outcomes, the waiting time (in the queue → started) and the duration (started → ended), the
ratings, and the first-time success rate (一次性提交成功率) of online applications with and without remote
help, per month (docs/remote-help.md, "Statistics").

A session belongs to the period by the local day it joined the queue (`requested_at`: when asked, or the
start of its booked slot). Times are means in minutes over the sessions that have them: the wait over the
started ones, the duration over the ended ones. One query reads the period's sessions (a few columns each:
a city's month is some thousands of rows) and Python groups them, so SQLite and PostgreSQL give the same
minutes.

First-time success follows the statistics' own definition (docs/indicators.md, "online first-time"): an
online application decided at intake (accepted, deemed accepted or not accepted) is a first-time success
when it was accepted without any return for correction before it (no `supplement_requested` event, the
一次性告知, earlier in its case). It counts on the local day of the decision. "With remote help": the
application (its draft) had a session that ran and ended (state ended); a session cancelled or not answered
does not count as help."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from govhall.cases.models import CaseEvent, CaseKind, EventKind
from govhall.cases.models.case import Channel
from govhall.catalog.models import Department, Hall
from govhall.portal.models import HelpOutcome, HelpSession, HelpState
from govhall.stats.indicators import rate
from govhall.visits.models.ratings import BAD_LEVELS

DIMENSIONS = ("hall", "department", "month")
ACCEPTING = (EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED)
DECIDING = (*ACCEPTING, EventKind.REJECTED)
SATISFIED = (5, 4, 3)  # 非常满意, 满意, 基本满意: as the hall's satisfaction rate


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _between(name: str, date_from: date, date_to: date) -> Q:
    """A datetime field within the local days date_from … date_to (both included)."""
    return Q(**{f"{name}__gte": _moment(date_from), f"{name}__lt": _moment(date_to + timedelta(days=1))})


def minutes(total: timedelta, n: int) -> float | None:
    """The mean of n durations in minutes, one decimal rounded half up; None when there are none."""
    if not n:
        return None
    value = Decimal(total.total_seconds()) / Decimal(60 * n)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class Group:
    """The figures of one group of sessions (a hall, a department, a month, or all)."""

    key: object
    label: str = ""
    asked: int = 0
    waiting: int = 0
    in_progress: int = 0
    ended: int = 0
    cancelled: int = 0
    no_show: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(HelpOutcome.values, 0))
    started: int = 0
    waited: timedelta = timedelta()
    timed: int = 0
    took: timedelta = timedelta()
    rated: int = 0
    satisfied: int = 0
    bad: int = 0

    def add(self, row: dict) -> None:
        self.asked += 1
        state = row["state"]
        self.waiting += state == HelpState.REQUESTED
        self.in_progress += state == HelpState.IN_PROGRESS
        self.ended += state == HelpState.ENDED
        self.cancelled += state == HelpState.CANCELLED
        self.no_show += state == HelpState.NO_SHOW
        if state == HelpState.ENDED and row["outcome"] in self.outcomes:
            self.outcomes[row["outcome"]] += 1
        if row["started_at"] is not None:
            self.started += 1
            self.waited += max(row["started_at"] - row["requested_at"], timedelta())
            if state == HelpState.ENDED and row["ended_at"] is not None:
                self.timed += 1
                self.took += max(row["ended_at"] - row["started_at"], timedelta())
        level = row["rating__level"]
        if level is not None:
            self.rated += 1
            self.satisfied += level in SATISFIED
            self.bad += level in BAD_LEVELS

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "asked": self.asked,
            "waiting": self.waiting,
            "in_progress": self.in_progress,
            "ended": self.ended,
            "cancelled": self.cancelled,
            "no_show": self.no_show,
            "outcomes": dict(self.outcomes),
            "wait_minutes": minutes(self.waited, self.started),
            "duration_minutes": minutes(self.took, self.timed),
            "rated": self.rated,
            "satisfied": self.satisfied,
            "bad": self.bad,
            "satisfaction_rate": rate(self.satisfied, self.rated),
        }


def _key(by: str, row: dict):
    if by == "hall":
        return row["hall_id"]
    if by == "department":
        return row["department_id"]
    local = timezone.localtime(row["requested_at"])
    return date(local.year, local.month, 1)


def _labels(by: str, keys) -> dict:
    if by == "hall":
        return dict(Hall.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
    if by == "department":
        return dict(Department.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {k: f"{k:%Y-%m}" for k in keys}


def sessions_by(by: str, *, date_from: date, date_to: date, at_home: str = "") -> dict:
    """{"rows": one dict per group (sorted: most sessions first; months in order), "total": all}.
    `by`: hall (the township hall that asked; None: a resident at home, labelled `at_home`), department
    (the item's: its queue) or month (of joining the queue)."""
    if by not in DIMENSIONS:
        raise ValueError(f"by: one of {', '.join(DIMENSIONS)}")
    rows = HelpSession.objects.filter(_between("requested_at", date_from, date_to)).values(
        "hall_id",
        "department_id",
        "state",
        "outcome",
        "requested_at",
        "started_at",
        "ended_at",
        "rating__level",
    )
    groups: dict = {}
    total = Group(key=None)
    for row in rows:
        key = _key(by, row)
        groups.setdefault(key, Group(key=key)).add(row)
        total.add(row)
    labels = _labels(by, list(groups))
    for key, group in groups.items():
        group.label = labels.get(key, at_home) if key is not None else at_home
    if by == "month":
        ordered = sorted(groups.values(), key=lambda g: g.key)
    else:
        ordered = sorted(groups.values(), key=lambda g: (-g.asked, g.label))
    return {"rows": [g.as_dict() for g in ordered], "total": total.as_dict()}


def _decisions(date_from: date, date_to: date):
    """The intake decisions of online applications in the period: month, accepted first time, helped."""
    helped = HelpSession.objects.filter(application__case=OuterRef("case_id"), state=HelpState.ENDED)
    notice = CaseEvent.objects.filter(
        case=OuterRef("case_id"), kind=EventKind.SUPPLEMENT_REQUESTED, seq__lt=OuterRef("seq")
    )
    return (
        CaseEvent.objects.filter(_between("at", date_from, date_to), kind__in=DECIDING)
        .filter(case__channel=Channel.ONLINE, case__application__isnull=False)
        .exclude(case__kind=CaseKind.CONSULTATION)
        .annotate(
            month=TruncMonth("at", tzinfo=timezone.get_current_timezone()),
            notice_before=Exists(notice),
            helped=Exists(helped),
        )
        .values_list("month", "kind", "notice_before", "helped")
    )


def first_time_success(*, date_from: date, date_to: date) -> dict:
    """Per month of the period (every month listed): online applications decided at intake with remote help
    and without, how many of each were accepted the first time, and the two rates (%)."""
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for month, kind, notice_before, helped in _decisions(date_from, date_to):
        month = month.date() if isinstance(month, datetime) else month
        side = "helped" if helped else "unhelped"
        counts[month][f"{side}_decided"] += 1
        counts[month][f"{side}_first_time"] += kind in ACCEPTING and not notice_before
    months = []
    day = date_from.replace(day=1)
    while day <= date_to:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    rows = [_success_row(m, counts.get(m, {})) for m in months]
    totals: dict[str, int] = defaultdict(int)
    for c in counts.values():
        for k, n in c.items():
            totals[k] += n
    return {"rows": rows, "total": _success_row(None, totals)}


def _success_row(month: date | None, c: dict) -> dict:
    get = c.get
    helped = (get("helped_decided", 0), get("helped_first_time", 0))
    unhelped = (get("unhelped_decided", 0), get("unhelped_first_time", 0))
    return {
        "month": f"{month:%Y-%m}" if month else None,
        "helped_decided": helped[0],
        "helped_first_time": helped[1],
        "helped_rate": rate(helped[1], helped[0]),
        "unhelped_decided": unhelped[0],
        "unhelped_first_time": unhelped[1],
        "unhelped_rate": rate(unhelped[1], unhelped[0]),
    }
