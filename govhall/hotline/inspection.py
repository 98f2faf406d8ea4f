"""The hotline's part in on-site inspections (现场督查, govhall.supervision.inspections): the "ticket" target.

Supervision keeps the task, the inspector's page and the lights, and knows no tickets; the hotline registers
here, in HotlineConfig.ready(), how a ticket is named (its number), which unit a verdict counts for (the lead
unit of the ticket's current round) and what a "not done" verdict does: the ticket is sent back to the same
units for a new round with fresh deadlines (重办, Move.INSPECTION_REDO; a closed ticket is reopened), in the
verdict's own transaction, so a refused redo leaves no verdict behind.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from govhall.hotline.models import Dispatch, DispatchRole, DispatchState, Ticket, TicketState
from govhall.hotline.services.callback import send_back_for_redo
from govhall.hotline.services.common import lock_ticket
from govhall.hotline.states import Move
from govhall.supervision import inspections

# A reply can be checked once there is one: replied, under review after a dissatisfied callback, or closed.
INSPECTABLE = (TicketState.REPLIED, TicketState.REVIEW, TicketState.CLOSED)


def lead_unit_id(ticket: Ticket) -> int | None:
    return (
        Dispatch.objects.filter(ticket=ticket, round=ticket.round, role=DispatchRole.LEAD)
        .exclude(state=DispatchState.WITHDRAWN)
        .order_by("-id")
        .values_list("unit_id", flat=True)
        .first()
    )


def resolve(reference: str) -> inspections.Resolved:
    number = (reference or "").strip()[:20]
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        raise ValidationError({"reference": [_("No 12345 ticket has the number “%(n)s”.") % {"n": number}]})
    if ticket.state not in INSPECTABLE:
        raise ValidationError(
            {
                "reference": [
                    _("Ticket %(n)s has no reply to inspect yet (state: %(state)s).")
                    % {"n": number, "state": TicketState(ticket.state).label}
                ]
            }
        )
    unit = lead_unit_id(ticket)
    if unit is None:
        raise ValidationError(
            {
                "reference": [
                    _("Ticket %(n)s was answered during the call: no unit replied to it.") % {"n": number}
                ]
            }
        )
    return inspections.Resolved(ticket.pk, f"{ticket.number} {ticket.title}", unit)


def url(ticket_id: int) -> str:
    return reverse("hotline:ticket", args=[ticket_id])


def redo(inspection, *, by, now) -> str:
    """Not done: the ticket goes back to its units for a new round (重办)."""
    ticket = lock_ticket(inspection.target_id, None)
    send_back_for_redo(
        ticket,
        move=Move.INSPECTION_REDO,
        by=by,
        now=now,
        note=inspection.findings,
        inspection=inspection.pk,
    )
    return inspections._centre(
        gettext_noop("Ticket sent back to be redone (round %(round)s)."), round=ticket.round
    )


def register() -> None:
    inspections.register_kind(
        inspections.TargetKind("ticket", gettext_lazy("12345 ticket's reply"), resolve, url, on_not_done=redo)
    )
