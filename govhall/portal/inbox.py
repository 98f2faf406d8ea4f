"""Reads of an applicant's inbox (站内信): an account's messages, those of one case, the unread count."""

from __future__ import annotations

from django.db.models import QuerySet

from govhall.portal.models import InboxMessage


def messages_of(user, *, case=None, case_ids=None) -> QuerySet[InboxMessage]:
    """The account's messages, newest first; only those about `case` (or the cases `case_ids`) if given."""
    if not getattr(user, "is_authenticated", False):
        return InboxMessage.objects.none()
    rows = InboxMessage.objects.filter(recipient=user)
    if case is not None:
        rows = rows.filter(case=case)
    if case_ids is not None:
        rows = rows.filter(case_id__in=list(case_ids))
    return rows.select_related("case").order_by("-created_at", "-id")


def unread_count(user) -> int:
    return messages_of(user).filter(read_at__isnull=True).count()
