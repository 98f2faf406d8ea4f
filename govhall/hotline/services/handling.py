"""The units' handling of a ticket: sign for it (签收), return it (退单), ask for more time (延期), contribute
(协办意见) and reply (答复); and the centre's decisions on returns and extensions.

Each service is one transaction: it locks the ticket, then the dispatch (always in that order, so two
services never wait on each other crosswise), checks the caller's version, asks the transition tables of
govhall.hotline.states whether the move is allowed, writes, restamps the dispatch's light and records one
TicketEvent. An event with a dispatch carries the dispatch's states in from_state/to_state, and
data["ticket_state"] = [old, new] when the ticket's state changed too; every deadline change shows its old and
new due moment in `data`, so the event log is the ticket's clock.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.errors import TransitionNotAllowed
from govhall.catalog.models import Department
from govhall.hotline.models import (
    OPEN_DISPATCH_STATES,
    Closure,
    Dispatch,
    DispatchRole,
    DispatchState,
    ExtensionRequest,
    ExtensionState,
    ReturnReason,
    Ticket,
)
from govhall.hotline.services import duplicates
from govhall.hotline.services.common import (
    bump,
    lock_dispatch,
    lock_ticket,
    nobody_to_call_back,
    record,
    require_centre,
    require_text,
    require_unit,
    stamp_dispatch,
)
from govhall.hotline.services.intake import limit_for, open_dispatches, policy_in_force, route
from govhall.hotline.states import Move, dispatch_transition, ticket_transition
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

DISPATCH_LIGHT = ("warn_at", "due_at", "alert_level")


class AlreadyDecided(TransitionNotAllowed):
    """An extension request that the centre has already approved or refused (answered 409)."""

    def __init__(self, request: ExtensionRequest) -> None:
        self.machine, self.state, self.action = "extension", request.state, "decide"
        Exception.__init__(
            self,
            _("This extension request was already decided (%(state)s).")
            % {"state": ExtensionState(request.state).label},
        )


def max_extension_workdays() -> int:
    return int(getattr(settings, "GOVHALL_HOTLINE_MAX_EXTENSION_DAYS", 10))


# Locking and the shared bookkeeping.


def _lock(dispatch: Dispatch | int, expected_version: int | None) -> tuple[Ticket, Dispatch]:
    """The ticket, then the dispatch, locked; the version checked on the dispatch."""
    pk = dispatch if isinstance(dispatch, int) else dispatch.pk
    ticket_id = Dispatch.objects.values_list("ticket_id", flat=True).get(pk=pk)
    ticket = lock_ticket(ticket_id)
    row = lock_dispatch(pk, expected_version)
    row.ticket = ticket
    return ticket, row


def _others_signed(ticket: Ticket, exclude: int) -> bool:
    """Every other open dispatch of the ticket's round has been signed for."""
    return (
        not Dispatch.objects.filter(
            ticket=ticket, round=ticket.round, state__in=OPEN_DISPATCH_STATES, signed_at__isnull=True
        )
        .exclude(pk=exclude)
        .exists()
    )


def _move_ticket(ticket: Ticket, new_state: str, **fields) -> list[str] | None:
    """Save the ticket's new state (and fields) if anything changed; [old, new] when the state moved."""
    old = ticket.state
    if new_state != old or fields:
        bump(ticket, state=new_state, **fields)
    return [old, new_state] if new_state != old else None


def _restamp(dispatch: Dispatch) -> dict:
    stamp_dispatch(dispatch)
    return {name: getattr(dispatch, name) for name in DISPATCH_LIGHT}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _event(ticket, move, dispatch, old, *, by, now, ticket_states=None, note="", **data):
    if ticket_states:
        data["ticket_state"] = ticket_states
    data.setdefault("unit", dispatch.unit.code if dispatch is not None else None)
    return record(
        ticket, move, by=by, now=now, old=old, new=dispatch.state, dispatch=dispatch, note=note, **data
    )


def _limit(ticket: Ticket, now: datetime):
    policy = ticket.limit_policy or policy_in_force(now)
    if policy is None:
        raise ValidationError(
            {"urgency": [_("No time-limit policy is in force: the centre must publish one.")]}
        )
    return limit_for(policy, ticket.request_type, ticket.urgency)


