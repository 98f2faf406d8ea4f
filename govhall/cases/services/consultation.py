"""Consultations (咨询件): a question registered at a window, by telephone, at an outreach event or online,
routed to a department, answered within GOVHALL_CONSULTATION_ANSWER_DAYS working days, and perhaps
published (edited, without the asker's details) on the item's guide page.

Routing: a question about an item goes to the item's department; a general one to the department whose
code is GOVHALL_CONSULTATION_DEPARTMENT. An online question is registered at the hall whose code is
GOVHALL_CONSULTATION_HALL, else the first hall of the item, else the first city-centre hall.
The answer reaches the asker through supervision (a case_recorded receiver: inbox and text message).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases import permissions as perms
from govhall.cases.errors import CaseForbidden
from govhall.cases.inputs import Applicant, Contact, coerce
from govhall.cases.models import (
    CONSULTATION_CHANNELS,
    Case,
    CaseKind,
    CaseState,
    Channel,
    Consultation,
    EventKind,
)
from govhall.cases.numbering import next_case_number
from govhall.cases.services.common import Recorder, local_date, lock_case, require_text
from govhall.cases.services.intake import new_verification_code
from govhall.cases.states import Action, transition
from govhall.cases.validators import normalize_phone, phone_error
from govhall.catalog.models import Department, Hall, HallLevel, ServiceItem
from govhall.core.models import Role
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

QUESTION_MAX = 2000
# What may not appear in a published text: a mobile number, an 18-character resident ID, an e-mail address.
PERSONAL_PATTERNS = (
    re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),
    re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
)


def answer_days() -> int:
    return int(getattr(settings, "GOVHALL_CONSULTATION_ANSWER_DAYS", 5))


def answer_due(day: date) -> date:
    """The answer deadline of a question asked on `day`: counted from the next working day."""
    return workdays.add_workdays(day, answer_days())


def route(item: ServiceItem | None) -> Department:
    """The department that answers: the item's, or for a general question the configured one."""
    if item is not None:
        return item.department
    code = getattr(settings, "GOVHALL_CONSULTATION_DEPARTMENT", "")
    department = Department.objects.filter(code=code).first() if code else None
    if department is None:
        raise ValidationError(
            {"item": [_("Choose the service item your question is about: general questions are not taken.")]}
        )
    return department


def online_hall(item: ServiceItem | None) -> Hall:
    """The hall an online question is registered at (its case number comes from that hall's counter)."""
    code = getattr(settings, "GOVHALL_CONSULTATION_HALL", "")
    hall = Hall.objects.filter(code=code).first() if code else None
    if hall is None and item is not None:
        hall = item.halls.order_by("pk").first()
    if hall is None:
        hall = Hall.objects.filter(level=HallLevel.CENTRE).order_by("pk").first()
    if hall is None:
        raise ValidationError({"item": [_("No hall takes consultations yet.")]})
    return hall


