"""Agency service (代理代办) material handovers, and consultations (咨询件)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases import permissions as perms
from govhall.cases.errors import CaseForbidden
from govhall.cases.inputs import Applicant, Contact, coerce
from govhall.cases.models import (
    Case,
    CaseKind,
    CaseState,
    Channel,
    Consultation,
    EventKind,
    MaterialHandover,
)
from govhall.cases.numbering import next_case_number
from govhall.cases.services.common import Recorder, local_date, lock_case, not_allowed, require_text
from govhall.cases.services.intake import new_verification_code
from govhall.cases.states import Action, transition
from govhall.cases.validators import normalize_phone, phone_error
from govhall.core.models import Role


@transaction.atomic
def send_materials(
    case: Case, *, by, now: datetime, note: str = "", expected_version: int | None = None, source: str = ""
) -> MaterialHandover:
    """The township hall sends an agency case's paper materials to the centre."""
    case = lock_case(case, expected_version)
    if case.channel != Channel.AGENCY:
        raise not_allowed(case, "send_materials")
    perms.require(by, perms.SEND_MATERIALS, case)
    if case.handovers.filter(received_at__isnull=True).exists():
        raise ValidationError({"handover": [_("The last handover has not been received at the centre yet.")]})
    handover = MaterialHandover.objects.create(case=case, sent_at=now, sent_by=by, note=(note or "").strip())
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.MATERIALS_SENT, reason=handover.note, data={"handover": handover.pk})
    rec.finish()
    return handover


@transaction.atomic
def receive_materials(
    case: Case, *, by, now: datetime, note: str = "", expected_version: int | None = None, source: str = ""
) -> MaterialHandover:
    """The centre signs for the materials the township hall sent."""
    case = lock_case(case, expected_version)
    perms.require(by, perms.RECEIVE_MATERIALS, case)
    handover = case.handovers.select_for_update().filter(received_at__isnull=True).order_by("sent_at").first()
    if handover is None:
        raise ValidationError({"handover": [_("No materials are on their way for this case.")]})
    handover.received_at = now
    handover.received_by = by
    if note:
        handover.note = f"{handover.note}\n{note.strip()}".strip()
    handover.save(update_fields=["received_at", "received_by", "note"])
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.MATERIALS_RECEIVED, data={"handover": handover.pk})
    rec.finish()
    return handover


@transaction.atomic
def record_consultation(
    *,
    question: str,
    department,
    by,
    now: datetime,
    hall,
    answer: str = "",
    applicant: Applicant | dict | None = None,
    contact: Contact | dict | None = None,
    item=None,
    window=None,
    channel: str = Channel.WINDOW,
    source: str = "",
) -> Case:
    """Register a consultation (咨询件); with an answer it is answered on the spot."""
    question = require_text(question, "question", _("The question is required."))
    applicant = coerce(Applicant, applicant or {})
    contact = coerce(Contact, contact or {})
    # Online consultations come in without a clerk; every other channel needs one of the hall.
    clerk = getattr(by, "role", None) in (Role.CLERK, Role.AGENCY_CLERK) and by.hall_id == hall.pk
    if (by is not None or channel != Channel.ONLINE) and not clerk:
        raise CaseForbidden(_("Only the hall's clerks register consultations."))
    if contact.phone and phone_error(contact.phone):
        raise ValidationError({"phone": [phone_error(contact.phone)]})
    today = local_date(now)
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
        applicant_name=applicant.name.strip() or contact.name.strip() or _("Anonymous"),
        id_type=applicant.id_type,
        id_number=applicant.id_number.strip().upper(),
        contact_name=contact.name.strip(),
        phone=normalize_phone(contact.phone),
        address=contact.address.strip(),
        received_at=now,
        received_on=today,
        verification_code=new_verification_code(),
    )
    Consultation.objects.create(case=case, question=question, department=department)
    rec = Recorder(case, by=by, now=now, source=source or channel)
    rec.record(
        EventKind.CONSULTATION_REGISTERED,
        to_state=CaseState.REGISTERED,
        data={"department": department.pk, "item": item.pk if item else None},
    )
    if (answer or "").strip():
        _answer(case, answer=answer.strip(), by=by, rec=rec)
        return rec.finish("state")
    return rec.finish()


def _answer(case: Case, *, answer: str, by, rec: Recorder) -> None:
    old = case.state
    case.state = transition(case, Action.ANSWER)
    Consultation.objects.filter(case=case).update(answer=answer, answered_by=by, answered_at=rec.now)
    rec.record(EventKind.CONSULTATION_ANSWERED, from_state=old, to_state=case.state, reason=answer)


@transaction.atomic
def answer_consultation(
    case: Case, *, answer: str, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """The department (or the clerk on the spot) answers a registered consultation."""
    answer = require_text(answer, "answer", _("The answer is required."))
    case = lock_case(case, expected_version)
    consultation = Consultation.objects.get(case=case)
    perms.require(by, perms.ANSWER_CONSULTATION, case, department_id=consultation.department_id)
    rec = Recorder(case, by=by, now=now, source=source)
    _answer(case, answer=answer, by=by, rec=rec)
    return rec.finish("state")