# 签收


def sign_for(dispatch: Dispatch | int, *, by, now: datetime, expected_version: int | None = None) -> Dispatch:
    """签收: the unit takes the dispatch; its light moves to the handling deadline. The ticket is being
    handled once every open dispatch of the round is signed for."""
    with transaction.atomic():
        ticket, dispatch = _lock(dispatch, expected_version)
        require_unit(by, dispatch)
        old = dispatch.state
        new = dispatch_transition(dispatch, Move.SIGN)
        ticket_new = ticket_transition(ticket, Move.SIGN, all_signed=_others_signed(ticket, dispatch.pk))
        dispatch.state, dispatch.signed_at = new, now
        light = _restamp(dispatch)
        bump(dispatch, state=new, signed_at=now, signed_by=by, **light)
        states = _move_ticket(ticket, ticket_new)
        _event(
            ticket,
            Move.SIGN,
            dispatch,
            old,
            by=by,
            now=now,
            ticket_states=states,
            sign_due=_iso(dispatch.sign_due_at),
            on_time=now <= dispatch.sign_due_at,
            handle_due=_iso(dispatch.handle_due_at),
        )
    return dispatch


# 退单


def _return_reason(code) -> ReturnReason:
    code = str(code or "").strip()
    reason = ReturnReason.objects.filter(code=code).first()
    if reason is None:
        raise ValidationError({"reason_code": [_("Unknown return reason “%(code)s”.") % {"code": code[:20]}]})
    if not reason.is_active:
        raise ValidationError(
            {"reason_code": [_("The return reason “%(code)s” is no longer in use.") % {"code": code}]}
        )
    return reason


def request_return(
    dispatch: Dispatch | int,
    *,
    reason_code: str,
    rule: str,
    note: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
) -> Dispatch:
    """退单: the unit finds the ticket outside its duties and asks the centre to take it back, with a coded
    reason and the rule it relies on. Allowed before or after signing for; whether it came within the return
    limit (return_due_date) is recorded, for the centre to weigh and the statistics to count."""
    reason = _return_reason(reason_code)
    rule = require_text(
        rule, "rule", _("Name the rule (law, regulation, list of duties) you rely on."), max_length=300
    )
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    with transaction.atomic():
        ticket, dispatch = _lock(dispatch, expected_version)
        require_unit(by, dispatch)
        old = dispatch.state
        new = dispatch_transition(dispatch, Move.REQUEST_RETURN)
        ticket_new = ticket_transition(ticket, Move.REQUEST_RETURN)
        dispatch.state = new
        light = _restamp(dispatch)
        bump(
            dispatch,
            state=new,
            return_reason=reason,
            return_rule=rule,
            return_note=note,
            returned_at=now,
            **light,
        )
        states = _move_ticket(ticket, ticket_new)
        within = dispatch.return_due_date is None or timezone.localdate(now) <= dispatch.return_due_date
        _event(
            ticket,
            Move.REQUEST_RETURN,
            dispatch,
            old,
            by=by,
            now=now,
            ticket_states=states,
            note=note,
            reason=reason.code,
            rule=rule,
            return_due=_iso(dispatch.return_due_date),
            within_limit=within,
        )
    return dispatch


def _department(code, field: str) -> Department:
    if isinstance(code, Department):
        return code
    unit = Department.objects.filter(code=str(code or "").strip()).first()
    if unit is None:
        raise ValidationError({field: [_("Unknown unit “%(code)s”.") % {"code": str(code)[:32]}]})
    return unit


