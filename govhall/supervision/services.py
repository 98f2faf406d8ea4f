"""Every change of supervision is one function here: cards, supervision orders, escalation, the inbox.

Common arguments as in govhall.cases.services: `by` the acting user, `now` an aware datetime,
`expected_version` the version the caller read (StaleVersion when it moved on, None skips the check).
Messages are written in the same transaction (inbox and outbox); sending happens after commit.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from govhall.cases.errors import CaseForbidden, StaleVersion
from govhall.cases.models import Case, Step
from govhall.core import inputs
from govhall.core.models import Role, User
from govhall.supervision import lights
from govhall.supervision.models import (
    Alert,
    AlertLevel,
    Card,
    CardEvent,
    CardKind,
    CardRule,
    CardState,
    NotificationKind,
    Order,
    OrderEvent,
    OrderState,
    Preference,
)
from govhall.supervision.notify import Message, post
from govhall.supervision.states import card_transition, order_transition
from govhall.workdays import calendar as workdays

# --- who is told -------------------------------------------------------------------------------------


class Directory:
    """Active staff by role and department, read once per sweep or service call."""

    def __init__(self) -> None:
        self.handlers: dict[int, list[int]] = {}
        self.heads: dict[int, list[int]] = {}
        self.supervisors: list[int] = []
        self.leaders: list[int] = []
        rows = User.objects.filter(
            is_active=True, role__in=[Role.HANDLER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.LEADER]
        ).values_list("pk", "role", "department_id")
        for pk, role, department in rows:
            if role == Role.HANDLER and department:
                self.handlers.setdefault(department, []).append(pk)
            elif role == Role.DEPT_HEAD and department:
                self.heads.setdefault(department, []).append(pk)
            elif role == Role.SUPERVISOR:
                self.supervisors.append(pk)
            elif role == Role.LEADER:
                self.leaders.append(pk)

    def department(self, department_id: int) -> tuple[int, ...]:
        return (*self.handlers.get(department_id, ()), *self.heads.get(department_id, ()))


@functools.lru_cache(maxsize=512)
def _translated(message: str, language: str) -> str:
    with translation.override(language):
        return _(message)


def centre_template(message: str) -> str:
    """The translation of a message in the centre's language (cached: the sweep fills in thousands)."""
    return _translated(message, settings.LANGUAGE_CODE)


def centre_text(message: str, **values) -> str:
    """A message in the centre's language (zh-Hans): inbox, e-mail and SMS carry the same words."""
    template = centre_template(message)
    return template % values if values else template


_LABELS: dict[tuple[int, str], str] = {}


def centre_label(label) -> str:
    """A lazy choice label in the centre's language (labels are module constants: cached by identity)."""
    key = (id(label), settings.LANGUAGE_CODE)
    if key not in _LABELS:
        with translation.override(settings.LANGUAGE_CODE):
            _LABELS[key] = str(label)
    return _LABELS[key]


def local_date(now: datetime) -> date:
    if timezone.is_naive(now):
        raise ValueError("`now` must be an aware datetime")
    return timezone.localdate(now)


# --- permissions -------------------------------------------------------------------------------------


def require_supervisor(user) -> None:
    if getattr(user, "role", None) != Role.SUPERVISOR:
        raise CaseForbidden(_("Only a supervisor may do this."))


def require_department_head(user, department_id: int) -> None:
    if getattr(user, "role", None) != Role.DEPT_HEAD or user.department_id != department_id:
        raise CaseForbidden(_("Only the head of the department concerned may do this."))


def _require_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return inputs.check_text(value, field)


def _check_version(row, expected: int | None, what: str) -> None:
    if expected is not None and row.version != expected:
        raise StaleVersion(expected=expected, actual=row.version, what=what)


# --- cards -------------------------------------------------------------------------------------------


def reply_due(now: datetime) -> date:
    return workdays.add_workdays(local_date(now), settings.GOVHALL_CARD_REPLY_DAYS)


def card_url(card: Card) -> str:
    return reverse("supervision:card", args=[card.pk])


def card_message(card: Card, case_number: str = "") -> str:
    label = centre_label(CardKind(card.kind).label)
    return centre_text(
        gettext_noop("%(label)s %(number)s: %(reason)s Reply with the cause and the correction by %(due)s."),
        label=label,
        number=case_number or f"#{card.pk}",
        reason=card.reason,
        due=card.reply_due.isoformat(),
    )


