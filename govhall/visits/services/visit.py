"""The visit's services: appointment slots and bookings, queue numbers, and the window's calling.

Each is a verb with keyword-only arguments and `now`, one transaction each. Refusals are ValidationErrors
naming the field and the rule (the API answers 400); a move the state table does not allow is
TransitionNotAllowed (409). Capacity and calling are claimed by compare-and-swap or row locks, so that
concurrent bookings never overfill a slot and two windows never call the same number.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import ServiceItem, Window
from govhall.visits.models import (
    Booking,
    BookingState,
    QueueCounter,
    Slot,
    SlotTemplate,
    Visit,
    VisitSource,
    VisitState,
    WindowGroup,
)
from govhall.visits.visit_signals import visit_finished
from govhall.visits.visit_states import AT_WINDOW, VisitAction, next_state
from govhall.workdays import calendar as workdays

# Booking codes: no 0/O, 1/I/L, so that a code read out at the kiosk is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def local_dt(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# --- appointment slots -------------------------------------------------------------------------------


def generate_slots(*, start: date, days: int, now: datetime) -> int:
    """Create the slots of the active templates for `days` days from `start`, on working days only. Slots
    that exist already are kept (with their bookings); returns how many were created."""
    templates = list(SlotTemplate.objects.filter(is_active=True, group__is_active=True))
    created = 0
    with transaction.atomic():
        for offset in range(days):
            day = start + timedelta(days=offset)
            if not workdays.is_workday(day):
                continue
            for t in templates:
                if t.weekday != day.weekday():
                    continue
                _slot, new = Slot.objects.get_or_create(
                    group_id=t.group_id,
                    template=t,
                    start_at=local_dt(day, t.start),
                    defaults={
                        "item_id": t.item_id,
                        "day": day,
                        "end_at": local_dt(day, t.end),
                        "capacity": t.capacity,
                        "kind": t.kind,
                    },
                )
                created += new
    return created


def _check_bookable(slot: Slot, *, item: ServiceItem | None, now: datetime) -> None:
    if not workdays.is_workday(slot.day):
        raise ValidationError(
            {
                "slot": _(
                    "%(day)s is not a working day of the hall's calendar: "
                    "appointments are only made on working days."
                )
                % {"day": slot.day.isoformat()}
            }
        )
    if slot.has_started(now):
        raise ValidationError(
            {
                "slot": _("The slot starting at %(start)s has already started: book a later slot.")
                % {"start": timezone.localtime(slot.start_at).strftime("%Y-%m-%d %H:%M")}
            }
        )
    if item is not None:
        if slot.item_id is not None and slot.item_id != item.pk:
            raise ValidationError({"slot": _("This slot is reserved for another service item.")})
        if not slot.group.items.filter(pk=item.pk).exists():
            raise ValidationError({"item": _("The window group of this slot does not serve this item.")})


def _claim_place(slot: Slot) -> None:
    """One place of the slot, by compare-and-swap on its counter: never more bookings than capacity."""
    if not Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1):
        raise ValidationError(
            {
                "slot": _("The slot is full (capacity %(capacity)s): choose another slot.")
                % {"capacity": slot.capacity}
            }
        )


def _release_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def book_slot(*, slot: Slot, person, item: ServiceItem | None = None, now: datetime) -> Booking:
    """Book a place in `slot` for the signed-in resident; refused on a rest day, a full or a started slot."""
    with transaction.atomic():
        _check_bookable(slot, item=item, now=now)
        if Booking.objects.filter(slot=slot, person=person, state=BookingState.BOOKED).exists():
            raise ValidationError({"slot": _("You already have an appointment in this slot.")})
        _claim_place(slot)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    return Booking.objects.create(
                        slot=slot, item=item or slot.item, person=person, code=_new_code(), booked_at=now
                    )
            except IntegrityError:  # the random code exists already: draw again
                continue
        raise RuntimeError("could not draw a free booking code")


def _check_changeable(booking: Booking, *, by, now: datetime) -> None:
    if by is not None and booking.person_id != getattr(by, "pk", None):
        raise ValidationError({"booking": _("This appointment is not yours.")})
    if booking.state != BookingState.BOOKED:
        raise ValidationError(
            {
                "booking": _(
                    "The appointment is %(state)s: only a booked appointment can be changed or cancelled."
                )
                % {"state": booking.get_state_display()}
            }
        )
    if booking.slot.has_started(now):
        raise ValidationError(
            {
                "booking": _(
                    "The slot has already started: an appointment can be changed or cancelled "
                    "only until its slot starts."
                )
            }
        )


def _stale(booking: Booking, version: int | None) -> None:
    from govhall.cases.errors import StaleVersion

    if version is not None and version != booking.version:
        raise StaleVersion(expected=version, actual=booking.version, what="appointment")


def cancel_booking(booking: Booking, *, by, now: datetime, version: int | None = None) -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
        _stale(booking, version)
        _check_changeable(booking, by=by, now=now)
        booking.state = BookingState.CANCELLED
        booking.cancelled_at = now
        booking.version += 1
        booking.save(update_fields=["state", "cancelled_at", "version"])
        _release_place(booking.slot_id)
        return booking


def change_booking(booking: Booking, *, slot: Slot, by, now: datetime, version: int | None = None) -> Booking:
    """Move the appointment to another slot (same code); the old place is freed only if the new one is had."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",)).select_related("slot", "item").get(pk=booking.pk)
        )
        _stale(booking, version)
        _check_changeable(booking, by=by, now=now)
        if slot.pk == booking.slot_id:
            return booking
        _check_bookable(slot, item=booking.item, now=now)
        # Both slot rows in the order of their keys, so that two changes in opposite directions never
        # deadlock; a refused claim rolls the release back with the transaction.
        if slot.pk < booking.slot_id:
            _claim_place(slot)
            _release_place(booking.slot_id)
        else:
            _release_place(booking.slot_id)
            _claim_place(slot)
        booking.slot = slot
        booking.version += 1
        booking.save(update_fields=["slot", "version"])
        return booking


