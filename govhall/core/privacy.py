"""Applicants' identity numbers and phones: masked by default, shown in full only on purpose, and each
full view recorded (who, when, which case or ticket) like the audit of changes.

One shape for every app: `mask_id` / `mask_phone` for lists and exports, `record_view` when a page or an
API answer shows a number whole. The supervisors and administrators read the record at
/audit/personal-data/ (govhall.core.views.personal_data_views).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from govhall.core.models import PersonalDataView, Role

# Who reads the record of views.
AUDIT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def mask_id(number: str) -> str:
    """370181199001011234 → 370181********1234; short numbers keep their first and last character."""
    number = number or ""
    if len(number) >= 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 2:
        return number[0] + "*" * (len(number) - 2) + number[-1]
    return "*" * len(number)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; landlines keep the area code and the last four digits."""
    phone = phone or ""
    if len(phone) == 11 and phone.isdigit():
        return phone[:3] + "****" + phone[-4:]
    if len(phone) > 4:
        head = phone.split("-")[0] + "-" if "-" in phone else ""
        return head + "*" * (len(phone) - len(head) - 4) + phone[-4:]
    return "*" * len(phone)


def record_view(
    *, user, subject: str, object_id: int, number: str, fields: Iterable[str], now: datetime, channel: str
) -> PersonalDataView | None:
    """Record that `user` was shown `fields` of a record in full; nothing when no field had a value."""
    shown = [f for f in fields if f]
    if not shown:
        return None
    with transaction.atomic():
        return PersonalDataView.objects.create(
            at=now,
            user=user,
            subject=subject,
            object_id=object_id,
            number=number or "",
            fields=",".join(shown),
            channel=channel,
        )


def may_read_views(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.role in AUDIT_ROLES or user.is_superuser))