def _record_card(card: Card, kind: str, *, by, now, old: str = "", text: str = "", data=None) -> None:
    CardEvent.objects.create(
        card=card, kind=kind, at=now, by=by, from_state=old, to_state=card.state, text=text, data=data or {}
    )


def _announce_card(card: Card, directory: Directory, *, now: datetime) -> None:
    number = card.case.number if card.case_id else ""
    recipients = (*directory.heads.get(card.department_id, ()),)
    post(
        [
            Message(
                recipients, NotificationKind.CARD, card_message(card, number), card_url(card), card.case_id
            )
        ],
        now=now,
    )


@transaction.atomic
def issue_card(
    *,
    kind: str,
    department,
    reason: str,
    by,
    now: datetime,
    case: Case | None = None,
    step: Step | None = None,
) -> Card:
    """A supervisor issues a card by hand (yellow, red or a flag) to a department."""
    require_supervisor(by)
    if kind not in CardKind.values:
        raise ValidationError({"kind": [_("The kind is yellow, red or flag.")]})
    reason = _require_text(reason, "reason", _("Say why the card is issued."))
    if step is not None:
        case = step.case
    card = Card.objects.create(
        kind=kind,
        rule=CardRule.MANUAL,
        department=department,
        case=case,
        step=step,
        reason=reason,
        issued_at=now,
        issued_by=by,
        reply_due=reply_due(now),
    )
    _record_card(card, "issued", by=by, now=now, text=reason)
    _announce_card(card, Directory(), now=now)
    return card


@transaction.atomic
def issue_rule_card(
    *,
    rule: str,
    kind: str,
    key: str,
    department_id: int,
    reason: str,
    now: datetime,
    case_id: int | None = None,
    step_id: int | None = None,
    directory: Directory | None = None,
) -> Card | None:
    """A card a rule issues; at most one per key (the occasion). None when it exists already."""
    if Card.objects.filter(key=key).exists():
        return None
    card = Card.objects.create(
        kind=kind,
        rule=rule,
        key=key,
        department_id=department_id,
        case_id=case_id,
        step_id=step_id,
        reason=reason,
        issued_at=now,
        reply_due=reply_due(now),
    )
    _record_card(card, "issued", by=None, now=now, text=reason, data={"rule": rule})
    _announce_card(card, directory or Directory(), now=now)
    return card


def _lock_card(card: Card | int, expected_version: int | None) -> Card:
    pk = card.pk if isinstance(card, Card) else card
    locked = Card.objects.select_for_update().get(pk=pk)
    _check_version(locked, expected_version, "card")
    return locked


def _card_change(card: Card, action: str, *, by, now: datetime, text: str, tell: tuple[int, ...], **fields):
    old = card.state
    card.state = card_transition(card, action)
    for name, value in fields.items():
        setattr(card, name, value)
    card.version += 1
    card.save()
    _record_card(card, action, by=by, now=now, old=old, text=text)
    label = centre_label(CardState(card.state).label)
    message = centre_text(
        gettext_noop("Card #%(pk)s: %(state)s. %(text)s"), pk=card.pk, state=label, text=text
    )
    post([Message(tell, NotificationKind.CARD_UPDATE, message, card_url(card), card.case_id)], now=now)
    return card


@transaction.atomic
def reply_to_card(
    card: Card, *, cause: str, correction: str, by, now: datetime, expected_version: int | None = None
) -> Card:
    """The department head answers with the cause and the correction."""
    card = _lock_card(card, expected_version)
    require_department_head(by, card.department_id)
    cause = _require_text(cause, "cause", _("Say what caused it."))
    correction = _require_text(correction, "correction", _("Say what was corrected."))
    text = f"{cause}\n{correction}"
    return _card_change(
        card,
        "reply",
        by=by,
        now=now,
        text=text,
        tell=tuple(Directory().supervisors),
        cause=cause,
        correction=correction,
        replied_at=now,
    )


