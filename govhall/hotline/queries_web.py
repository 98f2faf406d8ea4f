"""What the web channel (民生网) reads: the public subjects, the reply limits by type, a citizen's own
messages, and the published answers with every trace of the caller taken out.

A published message shows its title, type, subject, area name, date, lead unit and reply; its content
only after `mask_personal` (runs of seven or more digits, ID numbers, and the caller's own name, phone
and address are starred). Reports (举报) and confidential tickets are never published, whatever the
caller ticked."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from govhall.hotline.models import (
    Dispatch,
    DispatchRole,
    DispatchState,
    Limit,
    RequestType,
    Subject,
    Ticket,
    TicketState,
    Urgency,
)
from govhall.hotline.services.intake import policy_in_force

PUBLIC_STATES = (TicketState.REPLIED, TicketState.CLOSED)
# A run of 7+ digits, spaces or hyphens allowed between them, with an ID number's final X: phone numbers,
# ID numbers (15 or 18 characters), bank cards. Unicode digits too (全角 １２３).
DIGIT_RUN = re.compile(r"\d(?:[\s\-]?\d){6,}(?:[\s\-]?[Xx])?")
MASK = "＊＊＊"


def mask_personal(text: str, *, name: str = "", phone: str = "", address: str = "") -> str:
    """The text with digit runs of 7 or more, ID numbers, and the given name, phone and address starred
    out."""
    text = text or ""
    for secret in (address, phone, name):
        secret = (secret or "").strip()
        if len(secret) >= 2:
            text = text.replace(secret, MASK)
    return DIGIT_RUN.sub(MASK, text)


def public_subjects() -> list[tuple[Subject, list[Subject]]]:
    """The level-1 subjects with their public level-3 leaves in use, in code order (empty groups left
    out); a leaf is public only if its parents are."""
    nodes = {s.code: s for s in Subject.objects.filter(is_public=True, is_active=True)}
    groups: dict[str, list[Subject]] = {}
    for code, subject in sorted(nodes.items()):
        if subject.level == 3 and code[:4] in nodes and code[:2] in nodes:
            groups.setdefault(code[:2], []).append(subject)
    return [(nodes[code], leaves) for code, leaves in groups.items()]


def subject_choices() -> list:
    """Grouped choices for a <select>: one <optgroup> per level-1 subject, options "level 2 · level 3"."""
    names = dict(Subject.objects.filter(level=2).values_list("code", "name"))
    return [
        (root.name, [(leaf.code, f"{names.get(leaf.code[:4], '')} · {leaf.name}") for leaf in leaves])
        for root, leaves in public_subjects()
    ]


def reply_workdays(now: datetime) -> dict[str, int | None]:
    """The policy in force's handling limit in working days per request type (normal urgency)."""
    policy = policy_in_force(now)
    if policy is None:
        return {}
    return dict(
        Limit.objects.filter(policy=policy, urgency=Urgency.NORMAL).values_list(
            "request_type", "handle_workdays"
        )
    )


def _with_lead(tickets: QuerySet) -> QuerySet:
    leads = (
        Dispatch.objects.filter(role=DispatchRole.LEAD)
        .exclude(state=DispatchState.WITHDRAWN)
        .select_related("unit")
        .order_by("-round", "-dispatched_at")
    )
    return tickets.select_related("subject", "subject__parent", "area").prefetch_related(
        Prefetch("dispatches", queryset=leads, to_attr="lead_dispatches")
    )


def lead_unit(ticket: Ticket):
    leads = getattr(ticket, "lead_dispatches", None)
    if leads is None:
        leads = list(
            ticket.dispatches.filter(role=DispatchRole.LEAD)
            .exclude(state=DispatchState.WITHDRAWN)
            .select_related("unit")
            .order_by("-round", "-dispatched_at")
        )
    return leads[0].unit if leads else None


def mine(user) -> QuerySet:
    return _with_lead(Ticket.objects.filter(caller_user=user)).order_by("-received_at", "-id")


def my_ticket(user, number: str) -> Ticket | None:
    if user is None or not user.is_authenticated:
        return None
    return mine(user).filter(number=number).first()


def published() -> QuerySet:
    """Answered messages the caller let us publish; never a report or a confidential one."""
    return (
        _with_lead(
            Ticket.objects.filter(publish_allowed=True, state__in=PUBLIC_STATES, confidential=False)
            .exclude(request_type=RequestType.REPORT)
            .exclude(reply="")
        )
        .order_by("-replied_at", "-id")
        .defer("caller_name", "caller_phone", "address", "lat", "lon")
    )


def search_published(*, words: str = "", request_type: str = "") -> QuerySet:
    """Published messages whose title or reply holds every word (the content is not searched: a search
    must not find what the page masks)."""
    found = published()
    for word in (words or "").split()[:5]:
        found = found.filter(Q(title__icontains=word) | Q(reply__icontains=word))
    if request_type:
        found = found.filter(request_type=request_type)
    return found


def public_views(tickets) -> list[dict]:
    """What published messages show: nothing of the caller's beyond the area's name. The caller's name
    and phone are read only to star them out of the text (one query for the whole page)."""
    tickets = list(tickets)
    secrets = {
        row["pk"]: row
        for row in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values(
            "pk", "caller_name", "caller_phone", "address"
        )
    }
    views = []
    for ticket in tickets:
        row = secrets.get(ticket.pk, {})
        hide = {
            "name": row.get("caller_name", ""),
            "phone": row.get("caller_phone", ""),
            "address": row.get("address", ""),
        }
        views.append(
            {
                "ticket": ticket,
                "number": ticket.number,
                "title": mask_personal(ticket.title, **hide),
                "content": mask_personal(ticket.content, **hide),
                "reply": mask_personal(ticket.reply, **hide),
                "unit": lead_unit(ticket),
            }
        )
    return views
