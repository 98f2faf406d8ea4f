"""The callback (回访) after a reply, and the centre's review of a dissatisfied caller (重办, 提级督办).

Every attempt is kept (CallbackAttempt, append-only); the ticket carries the outcome of the last attempt
of the current round, so only the last callback counts. A caller not reached GOVHALL_HOTLINE_CALLBACK_ATTEMPTS
times ends the callback as unreachable: closed, with no satisfaction outcome (left out of the satisfaction
rate and reported apart). A dissatisfied caller sends the ticket to the centre's review: not upheld, it
closes; upheld, the same units get it again in a new round with fresh deadlines (重办), and the round that
reaches GOVHALL_HOTLINE_REDO_LIMIT also issues a supervision order to the lead unit (提级督办).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from govhall.core.models import Role
from govhall.hotline.errors import TicketForbidden
from govhall.hotline.models import (
    CallbackAttempt,
    CallbackOutcome,
    Closure,
    Dispatch,
    DispatchRole,
    DispatchState,
    Ticket,
    TicketState,
)
from govhall.hotline.services.common import bump, lock_ticket, record, require_centre, require_text
from govhall.hotline.services.intake import limit_for, open_dispatches, policy_in_force
from govhall.hotline.states import Move, ticket_transition
from govhall.supervision.services import centre_text, issue_order


def callback_attempts() -> int:
    return int(getattr(settings, "GOVHALL_HOTLINE_CALLBACK_ATTEMPTS", 3))


def redo_limit() -> int:
    return int(getattr(settings, "GOVHALL_HOTLINE_REDO_LIMIT", 3))


def _solved(value):
    if value in (True, False, None):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    if text == "":
        return None
    raise ValidationError({"solved": [_("Answer yes or no.")]})


def record_callback(
    ticket: Ticket | int,
    *,
    outcome: str,
    solved=None,
    note: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
) -> Ticket:
    """回访: one call back to the caller of a replied ticket, with the outcome and whether the matter was
    solved (asked unless the caller was not reached)."""
    require_centre(by)
    if outcome not in CallbackOutcome.values:
        raise ValidationError(
            {
                "outcome": [
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": str(outcome)[:30], "allowed": ", ".join(CallbackOutcome.values)}
                ]
            }
        )
    reached = outcome != CallbackOutcome.NO_ANSWER
    solved = _solved(solved) if reached else None
    if reached and solved is None:
        raise ValidationError({"solved": [_("Ask the caller whether the matter was solved.")]})
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version)
        failed = ticket.failed_callbacks + (0 if reached else 1)
        unreachable = not reached and failed >= callback_attempts()
        old = ticket.state
        new = ticket_transition(ticket, Move.CALLBACK, outcome=outcome, unreachable=unreachable)
        attempt = CallbackAttempt.objects.create(
            ticket=ticket, round=ticket.round, at=now, by=by, outcome=outcome, solved=solved, note=note
        )
        fields = {"state": new, "callback_outcome": outcome, "solved": solved, "failed_callbacks": failed}
        if new == TicketState.CLOSED:
            fields["closure"] = Closure.CALLBACK if reached else Closure.UNREACHABLE
            fields["closed_at"] = now
        bump(ticket, **fields)
        record(
            ticket,
            Move.CALLBACK,
            by=by,
            now=now,
            old=old,
            new=new,
            note=note,
            attempt=attempt.pk,
            round=ticket.round,
            outcome=outcome,
            solved=solved,
            failed_callbacks=failed,
            closure=fields.get("closure"),
        )
    return ticket


def _require_reviewer(user) -> None:
    if not (
        user is not None and user.is_active and getattr(user, "role", None) in (Role.SUPERVISOR, Role.ADMIN)
    ):
        raise TicketForbidden(_("Only a supervisor of the centre may review a dissatisfied callback."))


def send_back_for_redo(ticket: Ticket, *, move: str, by, now: datetime, note: str, **data) -> Ticket:
    """重办 on a locked ticket: a new round to the units of the last round (those that did not return it)
    with fresh deadlines; the round that reaches the redo limit is escalated to a supervision order for the
    lead unit (提级督办). `move` is REDO (an upheld dissatisfaction) or INSPECTION_REDO (an on-site
    inspection found the reply not done: a closed ticket is reopened). Runs in the caller's transaction."""
    old = ticket.state
    new = ticket_transition(ticket, move)
    last = list(
        Dispatch.objects.filter(ticket=ticket, round=ticket.round)
        .exclude(state=DispatchState.WITHDRAWN)
        .select_related("unit")
        .order_by("id")
    )
    leads = [d.unit for d in last if d.role == DispatchRole.LEAD]
    if not leads:
        raise ValidationError({"uphold": [_("The last round has no lead unit to send the ticket back to.")]})
    lead = leads[-1]
    co_units = [d.unit for d in last if d.role == DispatchRole.CO]
    escalate = ticket.round + 1 >= redo_limit() and ticket.escalated_order_id is None
    if escalate and getattr(by, "role", None) != Role.SUPERVISOR:
        raise TicketForbidden(
            _("This redo escalates the ticket to a supervision order: only a supervisor may issue it.")
        )
    policy = ticket.limit_policy or policy_in_force(now)
    if policy is None:
        raise ValidationError(
            {"uphold": [_("No time-limit policy is in force: the centre must publish one.")]}
        )
    limit = limit_for(policy, ticket.request_type, ticket.urgency)
    round_ = ticket.round + 1
    made = open_dispatches(ticket, round=round_, lead=lead, co_units=co_units, limit=limit, by=by, now=now)
    new_lead = made[0]
    old_reply_due = ticket.reply_due_at
    bump(
        ticket,
        state=new,
        round=round_,
        reply="",
        reply_basis="",
        replied_at=None,
        replied_by=None,
        callback_outcome="",
        solved=None,
        failed_callbacks=0,
        reply_due_at=new_lead.handle_due_at,
        closure="",
        closed_at=None,
    )
    record(
        ticket,
        move,
        by=by,
        now=now,
        old=old,
        new=new,
        note=note,
        round=round_,
        lead=lead.code,
        co_units=[u.code for u in co_units],
        sign_due=new_lead.sign_due_at.isoformat(),
        old_reply_due=old_reply_due.isoformat() if old_reply_due else None,
        reply_due=new_lead.handle_due_at.isoformat(),
        **data,
    )
    if escalate:
        due_date = new_lead.handle_due_date or timezone.localdate(new_lead.handle_due_at)
        instruction = centre_text(
            gettext_noop(
                "Ticket %(number)s was sent back to be redone %(n)s times after dissatisfied callbacks. "
                "Handle it in person and reply to the caller by %(due)s."
            ),
            number=ticket.number,
            n=round_,
            due=due_date.isoformat(),
        )
        order = issue_order(
            department=lead,
            subject=f"12345工单 {ticket.number}",
            instruction=instruction,
            due_date=due_date,
            by=by,
            now=now,
        )
        bump(ticket, escalated_order=order)
        record(
            ticket,
            Move.ESCALATE,
            by=by,
            now=now,
            old=new,
            new=new,
            order=order.pk,
            unit=lead.code,
            round=round_,
            due_date=due_date.isoformat(),
        )
    return ticket


def review_dissatisfaction(
    ticket: Ticket | int,
    *,
    uphold: bool,
    note: str,
    by,
    now: datetime,
    expected_version: int | None = None,
) -> Ticket:
    """The centre verifies a 不满意. Not upheld: closed, the outcome stays dissatisfied. Upheld: 重办, a new
    round to the units of the last round (those that did not return it) with fresh deadlines; the round
    that reaches the redo limit is escalated to a supervision order for the lead unit (提级督办)."""
    _require_reviewer(by)
    note = require_text(note, "note", _("Write what the verification found."))
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version)
        old = ticket.state
        if not uphold:
            new = ticket_transition(ticket, Move.CONFIRM_CLOSE)
            bump(ticket, state=new, closure=Closure.NOT_UPHELD, closed_at=now)
            record(
                ticket, Move.CONFIRM_CLOSE, by=by, now=now, old=old, new=new, note=note, round=ticket.round
            )
            return ticket
        send_back_for_redo(ticket, move=Move.REDO, by=by, now=now, note=note)
    return ticket


__all__ = [
    "callback_attempts",
    "record_callback",
    "redo_limit",
    "review_dissatisfaction",
    "send_back_for_redo",
]