@transaction.atomic
def appeal_card(card: Card, *, reason: str, by, now: datetime, expected_version: int | None = None) -> Card:
    """申诉: the department head contests the card, once."""
    card = _lock_card(card, expected_version)
    require_department_head(by, card.department_id)
    reason = _require_text(reason, "reason", _("Say why the card is wrong."))
    card_transition(card, "appeal")  # refused in this state before anything else
    if card.appealed:
        raise ValidationError({"reason": [_("A card can be appealed only once.")]})
    return _card_change(
        card, "appeal", by=by, now=now, text=reason, tell=tuple(Directory().supervisors), appealed=True
    )


@transaction.atomic
def decide_appeal(
    card: Card, *, uphold: bool, reason: str, by, now: datetime, expected_version: int | None = None
) -> Card:
    """A supervisor upholds or revokes an appealed card, always with a reason."""
    card = _lock_card(card, expected_version)
    require_supervisor(by)
    reason = _require_text(reason, "reason", _("The decision needs a reason."))
    heads = tuple(Directory().heads.get(card.department_id, ()))
    return _card_change(card, "uphold" if uphold else "revoke", by=by, now=now, text=reason, tell=heads)


@transaction.atomic
def revoke_card(card: Card, *, reason: str, by, now: datetime, expected_version: int | None = None) -> Card:
    """A supervisor withdraws a card issued in error (before any reply)."""
    card = _lock_card(card, expected_version)
    require_supervisor(by)
    reason = _require_text(reason, "reason", _("The decision needs a reason."))
    heads = tuple(Directory().heads.get(card.department_id, ()))
    return _card_change(card, "revoke", by=by, now=now, text=reason, tell=heads)


@transaction.atomic
def close_card(
    card: Card, *, reason: str = "", by, now: datetime, expected_version: int | None = None
) -> Card:
    """A supervisor accepts the department's reply; the card is closed."""
    card = _lock_card(card, expected_version)
    require_supervisor(by)
    heads = tuple(Directory().heads.get(card.department_id, ()))
    return _card_change(
        card, "close", by=by, now=now, text=inputs.check_text((reason or "").strip(), "reason"), tell=heads
    )


# --- supervision orders (督办) -------------------------------------------------------------------------


def order_url(order: Order) -> str:
    return reverse("supervision:order", args=[order.pk])


def _record_order(order: Order, kind: str, *, by, now, old: str = "", text: str = "") -> None:
    OrderEvent.objects.create(
        order=order, kind=kind, at=now, by=by, from_state=old, to_state=order.state, text=text
    )


def _order_topic(order: Order) -> str:
    return order.case.number if order.case_id else order.subject


@transaction.atomic
def issue_order(
    *,
    department,
    instruction: str,
    due_date: date,
    by,
    now: datetime,
    case: Case | None = None,
    subject: str = "",
) -> Order:
    """督办: a supervisor orders a department to act on a case (or another matter) by a date."""
    require_supervisor(by)
    instruction = _require_text(instruction, "instruction", _("Say what the department must do."))
    subject = (subject or "").strip()
    if case is None and not subject:
        raise ValidationError({"subject": [_("Name the case or the matter of the order.")]})
    if due_date is None or due_date < local_date(now):
        raise ValidationError({"due_date": [_("The date to act by is today or later.")]})
    order = Order.objects.create(
        case=case,
        subject=subject,
        department=department,
        instruction=instruction,
        due_date=due_date,
        due_at=lights.end_of(due_date),
        issued_at=now,
        issued_by=by,
    )
    _record_order(order, "issued", by=by, now=now, text=instruction)
    text = centre_text(
        gettext_noop("Supervision order #%(pk)s on %(topic)s: %(instruction)s Act and reply by %(due)s."),
        pk=order.pk,
        topic=_order_topic(order),
        instruction=instruction,
        due=due_date.isoformat(),
    )
    directory = Directory()
    post(
        [
            Message(
                directory.department(department.pk),
                NotificationKind.ORDER,
                text,
                order_url(order),
                order.case_id,
            )
        ],
        now=now,
    )
    return order


def _lock_order(order: Order | int, expected_version: int | None) -> Order:
    pk = order.pk if isinstance(order, Order) else order
    locked = Order.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)
    _check_version(locked, expected_version, "order")
    return locked


