"""Reads of the visit (part visit): the queue and its estimated wait, the hall display, bookable slots,
no-shows, and waiting and service times for statistics."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from govhall.visits.models import Booking, BookingState, Slot, Visit, VisitState, WindowGroup
from govhall.workdays import calendar as workdays

# Served visits of the day needed before their average replaces the group's configured service time.
MIN_SERVED_FOR_AVERAGE = 3
DISPLAY_ROWS = 8


@dataclass(frozen=True)
class QueueInfo:
    group: WindowGroup
    waiting: int
    ahead: int
    wait_minutes: int
    service_minutes: float


def service_minutes(group: WindowGroup, day: date) -> float:
    """Today's average service time of the group, or its configured one while fewer than 3 were served."""
    rows = list(
        Visit.objects.filter(group=group, day=day, state=VisitState.DONE, started_at__isnull=False)
        .order_by("-ended_at")
        .values_list("started_at", "ended_at")[:50]
    )
    if len(rows) < MIN_SERVED_FOR_AVERAGE:
        return float(group.service_minutes)
    return sum((end - start).total_seconds() for start, end in rows) / len(rows) / 60


def queue_info(group: WindowGroup, *, now: datetime, visit: Visit | None = None) -> QueueInfo:
    """How many wait in the group and, for `visit`, how many before it; the estimated wait in minutes.
    With a visit only those ahead are counted (a ticket's answer): `waiting` is then ahead + 1."""
    day = timezone.localdate(now)
    waiting_qs = Visit.objects.filter(group=group, day=day, state=VisitState.WAITING)
    if visit is None:
        ahead = waiting = waiting_qs.count()
    else:
        key = (visit.queue_at, visit.priority, visit.sequence)
        ahead = waiting_qs.filter(
            Q(queue_at__lt=key[0])
            | Q(queue_at=key[0], priority__lt=key[1])
            | Q(queue_at=key[0], priority=key[1], sequence__lt=key[2])
        ).count()
        waiting = ahead + 1
    minutes = service_minutes(group, day)
    windows = max(1, group.windows.filter(is_active=True).count())
    return QueueInfo(group, waiting, ahead, math.ceil(ahead * minutes / windows), round(minutes, 1))


def display_rows(hall, *, now: datetime) -> list[dict]:
    """The numbers being called or served at the hall's windows now, the latest call first."""
    day = timezone.localdate(now)
    rows = (
        Visit.objects.filter(hall=hall, day=day, state__in=(VisitState.CALLED, VisitState.SERVING))
        .order_by("-called_at")
        .values("pk", "number", "state", "calls", "called_at", "window__number", "window__name")[
            :DISPLAY_ROWS
        ]
    )
    return [
        {
            "number": r["number"],
            "window": r["window__number"],
            "window_name": r["window__name"],
            "state": r["state"],
            "calls": r["calls"],
            "called_at": r["called_at"],
        }
        for r in rows
    ]


def display_version(rows: list[dict], queues: list[dict] = ()) -> str:
    """A short tag of what the display shows: unchanged tag, nothing to redraw (the poll answers 204)."""
    raw = "|".join(f"{r['number']}:{r['window']}:{r['state']}:{r['calls']}" for r in rows)
    raw += "|" + ",".join(f"{q['code']}={q['waiting']}" for q in queues)
    return hashlib.blake2s(raw.encode(), digest_size=6).hexdigest()


def waiting_by_group(hall, *, now: datetime) -> list[dict]:
    """The hall's active groups with how many wait in each: one grouped count."""
    day = timezone.localdate(now)
    groups = list(WindowGroup.objects.filter(hall=hall, is_active=True))
    counts = dict(
        Visit.objects.filter(hall=hall, day=day, state=VisitState.WAITING)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [{"group": g, "code": g.code, "name": g.name, "waiting": counts.get(g.pk, 0)} for g in groups]


def groups_for_item(item) -> QuerySet[WindowGroup]:
    """The active window groups that serve the item (any version of its code)."""
    return WindowGroup.objects.filter(is_active=True, items__code=item.code).distinct().select_related("hall")


def bookable_slots(groups, *, item=None, now: datetime, days: int = 14) -> list[Slot]:
    """Slots not yet started, on working days, with a free place, of these groups (and open to the item)."""
    until = timezone.localdate(now) + timedelta(days=days)
    qs = Slot.objects.filter(group__in=groups, start_at__gt=now, day__lte=until).select_related("group__hall")
    if item is not None:
        qs = qs.filter(Q(item__isnull=True) | Q(item__code=item.code))
    return [
        s for s in qs.order_by("start_at", "group") if s.booked < s.capacity and workdays.is_workday(s.day)
    ]


def bookings_of(person) -> QuerySet[Booking]:
    return Booking.objects.filter(person=person).select_related("slot__group__hall", "item", "visit")


def no_shows(*, now: datetime, hall=None, since: date | None = None) -> QuerySet[Booking]:
    """Bookings whose slot ended without a number taken."""
    qs = Booking.objects.filter(state=BookingState.BOOKED, slot__end_at__lte=now)
    if hall is not None:
        qs = qs.filter(slot__group__hall=hall)
    if since is not None:
        qs = qs.filter(slot__day__gte=since)
    return qs


# --- statistics --------------------------------------------------------------------------------------


def visit_times(*, start: date, end: date, hall=None) -> list[dict]:
    """Waiting (ticket → call) and service (start → end) times per hall, window group and hour of the
    ticket, over the days start..end; averages in minutes. Visits of a day are few thousand at most, so
    the rows are summed here, the same on SQLite and PostgreSQL."""
    qs = Visit.objects.filter(day__gte=start, day__lte=end).exclude(state=VisitState.CANCELLED)
    if hall is not None:
        qs = qs.filter(hall=hall)
    buckets: dict[tuple, dict] = {}
    for v in qs.values(
        "hall__name",
        "group__code",
        "group__name",
        "ticket_at",
        "called_at",
        "started_at",
        "ended_at",
        "state",
    ).iterator():
        hour = timezone.localtime(v["ticket_at"]).hour
        key = (v["hall__name"], v["group__code"], v["group__name"], hour)
        b = buckets.setdefault(
            key, {"visits": 0, "called": 0, "wait": 0.0, "served": 0, "service": 0.0, "absent": 0}
        )
        b["visits"] += 1
        if v["called_at"]:
            b["called"] += 1
            b["wait"] += (v["called_at"] - v["ticket_at"]).total_seconds()
        if v["state"] == VisitState.DONE and v["started_at"] and v["ended_at"]:
            b["served"] += 1
            b["service"] += (v["ended_at"] - v["started_at"]).total_seconds()
        if v["state"] == VisitState.ABSENT:
            b["absent"] += 1
    rows = []
    for (hall_name, code, name, hour), b in sorted(buckets.items()):
        rows.append(
            {
                "hall": hall_name,
                "group": code,
                "group_name": name,
                "hour": hour,
                "visits": b["visits"],
                "served": b["served"],
                "absent": b["absent"],
                "wait_minutes": round(b["wait"] / b["called"] / 60, 1) if b["called"] else None,
                "service_minutes": round(b["service"] / b["served"] / 60, 1) if b["served"] else None,
            }
        )
    return rows
