"""The roll-up tables: what each case event adds, written inside the case service's transaction.

`contributions()` is the one place where an event becomes counts (docs/indicators.md, "Counting"). The
receiver applies it to the events of one service call; `direct()` recomputes the same rows from the
cases and their stored events without the roll-ups, and `check()` compares the two.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from govhall.cases.models import Case, CaseEvent, CaseKind, Channel, Consultation, EventKind
from govhall.stats.models import (
    KEYS,
    MEASURES,
    MONTH_KEYS,
    DailyDuration,
    DailyFigure,
    LateClosure,
    MonthlyDuration,
    MonthlyFigure,
)
from govhall.workdays import calendar as workdays

ACCEPTING = (EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED)
COUNTED = frozenset(
    {
        EventKind.RECEIVED,
        EventKind.CONSULTATION_REGISTERED,
        *ACCEPTING,
        EventKind.REJECTED,
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.SUSPENDED,
        EventKind.EXTENSION_DECIDED,
        EventKind.WITHDRAWN,
        EventKind.CONCLUDED,
        EventKind.CONSULTATION_ANSWERED,
    }
)


@dataclass
class Tally:
    """Counts keyed like the roll-up rows: (day, department, hall, item, channel, kind) → measures."""

    figures: dict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    durations: Counter = field(default_factory=Counter)  # key + (used,) → cases
    late: Counter = field(default_factory=Counter)  # key + (due,) → cases

    def clean(self) -> Tally:
        figures = {k: Counter({m: v for m, v in c.items() if v}) for k, c in self.figures.items()}
        return Tally(
            figures=defaultdict(Counter, {k: c for k, c in figures.items() if c}),
            durations=Counter({k: v for k, v in self.durations.items() if v}),
            late=Counter({k: v for k, v in self.late.items() if v}),
        )

    def by_month(self) -> tuple[dict[tuple, Counter], Counter]:
        """(figures, durations) summed by MONTH_KEYS (the day to its month, the item dropped): the
        monthly roll-up rows of this tally."""
        figures: dict[tuple, Counter] = defaultdict(Counter)
        durations: Counter = Counter()
        for key, counts in self.figures.items():
            figures[_month_key(key)].update(counts)
        for key, n in self.durations.items():
            durations[(*_month_key(key), key[-1])] += n
        return figures, durations


def _month_key(key: tuple) -> tuple:
    day, department, hall, _item, channel, kind = key[:6]
    return (day.replace(day=1), department, hall, channel, kind)


@dataclass(frozen=True)
class CaseFacts:
    """What counting needs to know about a case, the same whether read from memory or from SQL."""

    department: int
    hall: int
    item: int
    channel: str
    kind: str  # as received: an immediate case converted to committed stays immediate here
    acceptance_date: date | None
    promised_due: date | None
    suspended_days: int


def contributions(
    facts: CaseFacts,
    event_kind: str,
    day: date,
    tally: Tally,
    *,
    notice_before: bool = False,
    approved: bool = False,
    accepted_before: bool = False,
) -> None:
    """Add what one event of a case counts to `tally`."""
    key = (day, facts.department, facts.hall, facts.item, facts.channel, facts.kind)
    fig = tally.figures[key]
    timed = facts.kind != CaseKind.CONSULTATION and facts.promised_due is not None
    if facts.channel == Channel.ONLINE and facts.kind != CaseKind.CONSULTATION:
        # The first-time success rate: decided at intake, and accepted without a return for correction.
        if event_kind in ACCEPTING:
            fig["online_decided"] += 1
            fig["online_first_time"] += not notice_before
        elif event_kind == EventKind.REJECTED:
            fig["online_decided"] += 1
    if event_kind == EventKind.RECEIVED:
        fig["received"] += 1
    elif event_kind == EventKind.CONSULTATION_REGISTERED:
        fig["received"] += 1
        fig["accepted"] += 1
        fig["consultations"] += 1
    elif event_kind in ACCEPTING:
        fig["accepted"] += 1
        if not notice_before:
            fig["first_time"] += 1
    elif event_kind == EventKind.REJECTED:
        fig["rejected"] += 1
    elif event_kind == EventKind.SUPPLEMENT_REQUESTED:
        fig["notices"] += 1
    elif event_kind == EventKind.SUSPENDED:
        fig["suspensions"] += 1
    elif event_kind == EventKind.EXTENSION_DECIDED:
        if approved:
            fig["extensions"] += 1
    elif event_kind == EventKind.WITHDRAWN:
        fig["withdrawn"] += 1
        if accepted_before and timed and day > facts.promised_due:
            tally.late[(*key, facts.promised_due)] += 1
    elif event_kind == EventKind.CONSULTATION_ANSWERED:
        fig["concluded"] += 1
    elif event_kind == EventKind.CONCLUDED:
        fig["concluded"] += 1
        if timed and facts.acceptance_date is not None:
            due = facts.promised_due
            used = max(0, workdays.workdays_between(facts.acceptance_date, day) - facts.suspended_days)
            promised = max(0, workdays.workdays_between(facts.acceptance_date, due) - facts.suspended_days)
            fig["timed"] += 1
            fig["on_time"] += day <= due
            fig["early"] += day < due
            fig["used_days"] += used
            fig["promised_days"] += promised
            tally.durations[(*key, used)] += 1
            if day > due:
                tally.late[(*key, due)] += 1


# --- in the service's transaction ---------------------------------------------------------------------


def facts_of(case: Case, history=None) -> CaseFacts:
    """`history`: the case's events in order (kind and data), when the caller has them: saves queries."""
    if case.kind == CaseKind.CONSULTATION:
        department = (
            Consultation.objects.filter(case_id=case.pk).values_list("department_id", flat=True).first() or 0
        )
        kind = CaseKind.CONSULTATION
    else:
        department = case.item.department_id
        kind = case.kind
        if kind == CaseKind.COMMITTED and case.item.case_kind == CaseKind.IMMEDIATE:
            if history is not None:
                converted = any(e.kind == EventKind.CONVERTED_TO_COMMITTED for e in history)
            else:
                converted = CaseEvent.objects.filter(
                    case_id=case.pk, kind=EventKind.CONVERTED_TO_COMMITTED
                ).exists()
            kind = CaseKind.IMMEDIATE if converted else kind
    return CaseFacts(
        department=department,
        hall=case.hall_id,
        item=case.item_id or 0,
        channel=case.channel,
        kind=kind,
        acceptance_date=case.acceptance_date,
        promised_due=case.promised_due,
        suspended_days=case.suspended_days,
    )


