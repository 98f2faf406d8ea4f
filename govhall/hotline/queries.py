"""Reads of the hotline's staff pages and API: who sees which ticket and dispatch, the lights of the
dispatches computed in SQL, the caller's earlier tickets, and the centre's work lists."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from govhall.hotline.models import (
    OPEN_DISPATCH_STATES,
    Dispatch,
    DispatchRole,
    DispatchState,
    ExtensionRequest,
    ExtensionState,
    IncomingCall,
    Subject,
    Ticket,
    TicketEvent,
    TicketState,
)
from govhall.hotline.services.common import UNIT_ROLES, is_centre
from govhall.hotline.services.intake import normalise_phone
from govhall.supervision import lights

NEVER_PAUSED = Q(pk__isnull=True)
DISPATCH_LIT = Q(state__in=OPEN_DISPATCH_STATES)
OPEN_TICKET_STATES = (TicketState.DISPATCHED, TicketState.HANDLING)
# A unit's list, most urgent first: red, yellow, green, then the ones without a light (done, withdrawn).
LIGHT_ORDER = {lights.RED: 0, lights.YELLOW: 1, lights.GREEN: 2}


def with_lights(rows: QuerySet[Dispatch], now: datetime) -> QuerySet[Dispatch]:
    """Dispatches with `.light` ('green' / 'yellow' / 'red'; NULL once done or withdrawn)."""
    return rows.annotate(light=lights.light_expression(now, paused=NEVER_PAUSED, lit=DISPATCH_LIT))


def light_filter(light: str, now: datetime) -> Q:
    return lights.conditions(now, paused=NEVER_PAUSED)[light] & DISPATCH_LIT


def is_unit_user(user) -> bool:
    return getattr(user, "role", None) in UNIT_ROLES and bool(getattr(user, "department_id", None))


def visible_tickets(user) -> QuerySet[Ticket]:
    """The centre sees every ticket; a unit's staff the tickets dispatched to their unit (any round);
    everyone else none."""
    rows = Ticket.objects.select_related("subject", "area")
    if is_centre(user):
        return rows
    if is_unit_user(user):
        return rows.filter(dispatches__unit_id=user.department_id).distinct()
    return rows.none()


def visible_dispatches(user) -> QuerySet[Dispatch]:
    """A unit's staff see their unit's dispatches, the centre every dispatch; a unit never sees another
    unit's (the pages and the API answer 404)."""
    rows = Dispatch.objects.select_related("ticket", "ticket__subject", "ticket__area", "unit")
    if is_centre(user):
        return rows
    if is_unit_user(user):
        return rows.filter(unit_id=user.department_id)
    return rows.none()


def dispatches_prefetch(now: datetime) -> Prefetch:
    return Prefetch(
        "dispatches",
        queryset=with_lights(Dispatch.objects.select_related("unit"), now).order_by("round", "role", "id"),
    )


def ticket_with_children(
    pk: int, now: datetime, *, rows: QuerySet[Ticket] | None = None, dispatches: bool = True
) -> Ticket:
    """A ticket with its dispatches (and their lights at `now`) and its event log. `dispatches=False`
    for a ticket known to have none (just registered): its dispatches are then empty without a query."""
    rows = rows if rows is not None else Ticket.objects.all()
    events = Prefetch("events", queryset=TicketEvent.objects.select_related("by").order_by("at", "id"))
    rows = rows.select_related("subject", "area", "operator", "replied_by", "catalogue", "limit_policy")
    if not dispatches:
        ticket = rows.prefetch_related(events).get(pk=pk)
        ticket._prefetched_objects_cache["dispatches"] = Dispatch.objects.none()
        return ticket
    return rows.prefetch_related(dispatches_prefetch(now), events).get(pk=pk)


# The caller's earlier tickets (caller lookup at the workbench).
HISTORY_LIMIT = 20


def caller_history(phone: str, *, limit: int = HISTORY_LIMIT) -> list[Ticket]:
    """The caller's tickets by phone number, newest first, with their lead unit (the current round's)."""
    phone = normalise_phone(phone)
    if len(phone) < 7:
        return []
    rows = list(
        Ticket.objects.filter(caller_phone=phone)
        .select_related("subject")
        .prefetch_related(
            Prefetch(
                "dispatches",
                queryset=Dispatch.objects.filter(role=DispatchRole.LEAD)
                .exclude(state=DispatchState.WITHDRAWN)
                .select_related("unit")
                .order_by("-round", "-id"),
                to_attr="leads",
            )
        )
        .order_by("-received_at", "-id")[:limit]
    )
    for ticket in rows:
        ticket.lead_unit = ticket.leads[0].unit if ticket.leads else None
    return rows


def latest_call(user) -> IncomingCall | None:
    return IncomingCall.objects.filter(operator=user).order_by("-id").first()


