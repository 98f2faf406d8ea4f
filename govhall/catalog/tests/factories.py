"""factory_boy factories for the catalogue, for every app's tests.

item = ServiceItemFactory(published=True, legal_limit=20, promised_limit=5)
MaterialFactory(item=item); ProcessStepFactory(item=item, limit_days=3)
township = HallFactory(township=True)          # with a centre as parent
"""

from __future__ import annotations

import factory
from django.utils import timezone

from govhall.catalog.models import (
    CaseKind,
    Department,
    FormTemplate,
    Hall,
    HallLevel,
    ItemStatus,
    ItemType,
    Material,
    ProcessStep,
    ServiceItem,
    Window,
)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"测试局{n}")
    short_name = factory.Sequence(lambda n: f"测{n}")
    is_resident = True
    sort_order = factory.Sequence(int)


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    code = factory.Sequence(lambda n: f"H{n:03d}")
    name = factory.Sequence(lambda n: f"政务服务大厅{n}")
    level = HallLevel.CENTRE
    parent = None

    class Params:
        sub_hall = factory.Trait(
            level=HallLevel.SUB_HALL,
            parent=factory.SubFactory("govhall.catalog.tests.factories.HallFactory"),
            department=factory.SubFactory(DepartmentFactory),
        )
        township = factory.Trait(
            level=HallLevel.TOWNSHIP,
            parent=factory.SubFactory("govhall.catalog.tests.factories.HallFactory"),
        )
        point = factory.Trait(
            level=HallLevel.POINT,
            parent=factory.SubFactory("govhall.catalog.tests.factories.HallFactory", township=True),
        )


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"XK{n:05d}000")
    version = 1
    status = ItemStatus.DRAFT
    name = factory.Sequence(lambda n: f"食品经营许可{n}")
    item_type = ItemType.LICENCE
    is_approval = True
    department = factory.SubFactory(DepartmentFactory)
    legal_limit = 20
    promised_limit = 5
    case_kind = CaseKind.COMMITTED
    fees = "不收费"

    class Params:
        published = factory.Trait(
            status=ItemStatus.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )
        immediate = factory.Trait(case_kind=CaseKind.IMMEDIATE, promised_limit=0)


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    item = factory.SubFactory(ServiceItemFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"申请书{n}")
    originals = 1
    copies = 0
    required = True


class ProcessStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessStep

    item = factory.SubFactory(ServiceItemFactory)
    position = factory.Sequence(int)
    name = factory.Iterator(["受理", "审查", "决定", "送达"])
    limit_days = 1


class FormTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormTemplate

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"申请表{n}")
    file = factory.django.FileField(filename="form.docx", data=b"form")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window
        skip_postgeneration_save = True

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: f"{n + 1:02d}")
    name = factory.Sequence(lambda n: f"综合窗口{n}")

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create and extracted:
            self.items.set(extracted)