def record(case: Case, events: list[str], now, *, history=None) -> None:
    """The roll-up rows for the events of one case service call (the case_recorded receiver). `history`:
    every event of the case in order, the new ones included (kind and data), as the case services pass
    it; without it the facts are read from the stored events."""
    tally = Tally()
    _count(tally, case, events, now, history)
    apply(tally)


def record_many(recorded, now) -> None:
    """record() for several cases at once (cases_recorded: (case, events, history) each), written as one
    statement per roll-up table."""
    tally = Tally()
    for case, events, history in recorded:
        _count(tally, case, events, now, history)
    apply(tally)


def _count(tally: Tally, case: Case, events: list[str], now, history) -> None:
    counted = [k for k in events if k in COUNTED]
    if not counted:
        return
    facts = facts_of(case, history)
    day = timezone.localdate(now)
    for kind in counted:
        extra = {}
        if kind in ACCEPTING:
            extra["notice_before"] = _any(case, history, (EventKind.SUPPLEMENT_REQUESTED,))
        elif kind == EventKind.EXTENSION_DECIDED:
            if history is not None:
                last = next(({"data": e.data} for e in reversed(history) if e.kind == kind), None)
            else:
                last = (
                    CaseEvent.objects.filter(case_id=case.pk, kind=kind)
                    .order_by("-seq")
                    .values("data")
                    .first()
                )
            extra["approved"] = bool(last and last["data"].get("approved"))
        elif kind == EventKind.WITHDRAWN:
            extra["accepted_before"] = _any(case, history, ACCEPTING)
        contributions(facts, kind, day, tally, **extra)


