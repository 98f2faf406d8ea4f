"""One realistic data set for walking every portal page: the demo city 泉山市 plus the demo citizen 吴刚's
portal life — a real name, a company he represents with one authorised staff member, a draft, a submitted
application, one returned for correction, a window case concluded with a licence, and an answered
consultation. Used by tests/e2e/test_portal_accessibility.py; `build_portal_life` also runs against a dev
database (`manage.py shell`) to look at the pages by hand (docs/accessibility.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from govhall.cases import services as cases
from govhall.cases.inputs import Applicant, Contact
from govhall.cases.models import Case
from govhall.catalog.guide_models import parse_options
from govhall.catalog.models import LicenceType, ServiceItem
from govhall.catalog.situations import materials_for, questions_of
from govhall.core.models import User
from govhall.lanes.models import Lane
from govhall.portal import services
from govhall.portal.models import Application, Company, CompanyMember, MemberRole, Profile

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ID_NUMBER = "11010519491231002X"  # valid check digit
CREDIT_CODE = "914403001922038216"
ITEM_NAME = "内资企业设立登记"


@dataclass(frozen=True)
class PortalLife:
    citizen: User
    item: ServiceItem
    lane: Lane
    company: Company
    draft: Application
    submitted: Application
    returned: Application
    concluded: Case
    consultation: Case


def _scan(name: str = "扫描件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _filled(citizen: User) -> dict:
    return {
        "applicant_kind": "person",
        "applicant_name": "吴刚",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": citizen.phone,
        "delivery_method": "window",
    }


def _submitted(item: ServiceItem, citizen: User, now: datetime) -> Application:
    app = services.start_application(by=citizen, now=now, item=item)
    # Each situation question answered with its first option (情形引导): the materials follow the answers.
    answers = {q.key: parse_options(q.options)[0][0] for q in questions_of(item)}
    app = services.save_draft(
        app, data=_filled(citizen), answers=answers, by=citizen, now=now, expected_version=app.version
    )
    for material in materials_for(item, answers):
        if not material.required:
            continue
        services.upload_material(app, material=material.pk, file=_scan(), by=citizen, now=now)
    app.refresh_from_db()
    return services.submit_application(app, by=citizen, now=now, expected_version=app.version)


def build_portal_life(*, now: datetime) -> PortalLife:
    """Needs the demo city loaded with its accounts (load_demo_city(with_accounts=True))."""
    citizen = User.objects.get(username="citizen")
    citizen.phone = "13912340001"
    citizen.save(update_fields=["phone"])
    Profile.objects.create(
        user=citizen, real_name="吴刚", id_number=ID_NUMBER, verified_at=now, created_at=now
    )
    company = Company.objects.create(
        name="泉山市明水食品有限公司", credit_code=CREDIT_CODE, legal_representative="吴刚", created_at=now
    )
    staff = User.objects.create(username="citizen-staff", role="applicant", phone="13912340002")
    CompanyMember.objects.create(
        company=company, user=citizen, role=MemberRole.REPRESENTATIVE, authorised_at=now
    )
    CompanyMember.objects.create(
        company=company, user=staff, role=MemberRole.AGENT, authorised_at=now, authorised_by=citizen
    )

    item = ServiceItem.objects.get(name=ITEM_NAME, status="published")
    kind, _created = LicenceType.objects.get_or_create(
        code="YYZZ", defaults={"name": "营业执照", "validity_years": 30}
    )
    item.issues_licence = kind
    item.save(update_fields=["issues_licence"])
    clerk = User.objects.get(username="clerk")
    handler = User.objects.get(username="handler")

    earlier = now - timedelta(days=3)
    draft = services.start_application(by=citizen, now=now, item=item)
    draft = services.save_draft(
        draft,
        data={"applicant_name": "吴刚", "phone": citizen.phone},
        by=citizen,
        now=now,
        expected_version=draft.version,
    )
    submitted = _submitted(item, citizen, earlier)
    returned = _submitted(item, citizen, earlier)
    first = item.materials.filter(required=True).order_by("position").first()
    cases.request_supplement(
        returned.case,
        missing=[first.pk],
        note="请补充完整材料后重新提交",
        comments={first.pk: "扫描件不清晰，请重新扫描盖章页"},
        by=clerk,
        now=earlier + timedelta(hours=2),
    )
    returned.refresh_from_db()

    window_case = cases.receive_case(
        item=item,
        applicant=Applicant(kind="person", name="吴刚", id_type="resident_id", id_number=ID_NUMBER),
        contact=Contact(name="吴刚", phone=citizen.phone, address="泉山市龙山大道1号"),
        materials=list(item.materials.values_list("pk", flat=True)),
        hall=clerk.hall,
        window=None,
        by=clerk,
        now=earlier,
    )
    window_case = cases.accept_case(window_case, by=clerk, now=earlier)
    concluded = cases.conclude_on_the_spot(window_case, text="准予设立登记。", by=handler, now=earlier)

    consultation = cases.record_consultation(
        question="内资企业设立登记可以全程网上办理吗？需要到窗口交纸质材料吗？",
        by=None,
        now=earlier,
        channel="online",
        item=item,
        asker=citizen,
        contact={"phone": citizen.phone},
    )
    consultation = cases.answer_consultation(
        consultation,
        answer="可以全程网上办理。营业执照可选择邮寄送达，无需到窗口提交纸质材料。",
        by=handler,
        now=earlier + timedelta(days=1),
    )
    lane = Lane.objects.filter(status="published").order_by("code", "-version").first()
    return PortalLife(
        citizen=citizen,
        item=item,
        lane=lane,
        company=company,
        draft=draft,
        submitted=submitted,
        returned=returned,
        concluded=concluded,
        consultation=consultation,
    )