def _check(
    *,
    question: str,
    channel: str,
    by,
    hall,
    asker,
    contact: Contact,
    event_place: str,
    event_date: date | None,
    today: date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not question:
        add("question", _("The question is required."))
    elif len(question) > QUESTION_MAX:
        add("question", _("The question may have at most %(n)s characters.") % {"n": QUESTION_MAX})
    if channel not in (*CONSULTATION_CHANNELS, Channel.AGENCY):
        add("channel", _("Unknown channel %(c)s.") % {"c": channel})
    if channel == Channel.ONLINE:
        if asker is not None and getattr(asker, "role", None) != Role.APPLICANT:
            raise CaseForbidden(_("Only a citizen's account asks online."))
        if asker is None and not contact.phone:
            add("phone", _("Give a phone number so that the answer can reach you."))
    if contact.phone and phone_error(contact.phone):
        add("phone", phone_error(contact.phone))
    if channel == Channel.OUTREACH:
        if not event_place.strip():
            add("event_place", _("Where was the outreach event held?"))
        if event_date is None:
            add("event_date", _("On which day was the outreach event held?"))
        elif event_date > today:
            add("event_date", _("The event date cannot be in the future."))
    return errors


@transaction.atomic
def record_consultation(
    *,
    question: str,
    by,
    now: datetime,
    department=None,
    hall=None,
    answer: str = "",
    applicant: Applicant | dict | None = None,
    contact: Contact | dict | None = None,
    item=None,
    window=None,
    channel: str = Channel.WINDOW,
    asker=None,
    event_place: str = "",
    event_date: date | None = None,
    source: str = "",
) -> Case:
    """Register a consultation (咨询件); with an answer it is answered on the spot. `department` None:
    routed (see the module). Online questions come without a clerk (`by` None), from an account
    (`asker`) or anonymously with a phone number; every other channel needs a clerk of the hall."""
    question = (question or "").strip()
    applicant = coerce(Applicant, applicant or {})
    contact = coerce(Contact, contact or {})
    if channel == Channel.ONLINE:
        if by is not None:
            raise CaseForbidden(_("An online question comes from the asker, not a clerk."))
        if asker is not None and not contact.phone:
            contact = Contact(
                name=contact.name, phone=getattr(asker, "phone", "") or "", address=contact.address
            )
        hall = hall or online_hall(item)
    else:
        hall = hall or getattr(by, "hall", None)
        clerk = getattr(by, "role", None) in (Role.CLERK, Role.AGENCY_CLERK) and hall is not None
        if not clerk or by.hall_id != hall.pk:
            raise CaseForbidden(_("Only the hall's clerks register consultations."))
    today = local_date(now)
    errors = _check(
        question=question,
        channel=channel,
        by=by,
        hall=hall,
        asker=asker,
        contact=contact,
        event_place=event_place or "",
        event_date=event_date,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    if department is None:
        department = route(item)
    name = applicant.name.strip() or contact.name.strip()
    if not name and asker is not None:
        name = asker.get_full_name() or ""
    case = Case.objects.create(
        number=next_case_number(hall=hall, day=today, kind=CaseKind.CONSULTATION, channel=channel),
        item=item,
        kind=CaseKind.CONSULTATION,
        state=CaseState.REGISTERED,
        channel=channel,
        hall=hall,
        window=window,
        received_by=by,
        applicant_kind=applicant.kind,
        applicant_name=name or _("Anonymous"),
        id_type=applicant.id_type,
        id_number=applicant.id_number.strip().upper(),
        contact_name=contact.name.strip(),
        phone=normalize_phone(contact.phone),
        address=contact.address.strip(),
        received_at=now,
        received_on=today,
        verification_code=new_verification_code(),
    )
    consultation = Consultation(
        case=case,
        question=question,
        department=department,
        asker=asker,
        event_place=(event_place or "").strip() if channel == Channel.OUTREACH else "",
        event_date=event_date if channel == Channel.OUTREACH else None,
        answer_due=answer_due(today),
    )
    lights.stamp_consultation(consultation, limit=answer_days(), item_code=item.code if item else None)
    consultation.save()
    case.consultation = consultation
    rec = Recorder(case, by=by, now=now, source=source or channel, history=[])
    rec.record(
        EventKind.CONSULTATION_REGISTERED,
        to_state=CaseState.REGISTERED,
        data={
            "department": department.pk,
            "item": item.pk if item else None,
            "channel": channel,
            "answer_due": consultation.answer_due.isoformat(),
        },
    )
    if (answer or "").strip():
        _answer(case, consultation, answer=answer.strip(), by=by, rec=rec)
        return rec.finish("state")
    return rec.finish()


def _answer(case: Case, consultation: Consultation, *, answer: str, by, rec: Recorder) -> None:
    old = case.state
    case.state = transition(case, Action.ANSWER)
    consultation.answer = answer
    consultation.answered_by = by if getattr(by, "pk", None) else None
    consultation.answered_at = rec.now
    fields = lights.stamp_consultation(consultation, limit=answer_days(), item_code=None)
    consultation.save(update_fields=["answer", "answered_by", "answered_at", *fields])
    rec.record(EventKind.CONSULTATION_ANSWERED, from_state=old, to_state=case.state, reason=answer)


@transaction.atomic
def answer_consultation(
    case: Case, *, answer: str, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """The department (or the clerk on the spot) answers a registered consultation. The answer reaches
    the asker once (inbox and text message, sent by supervision on this event)."""
    answer = require_text(answer, "answer", _("The answer is required."))
    case = lock_case(case, expected_version)
    consultation = Consultation.objects.select_for_update().get(case=case)
    perms.require(by, perms.ANSWER_CONSULTATION, case, department_id=consultation.department_id)
    rec = Recorder(case, by=by, now=now, source=source)
    _answer(case, consultation, answer=answer, by=by, rec=rec)
    return rec.finish("state")


def personal_details(case: Case) -> list[str]:
    """What identifies the asker on this case (names, phone, ID number): none may be published."""
    values = [case.phone, case.id_number, case.contact_name, case.address]
    if case.applicant_name != _("Anonymous") and case.applicant_name not in ("匿名", "Anonymous"):
        values.append(case.applicant_name)
    consultation = getattr(case, "consultation", None)
    asker = consultation.asker if consultation is not None and consultation.asker_id else None
    if asker is not None:
        values += [asker.phone, asker.get_full_name(), asker.email]
    return [v.strip() for v in values if v and len(v.strip()) >= 2]


def _leaks(text: str, details: Iterable[str]) -> bool:
    return any(d in text for d in details) or any(p.search(text) for p in PERSONAL_PATTERNS)


@transaction.atomic
def publish_consultation(
    case: Case,
    *,
    question: str,
    answer: str,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    """Publish an answered question on its item's guide page, as the department edited it. Refused when
    the text still carries the asker's name, phone, ID number or address, or any phone number, ID number
    or e-mail address. Publishing again replaces the published text."""
    case = lock_case(case, expected_version)
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related("asker").get(case=case)
    case.consultation = consultation
    perms.require(by, perms.PUBLISH_CONSULTATION, case, department_id=consultation.department_id)
    errors: dict[str, list[str]] = {}
    if case.state != CaseState.ANSWERED:
        errors.setdefault("answer", []).append(_("Only an answered question can be published."))
    if case.item_id is None:
        errors.setdefault("question", []).append(
            _("Only a question about a service item can be published on its guide page.")
        )
    details = personal_details(case)
    texts = {"question": (question or "").strip(), "answer": (answer or "").strip()}
    for field, text in texts.items():
        if not text:
            errors.setdefault(field, []).append(_("The published text is required."))
        elif _leaks(text, details):
            errors.setdefault(field, []).append(
                _(
                    "Remove the asker's details (name, phone, ID number, address, e-mail) from the "
                    "published text."
                )
            )
    if errors:
        raise ValidationError(errors)
    consultation.public_question = texts["question"]
    consultation.public_answer = texts["answer"]
    consultation.published_at = now
    consultation.published_by = by
    consultation.save(update_fields=["public_question", "public_answer", "published_at", "published_by"])
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.CONSULTATION_PUBLISHED, data={"item": case.item_id})
    return rec.finish()


@transaction.atomic
def unpublish_consultation(
    case: Case, *, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """Take a published question off the guide page."""
    case = lock_case(case, expected_version)
    consultation = Consultation.objects.select_for_update().get(case=case)
    perms.require(by, perms.PUBLISH_CONSULTATION, case, department_id=consultation.department_id)
    if consultation.published_at is None:
        raise ValidationError({"published": [_("This question is not published.")]})
    consultation.published_at = None
    consultation.published_by = None
    consultation.save(update_fields=["published_at", "published_by"])
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.CONSULTATION_UNPUBLISHED)
    return rec.finish()


@transaction.atomic
def record_outreach_questions(
    *, rows: Iterable[dict], event_place: str, event_date: date | None, by, now: datetime, source: str = ""
) -> list[Case]:
    """The questions a clerk took at an outreach event (服务事项咨询赶大集), entered together: each row has
    `question`, and optionally `item` (code), `name`, `phone` and `answer` (answered at the stall). All or
    nothing: one bad row refuses every row, with each error named by its row number."""
    rows = list(rows)
    errors = _check(
        question="-",
        channel=Channel.OUTREACH,
        by=by,
        hall=None,
        asker=None,
        contact=Contact(),
        event_place=event_place or "",
        event_date=event_date,
        today=local_date(now),
    )
    if not rows:
        errors.setdefault("rows", []).append(_("Enter at least one question."))
    if errors:
        raise ValidationError(errors)
    cases: list[Case] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        code = (row.get("item") or "").strip()
        item = None
        if code:
            item = (
                ServiceItem.objects.filter(code=code, status="published").select_related("department").first()
            )
            if item is None:
                problems.append(
                    _("Row %(n)s: no published item with code %(code)s.") % {"n": number, "code": code}
                )
                continue
        try:
            with transaction.atomic():
                cases.append(
                    record_consultation(
                        question=row.get("question", ""),
                        by=by,
                        now=now,
                        item=item,
                        answer=row.get("answer", ""),
                        contact={"name": row.get("name", ""), "phone": row.get("phone", "")},
                        channel=Channel.OUTREACH,
                        event_place=event_place,
                        event_date=event_date,
                        source=source,
                    )
                )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    problems.append(
                        _("Row %(n)s, %(field)s: %(message)s")
                        % {"n": number, "field": field, "message": message}
                    )
    if problems:
        raise ValidationError({"rows": problems})
    return cases
