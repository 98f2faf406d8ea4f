"""Registering a ticket (登记) and dispatching it (派单).

A ticket comes from a phone call (the operator's form), the web channel, or an Open311 client. One
answered during the call (当场解答) closes at once and still counts; every other ticket is dispatched by the
dispatch catalogue in force (subject × area → lead unit, co-units, fallback unit), which the operator may
override with a reason. Each unit gets one dispatch with its own sign-for and handling deadlines from the
time-limit policy in force (request type × urgency)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import Department
from govhall.hotline.models import (
    Area,
    Channel,
    Closure,
    Dispatch,
    DispatchCatalogue,
    DispatchRole,
    DispatchRule,
    DispatchState,
    Limit,
    LimitPolicy,
    RequestType,
    Subject,
    Ticket,
    TicketCounter,
    TicketState,
    Urgency,
)
from govhall.hotline.services.common import (
    bump,
    handle_deadline,
    lock_ticket,
    may_dispatch_proactive,
    record,
    require_centre,
    require_text,
    sign_deadline,
    stamp_dispatch,
)
from govhall.hotline.states import Move, ticket_transition
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", (value or "").strip()).replace("+86", "")


def mask_phone(phone: str) -> str:
    """138****1234: the first three and the last four digits."""
    digits = phone or ""
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****" if digits else ""


def mask_name(name: str) -> str:
    """The surname and a title-free mask: 张** (the units' default view)."""
    name = (name or "").strip()
    return f"{name[0]}{'*' * max(len(name) - 1, 1)}" if name else ""


# Numbers: 12345-YYYYMMDD-NNNNN, a daily sequence (local date of receipt).


def next_ticket_number(now: datetime) -> str:
    day = timezone.localdate(now)
    q = connection.ops.quote_name
    table = q(TicketCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {q('last')} = {q('last')} + 1 WHERE {q('date')} = %s RETURNING {q('last')}",
            [connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    if row is not None:
        seq = row[0]
    else:
        try:
            with transaction.atomic():
                TicketCounter.objects.create(date=day, last=1)
            seq = 1
        except IntegrityError:
            counters = TicketCounter.objects.filter(date=day)
            counters.update(last=F("last") + 1)
            seq = counters.values_list("last", flat=True).get()
    return f"12345-{day:%Y%m%d}-{seq:05d}"


# What is in force at a moment.


def catalogue_in_force(now: datetime) -> DispatchCatalogue | None:
    return (
        DispatchCatalogue.objects.filter(in_force_from__isnull=False, in_force_from__lte=now)
        .order_by("-in_force_from", "-version")
        .first()
    )


def policy_in_force(now: datetime) -> LimitPolicy | None:
    return (
        LimitPolicy.objects.filter(in_force_from__isnull=False, in_force_from__lte=now)
        .order_by("-in_force_from", "-version")
        .first()
    )


# A catalogue or a limit policy in force is never edited (the admin keeps it as it was; a change is a new
# version), so what a dispatch reads of one is kept per process: the route by (catalogue, subject, area),
# the limit by (policy, type, urgency). Only versions in force by the real clock are kept (one in force only
# for a `now=` in the future can still be edited). Saving any of these rows, or a unit, in this process
# forgets all (tests create rows whose ids an earlier, rolled-back test used). 3 of a dispatch's 19 SQL.
_routes: dict[tuple, Route] = {}
_limits: dict[tuple, Limit] = {}


def forget() -> None:
    _routes.clear()
    _limits.clear()


def _fixed(version) -> bool:
    return version.in_force_from is not None and version.in_force_from <= timezone.now()


def limit_for(policy: LimitPolicy, request_type: str, urgency: str) -> Limit:
    key = (policy.pk, policy.in_force_from, request_type, urgency)
    limit = _limits.get(key)
    if limit is None:
        limit = policy.limits.filter(request_type=request_type, urgency=urgency).first()
        if limit is not None and _fixed(policy):
            _limits[key] = limit
    if limit is None:
        raise ValidationError(
            {
                "urgency": [
                    _("The time-limit policy v%(v)s has no limit for %(type)s × %(urgency)s.")
                    % {
                        "v": policy.version,
                        "type": RequestType(request_type).label,
                        "urgency": Urgency(urgency).label,
                    }
                ]
            }
        )
    return limit


@dataclass(frozen=True)
class Route:
    """Where the catalogue sends a ticket: its version, the rule used (None: the catalogue's fallback)."""

    catalogue: DispatchCatalogue
    rule: DispatchRule | None
    lead: Department
    co_units: tuple[Department, ...]
    fallback: Department


def route(subject: Subject, area: Area | None, *, now: datetime) -> Route:
    """The catalogue's answer for (subject × area): the most specific subject level wins, and within a
    level a rule for the area wins over a rule for every area. No rule: the fallback unit leads."""
    catalogue = catalogue_in_force(now)
    if catalogue is None:
        raise ValidationError(
            {"subject": [_("No dispatch catalogue is in force: the centre must publish one.")]}
        )
    key = (catalogue.pk, catalogue.in_force_from, subject.pk, area.pk if area else None)
    found = _routes.get(key)
    if found is None:
        found = _route(catalogue, subject, area)
        if _fixed(catalogue):
            _routes[key] = found
    return found


def _route(catalogue: DispatchCatalogue, subject: Subject, area: Area | None) -> Route:
    codes = subject.ancestor_codes()
    rules = list(
        DispatchRule.objects.filter(catalogue=catalogue, subject__code__in=codes)
        .filter(Q(area__isnull=True) | Q(area=area) if area else Q(area__isnull=True))
        .select_related("subject", "lead_unit", "fallback_unit")
        .prefetch_related("co_units")
    )
    rules.sort(key=lambda r: (-len(r.subject.code), r.area_id is None))
    if not rules:
        fallback = catalogue.fallback_unit
        return Route(catalogue, None, fallback, (), fallback)
    rule = rules[0]
    co = tuple(u for u in rule.co_units.all() if u.pk != rule.lead_unit_id)
    return Route(catalogue, rule, rule.lead_unit, co, rule.fallback_unit or catalogue.fallback_unit)


# Registering.


def _subject(code) -> Subject:
    code = (code or "").strip()
    subject = Subject.objects.filter(code=code).first()
    if subject is None:
        raise ValidationError({"subject": [_("Unknown subject code “%(code)s”.") % {"code": code[:20]}]})
    if not subject.is_active:
        raise ValidationError(
            {"subject": [_("The subject “%(code)s” is no longer in use.") % {"code": code}]}
        )
    if not subject.is_leaf:
        raise ValidationError(
            {"subject": [_("Choose a third-level subject (six digits), not “%(code)s”.") % {"code": code}]}
        )
    return subject


def _area(code) -> Area | None:
    code = (code or "").strip()
    if not code:
        return None
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationError({"area": [_("Unknown area code “%(code)s”.") % {"code": code[:20]}]})
    return area


def _choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationError(
            {
                field: [
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": str(value)[:30], "allowed": ", ".join(choices.values)}
                ]
            }
        )
    return value


def _coordinate(value, field: str, bound: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({field: [_("A number in decimal degrees.")]}) from None
    if not (-bound <= number <= bound) or number != number:
        raise ValidationError({field: [_("Between -%(b)s and %(b)s degrees.") % {"b": int(bound)}]})
    return number


def register_ticket(
    *,
    channel: str,
    request_type: str,
    subject: str,
    title: str,
    content: str,
    now: datetime,
    by=None,
    urgency: str = Urgency.NORMAL,
    address: str = "",
    area: str = "",
    lat=None,
    lon=None,
    caller_name: str = "",
    caller_phone: str = "",
    caller_user=None,
    anonymous: bool = False,
    confidential: bool = False,
    publish_allowed: bool = False,
    attributes: dict | None = None,
    answer: str = "",
    open311_key=None,
) -> Ticket:
    """登记: a new ticket. With `answer` (当场解答, phone only) it is closed at once with that answer as its
    reply. Subjects and areas are given by code. A phone ticket is registered by an operator; the web
    and Open311 channels register with by=None (the caller's account, if any, in caller_user)."""
    channel = _choice(channel, Channel, "channel")
    if channel == Channel.PHONE:
        require_centre(by)
    request_type = _choice(request_type, RequestType, "request_type")
    urgency = _choice(urgency, Urgency, "urgency")
    subj = _subject(subject)
    where = _area(area)
    errors: dict[str, list[str]] = {}
    values = {}
    for field, value, limit in (("title", title, 120), ("content", content, 4000)):
        try:
            values[field] = require_text(value, field, _("This field is required."), max_length=limit)
        except ValidationError as e:
            errors.update(e.message_dict)
    phone = normalise_phone(caller_phone)
    if phone and not PHONE.match(phone):
        errors["caller_phone"] = [_("A mobile number of 11 digits or a landline number.")]
    if not anonymous and not phone and caller_user is None:
        errors["caller_phone"] = [_("Give the caller's phone number, or mark the request anonymous.")]
    if len(caller_name or "") > 60:
        errors["caller_name"] = [_("At most 60 characters.")]
    if len(address or "") > 200:
        errors["address"] = [_("At most 200 characters.")]
    answer = (answer or "").strip()
    if answer and channel != Channel.PHONE:
        errors["answer"] = [_("Only a phone call can be answered during the call.")]
    if len(answer) > 4000:
        errors["answer"] = [_("At most 4000 characters.")]
    try:
        values["lat"] = _coordinate(lat, "lat", 90)
        values["lon"] = _coordinate(lon, "lon", 180)
    except ValidationError as e:
        errors.update(e.message_dict)
    if (
        (values.get("lat") is None) != (values.get("lon") is None)
        and "lat" not in errors
        and "lon" not in errors
    ):
        errors["lon" if values.get("lon") is None else "lat"] = [
            _("Give both latitude and longitude, or neither.")
        ]
    if errors:
        raise ValidationError(errors)
    if request_type == RequestType.REPORT:
        confidential = True  # 举报: the units never see who reported
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=next_ticket_number(now),
            channel=channel,
            request_type=request_type,
            subject=subj,
            urgency=urgency,
            title=values["title"],
            content=values["content"],
            address=(address or "").strip(),
            area=where,
            lat=values["lat"],
            lon=values["lon"],
            attributes=attributes or {},
            caller_name="" if anonymous else (caller_name or "").strip(),
            caller_phone="" if anonymous else phone,
            caller_user=None if anonymous else caller_user,
            anonymous=bool(anonymous),
            confidential=bool(confidential),
            publish_allowed=bool(publish_allowed),
            received_at=now,
            operator=by,
            open311_key=open311_key,
        )
        record(ticket, Move.REGISTER, by=by, now=now, new=TicketState.REGISTERED, channel=channel)
        if answer:
            state = ticket_transition(ticket, Move.ANSWER_ON_CALL)
            Ticket.objects.filter(pk=ticket.pk).update(
                state=state,
                reply=answer,
                replied_at=now,
                replied_by=by,
                closure=Closure.ON_CALL,
                closed_at=now,
            )
            record(ticket, Move.ANSWER_ON_CALL, by=by, now=now, old=ticket.state, new=state, note=answer)
            ticket.refresh_from_db()
    return ticket


# Dispatching.


def _unit(code, field: str) -> Department:
    if isinstance(code, Department):
        return code
    unit = Department.objects.filter(code=str(code or "").strip()).first()
    if unit is None:
        raise ValidationError({field: [_("Unknown unit “%(code)s”.") % {"code": str(code)[:32]}]})
    return unit


def open_dispatches(
    ticket: Ticket,
    *,
    round: int | None = None,
    lead: Department,
    co_units,
    limit: Limit,
    by,
    now: datetime,
    due_date: date | None = None,
) -> list[Dispatch]:
    """One dispatch per unit for the ticket's current round, with deadlines from `limit` (no save of the
    ticket), or handled by the end of `due_date` when given (a proactive task's chosen deadline). Used by
    dispatch, re-dispatch and redo."""
    made = []
    units = [(lead, DispatchRole.LEAD), *((u, DispatchRole.CO) for u in co_units if u.pk != lead.pk)]
    seen = set()
    for unit, role in units:
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        if due_date is not None:
            handle_date, due_at = due_date, lights.end_of(due_date)
        else:
            handle_date, due_at = handle_deadline(limit, now)
        dispatch = Dispatch(
            ticket=ticket,
            unit=unit,
            role=role,
            round=ticket.round if round is None else round,
            state=DispatchState.PENDING,
            dispatched_at=now,
            dispatched_by=by,
            sign_due_at=sign_deadline(limit, now),
            handle_limit_workdays=(
                max(workdays.workdays_between(timezone.localdate(now), due_date), 1)
                if due_date is not None
                else limit.handle_workdays
                if not limit.handle_hours
                else None
            ),
            handle_limit_hours=limit.handle_hours if due_date is None else None,
            handle_due_date=handle_date,
            handle_due_at=due_at,
            return_due_date=workdays.add_workdays(timezone.localdate(now), limit.return_workdays),
        )
        stamp_dispatch(dispatch)
        dispatch.save()
        made.append(dispatch)
    return made


def dispatch_ticket(
    ticket: Ticket | int,
    *,
    by,
    now: datetime,
    lead_unit=None,
    co_units=None,
    override_reason: str = "",
    expected_version: int | None = None,
    due_date: date | None = None,
) -> Ticket:
    """派单: send a registered ticket to the units the catalogue names (or, with a reason, to others).
    Units are given as department codes (or Department rows). `due_date`: handled by the end of that day
    instead of the time limit (proactive tasks, which leaders may dispatch as well as the centre)."""
    if not may_dispatch_proactive(by):
        require_centre(by)
    with transaction.atomic():
        ticket = lock_ticket(ticket, expected_version, related=("subject", "area"))
        if ticket.channel != Channel.PROACTIVE:
            require_centre(by)
        state = ticket_transition(ticket, Move.DISPATCH)
        suggested = route(ticket.subject, ticket.area, now=now)
        lead = _unit(lead_unit, "lead_unit") if lead_unit else suggested.lead
        co = (
            tuple(_unit(c, "co_units") for c in co_units)
            if co_units is not None
            else (suggested.co_units if not lead_unit else ())
        )
        overridden = lead.pk != suggested.lead.pk or {u.pk for u in co} != {u.pk for u in suggested.co_units}
        reason = (override_reason or "").strip()
        if overridden and not reason:
            raise ValidationError(
                {
                    "override_reason": [
                        _("The catalogue sends this ticket to %(unit)s: say why you dispatch it otherwise.")
                        % {"unit": suggested.lead.name}
                    ]
                }
            )
        if len(reason) > 300:
            raise ValidationError({"override_reason": [_("At most 300 characters.")]})
        policy = ticket.limit_policy or _policy(now)
        limit = limit_for(policy, ticket.request_type, ticket.urgency)
        made = open_dispatches(ticket, lead=lead, co_units=co, limit=limit, by=by, now=now, due_date=due_date)
        lead_dispatch = made[0]
        old_state = ticket.state
        bump(
            ticket,
            state=state,
            catalogue=suggested.catalogue,
            limit_policy=policy,
            override_reason=reason if overridden else "",
            dispatched_at=now,
            reply_due_at=lead_dispatch.handle_due_at,
        )
        record(
            ticket,
            Move.DISPATCH,
            by=by,
            now=now,
            old=old_state,
            new=state,
            note=reason if overridden else "",
            catalogue=suggested.catalogue.version,
            policy=policy.version,
            lead=lead.code,
            co_units=[u.code for u in co],
            suggested_lead=suggested.lead.code,
            sign_due=lead_dispatch.sign_due_at.isoformat(),
            handle_due=lead_dispatch.handle_due_at.isoformat(),
        )
    return ticket


def _policy(now: datetime) -> LimitPolicy:
    policy = policy_in_force(now)
    if policy is None:
        raise ValidationError(
            {"urgency": [_("No time-limit policy is in force: the centre must publish one.")]}
        )
    return policy


def retention_days() -> int:
    return int(getattr(settings, "GOVHALL_HOTLINE_CONTACT_RETENTION_DAYS", 730))