def _any(case: Case, history, kinds) -> bool:
    if history is not None:
        return any(e.kind in kinds for e in history)
    return CaseEvent.objects.filter(case_id=case.pk, kind__in=kinds).exists()


def apply(tally: Tally, sign: int = 1) -> None:
    """Add the tally to the roll-up tables, daily and monthly: one statement per table that gets rows (in
    chunks of BUMP_ROWS rows)."""

    def rows(keys: tuple, cells) -> list[tuple[dict, dict]]:
        out = []
        for key, values in cells:
            values = {m: sign * v for m, v in values.items() if v}
            if values:
                out.append((dict(zip(keys, key, strict=True)), values))
        return out

    monthly_figures, monthly_durations = tally.by_month()
    _bump_rows(DailyFigure, rows(KEYS, tally.figures.items()))
    _bump_rows(MonthlyFigure, rows(MONTH_KEYS, monthly_figures.items()))
    _bump_rows(DailyDuration, rows((*KEYS, "used"), ((k, {"count": n}) for k, n in tally.durations.items())))
    _bump_rows(
        MonthlyDuration,
        rows((*MONTH_KEYS, "used"), ((k, {"count": n}) for k, n in monthly_durations.items())),
    )
    _bump_rows(LateClosure, rows((*KEYS, "due"), ((k, {"count": n}) for k, n in tally.late.items())))


BUMP_ROWS = 200  # rows per statement: well under the parameter limits of SQLite and PostgreSQL


def _bump_rows(model, rows: list[tuple[dict, dict]]) -> None:
    """INSERT … VALUES (…), (…) ON CONFLICT (keys) DO UPDATE SET m = m + excluded.m (SQLite ≥ 3.24 and
    PostgreSQL alike), one statement per chunk of rows with distinct keys. Every row gets every measure
    any row of the chunk has (0 where it has none: adding 0 changes nothing). The rows go in key order, so
    that two statements touching the same rows lock them in the same order (no deadlock between two
    lane openings over the same departments, say)."""
    rows = sorted(rows, key=lambda row: tuple(row[0].values()))
    for start in range(0, len(rows), BUMP_ROWS):
        chunk = rows[start : start + BUMP_ROWS]
        keys = list(chunk[0][0])
        measures = list(dict.fromkeys(m for _keys, values in chunk for m in values))
        q = connection.ops.quote_name
        table = q(model._meta.db_table)
        cols = [*keys, *measures]
        row_sql = "(" + ", ".join(["%s"] * len(cols)) + ")"
        updates = ", ".join(f"{q(m)} = {table}.{q(m)} + excluded.{q(m)}" for m in measures)
        values_sql = ", ".join([row_sql] * len(chunk))
        sql = (
            f"INSERT INTO {table} ({', '.join(q(c) for c in cols)}) VALUES {values_sql} "
            f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET {updates}"
        )
        params = []
        for row_keys, values in chunk:
            params.extend(row_keys[k] for k in keys)
            params.extend(values.get(m, 0) for m in measures)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# --- recomputed from the cases ------------------------------------------------------------------------


