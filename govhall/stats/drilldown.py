"""The cases behind a figure: every count of docs/indicators.md as a Case queryset.

The roll-ups count events; here the same definitions select the cases directly from the events, so a
figure on the dashboard and the list it links to agree (a case with two events of a kind, two one-time
notices say, counts twice in the figure and is listed once).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import Case, CaseEvent, CaseKind, CaseState, EventKind
from govhall.stats.queries import Filters
from govhall.stats.rollup import ACCEPTING

E = EventKind
# measure → (event kinds, extra condition on the events)
EVENTS: dict[str, tuple[tuple[str, ...], Q]] = {
    "received": ((E.RECEIVED, E.CONSULTATION_REGISTERED), Q()),
    "accepted": ((*ACCEPTING, E.CONSULTATION_REGISTERED), Q()),
    "consultations": ((E.CONSULTATION_REGISTERED,), Q()),
    "first_time": (ACCEPTING, Q(notice_before=False)),
    "rejected": ((E.REJECTED,), Q()),
    "notices": ((E.SUPPLEMENT_REQUESTED,), Q()),
    "suspensions": ((E.SUSPENDED,), Q()),
    "extensions": ((E.EXTENSION_DECIDED,), Q(data__approved=True)),
    "withdrawn": ((E.WITHDRAWN,), Q()),
    "concluded": ((E.CONCLUDED, E.CONSULTATION_ANSWERED), Q()),
    "timed_concluded": ((E.CONCLUDED,), Q()),
    "on_time": ((E.CONCLUDED,), Q(day__lte=F("case__promised_due"))),
    "early": ((E.CONCLUDED,), Q(day__lt=F("case__promised_due"))),
    "late": ((E.CONCLUDED,), Q(day__gt=F("case__promised_due"))),
    "online_decided": ((*ACCEPTING, E.REJECTED), Q(case__channel="online")),
    "online_first_time": (ACCEPTING, Q(notice_before=False, case__channel="online")),
}
TIMED = frozenset({"timed_concluded", "on_time", "early", "late"})
MEASURES = (*EVENTS, "open_overdue")

LABELS = {
    "received": _("Received"),
    "accepted": _("Accepted"),
    "consultations": _("Consultations"),
    "first_time": _("First-time complete"),
    "rejected": _("Not accepted"),
    "notices": _("One-time notices"),
    "suspensions": _("Suspensions"),
    "extensions": _("Extensions approved"),
    "withdrawn": _("Withdrawn"),
    "concluded": _("Concluded"),
    "timed_concluded": _("Concluded with a time limit"),
    "on_time": _("Concluded on time"),
    "early": _("Concluded early"),
    "late": _("Concluded late"),
    "open_overdue": _("Open and overdue at the end"),
    "online_decided": _("Online applications decided at intake"),
    "online_first_time": _("Online applications accepted without correction"),
}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def scope(rows: QuerySet, f: Filters, *, kind: str = "", channel: str = "", via: str = "") -> QuerySet:
    """Cases of the filter's department, halls, item, lane, kind (as received) and channel; `via`:
    "case__" when `rows` are events (the conditions then apply to each event's case)."""

    def q(**conditions) -> Q:
        return Q(**{f"{via}{k}": v for k, v in conditions.items()})

    if f.department is not None:
        rows = rows.filter(
            q(item__department_id=f.department, consultation__isnull=True)
            | q(consultation__department_id=f.department)
        )
    halls = f.hall_ids()
    if halls is not None:
        rows = rows.filter(q(hall_id__in=halls))
    items = f.item_ids()
    if items is not None:
        rows = rows.filter(q(item_id__in=items))
    if f.lane is not None:
        rows = rows.filter(q(lane_link__lane_case__lane__code=f.lane))
    if channel:
        rows = rows.filter(q(channel=channel))
    if kind:
        case = OuterRef("case_id" if via else "pk")
        converted = Exists(CaseEvent.objects.filter(case=case, kind=E.CONVERTED_TO_COMMITTED))
        if kind == CaseKind.IMMEDIATE:
            rows = rows.filter(q(kind=CaseKind.IMMEDIATE) | Q(converted))
        elif kind == CaseKind.COMMITTED:
            rows = rows.filter(q(kind=CaseKind.COMMITTED)).exclude(converted)
        else:
            rows = rows.filter(q(kind=kind))
    return rows


def events_for(f: Filters, measure: str) -> QuerySet[CaseEvent]:
    """The events that `measure` counts in the period (ValueError for an unknown measure)."""
    if measure not in EVENTS:
        raise ValueError(f"measure: one of {', '.join(MEASURES)}")
    kinds, condition = EVENTS[measure]
    events = CaseEvent.objects.filter(
        kind__in=kinds, at__gte=_moment(f.date_from), at__lt=_moment(f.date_to + timedelta(days=1))
    ).annotate(
        day=TruncDate("at", tzinfo=timezone.get_current_timezone()),
        notice_before=Exists(
            CaseEvent.objects.filter(
                case=OuterRef("case"), kind=E.SUPPLEMENT_REQUESTED, seq__lt=OuterRef("seq")
            )
        ),
    )
    events = events.filter(condition)
    if measure in TIMED:
        events = events.exclude(case__kind=CaseKind.CONSULTATION).filter(case__promised_due__isnull=False)
    return events


def cases_for(f: Filters, measure: str, *, kind: str = "", channel: str = "") -> QuerySet[Case]:
    """The cases counted by `measure` in the period and filter (ValueError for an unknown measure)."""
    cases = scope(Case.objects.all(), f, kind=kind, channel=channel)
    if measure == "open_overdue":
        return _open_overdue(cases, f.date_to)
    return cases.filter(pk__in=events_for(f, measure).values("case_id"))


# Events that a case can have only once in its life: a list of them counts one case per event.
ONCE = frozenset(EVENTS) - {"notices", "suspensions", "extensions"}
COUNT_AT_MOST = 10_000  # a longer list says "more than 10,000" (the dashboard's figure is exact)
SELECTED = ("item", "item__department", "hall", "consultation__department")


def first_cases(
    f: Filters, measure: str, *, kind: str = "", channel: str = "", limit: int = 200
) -> tuple[list[Case], int, bool]:
    """The page of cases behind a figure: (the first `limit`, how many in all, whether that number is
    only a lower bound). The cases come in the order in which they entered the figure (the time of the
    event counted: of receipt for "received", of conclusion for "concluded"; by receipt for the open and
    overdue cases), read along the events' (kind, time) index and stopped after the page; the count
    stops at COUNT_AT_MOST.

    On PostgreSQL the reads run with random_page_cost 1.1 (the usual setting for data in memory or on
    SSD) instead of the default 4, which makes the planner read the whole cases table to join a period's
    events to their cases instead of looking them up by id (docs/benchmarks.md, "Drill-down")."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL random_page_cost = 1.1")
        if measure == "open_overdue":
            found = cases_for(f, measure, kind=kind, channel=channel)
            rows = list(found.select_related(*SELECTED).order_by("received_at", "pk")[: limit + 1])
            return rows[:limit], len(rows) if len(rows) <= limit else found.count(), False
        events = scope(events_for(f, measure), f, kind=kind, channel=channel, via="case__")
        ids = _first_distinct(events.order_by("at", "case_id").values_list("case_id", flat=True), limit)
        by_id = Case.objects.select_related(*SELECTED).in_bulk(ids)
        rows = [by_id[pk] for pk in ids[:limit]]
        if len(ids) <= limit:
            return rows, len(ids), False
        counted = events if measure in ONCE else events.values("case_id").distinct()
        total = counted.order_by()[: COUNT_AT_MOST + 1].count()
        return rows, min(total, COUNT_AT_MOST), total > COUNT_AT_MOST


def _first_distinct(case_ids: QuerySet, limit: int, batch: int = 1000) -> list[int]:
    """The first limit + 1 distinct ids of an ordered list of event case ids (a case with two events of a
    repeatable kind is listed once, at its first)."""
    out, seen, start = [], set(), 0
    while len(out) <= limit:
        chunk = list(case_ids[start : start + batch])
        for pk in chunk:
            if pk not in seen:
                seen.add(pk)
                out.append(pk)
        if len(chunk) < batch:
            break
        start += batch
    return out[: limit + 1]


# More cases than this open and overdue at one moment: selected by a condition instead of by their ids.
IDS_AT_MOST = 20_000


def _open_overdue(cases: QuerySet, end: date) -> QuerySet:
    """open_overdue_at(end) read as two selective reads, then the cases by id: the cases still open (by
    state), and the cases closed after `end` (their closing events after it, by kind and time) among those
    due on a date on which, by the LateClosure roll-up, some case due before `end` was closed after it.
    One condition with OR would make the database test every case due before `end` (all of them, for a
    recent month) for a later closing event; the roll-up only narrows where to look, the events decide."""
    from govhall.stats.models import LateClosure

    base = cases.exclude(kind=CaseKind.CONSULTATION).filter(
        acceptance_date__isnull=False, promised_due__lt=end
    )
    ids = set(base.filter(state__in=(CaseState.ACCEPTED, CaseState.SUSPENDED)).values_list("pk", flat=True))
    dues = sorted(set(LateClosure.objects.filter(day__gt=end, due__lt=end).values_list("due", flat=True)))
    if dues:
        closings = CaseEvent.objects.filter(
            kind__in=(E.CONCLUDED, E.WITHDRAWN), at__gte=_moment(end + timedelta(days=1))
        )
        late = base.filter(promised_due__in=dues, pk__in=closings.values("case_id"))
        ids |= set(late.values_list("pk", flat=True)[: IDS_AT_MOST + 1])
    if len(ids) > IDS_AT_MOST:
        return cases.filter(open_overdue_at(end))
    return Case.objects.filter(pk__in=sorted(ids))


def open_overdue_at(end: date) -> Q:
    """Accepted immediate or committed cases open at the end of `end` with their due date before it:
    still open now, or closed (concluded, withdrawn) on a later day."""
    closed_later = CaseEvent.objects.filter(
        case=OuterRef("pk"), kind__in=(E.CONCLUDED, E.WITHDRAWN), at__gte=_moment(end + timedelta(days=1))
    )
    return (
        ~Q(kind=CaseKind.CONSULTATION)
        & Q(acceptance_date__isnull=False, promised_due__lt=end)
        & (Q(state__in=(CaseState.ACCEPTED, CaseState.SUSPENDED)) | Q(Exists(closed_later)))
    )
