"""Who sees the caller, and for how long the caller's contact data are kept.

The centre sees the caller in full. A unit the ticket was dispatched to sees the surname and a masked
number (张*, 138****1234) until one of its users reveals a field with a reason; the reveal is recorded
(ContactReveal, and a TicketEvent without the value), so the centre sees who revealed what and when.
Anonymous, confidential and 举报 tickets never show the caller to a unit. Closed tickets lose their contact
data after GOVHALL_HOTLINE_CONTACT_RETENTION_DAYS (remove_expired_contacts, a daily task).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from govhall.hotline.errors import TicketForbidden
from govhall.hotline.models import ContactReveal, Dispatch, Ticket, TicketEvent, TicketState
from govhall.hotline.services.common import UNIT_ROLES, is_centre, record, require_text
from govhall.hotline.services.intake import mask_name, mask_phone, retention_days
from govhall.hotline.states import Move

FIELDS = ("name", "phone")


def _is_unit_of(ticket: Ticket, user) -> bool:
    return (
        user is not None
        and user.is_active
        and getattr(user, "role", None) in UNIT_ROLES
        and user.department_id is not None
        and Dispatch.objects.filter(ticket=ticket, unit_id=user.department_id).exists()
    )


def caller_view(ticket: Ticket, user) -> dict:
    """What `user` may see of the caller: {"name", "phone", "masked", "hidden", "revealed", "removed"}.
    masked: some field is shown masked (reveal it with a reason); hidden: nothing is shown."""
    removed = ticket.contact_removed_at is not None
    full = {"name": ticket.caller_name, "phone": ticket.caller_phone}
    view = {"masked": False, "hidden": False, "revealed": [], "removed": removed}
    if is_centre(user):
        return full | view
    if ticket.hides_caller or not _is_unit_of(ticket, user):
        return {"name": "", "phone": ""} | view | {"hidden": True}
    revealed = set(
        ContactReveal.objects.filter(ticket=ticket, user=user, field__in=FIELDS).values_list(
            "field", flat=True
        )
    )
    shown = {
        "name": full["name"] if "name" in revealed else mask_name(full["name"]),
        "phone": full["phone"] if "phone" in revealed else mask_phone(full["phone"]),
    }
    masked = any(full[f] and f not in revealed for f in FIELDS)
    return shown | view | {"masked": masked, "revealed": sorted(revealed)}


def reveal_contact(ticket: Ticket | int, *, field: str, reason: str, by, now: datetime) -> str:
    """A unit's user reveals the caller's full name or number, giving a reason; returns the value."""
    if field not in FIELDS:
        raise ValidationError({"field": [_("Reveal the caller's “name” or “phone”.")]})
    reason = require_text(
        reason, "reason", _("Say why you need the caller's full contact data."), max_length=300
    )
    with transaction.atomic():
        pk = ticket if isinstance(ticket, int) else ticket.pk
        ticket = Ticket.objects.get(pk=pk)
        if not _is_unit_of(ticket, by):
            raise TicketForbidden(
                _("Only a unit this ticket was dispatched to may reveal the caller's data.")
            )
        if ticket.hides_caller:
            raise TicketForbidden(
                _("The caller of an anonymous, confidential or reported ticket is never shown to a unit.")
            )
        if ticket.contact_removed_at is not None:
            raise ValidationError(
                {"field": [_("The caller's contact data were removed after the retention period.")]}
            )
        ContactReveal.objects.create(ticket=ticket, user=by, field=field, reason=reason, at=now)
        record(ticket, Move.REVEAL, by=by, now=now, note=reason, field=field, unit=by.department.code)
    return ticket.caller_name if field == "name" else ticket.caller_phone


def remove_expired_contacts(*, now: datetime, batch: int = 1000) -> int:
    """Blank the caller's name and number of tickets closed before the retention period; the number of
    tickets changed. Batched, each batch one transaction; running it again changes nothing."""
    cutoff = now - timedelta(days=retention_days())
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Ticket.objects.select_for_update()
                .filter(state=TicketState.CLOSED, closed_at__lt=cutoff, contact_removed_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return total
            Ticket.objects.filter(pk__in=ids).update(
                caller_name="", caller_phone="", contact_removed_at=now, version=F("version") + 1
            )
            TicketEvent.objects.bulk_create(
                TicketEvent(
                    ticket_id=pk,
                    move=Move.REMOVE_CONTACT,
                    from_state=TicketState.CLOSED,
                    to_state=TicketState.CLOSED,
                    at=now,
                    data={"retention_days": retention_days()},
                )
                for pk in ids
            )
            total += len(ids)
        if len(ids) < batch:
            return total


__all__ = ["caller_view", "remove_expired_contacts", "reveal_contact"]