def _order_change(order: Order, action: str, *, by, now: datetime, text: str, tell, **fields) -> Order:
    old = order.state
    order.state = order_transition(order, action)
    for name, value in fields.items():
        setattr(order, name, value)
    order.version += 1
    order.save()
    _record_order(order, action, by=by, now=now, old=old, text=text)
    label = centre_label(OrderState(order.state).label)
    message = centre_text(
        gettext_noop("Supervision order #%(pk)s on %(topic)s: %(state)s. %(text)s"),
        pk=order.pk,
        topic=_order_topic(order),
        state=label,
        text=text,
    )
    post(
        [Message(tuple(tell), NotificationKind.ORDER_UPDATE, message, order_url(order), order.case_id)],
        now=now,
    )
    return order


@transaction.atomic
def reply_to_order(
    order: Order, *, reply: str, by, now: datetime, expected_version: int | None = None
) -> Order:
    """The department head reports what was done."""
    order = _lock_order(order, expected_version)
    require_department_head(by, order.department_id)
    reply = _require_text(reply, "reply", _("Say what the department did."))
    tell = (order.issued_by_id, *Directory().supervisors)
    return _order_change(
        order, "reply", by=by, now=now, text=reply, tell=tell, reply=reply, replied_at=now, replied_by=by
    )


@transaction.atomic
def close_order(
    order: Order, *, reason: str = "", by, now: datetime, expected_version: int | None = None
) -> Order:
    """The supervisor is satisfied (or ends the order); it is closed."""
    order = _lock_order(order, expected_version)
    require_supervisor(by)
    tell = Directory().department(order.department_id)
    return _order_change(
        order,
        "close",
        by=by,
        now=now,
        text=inputs.check_text((reason or "").strip(), "reason"),
        tell=tell,
        closed_at=now,
    )


@transaction.atomic
def reopen_order(
    order: Order, *, reason: str, due_date: date, by, now: datetime, expected_version: int | None = None
) -> Order:
    """The reply does not satisfy the supervisor: back to the department with a reason and a new date."""
    order = _lock_order(order, expected_version)
    require_supervisor(by)
    reason = _require_text(reason, "reason", _("Say what is still missing."))
    if due_date is None or due_date < local_date(now):
        raise ValidationError({"due_date": [_("The date to act by is today or later.")]})
    tell = Directory().department(order.department_id)
    return _order_change(
        order,
        "reopen",
        by=by,
        now=now,
        text=reason,
        tell=tell,
        due_date=due_date,
        due_at=lights.end_of(due_date),
        escalation_level=0,
    )


# --- escalation --------------------------------------------------------------------------------------


@transaction.atomic
def escalate(*, step: Step | None = None, case: Case | None = None, note: str, by, now: datetime) -> Alert:
    """A supervisor escalates an overdue step or case further: the leaders and the department head hear."""
    require_supervisor(by)
    note = _require_text(note, "note", _("Say why it is escalated."))
    if step is not None:
        case = step.case
    if case is None:
        raise ValidationError({"step": [_("Name the step or the case.")]})
    department_id = step.department_id if step is not None else case.item.department_id
    alert = Alert.objects.create(
        case=case,
        step=step,
        department_id=department_id,
        level=AlertLevel.ESCALATED,
        threshold_at=(step.due_at if step is not None else case.due_at) or now,
        at=now,
        by=by,
        note=note,
    )
    directory = Directory()
    text = centre_text(
        gettext_noop("Escalated by the supervisor: %(number)s %(what)s. %(note)s"),
        number=case.number,
        what=step.name if step is not None else "",
        note=note,
    )
    tell = (*directory.leaders, *directory.heads.get(department_id, ()))
    url = reverse("cases:detail", args=[case.pk])
    post([Message(tell, NotificationKind.ESCALATED, text, url, case.pk)], now=now)
    return alert


# --- inbox -------------------------------------------------------------------------------------------


def mark_read(user, *, ids: list[int] | None = None, now: datetime) -> int:
    """Mark the user's messages read (given ids, or all); a single UPDATE, only the user's own rows."""
    from govhall.supervision.models import Notification

    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=now)


def set_preferences(user, *, email: bool, sms: bool) -> Preference:
    """Choose channels besides the inbox. E-mail needs an address and SMS a mobile number on the account."""
    errors = {}
    if email and not user.email:
        errors["email"] = [_("Your account has no e-mail address.")]
    if sms and not user.phone:
        errors["sms"] = [_("Your account has no mobile phone number.")]
    if errors:
        raise ValidationError(errors)
    pref, _created = Preference.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    return pref