def search_subjects(q: str, *, limit: int = 15) -> list[Subject]:
    """Third-level subjects in use whose code starts with `q` or whose name (or a parent's) contains it,
    each with its path ('城乡建设 › 市政设施 › 道路破损')."""
    q = (q or "").strip()
    if not q:
        return []
    rows = Subject.objects.filter(level=3, is_active=True).select_related("parent", "parent__parent")
    if q.isdigit():
        rows = rows.filter(code__startswith=q)
    else:
        rows = rows.filter(
            Q(name__contains=q) | Q(parent__name__contains=q) | Q(parent__parent__name__contains=q)
        )
    found = list(rows.order_by("code")[:limit])
    for s in found:
        s.path = subject_path(s)
    return found


def subject_path(subject: Subject) -> str:
    names = []
    node = subject
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " › ".join(reversed(names))


# The centre's work lists.
CENTRE_LISTS = ("registered", "open", "callback", "returns", "extensions", "review")


def centre_list(name: str, now: datetime, *, limit: int = 200) -> list:
    """Rows of one of the centre's lists, oldest (or most urgent) first."""
    tickets = Ticket.objects.select_related("subject", "area")
    if name == "registered":  # web and Open311 tickets waiting to be dispatched
        return list(tickets.filter(state=TicketState.REGISTERED).order_by("received_at", "id")[:limit])
    if name == "open":
        return list(
            tickets.filter(state__in=OPEN_TICKET_STATES)
            .prefetch_related(dispatches_prefetch(now))
            .order_by("reply_due_at", "id")[:limit]
        )
    if name == "callback":
        return list(tickets.filter(state=TicketState.REPLIED).order_by("replied_at", "id")[:limit])
    if name == "review":
        return list(tickets.filter(state=TicketState.REVIEW).order_by("replied_at", "id")[:limit])
    if name == "returns":
        return list(
            with_lights(
                Dispatch.objects.filter(state=DispatchState.RETURN_REQUESTED).select_related(
                    "ticket", "ticket__subject", "unit", "return_reason"
                ),
                now,
            ).order_by("returned_at", "id")[:limit]
        )
    if name == "extensions":
        return list(
            ExtensionRequest.objects.filter(state=ExtensionState.PENDING)
            .select_related("dispatch", "dispatch__ticket", "dispatch__unit", "requested_by")
            .order_by("requested_at", "id")[:limit]
        )
    raise KeyError(name)


def centre_counts() -> dict[str, int]:
    """How many rows wait in each list (six small counts on indexed states, for the tabs)."""
    by_state = dict(
        Ticket.objects.filter(
            state__in=[TicketState.REGISTERED, TicketState.REPLIED, TicketState.REVIEW, *OPEN_TICKET_STATES]
        )
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "registered": by_state.get(TicketState.REGISTERED, 0),
        "open": by_state.get(TicketState.DISPATCHED, 0) + by_state.get(TicketState.HANDLING, 0),
        "callback": by_state.get(TicketState.REPLIED, 0),
        "review": by_state.get(TicketState.REVIEW, 0),
        "returns": Dispatch.objects.filter(state=DispatchState.RETURN_REQUESTED).count(),
        "extensions": ExtensionRequest.objects.filter(state=ExtensionState.PENDING).count(),
    }


# A unit's dispatches.
UNIT_LISTS = {
    "pending": (DispatchState.PENDING,),
    "signed": (DispatchState.SIGNED,),
    "returning": (DispatchState.RETURN_REQUESTED, DispatchState.WITHDRAWN),
    "done": (DispatchState.DONE,),
}


def unit_dispatches(user, now: datetime, *, tab: str = "pending", limit: int = 300) -> list[Dispatch]:
    """The unit's dispatches of one tab; open ones red first, then yellow, then green, each by due time."""
    rows = with_lights(visible_dispatches(user).filter(state__in=UNIT_LISTS[tab]), now)
    if tab in ("done", "returning"):
        return list(rows.order_by("-dispatched_at", "-id")[:limit])
    found = list(rows.order_by("due_at", "id")[:limit])
    found.sort(key=lambda d: (LIGHT_ORDER.get(d.light, 3), d.due_at or now))
    return found


def unit_counts(user) -> dict[str, int]:
    by_state = dict(visible_dispatches(user).values_list("state").annotate(n=Count("pk")).order_by())
    return {tab: sum(by_state.get(s, 0) for s in states) for tab, states in UNIT_LISTS.items()}


def caller_for(ticket: Ticket, user) -> dict:
    """What `user` may see of the caller (govhall.hotline.services.privacy.caller_view decides)."""
    from govhall.hotline.services.privacy import caller_view

    return caller_view(ticket, user)