def decide_return(
    dispatch: Dispatch | int,
    *,
    accept: bool,
    note: str = "",
    new_unit=None,
    by,
    now: datetime,
    expected_version: int | None = None,
) -> Ticket:
    """The centre decides a return. Accepted: the dispatch is withdrawn; a lead unit's part goes to
    `new_unit` (a department code) with fresh deadlines, or to the route's fallback unit (兜底) when no unit
    is named and the fallback is not the returning unit; a co-unit's part just ends. Rejected (a note
    says why): the unit keeps it, signed for again if it had signed before, else waiting to be signed."""
    require_centre(by)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": [_("Say why the return is rejected.")]})
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    with transaction.atomic():
        ticket, dispatch = _lock(dispatch, expected_version)
        old = dispatch.state
        if not accept:
            new = dispatch_transition(dispatch, Move.REJECT_RETURN)
            signed = dispatch.signed_at is not None
            ticket_new = ticket_transition(
                ticket, Move.REJECT_RETURN, all_signed=signed and _others_signed(ticket, dispatch.pk)
            )
            dispatch.state = new
            light = _restamp(dispatch)
            bump(dispatch, state=new, **light)
            states = _move_ticket(ticket, ticket_new)
            _event(
                ticket,
                Move.REJECT_RETURN,
                dispatch,
                old,
                by=by,
                now=now,
                ticket_states=states,
                note=note,
                sign_due=_iso(dispatch.sign_due_at),
                handle_due=_iso(dispatch.handle_due_at),
            )
            return ticket
        new = dispatch_transition(dispatch, Move.ACCEPT_RETURN)
        lead = dispatch.role == DispatchRole.LEAD
        successor = None
        if lead:
            successor = _successor(ticket, dispatch, new_unit, now)
        elif new_unit:
            raise ValidationError(
                {
                    "new_unit": [
                        _("Only the lead unit's part is sent on; a co-unit's accepted return just ends.")
                    ]
                }
            )
        ticket_new = ticket_transition(
            ticket, Move.ACCEPT_RETURN, all_signed=successor is None and _others_signed(ticket, dispatch.pk)
        )
        dispatch.state = new
        light = _restamp(dispatch)
        bump(dispatch, state=new, **light)
        made = None
        fields = {}
        if successor is not None:
            limit = _limit(ticket, now)
            made = open_dispatches(ticket, lead=successor, co_units=(), limit=limit, by=by, now=now)[0]
            fields["reply_due_at"] = made.handle_due_at
        states = _move_ticket(ticket, ticket_new, **fields)
        _event(
            ticket,
            Move.ACCEPT_RETURN,
            dispatch,
            old,
            by=by,
            now=now,
            ticket_states=states,
            note=note,
            reason=dispatch.return_reason.code if dispatch.return_reason_id else None,
            new_unit=successor.code if successor else None,
        )
        if made is not None:
            record(
                ticket,
                Move.REDISPATCH,
                by=by,
                now=now,
                new=made.state,
                dispatch=made,
                unit=successor.code,
                role=made.role,
                after_return_of=dispatch.unit.code,
                sign_due=_iso(made.sign_due_at),
                handle_due=_iso(made.handle_due_at),
                old_reply_due=_iso(dispatch.handle_due_at),
                reply_due=_iso(made.handle_due_at),
            )
    return ticket


def _successor(ticket: Ticket, returned: Dispatch, new_unit, now: datetime) -> Department:
    """Who leads after the lead unit's return was accepted."""
    if new_unit:
        unit = _department(new_unit, "new_unit")
    else:
        fallback = route(ticket.subject, ticket.area, now=now).fallback
        if fallback.pk == returned.unit_id:
            raise ValidationError(
                {
                    "new_unit": [
                        _("The fallback unit (%(unit)s) returned this ticket: name the unit to send it to.")
                        % {"unit": fallback.name}
                    ]
                }
            )
        unit = fallback
    if unit.pk == returned.unit_id:
        raise ValidationError({"new_unit": [_("Name another unit than the one that returned the ticket.")]})
    if Dispatch.objects.filter(
        ticket=ticket, round=ticket.round, unit=unit, state__in=OPEN_DISPATCH_STATES
    ).exists():
        raise ValidationError(
            {"new_unit": [_("%(unit)s already has an open part of this ticket.") % {"unit": unit.name}]}
        )
    return unit


# 延期


