"""The online service hall at work in the living demo: citizens and a company with their accounts, the
licences their earlier cases issued, and the consultations they asked online.

Everything goes through the services a citizen's or a clerk's click would call, at moments planned back from
`now` (the demo city's clock). The people:

- 吴刚: the demo account `citizen` (password), or SMS sign-in with 13905310001. Real name; staff (经办人)
  of 泉山鲁味食品有限公司; his own 营业执照 (个体工商户); an answered, published consultation.
- 钱芳: SMS sign-in with 13905310002. Legal representative of 泉山鲁味食品有限公司, which holds a 营业执照.
- 孙丽: SMS sign-in with 13905310003. Real name; a consultation waiting for its answer.

The online applications of these people (a draft, a returned one, an accepted one) are added by
`applications.py`, which builds on what this module returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from govhall.cases import services as cases
from govhall.cases.models import Case, Channel, IdType
from govhall.cases.validators import (
    credit_code_check_char,
    organisation_code_check_char,
    resident_id_check_char,
)
from govhall.catalog.models import Hall, HallLevel, ItemStatus, ServiceItem
from govhall.core.models import User
from govhall.demo.city import CENTRE_CODE
from govhall.demo.living.clock import Clock
from govhall.demo.living.people import Crew
from govhall.portal.models import Company
from govhall.portal.services.accounts import open_account
from govhall.portal.services.companies import authorise_staff, register_company
from govhall.portal.services.profiles import profile_of, record_real_name


@dataclass(frozen=True)
class Person:
    username: str | None  # an existing demo account, else the account is opened by its phone
    name: str
    id_first17: str
    phone: str
    address: str

    @property
    def id_number(self) -> str:
        return self.id_first17 + resident_id_check_char(self.id_first17)

    def applicant(self) -> dict:
        return {
            "kind": "person",
            "name": self.name,
            "id_type": IdType.RESIDENT_ID,
            "id_number": self.id_number,
        }

    def contact(self) -> dict:
        return {"name": self.name, "phone": self.phone, "address": self.address}


WU = Person("citizen", "吴刚", "37018119850312561", "13905310001", "泉山市明水街道汇泉路88号")
QIAN = Person(None, "钱芳", "37018119900704282", "13905310002", "泉山市双山街道山泉路16号")
SUN = Person(None, "孙丽", "37018119781120326", "13905310003", "泉山市圣井街道世纪大道209号")
PEOPLE = (WU, QIAN, SUN)

COMPANY_NAME = "泉山鲁味食品有限公司"
COMPANY_ORG8 = "MA3C8K2Q"  # the organisation code inside the credit code (GB 11714), without its check
COMPANY_ADDRESS = "泉山市经济开发区工业二路6号"


@dataclass
class Portal:
    """What the applications of applications.py build on."""

    accounts: dict[str, User] = field(default_factory=dict)  # by person's name
    company: Company | None = None
    licences: list[str] = field(default_factory=list)  # licence numbers
    consultations: list[Case] = field(default_factory=list)


def company_credit_code() -> str:
    first17 = "91370181" + COMPANY_ORG8 + organisation_code_check_char(COMPANY_ORG8)
    return first17 + credit_code_check_char(first17)


def company_applicant() -> dict:
    return {
        "kind": "organisation",
        "name": COMPANY_NAME,
        "credit_code": company_credit_code(),
        "legal_representative": QIAN.name,
    }


def _item(name: str) -> ServiceItem:
    return ServiceItem.objects.select_related("department").get(name=name, status=ItemStatus.PUBLISHED)


def load_portal_people(crew: Crew, clock: Clock) -> Portal:
    """Accounts with their real names, the company and its staff, the licences of earlier cases and the
    consultations. Returns them for the online applications."""
    portal = Portal()
    joined = clock.at(clock.back(40), -45)
    for person in PEOPLE:
        user = (
            User.objects.get(username=person.username)
            if person.username
            else open_account(phone=person.phone, now=joined)
        )
        profile = profile_of(user, now=joined)
        record_real_name(
            profile,
            real_name=person.name,
            id_type=IdType.RESIDENT_ID,
            id_number=person.id_number,
            expected_version=None,
            now=joined + timedelta(minutes=2),
        )
        portal.accounts[person.name] = user
    qian = portal.accounts[QIAN.name]
    portal.company = register_company(
        by=qian,
        name=COMPANY_NAME,
        credit_code=company_credit_code(),
        legal_representative=QIAN.name,
        now=joined + timedelta(minutes=10),
    )
    authorise_staff(portal.company, by=qian, phone=WU.phone, now=joined + timedelta(minutes=12))
    centre = Hall.objects.get(code=CENTRE_CODE, level=HallLevel.CENTRE)
    portal.licences = [
        _licensed(crew, clock, centre, "内资企业设立登记", company_applicant(), QIAN.contact(), days_ago=35),
        _licensed(crew, clock, centre, "个体工商户设立登记", WU.applicant(), WU.contact(), days_ago=30),
    ]
    portal.consultations = _consultations(crew, clock, portal)
    return portal


def _licensed(crew: Crew, clock: Clock, centre: Hall, item_name: str, applicant, contact, *, days_ago) -> str:
    """A case received at the centre's window and concluded approved: it records the holder's licence."""
    item = _item(item_name)
    received = clock.at(clock.back(days_ago), 30)
    case = cases.receive_and_decide(
        item=item,
        applicant=applicant,
        contact=contact,
        materials=[m.pk for m in item.materials.all()],
        hall=centre,
        window=crew.window(centre, item.department_id),
        by=crew.clerk(centre),
        now=received,
        decision="accept",
    )
    concluded = clock.at(clock.ahead(clock.back(days_ago), min(item.promised_limit, 2)), 120)
    case = cases.conclude_on_the_spot(
        case, text="准予登记，核发营业执照。", by=crew.worker(item.department_id), now=concluded
    )
    cases.deliver_result(case, by=crew.clerk(centre), now=concluded + timedelta(days=1), method="electronic")
    return case.licence.number


def _consultations(crew: Crew, clock: Clock, portal: Portal) -> list[Case]:
    """吴刚's question, answered and published by the department; 孙丽's, asked today and waiting."""
    food = _item("食品经营许可")
    asked = clock.at(clock.back(3), 75)
    answered_case = cases.record_consultation(
        question="我已有营业执照，开一家小餐馆申请食品经营许可需要多长时间？可以网上办吗？",
        by=None,
        now=asked,
        channel=Channel.ONLINE,
        item=food,
        asker=portal.accounts[WU.name],
        contact={"name": WU.name, "phone": WU.phone},
    )
    worker = crew.worker(food.department_id)
    answered_case = cases.answer_consultation(
        answered_case,
        answer=(
            "您好！食品经营许可承诺在11个工作日内办结，可以在网上办事大厅在线申报：营业执照无需上传，"
            "直接选用您的电子证照；场所平面图和食品安全管理制度上传扫描件即可。"
        ),
        by=worker,
        now=clock.at(clock.back(2), 60),
    )
    cases.publish_consultation(
        answered_case,
        question="已有营业执照，开小餐馆申请食品经营许可需要多长时间？可以网上办吗？",
        answer=(
            "承诺在11个工作日内办结，可以在网上办事大厅在线申报：营业执照无需上传，直接选用电子证照；"
            "场所平面图和食品安全管理制度上传扫描件即可。"
        ),
        by=crew.head(food.department_id),
        now=clock.at(clock.back(2), 90),
    )
    waiting = cases.record_consultation(
        question="公共场所卫生许可证到期了，延续需要准备哪些材料？",
        by=None,
        now=_recent(clock, minutes=40),
        channel=Channel.ONLINE,
        item=_item("公共场所卫生许可"),
        asker=portal.accounts[SUN.name],
        contact={"name": SUN.name, "phone": SUN.phone},
    )
    return [answered_case, waiting]


def _recent(clock: Clock, *, minutes: int) -> datetime:
    """A moment of today's work (or the last working day's, before today's opening), `minutes` after nine."""
    return clock.at(clock.last_action_day, min(minutes, clock.first_minutes(clock.last_action_day)))