# --- queue numbers -----------------------------------------------------------------------------------


def _next_sequence(group: WindowGroup, day: date) -> int:
    """The group's next number of the day: UPDATE … RETURNING under the counter's row lock."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(QueueCounter._meta.db_table)} SET {q('last')} = {q('last')} + 1"
            f" WHERE {q('group_id')} = %s AND {q('day')} = %s RETURNING {q('last')}",
            [group.pk, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():
            QueueCounter.objects.create(group=group, day=day, last=1)
        return 1
    except IntegrityError:  # another ticket created the day's row first
        counter = QueueCounter.objects.filter(group=group, day=day)
        counter.update(last=F("last") + 1)
        return counter.values_list("last", flat=True).get()


def format_number(group: WindowGroup, sequence: int) -> str:
    return f"{group.code}{sequence:03d}"


def _create_visit(
    *, group: WindowGroup, item, person, phone: str, source: str, queue_at, priority: int, now
) -> Visit:
    day = timezone.localdate(now)
    sequence = _next_sequence(group, day)
    return Visit.objects.create(
        hall_id=group.hall_id,
        group=group,
        day=day,
        sequence=sequence,
        number=format_number(group, sequence),
        source=source,
        item=item,
        person=person,
        phone=phone,
        ticket_at=now,
        queue_at=queue_at,
        priority=priority,
    )


def take_number(
    *, group: WindowGroup, item: ServiceItem | None = None, person=None, phone: str = "", now: datetime
) -> Visit:
    """A walk-in number (取号) for `group`, queued from now."""
    with transaction.atomic():
        if not group.is_active:
            raise ValidationError({"group": _("This window group does not take numbers now.")})
        if item is not None and not group.items.filter(pk=item.pk).exists():
            raise ValidationError({"item": _("This window group does not serve the item chosen.")})
        return _create_visit(
            group=group,
            item=item,
            person=person,
            phone=phone,
            source=VisitSource.WALK_IN,
            queue_at=now,
            priority=1,
            now=now,
        )


def take_number_by_code(*, hall, code: str, now: datetime) -> Visit:
    """The number of an appointment: queued from its slot's start, before walk-ins of the same moment."""
    code = (code or "").strip().upper()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__group", "item", "person")
            .filter(code=code)
            .first()
        )
        if booking is None:
            raise ValidationError({"code": _("No appointment has this booking code.")})
        slot = booking.slot
        if slot.group.hall_id != hall.pk:
            raise ValidationError(
                {"code": _("This appointment is at another hall: %(hall)s.") % {"hall": slot.group.hall.name}}
            )
        if booking.state == BookingState.ARRIVED:
            raise ValidationError({"code": _("A number has already been taken with this booking code.")})
        if booking.state == BookingState.CANCELLED:
            raise ValidationError({"code": _("This appointment was cancelled.")})
        if slot.day != timezone.localdate(now):
            raise ValidationError(
                {
                    "code": _(
                        "This appointment is for %(day)s: a number can be taken "
                        "only on the day of the appointment."
                    )
                    % {"day": slot.day.isoformat()}
                }
            )
        if now >= slot.end_at:
            raise ValidationError(
                {"code": _("The appointment's slot has ended: please take a walk-in number.")}
            )
        visit = _create_visit(
            group=slot.group,
            item=booking.item,
            person=booking.person,
            phone="",
            source=VisitSource.BOOKING,
            queue_at=slot.start_at,
            priority=0,
            now=now,
        )
        booking.state = BookingState.ARRIVED
        booking.visit = visit
        booking.version += 1
        booking.save(update_fields=["state", "visit", "version"])
        return visit


