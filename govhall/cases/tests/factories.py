"""Test data for cases: users per role, a small city, and cases driven through the real services.

Catalogue objects come from the catalogue's own factories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import factory

from govhall.cases import services
from govhall.cases.inputs import Applicant, Contact
from govhall.cases.validators import resident_id_check_char
from govhall.catalog.models import Department, Hall, ServiceItem, Window
from govhall.catalog.tests.factories import (
    DepartmentFactory,
    HallFactory,
    MaterialFactory,
    ProcessStepFactory,
    ServiceItemFactory,
    WindowFactory,
)
from govhall.core.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CLERK


def resident_id(first17: str = "37018119900101123") -> str:
    """A valid 18-digit resident identity number with the given first 17 digits."""
    return first17 + resident_id_check_char(first17)


PERSON = Applicant(kind="person", name="张三", id_type="resident_id", id_number=resident_id())
ORGANISATION = Applicant(
    kind="organisation",
    name="华为技术有限公司",
    credit_code="914403001922038216",
    legal_representative="赵明路",
)
CONTACT = Contact(name="张三", phone="13812345678", address="山东省泉山市龙山大道1号")


@dataclass
class World:
    centre: Hall
    township: Hall
    other_hall: Hall
    window: Window
    department: Department
    other_department: Department
    item: ServiceItem  # committed: legal 20, promised 5, steps 2 + 3 days, 2 required + 1 optional material
    immediate_item: ServiceItem  # immediate: promised 0, no steps, one material
    users: dict[str, User] = field(default_factory=dict)

    @property
    def required_ids(self) -> list[int]:
        return list(self.item.materials.filter(required=True).values_list("pk", flat=True))

    @property
    def all_material_ids(self) -> list[int]:
        return list(self.item.materials.values_list("pk", flat=True))

    def receive(self, now: datetime, *, materials=None, item=None, by=None, **kwargs):
        item = item or self.item
        if materials is None:
            materials = list(item.materials.filter(required=True).values_list("pk", flat=True))
        kwargs.setdefault("applicant", PERSON)
        kwargs.setdefault("contact", CONTACT)
        kwargs.setdefault("hall", self.centre)
        kwargs.setdefault("window", self.window)
        return services.receive_case(
            item=item, materials=materials, by=by or self.users["clerk"], now=now, **kwargs
        )

    def accepted(self, now: datetime, **kwargs):
        case = self.receive(now, **kwargs)
        return services.accept_case(case, by=self.users["clerk"], now=now)


def make_world() -> World:
    centre = HallFactory(code="QS0001", name="泉山市政务服务中心")
    township = HallFactory(code="QS0101", name="明水街道为民服务大厅", level="township", parent=centre)
    other_hall = HallFactory(code="QS0002", name="住建分大厅")
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    other_department = DepartmentFactory(code="ZJJ", name="住房和城乡建设局")
    window = WindowFactory(hall=centre, number="01", name="市场监管窗口")
    item = ServiceItemFactory(
        published=True, department=department, legal_limit=20, promised_limit=5, name="食品经营许可"
    )
    MaterialFactory(item=item, position=1, name="申请书", required=True)
    MaterialFactory(item=item, position=2, name="营业执照", required=True)
    MaterialFactory(item=item, position=3, name="平面图", required=False)
    ProcessStepFactory(item=item, position=1, name="审查", limit_days=2)
    ProcessStepFactory(item=item, position=2, name="决定", limit_days=3)
    immediate_item = ServiceItemFactory(
        published=True, immediate=True, department=department, legal_limit=20, name="个体户名称变更"
    )
    MaterialFactory(item=immediate_item, position=1, name="变更申请书", required=True)
    users = {
        "clerk": UserFactory(username="clerk", role=Role.CLERK, hall=centre),
        "other_clerk": UserFactory(username="other_clerk", role=Role.CLERK, hall=other_hall),
        "agency_clerk": UserFactory(username="agency", role=Role.AGENCY_CLERK, hall=township),
        "other_agency_clerk": UserFactory(username="agency2", role=Role.AGENCY_CLERK, hall=township),
        "handler": UserFactory(username="handler", role=Role.HANDLER, department=department),
        "other_handler": UserFactory(username="handler2", role=Role.HANDLER, department=other_department),
        "head": UserFactory(username="head", role=Role.DEPT_HEAD, department=department),
        "other_head": UserFactory(username="head2", role=Role.DEPT_HEAD, department=other_department),
        "supervisor": UserFactory(username="supervisor", role=Role.SUPERVISOR),
        "leader": UserFactory(username="leader", role=Role.LEADER),
        "admin": UserFactory(username="admin", role=Role.ADMIN),
        "operator": UserFactory(username="operator", role=Role.OPERATOR),
        "applicant": UserFactory(username="applicant", role=Role.APPLICANT),
    }
    return World(
        centre=centre,
        township=township,
        other_hall=other_hall,
        window=window,
        department=department,
        other_department=other_department,
        item=item,
        immediate_item=immediate_item,
        users=users,
    )