def _workdays(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    top = max_extension_workdays()
    if not 1 <= days <= top:
        raise ValidationError({"workdays": [_("Ask for 1 to %(max)s working days.") % {"max": top}]})
    return days


def request_extension(
    dispatch: Dispatch | int,
    *,
    workdays: int,
    reason: str,
    by,
    now: datetime,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """延期: a unit that signed for a ticket asks the centre for more working days, with a reason. One
    request at a time; the extensions of a dispatch add up to at most GOVHALL_HOTLINE_MAX_EXTENSION_DAYS.
    An hour limit (紧急, 特急) is not extended."""
    days = _workdays(workdays)
    reason = require_text(reason, "reason", _("Say why more time is needed."))
    with transaction.atomic():
        ticket, dispatch = _lock(dispatch, expected_version)
        require_unit(by, dispatch)
        old = dispatch.state
        dispatch_transition(dispatch, Move.REQUEST_EXTENSION)
        ticket_transition(ticket, Move.REQUEST_EXTENSION)
        if dispatch.handle_due_date is None:
            raise ValidationError(
                {"workdays": [_("An urgent ticket's limit is counted in hours and cannot be extended.")]}
            )
        top = max_extension_workdays()
        if dispatch.extended_workdays + days > top:
            raise ValidationError(
                {
                    "workdays": [
                        _("Extensions add up to at most %(max)s working days; %(done)s were already granted.")
                        % {"max": top, "done": dispatch.extended_workdays}
                    ]
                }
            )
        if dispatch.extension_requests.filter(state=ExtensionState.PENDING).exists():
            raise ValidationError(
                {"workdays": [_("An extension request of this dispatch is already waiting for the centre.")]}
            )
        request = ExtensionRequest.objects.create(
            dispatch=dispatch, workdays=days, reason=reason, requested_at=now, requested_by=by
        )
        bump(dispatch)
        _event(
            ticket,
            Move.REQUEST_EXTENSION,
            dispatch,
            old,
            by=by,
            now=now,
            note=reason,
            request=request.pk,
            workdays=days,
            handle_due=_iso(dispatch.handle_due_at),
        )
    return request


def decide_extension(
    request: ExtensionRequest | int,
    *,
    approve: bool,
    note: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
) -> ExtensionRequest:
    """The centre approves (the due date moves by the working days asked, counted from the current due
    date; the reminders start again) or refuses (a note says why) an extension. `expected_version` is the
    dispatch's."""
    require_centre(by)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("Say why the extension is refused.")]})
    if len(note) > 4000:
        raise ValidationError({"note": [_("At most 4000 characters.")]})
    pk = request if isinstance(request, int) else request.pk
    with transaction.atomic():
        dispatch_id = ExtensionRequest.objects.values_list("dispatch_id", flat=True).get(pk=pk)
        ticket, dispatch = _lock(dispatch_id, expected_version)
        request = ExtensionRequest.objects.select_for_update().get(pk=pk)
        if request.state != ExtensionState.PENDING:
            raise AlreadyDecided(request)
        move = Move.APPROVE_EXTENSION if approve else Move.REFUSE_EXTENSION
        old = dispatch.state
        dispatch_transition(dispatch, move)
        ticket_transition(ticket, move)
        state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
        ExtensionRequest.objects.filter(pk=pk).update(
            state=state, decided_at=now, decided_by=by, decision_note=note
        )
        request.state, request.decided_at, request.decided_by, request.decision_note = state, now, by, note
        if not approve:
            bump(dispatch)
            _event(ticket, move, dispatch, old, by=by, now=now, note=note, request=request.pk)
            return request
        old_date, old_at = dispatch.handle_due_date, dispatch.handle_due_at
        new_date = workdays.add_workdays(old_date, request.workdays)
        dispatch.handle_due_date = new_date
        dispatch.handle_due_at = lights.end_of(new_date)
        dispatch.extended_workdays += request.workdays
        light = _restamp(dispatch)
        bump(
            dispatch,
            handle_due_date=new_date,
            handle_due_at=dispatch.handle_due_at,
            extended_workdays=dispatch.extended_workdays,
            **light,
        )
        if dispatch.role == DispatchRole.LEAD:
            bump(ticket, reply_due_at=dispatch.handle_due_at)
        _event(
            ticket,
            move,
            dispatch,
            old,
            by=by,
            now=now,
            note=note,
            request=request.pk,
            workdays=request.workdays,
            old_due_date=_iso(old_date),
            new_due_date=_iso(new_date),
            old_due=_iso(old_at),
            new_due=_iso(dispatch.handle_due_at),
            extended_workdays=dispatch.extended_workdays,
        )
    return request


# 协办意见 and 答复


