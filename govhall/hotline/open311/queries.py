"""Reads of the Open311 endpoint: services, one definition, and service requests as the spec's rows.

What GET shows: tickets on a public subject that are not confidential (a 举报 is always confidential), and
never a contact field. A ticket from another channel shows its title instead of the caller's own words
unless the caller allowed publication; status_notes is the public reply once there is one."""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.hotline.models import (
    Channel,
    Dispatch,
    DispatchRole,
    DispatchState,
    Subject,
    Ticket,
    TicketState,
)
from govhall.hotline.open311.params import MAX_RESULTS, RequestFilter, attribute_definitions, public_services

REPLIED_STATES = (TicketState.REPLIED, TicketState.REVIEW, TicketState.CLOSED)


def discovery(base_url: str) -> dict:
    """The discovery document; base_url is the absolute URL of /open311/v2/."""
    return {
        "changeset": "2026-12-05T00:00:00+08:00",
        "contact": getattr(settings, "GOVHALL_OPEN311_CONTACT", _("12345 hotline centre")),
        "key_service": _("Ask the 12345 hotline centre for an API key (govhall open311 key create NAME)."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base_url.rstrip("/"),
                "changeset": "2026-12-05T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def services() -> list[dict]:
    leaves = list(public_services().select_related("parent__parent").order_by("code"))
    return [
        {
            "service_code": s.code,
            "service_name": s.name,
            "description": s.description,
            "metadata": bool(s.attributes),
            "type": "realtime",
            "keywords": ",".join(p for p in (s.parent.name if s.parent else "",) if p),
            "group": s.parent.parent.name if s.parent and s.parent.parent else "",
        }
        for s in leaves
    ]


def service_definition(subject: Subject) -> dict:
    return {"service_code": subject.code, "attributes": attribute_definitions(subject)}


def visible_tickets():
    return Ticket.objects.filter(subject__is_public=True, subject__level=3, confidential=False).exclude(
        request_type="report"
    )


def lead_unit_name():
    """The lead unit of the ticket's current round (the newest lead dispatch not withdrawn)."""
    return Subquery(
        Dispatch.objects.filter(ticket=OuterRef("pk"), round=OuterRef("round"), role=DispatchRole.LEAD)
        .exclude(state=DispatchState.WITHDRAWN)
        .order_by("-id")
        .values("unit__name")[:1]
    )


FIELDS = (
    "number",
    "state",
    "channel",
    "publish_allowed",
    "title",
    "content",
    "reply",
    "subject__code",
    "subject__name",
    "address",
    "lat",
    "lon",
    "received_at",
    "dispatched_at",
    "replied_at",
    "closed_at",
    "reply_due_at",
)


def find_requests(flt: RequestFilter):
    """The matching tickets, newest first, at most MAX_RESULTS, as value dicts (one query)."""
    rows = visible_tickets()
    if flt.ids:
        rows = rows.filter(number__in=flt.ids)
    else:
        rows = rows.filter(received_at__gte=flt.start, received_at__lte=flt.end)
        if flt.service_codes:
            rows = rows.filter(subject__code__in=flt.service_codes)
        if flt.statuses == ["open"]:
            rows = rows.exclude(state=TicketState.CLOSED)
        elif flt.statuses == ["closed"]:
            rows = rows.filter(state=TicketState.CLOSED)
    rows = rows.annotate(agency=lead_unit_name()).order_by("-received_at", "-id")
    return rows.values(*FIELDS, "agency")[:MAX_RESULTS]


def request_rows(tickets) -> list[dict]:
    """Tickets (value dicts of find_requests) as the spec's service requests. No contact field. The zone
    and the state names are looked up once: a 1,000-row answer spends most of its time here."""
    zone = timezone.get_current_timezone()
    labels = {state: str(label) for state, label in TicketState.choices}

    def when(value):
        return value.astimezone(zone).isoformat(timespec="seconds") if value is not None else None

    rows = []
    for t in tickets:
        replied = t["state"] in REPLIED_STATES and t["reply"]
        public_words = t["channel"] == Channel.OPEN311 or t["publish_allowed"]
        updated = max(d for d in (t["received_at"], t["dispatched_at"], t["replied_at"], t["closed_at"]) if d)
        rows.append(
            {
                "service_request_id": t["number"],
                "status": "closed" if t["state"] == TicketState.CLOSED else "open",
                "status_notes": t["reply"] if replied else None,
                "service_name": t["subject__name"],
                "service_code": t["subject__code"],
                "description": t["content"] if public_words else t["title"],
                "agency_responsible": t["agency"],
                "service_notice": labels[t["state"]],
                "requested_datetime": when(t["received_at"]),
                "updated_datetime": when(updated),
                "expected_datetime": when(t["reply_due_at"]),
                "address": t["address"] or None,
                "address_id": None,
                "zipcode": None,
                "lat": t["lat"],
                "long": t["lon"],
                "media_url": None,
            }
        )
    return rows


def base_url(request) -> str:
    return request.build_absolute_uri(reverse("open311:base"))