def direct(cases=None) -> Tally:
    """The roll-up rows recomputed from the stored cases and events (`cases`: a Case queryset to limit to)."""
    events = CaseEvent.objects.filter(kind__in=COUNTED)
    if cases is not None:
        events = events.filter(case__in=cases.values("pk"))
    converted = CaseEvent.objects.filter(case=OuterRef("case"), kind=EventKind.CONVERTED_TO_COMMITTED)
    notice_before = CaseEvent.objects.filter(
        case=OuterRef("case"), kind=EventKind.SUPPLEMENT_REQUESTED, seq__lt=OuterRef("seq")
    )
    accepted_before = CaseEvent.objects.filter(
        case=OuterRef("case"), kind__in=ACCEPTING, seq__lt=OuterRef("seq")
    )
    rows = events.annotate(
        converted=Exists(converted),
        notice_before=Exists(notice_before),
        accepted_before=Exists(accepted_before),
    ).values_list(
        "kind",
        "at",
        "data",
        "converted",
        "notice_before",
        "accepted_before",
        "case__kind",
        "case__item__department_id",
        "case__consultation__department_id",
        "case__hall_id",
        "case__item_id",
        "case__channel",
        "case__acceptance_date",
        "case__promised_due",
        "case__suspended_days",
    )
    tally = Tally()
    for (
        kind,
        at,
        data,
        converted_flag,
        notice_flag,
        accepted_flag,
        case_kind,
        item_dept,
        consult_dept,
        hall,
        item,
        channel,
        acceptance,
        due,
        suspended,
    ) in rows.iterator(chunk_size=5000):
        facts = CaseFacts(
            department=(consult_dept if case_kind == CaseKind.CONSULTATION else item_dept) or 0,
            hall=hall,
            item=item or 0,
            channel=channel,
            kind=CaseKind.IMMEDIATE if converted_flag else case_kind,
            acceptance_date=acceptance,
            promised_due=due,
            suspended_days=suspended,
        )
        contributions(
            facts,
            kind,
            timezone.localdate(at),
            tally,
            notice_before=notice_flag,
            approved=bool((data or {}).get("approved")),
            accepted_before=accepted_flag,
        )
    return tally.clean()


def stored() -> Tally:
    tally = Tally()
    for row in DailyFigure.objects.values(*KEYS, *MEASURES).iterator(chunk_size=5000):
        tally.figures[tuple(row[k] for k in KEYS)] = Counter({m: row[m] for m in MEASURES})
    for row in DailyDuration.objects.values_list(*KEYS, "used", "count").iterator(chunk_size=5000):
        tally.durations[row[:-1]] = row[-1]
    for row in LateClosure.objects.values_list(*KEYS, "due", "count").iterator(chunk_size=5000):
        tally.late[row[:-1]] = row[-1]
    return tally.clean()


def stored_by_month() -> tuple[dict[tuple, Counter], Counter]:
    """The monthly roll-up rows, as Tally.by_month() gives them (rows of zeros left out)."""
    figures = {}
    for row in MonthlyFigure.objects.values(*MONTH_KEYS, *MEASURES).iterator(chunk_size=5000):
        counts = Counter({m: row[m] for m in MEASURES if row[m]})
        if counts:
            figures[tuple(row[k] for k in MONTH_KEYS)] = counts
    durations = Counter(
        {
            row[:-1]: row[-1]
            for row in MonthlyDuration.objects.values_list(*MONTH_KEYS, "used", "count").iterator(
                chunk_size=5000
            )
            if row[-1]
        }
    )
    return figures, durations


@dataclass
class CheckResult:
    rows: int
    differences: list[str]

    @property
    def ok(self) -> bool:
        return not self.differences


def check(limit: int = 20) -> CheckResult:
    """Compare the roll-ups, daily and monthly, with a direct recount; lists the first `limit`
    differences."""
    want, have = direct(), stored()
    pairs = [(name, getattr(want, name), getattr(have, name)) for name in ("figures", "durations", "late")]
    monthly_want, monthly_have = want.by_month(), stored_by_month()
    monthly_want = ({k: c for k, c in monthly_want[0].items() if +c}, +monthly_want[1])
    pairs += [
        ("monthly figures", monthly_want[0], monthly_have[0]),
        ("monthly durations", monthly_want[1], monthly_have[1]),
    ]
    differences: list[str] = []
    for name, a, b in pairs:
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                differences.append(f"{name} {key}: direct {_show(a.get(key))} ≠ roll-up {_show(b.get(key))}")
    more = [f"… and {len(differences) - limit} more"] if len(differences) > limit else []
    return CheckResult(rows=len(have.figures), differences=differences[:limit] + more)


def _show(value) -> str:
    return str(dict(value)) if isinstance(value, Counter) else str(value or 0)


@transaction.atomic
def rebuild() -> int:
    """Replace the roll-ups with a direct recount (after a restore or a definition change)."""
    for model in (DailyFigure, DailyDuration, LateClosure, MonthlyFigure, MonthlyDuration):
        model.objects.all().delete()
    tally = direct()
    apply(tally)
    return len(tally.figures)
