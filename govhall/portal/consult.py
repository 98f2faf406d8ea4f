"""Reads of the online consultation (在线咨询): the asker's own questions, the anonymous lookup by number
and code, and the published questions and answers of an item. Writes go through the cases' services
(govhall.cases.services.record_consultation and friends)."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet

from govhall.cases.models import Case, CaseKind, Consultation
from govhall.catalog.models import ServiceItem
from govhall.portal.access import consultations_of

PUBLISHED_LIMIT = 20


def published_item(code: str) -> ServiceItem | None:
    """The version in force of the item with this code (a question may be asked about it)."""
    code = (code or "").strip()
    if not code:
        return None
    return (
        ServiceItem.objects.filter(code=code, status="published")
        .select_related("department")
        .order_by("-version")
        .first()
    )


def mine(user) -> QuerySet[Case]:
    return consultations_of(user).select_related("consultation", "item").order_by("-received_at", "-id")


def my_consultation(user, pk: int) -> Case | None:
    return mine(user).filter(pk=pk).first()


def lookup(number: str, code: str) -> Case | None:
    """An anonymous asker's question by its number and verification code (compared in constant time)."""
    case = (
        Case.objects.filter(kind=CaseKind.CONSULTATION, number=(number or "").strip())
        .select_related("consultation", "item")
        .first()
    )
    if case is None or not hmac.compare_digest(case.verification_code, (code or "").strip().upper()):
        return None
    return case


def published_for(item_code: str, *, limit: int = PUBLISHED_LIMIT) -> list[dict]:
    """The published questions and answers of every version of an item, newest first: only the edited
    public text, never the asker's question or details."""
    rows = (
        Consultation.objects.filter(case__item__code=item_code, published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .values("case_id", "public_question", "public_answer", "published_at")[:limit]
    )
    return [
        {
            "id": r["case_id"],
            "question": r["public_question"],
            "answer": r["public_answer"],
            "published_at": r["published_at"],
        }
        for r in rows
    ]


def lookup_own_new(pk: int) -> Case | None:
    """The question this browser session has just asked (its pk kept in the session once)."""
    return Case.objects.filter(pk=pk, kind=CaseKind.CONSULTATION).select_related("item").first()