# --- the window: calling -----------------------------------------------------------------------------


VISIT_RELATED = ("hall", "group", "item", "window", "clerk", "case")


def _reload(pk: int) -> Visit:
    """The visit as the callers answer it: its related rows in the same query."""
    return Visit.objects.select_related(*VISIT_RELATED).get(pk=pk)


def _move(visit: Visit, action: str, *, expect: str | None = None, **fields) -> Visit:
    """Compare-and-swap the visit to the state the table gives; 409 if someone moved it first."""
    from govhall.cases.errors import TransitionNotAllowed

    state = expect or visit.state
    target = next_state(state, action)
    updated = Visit.objects.filter(pk=visit.pk, state=state, version=visit.version).update(
        state=target, version=F("version") + 1, **fields
    )
    if not updated:
        current = Visit.objects.get(pk=visit.pk)
        raise TransitionNotAllowed(machine="visit", state=current.state, action=action)
    return _reload(visit.pk)


def current_at_window(window: Window) -> Visit | None:
    return Visit.objects.filter(window=window, state__in=AT_WINDOW).order_by("-called_at").first()


def queue_order() -> list[str]:
    return ["queue_at", "priority", "sequence"]


def call_next(*, window: Window, clerk, now: datetime) -> Visit | None:
    """Call the next waiting number of the window's groups: booked first within their slot, then by ticket.
    The row is claimed with SKIP LOCKED on PostgreSQL (or by compare-and-swap elsewhere), so two windows
    never call the same number. None: nobody is waiting."""
    day = timezone.localdate(now)
    with transaction.atomic():
        # One call at a time per window: its row lock (PostgreSQL) orders double clicks.
        Window.objects.select_for_update().filter(pk=window.pk).first()
        held = current_at_window(window)
        if held is not None:
            raise ValidationError(
                {
                    "window": _(
                        "Window %(window)s still has number %(number)s: finish, skip or transfer it first."
                    )
                    % {"window": window.number, "number": held.number}
                }
            )
        waiting = Visit.objects.filter(
            group__in=WindowGroup.objects.filter(windows=window, is_active=True).values("pk"),
            day=day,
            state=VisitState.WAITING,
        ).order_by(*queue_order())
        fields = {"window": window, "clerk": clerk, "called_at": now, "calls": 1}
        target = next_state(VisitState.WAITING, VisitAction.CALL)
        if connection.features.has_select_for_update_skip_locked:
            visit = waiting.select_for_update(skip_locked=True, of=("self",)).first()
            if visit is None:
                return None
            Visit.objects.filter(pk=visit.pk).update(state=target, version=F("version") + 1, **fields)
            return _reload(visit.pk)
        for _attempt in range(20):
            pk = waiting.values_list("pk", flat=True).first()
            if pk is None:
                return None
            if Visit.objects.filter(pk=pk, state=VisitState.WAITING).update(
                state=target, version=F("version") + 1, **fields
            ):
                return _reload(pk)
        return None


