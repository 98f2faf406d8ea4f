"""What the applicant receives in writing, and what the public progress query shows.

Notices (书面通知) are read from the case and its events; nothing here writes. Each notice carries the
case number and the verification code, with which the applicant follows the case at the online hall's
progress query (/portal/progress/; the old /cases/progress/ redirects there).

- acceptance (受理通知书): applicant, item, acceptance date, promised date, authority, complaint phone;
- rejection (不予受理通知书): the reason and the right to reconsideration (60 days) or a lawsuit (6 months);
- supplement (一次性告知书): every missing material at once;
- suspension (特别程序告知书): which procedure, why, how many working days it is expected to take;
- extension (延期通知书): the approved working days, the reason and the new due date;
- conclusion (办结通知书): the decision and its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import (
    Case,
    CaseEvent,
    CaseState,
    EventKind,
    ExtensionState,
    StepState,
)
from govhall.cases.serializers import mask_name
from govhall.cases.services.intake import RIGHTS_NOTICE
from govhall.workdays import calendar as workdays

ACCEPTANCE = "acceptance"
REJECTION = "rejection"
SUPPLEMENT = "supplement"
SUSPENSION = "suspension"
EXTENSION = "extension"
CONCLUSION = "conclusion"

TITLES: dict[str, Promise] = {
    ACCEPTANCE: _("Acceptance notice"),
    REJECTION: _("Notice of non-acceptance"),
    SUPPLEMENT: _("One-time notice of missing materials"),
    SUSPENSION: _("Notice of special procedure"),
    EXTENSION: _("Notice of extension"),
    CONCLUSION: _("Notice of conclusion"),
}

# The event that makes each notice exist; its date is the notice's date.
_EVENT_OF = {
    ACCEPTANCE: (EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED),
    REJECTION: (EventKind.REJECTED,),
    SUPPLEMENT: (EventKind.SUPPLEMENT_REQUESTED,),
    SUSPENSION: (EventKind.SUSPENDED,),
    CONCLUSION: (EventKind.CONCLUDED,),
}


@dataclass(frozen=True)
class NoticeLink:
    kind: str
    title: Promise
    date: date


def _events(case: Case) -> list[CaseEvent]:
    cached = getattr(case, "_prefetched_objects_cache", {}).get("events")
    if cached is not None:
        return list(cached)
    return list(case.events.order_by("seq"))


def available_notices(case: Case, events: list[CaseEvent] | None = None) -> list[NoticeLink]:
    """The notices this case has, in the order they were issued."""
    events = _events(case) if events is None else events
    links: list[NoticeLink] = []
    seen: set[str] = set()
    for event in events:
        kind = next((k for k, kinds in _EVENT_OF.items() if event.kind in kinds), None)
        if event.kind == EventKind.EXTENSION_DECIDED and event.data.get("approved"):
            kind = EXTENSION
        if kind and kind not in seen:
            seen.add(kind)
            links.append(NoticeLink(kind, TITLES[kind], timezone.localdate(event.at)))
    return links


def _last_event(events: list[CaseEvent], *kinds: str) -> CaseEvent | None:
    found = [e for e in events if e.kind in kinds]
    return found[-1] if found else None


def notice_context(case: Case, kind: str) -> dict:
    """Everything the notice template shows, or Http404 when the case has no such notice."""
    if kind not in TITLES:
        raise Http404("no such notice")
    events = _events(case)
    if kind not in {link.kind for link in available_notices(case, events)}:
        raise Http404("the case has no such notice")
    item = case.item
    context: dict = {
        "case": case,
        "kind": kind,
        "title": TITLES[kind],
        "item": item,
        "authority": item.department.name if item else case.hall.name,
        "complaint_phone": settings.GOVHALL_COMPLAINT_PHONE,
        "centre_name": settings.GOVHALL_CENTRE_NAME,
    }
    if kind == ACCEPTANCE:
        event = _last_event(events, EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED)
    elif kind == EXTENSION:
        event = next(
            e for e in reversed(events) if e.kind == EventKind.EXTENSION_DECIDED and e.data.get("approved")
        )
        extension = case.extension_requests.get(pk=event.data["request"])
        context["extension"] = extension
        context["approved_days"] = sum(
            case.extension_requests.filter(state=ExtensionState.APPROVED).values_list("days", flat=True)
        )
    else:
        event = _last_event(events, *_EVENT_OF[kind])
    context["event"] = event
    context["issued_on"] = event.at
    if kind == REJECTION:
        context["rights"] = event.data.get("rights") or RIGHTS_NOTICE
    elif kind == SUPPLEMENT:
        context["missing"] = list(
            case.materials.filter(requested=True).select_related("material").order_by("material__position")
        )
    elif kind == SUSPENSION:
        suspension = case.suspensions.get(pk=event.data["suspension"])
        context["suspension"] = suspension
        context["expected_end"] = workdays.add_workdays(suspension.started_on, suspension.expected_days)
    return context


# --- public progress query -----------------------------------------------------------------------------


def proves(case: Case, code: str) -> bool:
    """Whether `code` is the case's verification code, or the last six characters of the applicant's ID
    number (of the credit code for an organisation): what a caller must know to see the progress."""
    code = (code or "").strip().upper()
    if not code:
        return False
    if constant_time_compare(case.verification_code, code):
        return True
    ident = (case.id_number or case.credit_code or "").strip().upper()
    return len(code) == 6 and len(ident) >= 6 and constant_time_compare(ident[-6:], code)


def progress_for(number: str, code: str) -> dict | None:
    """State and key dates of the case with this number, if `code` proves the caller knows it (proves())."""
    number = (number or "").strip().upper()
    if not number:
        return None
    case = Case.objects.select_related("item").filter(number=number).first()
    if case is None or not proves(case, code):
        return None
    return case_progress(case)


def case_progress(case: Case) -> dict:
    """The public view of a case's progress: state and dates, the masked name, no staff."""
    step = case.steps.filter(state=StepState.ACTIVE).order_by("position").first()
    return {
        "number": case.number,
        "item_name": case.item.name if case.item else None,
        "applicant": case.applicant_name if case.credit_code else mask_name(case.applicant_name),
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "received_on": case.received_on,
        "acceptance_date": case.acceptance_date,
        "promised_due": case.promised_due,
        "due_provisional": case.due_provisional,
        "current_step": step.name if step and case.state == CaseState.ACCEPTED else None,
        "concluded_on": timezone.localdate(case.concluded_at) if case.concluded_at else None,
        "delivered_on": timezone.localdate(case.delivered_at) if case.delivered_at else None,
    }
