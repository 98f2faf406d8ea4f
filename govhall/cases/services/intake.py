"""Intake (窗口受理): receive, one-time notice, supplement, accept, reject, withdraw, deliver."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases import clock as case_clock
from govhall.cases import permissions as perms
from govhall.cases.errors import CaseForbidden
from govhall.cases.inputs import Applicant, Contact, MaterialIn, coerce
from govhall.cases.models import (
    APPLICATION_CHANNELS,
    ApplicantKind,
    Case,
    CaseEvent,
    CaseKind,
    CaseMaterial,
    CaseState,
    Channel,
    DeliveryMethod,
    EventKind,
    IdType,
    Step,
)
from govhall.cases.numbering import next_case_number
from govhall.cases.services.common import (
    Recorder,
    begin_step,
    delegated,
    local_date,
    lock_case,
    missing_required,
    outstanding_names,
    require,
    require_text,
    step_started,
)
from govhall.cases.services.licences import require_licences
from govhall.cases.states import Action, transition
from govhall.cases.validators import (
    credit_code_error,
    normalize_credit_code,
    normalize_id_number,
    normalize_phone,
    phone_error,
    resident_id_error,
)
from govhall.catalog import published
from govhall.core import inputs, inserts

# Unambiguous characters only (no 0/O, 1/I/L), so a code read aloud over the phone is not misheard.
VERIFICATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_LENGTH = 6

RIGHTS_NOTICE = gettext_lazy(
    "If you do not accept this decision, you may apply for administrative reconsideration within 60 days "
    "or bring an administrative lawsuit within 6 months of receiving it."
)


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


def applicant_errors(applicant: Applicant, contact: Contact, *, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if applicant.kind not in ApplicantKind.values:
        add("applicant_kind", _("Choose a person or an organisation."))
    if not applicant.name.strip():
        add("applicant_name", _("The applicant's name is required."))
    if applicant.kind == ApplicantKind.ORGANISATION:
        message = credit_code_error(applicant.credit_code)
        if message:
            add("credit_code", message)
        if not applicant.legal_representative.strip():
            add("legal_representative", _("An organisation's legal representative is required."))
    elif applicant.kind == ApplicantKind.PERSON:
        if applicant.id_type not in IdType.values:
            add("id_type", _("Choose the type of identity document."))
        elif applicant.id_type == IdType.RESIDENT_ID:
            message = resident_id_error(applicant.id_number, today=today)
            if message:
                add("id_number", message)
        elif not applicant.id_number.strip() or len(applicant.id_number.strip()) > 40:
            add("id_number", _("Enter the document number (at most 40 characters)."))
    message = phone_error(contact.phone)
    if message:
        add("phone", message)
    return errors


def _material_rows(item, materials: Iterable, known: Iterable[int] | None = None) -> dict[int, MaterialIn]:
    given: dict[int, MaterialIn] = {}
    for raw in materials:
        entry = coerce(MaterialIn, raw)
        given[int(entry.material)] = entry
    known = set(item.materials.values_list("pk", flat=True) if known is None else known)
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValidationError(
            {
                "materials": [
                    _("Material(s) %(ids)s are not on the list of item %(item)s.")
                    % {"ids": inputs.listed(unknown), "item": item.name}
                ]
            }
        )
    return given


@transaction.atomic
def receive_case(
    *,
    item,
    applicant: Applicant | dict,
    contact: Contact | dict,
    materials: Iterable,
    hall,
    window,
    by,
    now: datetime,
    channel: str = Channel.WINDOW,
    agency_hall=None,
    kind: str | None = None,
    source: str = "",
) -> Case:
    """Take an application in. Missing required materials do not stop receipt: issue a one-time notice."""
    case, _rec, _rows = _receive(
        item=item,
        applicant=applicant,
        contact=contact,
        materials=materials,
        hall=hall,
        window=window,
        by=by,
        now=now,
        channel=channel,
        agency_hall=agency_hall,
        kind=kind,
        source=source,
    )
    return case


def _receive(
    *,
    item,
    applicant: Applicant | dict,
    contact: Contact | dict,
    materials: Iterable,
    hall,
    window,
    by,
    now: datetime,
    channel: str,
    agency_hall,
    kind: str | None,
    source: str,
    write: bool = True,
) -> tuple[Case, Recorder, list[CaseMaterial]]:
    """receive_case inside the caller's transaction; also returns its Recorder and material rows, so that
    receive_and_decide goes on from memory. `write=False` leaves the case, its materials and the event
    unsaved and unannounced: the caller writes them with its own changes."""
    applicant = coerce(Applicant, applicant)
    contact = coerce(Contact, contact)
    today = local_date(now)
    if channel not in APPLICATION_CHANNELS:  # telephone and outreach events take consultations only
        raise ValidationError({"channel": [_("Unknown channel %(c)s.") % {"c": channel}]})
    # An online application (portal) arrives without a clerk; every other intake needs one of the hall.
    staffed = by is not None or channel != Channel.ONLINE
    if (
        staffed
        and not delegated()
        and not perms.may_receive(by, hall=hall, channel=channel, agency_hall=agency_hall)
    ):
        raise CaseForbidden(
            _("%(user)s may not receive applications at %(hall)s through channel %(channel)s.")
            % {"user": getattr(by, "username", "?"), "hall": hall.name, "channel": channel}
        )
    errors = applicant_errors(applicant, contact, today=today)
    if item.status != "published":
        errors.setdefault("item", []).append(
            _("Item %(item)s is not published; only a published version takes applications.") % {"item": item}
        )
    hall_ids = published.hall_ids(item)
    if hall_ids and hall.pk not in hall_ids:
        errors.setdefault("hall", []).append(
            _("Item %(item)s is not handled at %(hall)s.") % {"item": item.name, "hall": hall.name}
        )
    if window is not None and window.hall_id != hall.pk:
        errors.setdefault("window", []).append(
            _("The window does not belong to hall %(hall)s.") % {"hall": hall.name}
        )
    if channel == Channel.AGENCY and agency_hall is None:
        errors.setdefault("agency_hall", []).append(
            _("An agency case needs the township hall that took it in.")
        )
    kind = kind or item.case_kind
    if kind not in (CaseKind.IMMEDIATE, CaseKind.COMMITTED):
        errors.setdefault("kind", []).append(
            _("A case is immediate or committed; use a consultation for enquiries.")
        )
    if errors:
        raise ValidationError(errors)
    catalogue = published.materials(item)
    given = _material_rows(item, materials, known=[m.pk for m in catalogue])

    is_org = applicant.kind == ApplicantKind.ORGANISATION
    by_licence = [(m, given[m.pk].licence) for m in catalogue if m.pk in given and given[m.pk].licence]
    if by_licence:
        holder = (
            normalize_credit_code(applicant.credit_code)
            if is_org
            else normalize_id_number(applicant.id_number)
        )
        require_licences(by_licence, holder_id=holder, on=today)
    # Built in memory and inserted once by rec.write(), with its clock and version already set. The number
    # is taken just before (_take_number): from then on the hall's counter row stays locked until commit.
    case = Case(
        item=item,
        kind=kind,
        state=CaseState.RECEIVED,
        channel=channel,
        hall=hall,
        window=window,
        received_by=by,
        agency_hall=agency_hall,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        id_type="" if is_org else applicant.id_type,
        id_number="" if is_org else normalize_id_number(applicant.id_number),
        credit_code=normalize_credit_code(applicant.credit_code) if is_org else "",
        legal_representative=applicant.legal_representative.strip(),
        contact_name=contact.name.strip() or applicant.name.strip(),
        phone=normalize_phone(contact.phone),
        address=contact.address.strip(),
        received_at=now,
        received_on=today,
        verification_code=new_verification_code(),
    )
    rows = []
    for material in catalogue:
        entry = given.get(material.pk)
        rows.append(
            CaseMaterial(
                case=case,
                material=material,
                received=entry is not None,
                originals=entry.originals if entry else 0,
                copies=entry.copies if entry else 0,
                note=entry.note if entry else "",
                received_at=now if entry else None,
                licence_id=entry.licence if entry else None,
            )
        )
    missing = [r.material.name for r in rows if r.material.required and not r.received]
    rec = Recorder(case, by=by, now=now, source=source or channel, history=[])
    rec.record(
        EventKind.RECEIVED,
        to_state=CaseState.RECEIVED,
        data={
            "receipt_date": today.isoformat(),
            "promised_limit": item.promised_limit,
            "legal_limit": item.legal_limit,
            "item": item.pk,
            "materials": sorted(given),
            "missing_required": missing,
        },
    )
    if write:
        _take_number(case)
        rec.write()
        inserts.insert(rows)
        rec.announce()
    return case, rec, rows


def _take_number(case: Case) -> None:
    """The case number, as late as possible: every intake of the hall that day waits for this row."""
    case.number = next_case_number(hall=case.hall, day=case.received_on, kind=case.kind, channel=case.channel)


DECISION_ACCEPT = "accept"
DECISION_REJECT = "reject"
DECISION_NOTICE = "notice"
DECISIONS = (DECISION_ACCEPT, DECISION_REJECT, DECISION_NOTICE)
DECISION_NONE = ""  # bulk intake of online applications: received, decided later at pre-review


@transaction.atomic
def receive_and_decide(
    *,
    item,
    applicant: Applicant | dict,
    contact: Contact | dict,
    materials: Iterable,
    hall,
    window,
    by,
    now: datetime,
    decision: str,
    reason: str = "",
    missing: Iterable[int] = (),
    note: str = "",
    channel: str = Channel.WINDOW,
    agency_hall=None,
    kind: str | None = None,
    source: str = "",
) -> Case:
    """Receive an application and decide at once (the clerk's one screen): accept, do not accept
    (`reason`), or issue the one-time notice (`missing`, `note`). All or nothing: a refused decision
    leaves no half-received case behind. The events, versions and clock are those of receive_case
    followed by accept_case, reject_case or request_supplement."""
    if decision not in DECISIONS:
        raise ValidationError(
            {"decision": [_("The decision is accept, reject or notice (the one-time notice).")]}
        )
    if decision == DECISION_ACCEPT:
        return _receive_and_accept(
            item=item,
            applicant=applicant,
            contact=contact,
            materials=materials,
            hall=hall,
            window=window,
            by=by,
            now=now,
            channel=channel,
            agency_hall=agency_hall,
            kind=kind,
            source=source,
        )
    case, _rec, _rows = _receive(
        item=item,
        applicant=applicant,
        contact=contact,
        materials=materials,
        hall=hall,
        window=window,
        by=by,
        now=now,
        channel=channel,
        agency_hall=agency_hall,
        kind=kind,
        source=source,
    )
    common = {"by": by, "now": now, "expected_version": case.version, "source": source}
    if decision == DECISION_REJECT:
        return reject_case(case, reason=reason, **common)
    return request_supplement(case, missing=missing, note=note, **common)


def _receive_and_accept(*, by, now: datetime, source: str, **receive) -> Case:
    """receive_case then accept_case, written once: the case row is inserted accepted, with its
    materials, steps and the three events (received, accepted, step_started), and announced once. The
    checks are accept_case's, on the case in memory (nobody else can see it before the commit)."""
    case, rec, rows = _receive(by=by, now=now, source=source, write=False, **receive)
    require(by, perms.INTAKE, case)
    transition(case, Action.ACCEPT)
    _refuse_if_missing(
        sorted(
            (r for r in rows if r.material.required and not r.received),
            key=lambda r: (r.material.position, r.material_id),
        )
    )
    case.version += 1  # what receive_case's own write would have counted
    rec.source = source[:200]  # accept_case's events carry the caller's source, the receipt its channel
    _record_acceptance(case, rec, deemed=is_past_notice_window(case, now=now, rec=rec))
    steps = _begin_steps(case, rec)
    _take_number(case)
    rec.save_case()
    inserts.insert(rows)
    _insert_steps(steps, rec)
    rec.save_events()
    return rec.announce()


@transaction.atomic
def request_supplement(
    case: Case,
    *,
    missing: Iterable[int],
    note: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
    comments: dict | None = None,
) -> Case:
    """Issue the one-time notice (一次性告知): every missing material at once, within 5 working days.
    `comments`: what is wrong with each material (by catalogue id) or form field (by its name)."""
    case = lock_case(case, expected_version)
    require(by, perms.INTAKE, case)
    transition(case, Action.REQUEST_SUPPLEMENT)
    rec = Recorder(case, by=by, now=now, source=source)
    rows = {r.material_id: r for r in case.materials.select_related("material")}
    issued = rec.has(EventKind.SUPPLEMENT_REQUESTED)
    for row in _record_notice(case, rec, rows, missing=missing, note=note, issued=issued, comments=comments):
        row.save(update_fields=["requested", "received"])
    return rec.finish("state", "supplement_note")


def changed_since_last_notice(events) -> set[int]:
    """The materials (catalogue ids) handed in after the case's last one-time notice."""
    changed: set[int] = set()
    for event in events:
        if event.kind == EventKind.SUPPLEMENT_REQUESTED:
            changed = set()
        elif event.kind == EventKind.SUPPLEMENT_RECEIVED:
            changed.update(int(m) for m in (event.data or {}).get("materials", []))
    return changed


def _second_notice(case: Case, rec: Recorder, wanted: set[int], rows: dict):
    """An online application corrected after a notice may be returned again, but only about materials
    changed by that correction (no 挤牙膏: everything else had to be in the first notice). Returns the
    day from which the 5 working days count: the day the correction was complete."""
    if case.channel != Channel.ONLINE:
        raise ValidationError(
            {
                "missing": ValidationError(
                    _("A one-time notice was already issued for this case; it may be issued only once."),
                    code="one_time_notice",
                )
            }
        )
    changed = changed_since_last_notice(rec.events)
    stale = sorted(rows[m].material.name for m in wanted if m in rows and m not in changed)
    if stale or not wanted:
        raise ValidationError(
            {
                "missing": ValidationError(
                    _(
                        "A further notice may cite only materials changed since the previous notice "
                        "(everything else had to be asked for all at once); not changed: %(names)s."
                    )
                    % {"names": "、".join(stale) or "—"},
                    code="one_time_notice",
                )
            }
        )
    completed = [e for e in rec.events if e.kind == EventKind.SUPPLEMENT_COMPLETED]
    return date.fromisoformat(completed[-1].data["date"]) if completed else case.received_on


def _record_notice(
    case: Case,
    rec: Recorder,
    rows: dict,
    *,
    missing: Iterable[int],
    note: str,
    issued: bool,
    comments: dict | None = None,
) -> list[CaseMaterial]:
    """The one-time notice's rules and its event, on the case in memory (rows: its materials by catalogue
    id, with `material` loaded). Returns the rows newly marked `requested`, for the caller to save."""
    new_state = transition(case, Action.REQUEST_SUPPLEMENT)
    wanted = {int(m) for m in missing}
    since = _second_notice(case, rec, wanted, rows) if issued else case.received_on
    today = local_date(rec.now)
    deadline = case_clock.notice_deadline(since)
    if today > deadline:
        raise ValidationError(
            {
                "missing": ValidationError(
                    _(
                        "Too late for a one-time notice: it had to be issued within 5 working days of "
                        "receipt (by %(deadline)s, Administrative Licensing Law Art. 32). The application "
                        "counts as accepted from the day of receipt, %(receipt)s."
                    )
                    % {"deadline": deadline.isoformat(), "receipt": case.received_on.isoformat()},
                    code="five_day_rule",
                )
            }
        )
    unknown = sorted(wanted - set(rows))
    if unknown:
        raise ValidationError(
            {"missing": [_("Material(s) %(ids)s are not on this case's list.") % {"ids": unknown}]}
        )
    # Online, "received" means uploaded: pre-review returns an upload that is wrong (the window checks the
    # paper on the spot and lists only what is not there).
    returnable = case.channel == Channel.ONLINE
    already = sorted(rows[m].material.name for m in wanted if rows[m].received and not returnable)
    if already:
        raise ValidationError(
            {
                "missing": [
                    _("Already received, cannot be listed as missing: %(names)s.")
                    % {"names": "、".join(already)}
                ]
            }
        )
    left_out = [r for m, r in rows.items() if r.material.required and not r.received and m not in wanted]
    if left_out:
        raise ValidationError(
            {
                "missing": ValidationError(
                    _("The one-time notice must list ALL missing materials; also missing: %(names)s.")
                    % {"names": outstanding_names(left_out)},
                    code="one_time_notice",
                )
            }
        )
    note = inputs.check_text((note or "").strip(), "note")
    if not wanted and not note:
        raise ValidationError(
            {"missing": [_("List the missing materials or describe the corrections needed.")]}
        )
    for m in wanted:
        rows[m].requested = True
        rows[m].received = False  # a second notice returns a material that was handed in wrong
    old = case.state
    case.state = new_state
    case.supplement_note = note
    data = {
        "missing": sorted(wanted),
        "names": [rows[m].material.name for m in sorted(wanted, key=lambda m: rows[m].material.position)],
        "notice_deadline": deadline.isoformat(),
    }
    if comments:
        data["comments"] = {str(k): str(v).strip()[:300] for k, v in comments.items() if str(v).strip()}
    rec.record(EventKind.SUPPLEMENT_REQUESTED, from_state=old, to_state=new_state, reason=note, data=data)
    return [rows[m] for m in wanted]


@transaction.atomic
def supplement_received(
    case: Case,
    *,
    materials: Iterable,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    """Record supplementary materials (补正). When the last requested one arrives, the case returns to
    `received` and that day becomes its acceptance date."""
    case = lock_case(case, expected_version)
    require(by, perms.INTAKE, case)
    if case.state != CaseState.SUPPLEMENT_REQUESTED:
        transition(case, Action.COMPLETE_SUPPLEMENT)  # raises the standard error
    given = _material_rows(case.item, materials)
    rows = {r.material_id: r for r in case.materials.select_related("material")}
    for pk, entry in given.items():
        row = rows[pk]
        row.received = True
        row.received_at = now
        row.originals = max(row.originals, entry.originals)
        row.copies = max(row.copies, entry.copies)
        if entry.note:
            row.note = entry.note
        row.save(update_fields=["received", "received_at", "originals", "copies", "note"])
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.SUPPLEMENT_RECEIVED, data={"materials": sorted(given)})
    outstanding = [r for r in rows.values() if not r.received and (r.requested or r.material.required)]
    fields = []
    if not outstanding:
        old = case.state
        case.state = transition(case, Action.COMPLETE_SUPPLEMENT)
        rec.record(
            EventKind.SUPPLEMENT_COMPLETED,
            from_state=old,
            to_state=case.state,
            data={"date": local_date(now).isoformat()},
        )
        fields.append("state")
    return rec.finish(*fields)


def _notice_issued(case: Case, rec: Recorder | None = None) -> bool:
    if rec is not None:
        return rec.has(EventKind.SUPPLEMENT_REQUESTED)
    return CaseEvent.objects.filter(case=case, kind=EventKind.SUPPLEMENT_REQUESTED).exists()


def is_past_notice_window(case: Case, *, now: datetime, rec: Recorder | None = None) -> bool:
    """True when the 5 working days for a one-time notice have passed without one. `rec` (a Recorder
    of the case) answers from the events it has read."""
    return local_date(now) > case_clock.notice_deadline(case.received_on) and not _notice_issued(case, rec)


def accept_locked(case: Case, rec: Recorder, *, deemed: bool) -> Case:
    """Accept a locked case and start its first step (shared by accept_case and the 5-day rule)."""
    _record_acceptance(case, rec, deemed=deemed)
    _insert_steps(_begin_steps(case, rec), rec)
    return rec.finish("state")


def _record_acceptance(case: Case, rec: Recorder, *, deemed: bool) -> None:
    old = case.state
    case.state = transition(case, Action.DEEM_ACCEPT if deemed else Action.ACCEPT)
    if deemed:
        rec.record(
            EventKind.DEEMED_ACCEPTED,
            from_state=old,
            to_state=case.state,
            reason=_(
                "No one-time notice within 5 working days of receipt (Administrative Licensing Law Art. 32)."
            ),
            data={"date": case.received_on.isoformat(), "rule": "five_day_notice"},
        )
    else:
        rec.record(
            EventKind.ACCEPTED,
            from_state=old,
            to_state=case.state,
            data={"date": local_date(rec.now).isoformat()},
        )


def _begin_steps(case: Case, rec: Recorder) -> list[Step]:
    """The item's process as the case's steps, in memory, the first one started."""
    steps = [
        Step(
            case=case,
            position=index,
            name=ps.name,
            department_id=case.item.department_id,
            limit_days=ps.limit_days,
        )
        for index, ps in enumerate(published.steps(case.item), start=1)
    ]
    if steps:
        begin_step(steps[0], rec)  # inserted already started: one INSERT for all the steps
    return steps


def _insert_steps(steps: list[Step], rec: Recorder) -> None:
    inserts.insert(steps)
    if steps:
        step_started(steps[0], rec)


@transaction.atomic
def accept_case(
    case: Case, *, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """受理. All required materials must be in. Past the 5-day notice window the acceptance is backdated
    to the day of receipt and flagged, exactly as the 5-day rule would have done."""
    case = lock_case(case, expected_version)
    require(by, perms.INTAKE, case)
    transition(case, Action.ACCEPT)
    _refuse_if_missing(missing_required(case))
    rec = Recorder(case, by=by, now=now, source=source)
    return accept_locked(case, rec, deemed=is_past_notice_window(case, now=now, rec=rec))


def _refuse_if_missing(missing: list) -> None:
    if missing:
        raise ValidationError(
            {
                "materials": [
                    _("Required materials are missing: %(names)s. Issue a one-time notice instead.")
                    % {"names": outstanding_names(missing)}
                ]
            }
        )


@transaction.atomic
def reject_case(
    case: Case, *, reason: str, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """不予受理, with the reason and the applicant's rights (administrative reconsideration or lawsuit)."""
    reason = require_text(reason, "reason", _("A reason for non-acceptance is required."))
    case = lock_case(case, expected_version)
    perms.require(by, perms.INTAKE, case)
    old = case.state
    case.state = transition(case, Action.REJECT)
    case.rejection_reason = reason
    with translation.override("zh-hans"):
        rights = str(RIGHTS_NOTICE)
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(
        EventKind.REJECTED, from_state=old, to_state=case.state, reason=reason, data={"rights": rights}
    )
    return rec.finish("state", "rejection_reason")


@transaction.atomic
def withdraw_case(
    case: Case, *, reason: str, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """The applicant withdraws the application (any state before conclusion)."""
    reason = require_text(reason, "reason", _("Record why the applicant withdraws."))
    case = lock_case(case, expected_version)
    require(by, perms.INTAKE, case)
    old = case.state
    case.state = transition(case, Action.WITHDRAW)
    case.withdrawn_reason = reason
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.WITHDRAWN, from_state=old, to_state=case.state, reason=reason)
    return rec.finish("state", "withdrawn_reason")


@transaction.atomic
def withdraw_by_applicant(
    case: Case, *, reason: str, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """The applicant withdraws their own online application before it is accepted (the portal has checked
    that `by` owns it). Recorded as by the applicant, not a clerk."""
    reason = require_text(reason, "reason", _("Record why the applicant withdraws."))
    case = lock_case(case, expected_version)
    if case.channel != Channel.ONLINE or case.state not in (
        CaseState.RECEIVED,
        CaseState.SUPPLEMENT_REQUESTED,
    ):
        raise ValidationError(
            {"state": [_("An application can be withdrawn online only before it is accepted.")]}
        )
    old = case.state
    case.state = transition(case, Action.WITHDRAW)
    case.withdrawn_reason = reason
    rec = Recorder(case, by=by, now=now, source=source or "applicant")
    rec.record(
        EventKind.WITHDRAWN, from_state=old, to_state=case.state, reason=reason, data={"by": "applicant"}
    )
    return rec.finish("state", "withdrawn_reason")


@transaction.atomic
def deliver_result(
    case: Case,
    *,
    by,
    now: datetime,
    method: str = DeliveryMethod.WINDOW,
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    """Hand the result over (出件)."""
    if method not in DeliveryMethod.values:
        raise ValidationError({"method": [_("Unknown delivery method %(m)s.") % {"m": method}]})
    case = lock_case(case, expected_version)
    perms.require(by, perms.INTAKE, case)
    old = case.state
    case.state = transition(case, Action.DELIVER)
    case.delivered_at = now
    case.delivery_method = method
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.DELIVERED, from_state=old, to_state=case.state, data={"method": method})
    return rec.finish("state", "delivered_at", "delivery_method")