def contribute(
    dispatch: Dispatch | int, *, text: str, by, now: datetime, expected_version: int | None = None
) -> Dispatch:
    """协办意见: a co-unit gives its part of the reply to the lead unit; its dispatch is done."""
    text = require_text(text, "text", _("Write the co-unit's opinion for the reply."))
    with transaction.atomic():
        ticket, dispatch = _lock(dispatch, expected_version)
        require_unit(by, dispatch)
        if dispatch.role != DispatchRole.CO:
            raise ValidationError(
                {"text": [_("The lead unit writes the reply itself; co-units contribute.")]}
            )
        old = dispatch.state
        new = dispatch_transition(dispatch, Move.CONTRIBUTE)
        ticket_transition(ticket, Move.CONTRIBUTE)
        dispatch.state = new
        light = _restamp(dispatch)
        bump(dispatch, state=new, contribution=text, done_at=now, done_by=by, **light)
        _event(
            ticket,
            Move.CONTRIBUTE,
            dispatch,
            old,
            by=by,
            now=now,
            handle_due=_iso(dispatch.handle_due_at),
            on_time=now <= dispatch.handle_due_at,
        )
    return dispatch


def reply_ticket(
    ticket: Ticket | int, *, reply: str, basis: str, by, now: datetime, expected_version: int | None = None
) -> Ticket:
    """答复: the lead unit replies with the result and its legal basis, once every other unit of the round
    is done. The ticket waits for the callback; an anonymous one (nobody to call) closes at once."""
    errors = {}
    values = {}
    for field, value, message in (
        ("reply", reply, _("Write the reply to the caller.")),
        ("basis", basis, _("Give the legal basis (law, regulation or policy) of the reply.")),
    ):
        try:
            values[field] = require_text(value, field, message)
        except ValidationError as e:
            errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version)
        lead = (
            Dispatch.objects.select_for_update()
            .filter(ticket=ticket, round=ticket.round, role=DispatchRole.LEAD)
            .exclude(state=DispatchState.WITHDRAWN)
            .select_related("unit")
            .order_by("-id")
            .first()
        )
        if lead is None:
            ticket_transition(ticket, Move.REPLY)  # refused in every state without a lead part
            raise ValidationError({"reply": [_("This ticket has no lead unit to reply.")]})
        require_unit(by, lead)
        old = lead.state
        new = dispatch_transition(lead, Move.REPLY)
        ticket_new = ticket_transition(ticket, Move.REPLY)
        still_open = list(
            Dispatch.objects.filter(ticket=ticket, round=ticket.round, state__in=OPEN_DISPATCH_STATES)
            .exclude(pk=lead.pk)
            .values_list("unit__name", flat=True)
        )
        if still_open:
            raise ValidationError(
                {
                    "reply": [
                        _("These units have not finished their part yet: %(units)s.")
                        % {"units": "、".join(still_open)}
                    ]
                }
            )
        lead.state = new
        light = _restamp(lead)
        bump(lead, state=new, done_at=now, done_by=by, **light)
        states = _move_ticket(
            ticket,
            ticket_new,
            reply=values["reply"],
            reply_basis=values["basis"],
            replied_at=now,
            replied_by=by,
        )
        _event(
            ticket,
            Move.REPLY,
            lead,
            old,
            by=by,
            now=now,
            ticket_states=states,
            reply_due=_iso(ticket.reply_due_at),
            on_time=ticket.reply_due_at is None or now <= ticket.reply_due_at,
        )
        # 重复件: the reply reaches every caller whose ticket is linked to this one as a duplicate.
        duplicates.pass_on_reply(ticket, by=by, now=now)
        if nobody_to_call_back(ticket):
            closed = ticket_transition(ticket, Move.CLOSE_NO_CALLBACK)
            old_state = ticket.state
            bump(ticket, state=closed, closure=Closure.NO_CALLBACK, closed_at=now)
            record(ticket, Move.CLOSE_NO_CALLBACK, by=by, now=now, old=old_state, new=closed)
    return ticket


__all__ = [
    "AlreadyDecided",
    "contribute",
    "decide_extension",
    "decide_return",
    "nobody_to_call_back",
    "reply_ticket",
    "request_extension",
    "request_return",
    "sign_for",
]
