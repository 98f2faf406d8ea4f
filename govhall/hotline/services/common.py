"""What every hotline service shares: who may act, the version check, the event log, deadlines, lights."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import Role
from govhall.hotline.errors import StaleVersion, TicketForbidden
from govhall.hotline.models import Dispatch, DispatchState, Limit, Ticket, TicketEvent
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

# The centre's roles: operators register, dispatch and call back; supervisors also decide returns,
# extensions and reviews. Administrators may do everything the centre does.
CENTRE_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
UNIT_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD})


def is_centre(user) -> bool:
    return user is not None and getattr(user, "role", None) in CENTRE_ROLES and user.is_active


def require_centre(user) -> None:
    if not is_centre(user):
        raise TicketForbidden(_("Only the hotline centre (operators and supervisors) may do this."))


def may_dispatch_proactive(user) -> bool:
    """Leaders turn hot topics into proactive tasks (未诉先办) as well as the centre."""
    return is_centre(user) or (
        user is not None and user.is_active and getattr(user, "role", None) == Role.LEADER
    )


def require_unit(user, dispatch: Dispatch) -> None:
    if not (
        user is not None
        and user.is_active
        and getattr(user, "role", None) in UNIT_ROLES
        and user.department_id == dispatch.unit_id
    ):
        raise TicketForbidden(_("Only the unit this ticket was dispatched to may do this."))


def check_version(row, expected: int | None, what: str) -> None:
    if expected is not None and int(expected) != row.version:
        raise StaleVersion(expected=int(expected), actual=row.version, what=what)


def lock_ticket(ticket: Ticket | int, expected_version: int | None = None, *, related: tuple = ()) -> Ticket:
    """The ticket's row, locked; `related` rows (e.g. its subject) are read in the same query, unlocked."""
    pk = ticket if isinstance(ticket, int) else ticket.pk
    rows = Ticket.objects.select_for_update(of=("self",)) if related else Ticket.objects.select_for_update()
    row = rows.select_related(*related).get(pk=pk)
    check_version(row, expected_version, _("ticket"))
    return row


def lock_dispatch(dispatch: Dispatch | int, expected_version: int | None = None) -> Dispatch:
    pk = dispatch if isinstance(dispatch, int) else dispatch.pk
    row = Dispatch.objects.select_for_update().select_related("ticket").get(pk=pk)
    check_version(row, expected_version, _("dispatch"))
    return row


def bump(row, **fields) -> None:
    """Save the changed fields and the next version (the caller holds the row lock)."""
    for name, value in fields.items():
        setattr(row, name, value)
    type(row).objects.filter(pk=row.pk).update(version=F("version") + 1, **fields)
    row.version += 1


def record(
    ticket: Ticket,
    move: str,
    *,
    by,
    now: datetime,
    old: str = "",
    new: str = "",
    dispatch=None,
    note: str = "",
    **data,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        dispatch=dispatch,
        move=move,
        from_state=old,
        to_state=new,
        at=now,
        by=by,
        note=note,
        data=data,
    )


def require_text(value, field: str, message: str, *, max_length: int = 4000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [message]})
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("At most %(n)s characters (this has %(m)s).") % {"n": max_length, "m": len(text)}]}
        )
    return text


# Deadlines. A working-day limit counts from the next working day after the dispatch (add_workdays) and
# ends at the end of the due date; an hour limit (紧急/特急) counts clock hours from the dispatch.


def handle_deadline(limit: Limit, start: datetime, *, extra_workdays: int = 0):
    """(due date or None, due moment) of a handling limit started at `start`."""
    if limit.handle_hours:
        return None, start + timedelta(hours=limit.handle_hours)
    due = workdays.add_workdays(timezone.localdate(start), limit.handle_workdays + extra_workdays)
    return due, lights.end_of(due)


def sign_deadline(limit: Limit, start: datetime) -> datetime:
    return start + timedelta(hours=limit.sign_hours)


def hours_warn(start: datetime, due: datetime) -> datetime:
    """Yellow for an hour limit: the last quarter of the time (at least the last hour)."""
    lead = max((due - start) / 4, timedelta(hours=1))
    return max(start, due - lead)


def stamp_dispatch(dispatch: Dispatch) -> None:
    """Set warn_at/due_at of the dispatch's current stage (sign for, then handle); reset the reminders when
    the due moment moved. Does not save."""
    if dispatch.state == DispatchState.PENDING:
        warn, due = hours_warn(dispatch.dispatched_at, dispatch.sign_due_at), dispatch.sign_due_at
    elif dispatch.state in (DispatchState.SIGNED, DispatchState.RETURN_REQUESTED):
        if dispatch.handle_due_date is not None:
            limit = (dispatch.handle_limit_workdays or 0) + dispatch.extended_workdays
            warn, due = lights.thresholds(dispatch.handle_due_date, limit, lights.default_threshold())
        else:
            warn, due = hours_warn(dispatch.dispatched_at, dispatch.handle_due_at), dispatch.handle_due_at
    else:
        warn, due = None, None
    if due != dispatch.due_at:
        dispatch.alert_level = 0
    dispatch.warn_at, dispatch.due_at = warn, due


def nobody_to_call_back(ticket) -> bool:
    """An anonymous ticket, or one with neither a phone nor a signed-in caller: no callback to make."""
    return ticket.anonymous or (not ticket.caller_phone and ticket.caller_user_id is None)
