"""Fixtures of the public guides' tests: a small catalogue with situations, themes and synonyms. Imported by
the portal tests' conftest."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from govhall.catalog.models import (
    HallLevel,
    ServiceItem,
    SituationQuestion,
    Synonym,
    Theme,
    ThemeItem,
    ThemeKind,
)
from govhall.catalog.tests.factories import (
    DepartmentFactory,
    HallFactory,
    MaterialFactory,
    ProcessStepFactory,
    ServiceItemFactory,
    WindowFactory,
)


@dataclass
class Guides:
    tax: ServiceItem
    company: ServiceItem
    food: ServiceItem
    marriage: ServiceItem
    theme: Theme
    township: object


@pytest.fixture
def guides(db) -> Guides:
    return build_guides()


def build_guides() -> Guides:
    """Four published items, a theme, a synonym, a township hall, and situations on 公司设立登记."""
    tax_office = DepartmentFactory(code="SWJ", name="税务局", phone="0531-12366")
    market = DepartmentFactory(code="SCJ", name="市场监督管理局", phone="0531-83310000")
    civil = DepartmentFactory(code="MZJ", name="民政局")
    centre = HallFactory(
        code="QS0001", name="泉山市政务服务中心", address="龙山大道1号", opening_hours="周一至周五 9:00-17:00"
    )
    township = HallFactory(
        code="QS0101", name="明水街道为民服务大厅", level=HallLevel.TOWNSHIP, parent=centre
    )
    tax = ServiceItemFactory(published=True, code="SW001", name="国税税务登记", department=tax_office)
    company = ServiceItemFactory(
        published=True,
        code="SC001",
        name="公司设立登记",
        department=market,
        legal_basis="《中华人民共和国公司法》",
        conditions="依法设立的公司",
        fees="不收费",
        legal_limit=15,
        promised_limit=3,
        online=True,
        delivery_post=True,
    )
    company.halls.set([centre, township])
    food = ServiceItemFactory(published=True, code="SC002", name="食品经营许可", department=market)
    marriage = ServiceItemFactory(published=True, code="MZ001", name="结婚登记", department=civil)
    SituationQuestion.objects.create(
        item=company, position=1, key="applicant", text="申请人类型", options="person:个人; company:企业"
    )
    SituationQuestion.objects.create(
        item=company, position=2, key="agent", text="是否委托代理", options="yes:是; no:否"
    )
    MaterialFactory(item=company, position=1, name="公司登记申请书")
    MaterialFactory(item=company, position=2, name="股东身份证明", applies_when="applicant=person")
    MaterialFactory(item=company, position=3, name="股东营业执照", applies_when="applicant=company")
    MaterialFactory(
        item=company, position=4, name="授权委托书", applies_when="agent=yes", medium="electronic"
    )
    ProcessStepFactory(item=company, position=1, name="受理", limit_days=1)
    ProcessStepFactory(item=company, position=2, name="审核", limit_days=2)
    WindowFactory(hall=centre, number="08", name="企业开办窗口", items=[company])
    Synonym.objects.create(term="营业执照", words="设立登记, 变更登记")
    theme = Theme.objects.create(kind=ThemeKind.LIFE_EVENT, name="开办企业", position=1)
    ThemeItem.objects.create(theme=theme, code="SC001")
    ThemeItem.objects.create(theme=theme, code="SW001")
    Theme.objects.create(kind=ThemeKind.PERSONAL, name="婚育", position=2)
    return Guides(tax, company, food, marriage, theme, township)
