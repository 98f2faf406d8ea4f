"""The small city of the authorisation matrix: who asks, and which objects fill the path parameters.

The demo city at work (accounts, cases, lanes, cards, orders, visits, tickets, help sessions) is the
fixture: its objects belong to department GSJ (工商行政管理局) and the centre hall, and two more staff
accounts work elsewhere: a handler of another department and a clerk of another hall. Each path parameter
is filled by the object that the URL's app serves (`PARAMS`, keyed by URL name, else by parameter name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from govhall.core.models import Role, User

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEPARTMENT = "GSJ"
CENTRE = "370181-000"

# Who asks, in the order of the table's columns. None: anonymous.
WHO = (
    "anonymous",
    "applicant",
    "clerk",
    "agency",
    "handler",
    "head",
    "supervisor",
    "operator",
    "leader",
    "admin",
    "other_department",
    "other_hall",
)
DEMO_USERNAMES = {
    "applicant": "citizen",
    "clerk": "clerk",
    "agency": "agency",
    "handler": "handler",
    "head": "head",
    "supervisor": "supervisor",
    "operator": "operator",
    "leader": "leader",
    "admin": "admin",
}


@dataclass
class City:
    users: dict[str, User | None] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)  # parameter filler name -> value


def _first(qs, attr: str = "pk", default: object = 0) -> object:
    row = qs.order_by("pk").first()
    return getattr(row, attr) if row is not None else default


def build_city() -> City:
    from govhall.demo.city import load_demo_city
    from govhall.demo.living import load_living_city

    load_demo_city(now=NOW)
    load_living_city(now=NOW, scale=0.005)
    return collect()


def collect() -> City:
    """The people and the parameter values, from a database holding the demo city at work."""
    from govhall.cases.models import Case, CaseDocument, Consultation, ExtensionRequest, Licence, Step
    from govhall.catalog.models import Department, FormTemplate, Hall, Material, ServiceItem, Window
    from govhall.hotline.models import Dispatch, KnowledgeEntry, Subject, Ticket
    from govhall.lanes.models import Lane, LaneCase
    from govhall.portal.models import (
        Application,
        ApplicationDocument,
        Company,
        CompanyMember,
        HelpSession,
        InboxMessage,
    )
    from govhall.supervision.models import Card, Order
    from govhall.visits.models import Booking, FollowUp, Visit, WindowGroup

    city = City()
    city.users["anonymous"] = None
    for who, username in DEMO_USERNAMES.items():
        city.users[who] = User.objects.get(username=username)
    gsj = Department.objects.get(code=DEPARTMENT)
    centre = Hall.objects.get(code=CENTRE)
    other_department = Department.objects.exclude(pk=gsj.pk).order_by("code").first()
    other_hall = Hall.objects.exclude(pk=centre.pk).exclude(code="370181-001").order_by("code").first()
    city.users["other_department"], _ = User.objects.get_or_create(
        username="matrix-other-department", defaults={"role": Role.HANDLER, "department": other_department}
    )
    city.users["other_hall"], _ = User.objects.get_or_create(
        username="matrix-other-hall", defaults={"role": Role.CLERK, "department": gsj, "hall": other_hall}
    )
    citizen = city.users["applicant"]

    case = Case.objects.filter(item__department=gsj, hall=centre)
    v = city.values
    v["case"] = _first(case)
    v["case_number"] = _first(case, "number", "X")
    v["case_document"] = _first(CaseDocument.objects.filter(case__item__department=gsj))
    v["case_document_case"] = _first(CaseDocument.objects.filter(case__item__department=gsj), "case_id")
    v["consultation"] = _first(Consultation.objects.filter(department=gsj))
    v["extension"] = _first(ExtensionRequest.objects.filter(case__item__department=gsj))
    v["step"] = _first(Step.objects.filter(department=gsj))
    v["lane_case"] = _first(LaneCase.objects.all())
    v["lane_code"] = _first(Lane.objects.all(), "code", "x")
    v["card"] = _first(Card.objects.filter(department=gsj))
    v["order"] = _first(Order.objects.filter(department=gsj))
    v["booking"] = _first(Booking.objects.all(), "code", "X")
    v["hall_code"] = CENTRE
    v["group"] = _first(WindowGroup.objects.filter(hall=centre), "code", "x")
    v["visit"] = _first(Visit.objects.filter(hall=centre))
    v["window"] = _first(Window.objects.filter(hall=centre, departments=gsj))
    v["follow_up"] = _first(FollowUp.objects.filter(department=gsj))
    v["item_code"] = _first(ServiceItem.objects.filter(department=gsj, status="published"), "code", "x")
    v["item"] = _first(ServiceItem.objects.filter(department=gsj))
    v["department"] = gsj.pk
    v["hall"] = centre.pk
    v["form_file"] = _first(FormTemplate.objects.exclude(file=""))
    mine = Case.objects.filter(application__owner=citizen)
    v["licence"] = _first(Licence.objects.filter(case__in=mine), "number", "X")
    v["company"] = _first(Company.objects.filter(members__user=citizen))
    v["member"] = _first(CompanyMember.objects.filter(company__members__user=citizen))
    v["my_case_number"] = _first(mine, "number", v["case_number"])
    v["application"] = _first(Application.objects.filter(owner=citizen))
    v["application_document"] = _first(ApplicationDocument.objects.filter(application__owner=citizen))
    v["material"] = _first(
        Material.objects.filter(item__in=Application.objects.filter(owner=citizen).values("item"))
    )
    v["help"] = _first(HelpSession.objects.filter(department=gsj))
    v["inbox"] = _first(InboxMessage.objects.filter(recipient=citizen))
    v["ticket"] = _first(Ticket.objects.all())
    from govhall.hotline.queries_web import published

    v["ticket_number"] = _first(published(), "number", "X")
    v["dispatch"] = _first(Dispatch.objects.filter(unit=gsj))
    v["knowledge"] = _first(KnowledgeEntry.objects.all())
    v["subject_code"] = _first(Subject.objects.all(), "code", "x")
    v["report_month"] = "2026-11"
    return city
