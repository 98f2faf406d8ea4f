"""Reads: which cases a user may see, finding cases, the handler's queue, masking for display."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from govhall.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseState,
    Channel,
    Consultation,
    Decision,
    EventKind,
    ExtensionRequest,
    ExtensionState,
    Step,
    StepState,
)
from govhall.cases.permissions import SEE_ALL_ROLES
from govhall.cases.services.common import local_date
from govhall.catalog.models import Window
from govhall.core import privacy
from govhall.core.models import Role
from govhall.workdays import calendar as workdays


def visible_cases(user) -> QuerySet[Case]:
    """Clerk: the hall's cases. Agency clerk: the cases they took in at their township hall. Handler:
    cases with a step of their department (and consultations addressed to it). Department head: the
    same plus every case of the department's items. Supervisor, leader, admin: all. Others: none."""
    cases = Case.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return cases.none()
    role = user.role
    if role in SEE_ALL_ROLES:
        return cases
    if role == Role.CLERK and user.hall_id:
        return cases.filter(hall_id=user.hall_id)
    if role == Role.AGENCY_CLERK and user.hall_id:
        return cases.filter(agency_hall_id=user.hall_id, received_by_id=user.pk)
    if role in (Role.HANDLER, Role.DEPT_HEAD) and user.department_id:
        dept = user.department_id
        has_step = Exists(Step.objects.filter(case=OuterRef("pk"), department_id=dept))
        asked = Exists(Consultation.objects.filter(case=OuterRef("pk"), department_id=dept))
        condition = Q(has_step) | Q(asked)
        if role == Role.DEPT_HEAD:
            condition |= Q(item__department_id=dept)
        return cases.filter(condition)
    return cases.none()


def prereview_departments(user) -> set[int] | None:
    """The departments whose online cases a clerk pre-reviews (预审): the one whose window the clerk staffs
    (user.department) and every department served at a window of the hall that serves it too (a combined
    window, catalogue Window.departments); a clerk of no department: every department served at the
    hall's windows. None: no narrowing (a hall without windows in the catalogue)."""
    windows = Window.objects.filter(hall_id=user.hall_id, is_active=True)
    if user.department_id:
        windows = windows.filter(departments=user.department_id)
    served = set(
        Window.departments.through.objects.filter(window__in=windows.values("pk")).values_list(
            "department_id", flat=True
        )
    )
    if user.department_id:
        return served | {user.department_id}
    return served or None


def prereview_queue(user) -> QuerySet[Case]:
    """Online cases waiting for this clerk's pre-review: received online at the clerk's hall, of the
    departments the clerk serves. A queue, not a permission: every clerk of the hall may still open and
    decide any of the hall's cases (a colleague on leave, a combined window)."""
    if user is None or getattr(user, "role", None) != Role.CLERK or not user.hall_id:
        return Case.objects.none()
    cases = Case.objects.filter(hall_id=user.hall_id, state=CaseState.RECEIVED, channel=Channel.ONLINE)
    departments = prereview_departments(user)
    return cases if departments is None else cases.filter(item__department_id__in=departments)


def extension_requests_for(
    user, *, state: str | None = ExtensionState.REQUESTED
) -> QuerySet[ExtensionRequest]:
    """What a department head decides: requests on cases of the department's items."""
    requests = ExtensionRequest.objects.select_related("case", "case__item", "requested_by")
    if user.role != Role.DEPT_HEAD or not user.department_id:
        return requests.none()
    requests = requests.filter(case__item__department_id=user.department_id)
    return requests.filter(state=state) if state else requests


_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
_PERSON_OR_CREDIT = re.compile(r"^[0-9A-Z]{15,18}$")
_NUMBERISH = re.compile(r"^[0-9A-Z-]+$")


def find_cases(
    user,
    *,
    q: str = "",
    item=None,
    state: str | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    channel: str | None = None,
) -> QuerySet[Case]:
    """Search within what `user` may see. `q` is matched by its shape so every lookup hits an index:
    a phone number → phone; 15–18 letters/digits → ID number or credit code (exact); something with a
    dash or digits → case number (prefix); anything else → applicant name (prefix)."""
    cases = visible_cases(user)
    if item is not None:
        # An item's versions share its code; a search by item finds cases of every version.
        code = getattr(item, "code", None)
        cases = cases.filter(item__code=code) if code else cases.filter(item_id=item)
    if state:
        cases = cases.filter(state=state)
    if kind:
        cases = cases.filter(kind=kind)
    if channel:
        cases = cases.filter(channel=channel)
    if date_from:
        cases = cases.filter(received_on__gte=date_from)
    if date_to:
        cases = cases.filter(received_on__lte=date_to)
    q = (q or "").strip()
    if q:
        upper = q.upper()
        if _PHONE.match(q):
            cases = cases.filter(phone=q)
        elif _PERSON_OR_CREDIT.match(upper):
            cases = cases.filter(Q(id_number=upper) | Q(credit_code=upper))
        elif _NUMBERISH.match(upper) and any(c.isdigit() for c in upper):
            cases = cases.filter(number__startswith=upper)
        else:
            cases = cases.filter(applicant_name__startswith=q)
    return cases.select_related("item", "hall").order_by("-received_at", "-id")


# The one masking of the project (govhall.core.privacy), kept importable from here.
mask_id = privacy.mask_id
mask_phone = privacy.mask_phone


@dataclass(frozen=True)
class QueueEntry:
    step: Step
    case: Case
    due_date: date
    remaining_workdays: int  # negative when overdue


def queue_steps(user) -> QuerySet[Step]:
    """The rows of the handler's queue as a queryset (unordered: a list orders by due date, the API pages
    by keyset): active steps of the user's department on cases in progress."""
    if user.role not in (Role.HANDLER, Role.DEPT_HEAD) or not user.department_id:
        return Step.objects.none()
    return Step.objects.filter(
        department_id=user.department_id, state=StepState.ACTIVE, case__state=CaseState.ACCEPTED
    ).select_related("case", "case__item")


def queue_for(user, *, now: datetime) -> list[QueueEntry]:
    """Open steps of the user's department on cases in progress, earliest due first, with the working
    days left (0 = due today; negative = overdue by that many working days)."""
    if user.role not in (Role.HANDLER, Role.DEPT_HEAD) or not user.department_id:
        return []
    today = local_date(now)
    steps = queue_steps(user).order_by("due_date", "case__received_at", "id")
    return [
        QueueEntry(
            step=s,
            case=s.case,
            due_date=s.due_date,
            remaining_workdays=workdays.workdays_between(today, s.due_date),
        )
        for s in steps
    ]


def result_document(case: Case) -> CaseDocument | None:
    """The electronic result of a case concluded with approval: the last document attached as the result
    (services.add_document(result=True)); None before the conclusion, for a denial, or without one."""
    if case.state not in (CaseState.CONCLUDED, CaseState.DELIVERED) or case.decision != Decision.APPROVED:
        return None
    marked = (
        CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENT_ADDED, data__result=True)
        .order_by("-seq")
        .values_list("data__document", flat=True)
        .first()
    )
    return CaseDocument.objects.filter(case=case, pk=marked).first() if marked else None
