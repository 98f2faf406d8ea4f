"""Reads of the knowledge base: what a user may see, a unit's list, upkeep figures, the unit's to-do.

Published versions (current, superseded or expired) are readable by the centre and every unit's staff, so a
ticket's citation always opens. A change in progress is seen by the owning unit and the centre's approvers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from govhall.core.models import Role
from govhall.hotline.knowledge.services import APPROVERS, UNIT_STAFF
from govhall.hotline.models import (
    Dispatch,
    DispatchRole,
    KnowledgeCitation,
    KnowledgeEntry,
    KnowledgeVersion,
    RequestType,
    Ticket,
    TicketState,
    VersionState,
)
from govhall.hotline.services.common import is_centre

# How far back a closed enquiry without a citation still asks its unit for an entry.
TODO_DAYS = 30


def is_staff(user) -> bool:
    return is_centre(user) or (
        user is not None
        and user.is_active
        and getattr(user, "role", None) in UNIT_STAFF
        and user.department_id
    )


def sees_changes(user, entry: KnowledgeEntry) -> bool:
    role = getattr(user, "role", None)
    return role in APPROVERS or (role in UNIT_STAFF and user.department_id == entry.owner_id)


def visible_entries(user) -> QuerySet[KnowledgeEntry]:
    """Entries with a published version, and the user's own unit's entries (drafts too); approvers: all."""
    rows = KnowledgeEntry.objects.select_related("owner", "category", "published", "pending")
    if not is_staff(user):
        return rows.none()
    if getattr(user, "role", None) in APPROVERS:
        return rows
    if getattr(user, "role", None) in UNIT_STAFF:
        return rows.filter(Q(published__isnull=False) | Q(owner_id=user.department_id))
    return rows.filter(published__isnull=False)


def visible_versions(user, entry: KnowledgeEntry) -> QuerySet[KnowledgeVersion]:
    rows = entry.versions.select_related("created_by", "reviewed_by", "approved_by")
    if sees_changes(user, entry):
        return rows
    return rows.filter(state__in=[VersionState.PUBLISHED, VersionState.SUPERSEDED])


def unit_entries(user, *, tab: str) -> QuerySet[KnowledgeEntry]:
    """The unit's entries by tab (all, changes in progress, due for review); approvers: what awaits them."""
    rows = visible_entries(user)
    role = getattr(user, "role", None)
    if role in UNIT_STAFF:
        rows = rows.filter(owner_id=user.department_id)
    if tab == "approval":
        rows = rows.filter(pending__state=VersionState.APPROVAL)
    elif tab == "review":
        rows = rows.filter(pending__state=VersionState.REVIEW)
    elif tab == "draft":
        rows = rows.filter(pending__state=VersionState.DRAFT)
    return rows.order_by("-changed_at", "-id")


def past_review(today: date) -> Q:
    return Q(published__state=VersionState.PUBLISHED, published__review_due__lt=today) & (
        Q(published__expires_at__isnull=True) | Q(published__expires_at__gt=today)
    )


def upkeep(today: date, *, unit: int | None = None) -> list[dict]:
    """Per owning unit: published entries, those past their review date (in force), changes in progress."""
    rows = KnowledgeEntry.objects.all()
    if unit is not None:
        rows = rows.filter(owner_id=unit)
    figures = (
        rows.values("owner_id", "owner__name")
        .annotate(
            n_published=Count("id", filter=Q(published__isnull=False)),
            n_past_review=Count("id", filter=past_review(today)),
            n_in_progress=Count("id", filter=Q(pending__isnull=False)),
        )
        .order_by("-n_past_review", "owner__name")
    )
    return [
        {
            "unit": f["owner_id"],
            "unit_name": f["owner__name"],
            "published": f["n_published"],
            "past_review": f["n_past_review"],
            "in_progress": f["n_in_progress"],
        }
        for f in figures
    ]


def uncited_enquiries(unit_id: int, now: datetime) -> QuerySet[Ticket]:
    """Closed enquiry tickets the unit answered (lead) in the last TODO_DAYS whose answer cited no entry and
    for which no entry was written since: the unit is asked to add or update an entry."""
    led = Dispatch.objects.filter(ticket=OuterRef("pk"), unit_id=unit_id, role=DispatchRole.LEAD)
    return (
        Ticket.objects.filter(
            request_type=RequestType.ENQUIRY,
            state=TicketState.CLOSED,
            closed_at__gte=now - timedelta(days=TODO_DAYS),
        )
        .filter(Exists(led))
        .exclude(Exists(KnowledgeCitation.objects.filter(ticket=OuterRef("pk"))))
        .exclude(Exists(KnowledgeEntry.objects.filter(source_ticket=OuterRef("pk"))))
        .order_by("-closed_at", "-id")
    )


def citations_of(ticket: Ticket) -> QuerySet[KnowledgeCitation]:
    return ticket.citations.select_related("version", "entry", "by")


def is_unit_user(user) -> bool:
    return (
        user is not None
        and user.is_active
        and getattr(user, "role", None) in (Role.HANDLER, Role.DEPT_HEAD)
        and user.department_id is not None
    )