def _at_window(visit: Visit, window: Window | None) -> None:
    if window is not None and visit.window_id != window.pk:
        raise ValidationError(
            {"window": _("Number %(number)s is not at this window.") % {"number": visit.number}}
        )


def recall(visit: Visit, *, window: Window | None = None, now: datetime) -> Visit:
    with transaction.atomic():
        _at_window(visit, window)
        return _move(visit, VisitAction.RECALL, called_at=now, calls=F("calls") + 1)


def skip(visit: Visit, *, window: Window | None = None, now: datetime) -> Visit:
    """过号: the resident did not come when called; the number leaves the queue (requeue brings it back)."""
    with transaction.atomic():
        _at_window(visit, window)
        return _move(visit, VisitAction.SKIP, ended_at=now)


def requeue(visit: Visit, *, now: datetime) -> Visit:
    """A skipped resident came back: the number waits again, at the end of the queue."""
    with transaction.atomic():
        return _move(visit, VisitAction.REQUEUE, queue_at=now, priority=1, window=None, ended_at=None)


def start_service(visit: Visit, *, window: Window | None = None, now: datetime) -> Visit:
    with transaction.atomic():
        _at_window(visit, window)
        return _move(visit, VisitAction.START, started_at=now)


def finish_service(visit: Visit, *, window: Window | None = None, now: datetime) -> Visit:
    """The service ends: the visit keeps window, clerk, hall, item and its times, ready to be rated."""
    with transaction.atomic():
        _at_window(visit, window)
        visit = _move(visit, VisitAction.FINISH, ended_at=now)
        transaction.on_commit(lambda: visit_finished.send(sender=Visit, visit=visit))
        return visit


def transfer(visit: Visit, *, to_group: WindowGroup, window: Window | None = None, now: datetime) -> Visit:
    """转移: the number waits in another group's queue of the same hall, keeping its place in time."""
    with transaction.atomic():
        _at_window(visit, window)
        if to_group.hall_id != visit.hall_id:
            raise ValidationError(
                {"group": _("A number can only be transferred to a window group of the same hall.")}
            )
        if to_group.pk == visit.group_id:
            raise ValidationError({"group": _("The number is already in this window group.")})
        if not to_group.is_active:
            raise ValidationError({"group": _("This window group does not take numbers now.")})
        return _move(
            visit,
            VisitAction.TRANSFER,
            group=to_group,
            window=None,
            clerk=None,
            called_at=None,
            started_at=None,
            transfers=F("transfers") + 1,
        )


def cancel_visit(visit: Visit, *, now: datetime) -> Visit:
    with transaction.atomic():
        return _move(visit, VisitAction.CANCEL, ended_at=now)


def link_case(visit: Visit, *, case_number: str, now: datetime) -> Visit:
    """Tie the case opened during the visit to it (by the case's number)."""
    from govhall.cases.models import Case

    with transaction.atomic():
        case = Case.objects.filter(number=case_number.strip()).first()
        if case is None:
            raise ValidationError({"case": _("No case has the number %(number)s.") % {"number": case_number}})
        if visit.state not in (VisitState.CALLED, VisitState.SERVING, VisitState.DONE):
            raise ValidationError({"case": _("A case can be linked only to a visit that has been called.")})
        Visit.objects.filter(pk=visit.pk).update(case=case, version=F("version") + 1)
        return _reload(visit.pk)


__all__ = [
    "book_slot",
    "call_next",
    "cancel_booking",
    "cancel_visit",
    "change_booking",
    "finish_service",
    "generate_slots",
    "link_case",
    "recall",
    "requeue",
    "skip",
    "start_service",
    "take_number",
    "take_number_by_code",
    "transfer",
]
