"""Repeat calls and duplicates (重复件): two links, kept apart.

- A *repeat call* (重复来电) is the same caller calling again about the same matter: it attaches to the
  open ticket (a counter and an event), no new ticket is made and nothing is dispatched again.
- A *duplicate* (重复件) is another caller's ticket about the same problem: it is linked to a master ticket
  instead of being dispatched (state "merged"); the master's reply reaches it, then its own callback and
  rating follow as for any replied ticket. Un-merging puts it back to registered, to be dispatched alone.

Every link and unlink is written on both tickets' event logs; a linked ticket keeps all its own events.
No chains: a master is never itself linked, and a ticket that has duplicates is never linked to another."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.hotline.models import Closure, Ticket, TicketState
from govhall.hotline.services.common import (
    bump,
    check_version,
    nobody_to_call_back,
    record,
    require_centre,
)
from govhall.hotline.states import Move, ticket_transition


def _find(value, field: str) -> Ticket:
    """A ticket given as a row, an id or a number (12345-YYYYMMDD-NNNNN)."""
    if isinstance(value, Ticket):
        return value
    text = str(value or "").strip()
    row = None
    if text.isdigit():
        row = Ticket.objects.filter(pk=int(text)).first()
    elif text:
        row = Ticket.objects.filter(number=text).first()
    if row is None:
        raise ValidationError({field: [_("No ticket “%(value)s”.") % {"value": text[:32] or "—"}]})
    return row


def _lock_pair(a: int, b: int) -> dict[int, Ticket]:
    """Both rows locked, in id order (two merges crossing each other never deadlock)."""
    return {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=(a, b)).order_by("pk")}


def record_repeat_call(
    ticket: Ticket | int,
    *,
    by,
    now: datetime,
    phone: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """重复来电: the same caller calls again about this open ticket; counted on it, not dispatched again."""
    from govhall.hotline.services.intake import normalise_phone

    require_centre(by)
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    with transaction.atomic():
        pk = ticket if isinstance(ticket, int) else ticket.pk
        row = Ticket.objects.select_for_update().get(pk=pk)
        check_version(row, expected_version, _("ticket"))
        if row.state == TicketState.CLOSED:
            raise ValidationError(
                {
                    "ticket": [
                        _(
                            "Ticket %(number)s is closed: a repeat call attaches only to an open ticket. "
                            "Register a new ticket."
                        )
                        % {"number": row.number}
                    ]
                }
            )
        phone = normalise_phone(phone)
        if phone and row.caller_phone and phone != row.caller_phone:
            raise ValidationError(
                {
                    "phone": [
                        _(
                            "A repeat call is the same caller's; ticket %(number)s has another caller. "
                            "Link a new ticket as a duplicate instead."
                        )
                        % {"number": row.number}
                    ]
                }
            )
        state = ticket_transition(row, Move.REPEAT_CALL)
        bump(row, repeat_calls=row.repeat_calls + 1)
        record(row, Move.REPEAT_CALL, by=by, now=now, old=state, new=state, note=note, count=row.repeat_calls)
    return row


def _pass_on(master: Ticket, duplicate: Ticket, *, by, now: datetime) -> None:
    """The master's reply reaches the duplicate's caller; the duplicate waits for its own callback (or
    closes at once when there is nobody to call back). The caller holds both locks."""
    old = duplicate.state
    new = ticket_transition(duplicate, Move.MASTER_REPLY)
    bump(
        duplicate,
        state=new,
        reply=master.reply,
        reply_basis=master.reply_basis,
        replied_at=now,
        replied_by=master.replied_by,
    )
    record(duplicate, Move.MASTER_REPLY, by=by, now=now, old=old, new=new, master=master.number)
    if nobody_to_call_back(duplicate):
        closed = ticket_transition(duplicate, Move.CLOSE_NO_CALLBACK)
        bump(duplicate, state=closed, closure=Closure.NO_CALLBACK, closed_at=now)
        record(duplicate, Move.CLOSE_NO_CALLBACK, by=by, now=now, old=new, new=closed)


def pass_on_reply(master: Ticket, *, by, now: datetime) -> int:
    """Called by reply_ticket in its transaction: every duplicate still waiting gets the master's reply.
    Returns how many did."""
    waiting = list(
        Ticket.objects.select_for_update().filter(master=master, state=TicketState.MERGED).order_by("pk")
    )
    for duplicate in waiting:
        _pass_on(master, duplicate, by=by, now=now)
    return len(waiting)


def merge_ticket(
    ticket: Ticket | int,
    *,
    master,
    by,
    now: datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """重复件: link a registered ticket to an open master ticket of another caller instead of dispatching
    it. `master`: a row, an id or a number. If the master has replied already, the reply is passed on at
    once. Refused, with the rule named and nothing written: itself, a closed master, a master that is
    itself linked (no chains), a ticket that is itself a master, the same caller (a repeat call)."""
    require_centre(by)
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    pk = ticket if isinstance(ticket, int) else ticket.pk
    target = _find(master, "master")
    if target.pk == pk:
        raise ValidationError({"master": [_("A ticket cannot be linked to itself as its own duplicate.")]})
    with transaction.atomic():
        rows = _lock_pair(pk, target.pk)
        row, target = rows[pk], rows[target.pk]
        check_version(row, expected_version, _("ticket"))
        if row.master_id is not None:
            raise ValidationError(
                {"ticket": [_("This ticket is already linked to a master ticket: undo that link first.")]}
            )
        if target.state == TicketState.CLOSED:
            raise ValidationError(
                {
                    "master": [
                        _(
                            "Ticket %(number)s is closed: a duplicate is linked only to an open ticket. "
                            "Dispatch this ticket on its own."
                        )
                        % {"number": target.number}
                    ]
                }
            )
        if target.master_id is not None:
            top = Ticket.objects.only("number").get(pk=target.master_id)
            raise ValidationError(
                {
                    "master": [
                        _(
                            "Ticket %(number)s is itself a duplicate of %(top)s: link to %(top)s "
                            "(no chains of duplicates)."
                        )
                        % {"number": target.number, "top": top.number}
                    ]
                }
            )
        if Ticket.objects.filter(master_id=row.pk).exists():
            raise ValidationError(
                {
                    "ticket": [
                        _(
                            "This ticket is the master of other duplicates: it cannot be linked to another "
                            "ticket (no chains of duplicates)."
                        )
                    ]
                }
            )
        if row.caller_phone and row.caller_phone == target.caller_phone:
            raise ValidationError(
                {
                    "master": [
                        _(
                            "Ticket %(number)s has the same caller: record a repeat call on it instead of "
                            "a duplicate."
                        )
                        % {"number": target.number}
                    ]
                }
            )
        old = row.state
        new = ticket_transition(row, Move.MERGE)
        ticket_transition(target, Move.LINK_DUPLICATE)
        bump(row, state=new, master=target)
        record(row, Move.MERGE, by=by, now=now, old=old, new=new, note=note, master=target.number)
        record(
            target,
            Move.LINK_DUPLICATE,
            by=by,
            now=now,
            old=target.state,
            new=target.state,
            note=note,
            duplicate=row.number,
        )
        if target.replied_at is not None and target.state in (TicketState.REPLIED, TicketState.REVIEW):
            _pass_on(target, row, by=by, now=now)
    return row


def unmerge_ticket(
    ticket: Ticket | int, *, by, now: datetime, note: str = "", expected_version: int | None = None
) -> Ticket:
    """Undo a duplicate link while the duplicate still waits for the master's reply: it is registered
    again, to be dispatched on its own. Both event logs keep the link and its undoing."""
    require_centre(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say why the duplicate link is undone.")]})
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    with transaction.atomic():
        pk = ticket if isinstance(ticket, int) else ticket.pk
        current = Ticket.objects.only("master_id", "number").get(pk=pk)
        if current.master_id is None:
            raise ValidationError(
                {
                    "ticket": [
                        _("Ticket %(number)s is not linked to a master ticket: there is no link to undo.")
                        % {"number": current.number}
                    ]
                }
            )
        rows = _lock_pair(pk, current.master_id)
        row = rows[pk]
        check_version(row, expected_version, _("ticket"))
        if row.master_id != current.master_id:  # changed between the read and the lock
            raise ValidationError({"ticket": [_("The link changed meanwhile: reload the ticket.")]})
        master = rows[row.master_id]
        if row.state != TicketState.MERGED:
            raise ValidationError(
                {
                    "ticket": [
                        _(
                            "The master's reply has already reached this caller: the link can no longer "
                            "be undone."
                        )
                    ]
                }
            )
        old = row.state
        new = ticket_transition(row, Move.UNMERGE)
        bump(row, state=new, master=None)
        record(row, Move.UNMERGE, by=by, now=now, old=old, new=new, note=note, master=master.number)
        record(
            master,
            Move.UNLINK_DUPLICATE,
            by=by,
            now=now,
            old=master.state,
            new=master.state,
            note=note,
            duplicate=row.number,
        )
    return row


__all__ = ["merge_ticket", "pass_on_reply", "record_repeat_call", "unmerge_ticket"]
