"""我的办件: every application and case of an account, read for the pages and the API alike.

An account's cases are those it applied for online (its portal applications, in its own name or a
company's it acts for), and those received at a window for the same person (the ID number of its recorded
real name) or for a company it acts for (the credit code). Anything else is not found (404), so that a
stranger cannot even learn that a number exists. The scoping lives in access.py and here, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from govhall.cases import notices
from govhall.cases.models import Case, CaseEvent, CaseKind, Channel, DeliveryMethod
from govhall.lanes.models import LaneCase
from govhall.portal import access, plain
from govhall.portal.models import Application, ApplicationState, Profile


def _real_id_number(user) -> str:
    profile = Profile.objects.filter(user=user, verified_at__isnull=False).exclude(id_number="").first()
    return profile.id_number.upper() if profile else ""


def _credit_codes(user) -> list[str]:
    return list(access.companies_of(user).values_list("credit_code", flat=True))


def cases_of(user) -> QuerySet[Case]:
    """The cases the account may see: applied for online by it (or a company it acts for), or received at a
    window for its real-name ID number or a company's credit code. Never a consultation."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    mine = Q(application__in=access.applications_of(user))
    id_number = _real_id_number(user)
    if id_number:
        mine |= Q(id_number=id_number, applicant_kind="person")
    codes = _credit_codes(user)
    if codes:
        mine |= Q(credit_code__in=codes)
    return Case.objects.filter(mine).exclude(kind=CaseKind.CONSULTATION).distinct()


def lane_cases_of(user) -> QuerySet[LaneCase]:
    """The fast-lane cases the account may see, by the same rules (the ID number or credit code is in the
    lane's unified form)."""
    if not getattr(user, "is_authenticated", False):
        return LaneCase.objects.none()
    mine = Q(application__in=access.applications_of(user))
    id_number = _real_id_number(user)
    if id_number:
        mine |= Q(form_data__id_number=id_number)
    codes = _credit_codes(user)
    if codes:
        mine |= Q(form_data__credit_code__in=codes)
    return LaneCase.objects.filter(mine).distinct()


@dataclass
class Row:
    """One line of 我的办件: a draft, a case or a fast-lane case."""

    kind: str  # draft, case, lane
    number: str
    subject: str
    state: str
    state_label: str
    next_step: str
    date: date | datetime | None
    application_id: int | None = None
    online: bool = False
    url: str | None = None  # set by the page (the API has its own addresses)


def my_rows(user) -> list[Row]:
    """Drafts first (they wait for the applicant), then cases and fast-lane cases, newest first."""
    drafts = [
        Row(
            kind="draft",
            number="",
            subject=str(app.item.name if app.item_id else (app.lane.name if app.lane_id else "")),
            state="draft",
            state_label=str(ApplicationState.DRAFT.label),
            next_step="",
            date=app.updated_at,
            application_id=app.pk,
            online=True,
        )
        for app in access.applications_of(user)
        .filter(state=ApplicationState.DRAFT)
        .select_related("item", "lane")
        .order_by("-updated_at", "-id")
    ]
    rows: list[Row] = []
    for case in cases_of(user).select_related("item").order_by("-received_at", "-id"):
        online = case.channel == Channel.ONLINE
        shown = plain.case_state(case.state, online=online)
        rows.append(
            Row("case", case.number, case.item.name, shown.key, str(shown.label), str(shown.next_step),
                case.received_on, online=online)
        )  # fmt: skip
    for lane_case in lane_cases_of(user).select_related("lane"):
        shown = plain.lane_state(lane_case.state)
        rows.append(
            Row("lane", lane_case.number, lane_case.lane.name, shown.key, str(shown.label),
                str(shown.next_step), lane_case.received_on)
        )  # fmt: skip
    rows.sort(key=lambda r: (r.date, r.number), reverse=True)
    return drafts + rows


@dataclass
class CaseView:
    """Everything the detail page and the API show of one case to its applicant: nothing of the staff."""

    case: Case
    state: plain.PlainState
    timeline: list[plain.TimelineEntry]
    notices: list[notices.NoticeLink]
    materials: list = field(default_factory=list)
    delivery_method: str = ""
    delivery_label: str = ""
    delivery_address: str = ""
    application: Application | None = None
    result_document: object | None = None


def find_case(user, number: str) -> Case:
    """The account's case with this number, with its events, or Http404 (also for another's case)."""
    case = (
        cases_of(user)
        .select_related("item", "item__department", "hall")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.order_by("seq")))
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if case is None:
        raise Http404("no such case of yours")
    return case


def find_lane_case(user, number: str) -> LaneCase:
    lane_case = (
        lane_cases_of(user).select_related("lane").filter(number=(number or "").strip().upper()).first()
    )
    if lane_case is None:
        raise Http404("no such case of yours")
    return lane_case


def delivery_of(case: Case, application: Application | None) -> tuple[str, str]:
    """The delivery method chosen (the case's, once delivered; before that the application's choice) and,
    for post, the address."""
    data = application.data if application is not None else {}
    method = case.delivery_method or str(data.get("delivery_method") or "")
    address = str(data.get("delivery_address") or "") if method == DeliveryMethod.MAIL else ""
    if method == DeliveryMethod.MAIL and not address:
        address = case.address
    return method, address


def case_view(user, number: str) -> CaseView:
    from govhall.cases.queries import result_document

    case = find_case(user, number)
    events = list(case.events.all())
    online = case.channel == Channel.ONLINE
    application = Application.objects.filter(case=case).first()
    method, address = delivery_of(case, application)
    return CaseView(
        case=case,
        state=plain.case_state(case.state, online=online),
        timeline=plain.timeline(events, online=online),
        notices=notices.available_notices(case, events),
        materials=list(
            case.materials.select_related("material").order_by("material__position", "material_id")
        ),
        delivery_method=method,
        delivery_label=str(DeliveryMethod(method).label) if method in DeliveryMethod.values else "",
        delivery_address=address,
        application=application,
        result_document=result_document(case),
    )
