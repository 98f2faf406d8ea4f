"""The cases behind a figure: every count of docs/indicators.md as a Case queryset.

The roll-ups count events; here the same definitions select the cases directly from the events, so a
figure on the dashboard and the list it links to agree (a case with two events of a kind, two one-time
notices say, counts twice in the figure and is listed once).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

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
}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def scope(cases: QuerySet, f: Filters, *, kind: str = "", channel: str = "") -> QuerySet:
    """Cases of the filter's department, halls, item, lane, kind (as received) and channel."""
    if f.department is not None:
        cases = cases.filter(
            Q(item__department_id=f.department, consultation__isnull=True)
            | Q(consultation__department_id=f.department)
        )
    halls = f.hall_ids()
    if halls is not None:
        cases = cases.filter(hall_id__in=halls)
    items = f.item_ids()
    if items is not None:
        cases = cases.filter(item_id__in=items)
    if f.lane is not None:
        cases = cases.filter(lane_link__lane_case__lane__code=f.lane)
    if channel:
        cases = cases.filter(channel=channel)
    if kind:
        converted = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), kind=E.CONVERTED_TO_COMMITTED))
        if kind == CaseKind.IMMEDIATE:
            cases = cases.filter(Q(kind=CaseKind.IMMEDIATE) | Q(converted))
        elif kind == CaseKind.COMMITTED:
            cases = cases.filter(kind=CaseKind.COMMITTED).exclude(converted)
        else:
            cases = cases.filter(kind=kind)
    return cases


def cases_for(f: Filters, measure: str, *, kind: str = "", channel: str = "") -> QuerySet[Case]:
    """The cases counted by `measure` in the period and filter (ValueError for an unknown measure)."""
    cases = scope(Case.objects.all(), f, kind=kind, channel=channel)
    if measure == "open_overdue":
        return cases.filter(open_overdue_at(f.date_to))
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
        cases = cases.exclude(kind=CaseKind.CONSULTATION).filter(promised_due__isnull=False)
    return cases.filter(pk__in=events.values("case_id"))


def first_cases(
    f: Filters, measure: str, *, kind: str = "", channel: str = "", limit: int = 200
) -> tuple[list[Case], int]:
    """The page of cases behind a figure: the first `limit` by receipt (with what the list shows), and
    how many there are in all (counted only when there are more than `limit`)."""
    found = cases_for(f, measure, kind=kind, channel=channel)
    rows = list(
        found.select_related("item", "item__department", "hall", "consultation__department").order_by(
            "received_at", "pk"
        )[: limit + 1]
    )
    return rows[:limit], len(rows) if len(rows) <= limit else found.count()


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
