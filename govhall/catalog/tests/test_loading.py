"""load_catalogue writes a catalogue built in code all or nothing: every broken rule named by code and field,
or every row inserted with the items published as version 1."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.utils import translation

from govhall.catalog.loading import CatalogueLoadRefused, load_catalogue
from govhall.catalog.models import (
    CaseKind,
    Department,
    Hall,
    HallLevel,
    ItemStatus,
    ItemType,
    Material,
    ProcessStep,
    ServiceItem,
    Window,
)
from govhall.catalog.specs import (
    DepartmentSpec,
    HallSpec,
    ItemSpec,
    MaterialSpec,
    StepSpec,
    WindowSpec,
)
from govhall.catalog.tests.factories import DepartmentFactory, HallFactory, ServiceItemFactory, WindowFactory
from govhall.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


DEPARTMENTS = (
    DepartmentSpec("SCJ", "市场监督管理局", "市场监管", "0531-1", True, 10),
    DepartmentSpec("ZJJ", "住房和城乡建设局", "住建", "0531-2", False, 20),
)
HALLS = (
    HallSpec("C01", "市政务服务中心", HallLevel.CENTRE, address="龙山大道1号"),
    HallSpec("S01", "住建分大厅", HallLevel.SUB_HALL, "C01", "ZJJ"),
    HallSpec("T01", "明水街道为民服务大厅", HallLevel.TOWNSHIP, "C01"),
    HallSpec("P01", "明水街道某村代办点", HallLevel.POINT, "T01"),
)
WINDOWS = (
    WindowSpec("C01", "01", "市场监管窗口", ("SCJ",)),
    WindowSpec("T01", "01", "综合窗口", ("SCJ", "ZJJ")),
)
FOOD = ItemSpec(
    code="XK00001",
    name="食品经营许可",
    item_type=ItemType.LICENCE,
    department_code="SCJ",
    legal_limit=20,
    promised_limit=5,
    case_kind=CaseKind.COMMITTED,
    hall_codes=("C01", "T01"),
    materials=(MaterialSpec("申请书", 1, 0), MaterialSpec("营业执照", 0, 1, notes="复印件")),
    steps=(StepSpec("受理", 1), StepSpec("审查决定", 4)),
)
PERMIT = ItemSpec(
    code="XK00002",
    name="建筑工程施工许可证核发",
    item_type=ItemType.LICENCE,
    department_code="ZJJ",
    legal_limit=15,
    promised_limit=0,
    case_kind=CaseKind.IMMEDIATE,
    hall_codes=("S01",),
    steps=(StepSpec("受理"), StepSpec("当场决定")),
)
ITEMS = (FOOD, PERMIT)


def load(*, departments=DEPARTMENTS, halls=HALLS, windows=WINDOWS, items=ITEMS, by=None, now):
    return load_catalogue(departments=departments, halls=halls, windows=windows, items=items, by=by, now=now)


def nothing_written() -> bool:
    return not (Department.objects.exists() or Hall.objects.exists() or ServiceItem.objects.exists())


def test_a_catalogue_loads_with_its_items_published_as_version_1(now):
    admin = User.objects.create(username="admin")
    loaded = load(by=admin, now=now)

    assert [d.code for d in loaded.departments] == ["SCJ", "ZJJ"]
    assert [h.code for h in loaded.halls] == ["C01", "S01", "T01", "P01"]  # parents first
    assert Hall.objects.get(code="P01").parent.code == "T01"
    assert Hall.objects.get(code="S01").department.code == "ZJJ"
    assert set(Window.objects.get(hall__code="T01").departments.values_list("code", flat=True)) == {
        "SCJ",
        "ZJJ",
    }
    food = ServiceItem.objects.get(code="XK00001")
    assert (food.version, food.status, food.published_at, food.published_by) == (
        1,
        ItemStatus.PUBLISHED,
        now,
        admin,
    )
    assert food.created_by == admin and food.pinyin_initials == "spjyxk"
    assert list(food.materials.values_list("position", "name", "originals", "copies", "notes")) == [
        (1, "申请书", 1, 0, ""),
        (2, "营业执照", 0, 1, "复印件"),
    ]
    assert list(food.steps.values_list("position", "name", "limit_days")) == [
        (1, "受理", 1),
        (2, "审查决定", 4),
    ]
    assert set(food.halls.values_list("code", flat=True)) == {"C01", "T01"}
    assert (len(loaded.windows), len(loaded.items), len(loaded.materials), len(loaded.steps)) == (2, 2, 2, 4)
    assert Material.objects.count() == 2 and ProcessStep.objects.count() == 4


def test_a_load_may_refer_to_departments_and_halls_already_in_the_catalogue(now):
    load(items=(), now=now)
    loaded = load(departments=(), halls=(), windows=(), items=ITEMS, now=now)
    assert [i.code for i in loaded.items] == ["XK00001", "XK00002"]
    assert ServiceItem.objects.get(code="XK00002").halls.get().code == "S01"


def test_a_point_may_hang_below_a_township_hall_already_in_the_catalogue(now):
    HallFactory(code="T09", level=HallLevel.TOWNSHIP, parent=HallFactory(code="C09"))
    load(
        departments=(),
        halls=(HallSpec("P09", "代办点", HallLevel.POINT, "T09"),),
        windows=(),
        items=(),
        now=now,
    )
    assert Hall.objects.get(code="P09").parent.code == "T09"


def _item(**changes) -> tuple[ItemSpec, ...]:
    return (replace(FOOD, **changes), PERMIT)


# Each row: what to change in the valid load, and the one problem it must cause (kind, code, field, words).
BROKEN = {
    "promised over legal": (
        {"items": _item(promised_limit=30, steps=())},
        ("item", "XK00001", "promised_limit", "may not exceed the legal limit (20)"),
    ),
    "immediate item promising two days": (
        {"items": _item(case_kind=CaseKind.IMMEDIATE, promised_limit=2, steps=())},
        ("item", "XK00001", "promised_limit", "An immediate item is decided within 1 working day"),
    ),
    "committed item promising nothing": (
        {"items": _item(promised_limit=0, steps=())},
        ("item", "XK00001", "promised_limit", "A committed item needs a promised limit of at least 1"),
    ),
    "steps longer than the promise": (
        {"items": _item(steps=(StepSpec("受理", 2), StepSpec("决定", 4)))},
        ("item", "XK00001", "steps", "add up to 6 working days, more than the promised limit (5)"),
    ),
    "item of an unknown department": (
        {"items": _item(department_code="XXX")},
        ("item", "XK00001", "department", "No department XXX in the load or the catalogue."),
    ),
    "item in an unknown hall": (
        {"items": _item(hall_codes=("C01", "Z99"))},
        ("item", "XK00001", "halls", "No hall Z99 in the load or the catalogue."),
    ),
    "item code twice": (
        {"items": _item(code="XK00002")},
        ("item", "XK00002", "code", "The code appears 2 times in the load."),
    ),
    "township without a parent": (
        {"halls": (*HALLS[:2], replace(HALLS[2], parent_code=None))},
        ("hall", "T01", "parent", "needs a parent hall of level “City centre”"),
    ),
    "centre with a parent": (
        {"halls": (replace(HALLS[0], parent_code="T01"), *HALLS[1:])},
        ("hall", "C01", "parent", "A city centre has no parent hall."),
    ),
    "point below the centre": (
        {"halls": (*HALLS[:3], replace(HALLS[3], parent_code="C01"))},
        ("hall", "P01", "parent", "needs a parent hall of level “Township hall”"),
    ),
    "sub-hall without its department": (
        {"halls": (HALLS[0], replace(HALLS[1], department_code=None), *HALLS[2:])},
        ("hall", "S01", "department", "A sub-hall needs the department that runs it."),
    ),
    "hall below an unknown parent": (
        {"halls": (*HALLS[:3], replace(HALLS[3], parent_code="T99"))},
        ("hall", "P01", "parent", "No hall T99 in the load or the catalogue."),
    ),
    "window number twice in a hall": (
        {"windows": (*WINDOWS, WindowSpec("C01", "01", "另一个窗口"))},
        ("window", "C01 01", "number", "The hall already has a window with this number."),
    ),
    "window of an unknown department": (
        {"windows": (WindowSpec("C01", "01", "窗口", ("XXX",)),)},
        ("window", "C01 01", "departments", "No department XXX in the load or the catalogue."),
    ),
    "department name twice": (
        {"departments": (DEPARTMENTS[0], replace(DEPARTMENTS[1], name=DEPARTMENTS[0].name))},
        ("department", "SCJ", "name", "The name appears 2 times in the load."),
    ),
}


@pytest.mark.parametrize(("changes", "problem"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_rule_is_named_by_code_and_field_and_nothing_is_written(changes, problem, now):
    with pytest.raises(CatalogueLoadRefused) as refused:
        load(**changes, now=now)
    kind, code, field, words = problem
    found = [p for p in refused.value.problems if (p.kind, p.code, p.field) == (kind, code, field)]
    assert found, refused.value.problems
    assert words in found[0].message
    assert code in str(refused.value) and words in str(refused.value)
    assert nothing_written()


@pytest.mark.parametrize(
    ("existing", "problem"),
    [
        (lambda: DepartmentFactory(code="SCJ", name="别的局"), ("department", "SCJ", "code")),
        (lambda: DepartmentFactory(code="OLD", name="市场监督管理局"), ("department", "SCJ", "name")),
        (lambda: HallFactory(code="T01"), ("hall", "T01", "code")),
        (lambda: ServiceItemFactory(code="XK00002", published=True), ("item", "XK00002", "code")),
    ],
    ids=["department code", "department name", "hall code", "item code"],
)
def test_codes_and_names_already_in_the_catalogue_are_refused(existing, problem, now):
    existing()
    before = (Department.objects.count(), Hall.objects.count(), ServiceItem.objects.count())
    with pytest.raises(CatalogueLoadRefused) as refused:
        load(now=now)
    assert problem in [(p.kind, p.code, p.field) for p in refused.value.problems]
    assert (Department.objects.count(), Hall.objects.count(), ServiceItem.objects.count()) == before


def test_a_window_number_taken_in_a_hall_already_in_the_catalogue_is_refused(now):
    WindowFactory(hall=HallFactory(code="C09"), number="01")
    with pytest.raises(CatalogueLoadRefused, match="C09 01"):
        load(departments=(), halls=(), windows=(WindowSpec("C09", "01", "又一个窗口"),), items=(), now=now)


def test_a_bad_item_leaves_no_department_behind(now):
    items = (*ITEMS, replace(PERMIT, code="XK00003", legal_limit=3, promised_limit=4))
    with pytest.raises(CatalogueLoadRefused, match="XK00003"):
        load(items=items, now=now)
    assert nothing_written()
    assert not Window.objects.exists()


def test_every_problem_of_the_load_is_listed_at_once(now):
    halls = (replace(HALLS[0], parent_code="T01"), *HALLS[1:])
    with pytest.raises(CatalogueLoadRefused) as refused:
        load(halls=halls, items=_item(promised_limit=30, department_code="XXX", steps=()), now=now)
    assert {(p.kind, p.code, p.field) for p in refused.value.problems} == {
        ("hall", "C01", "parent"),
        ("item", "XK00001", "department"),
        ("item", "XK00001", "promised_limit"),
    }


def test_the_problems_speak_the_users_language(now):
    with translation.override("zh-hans"), pytest.raises(CatalogueLoadRefused) as refused:
        load(items=_item(promised_limit=30, steps=()), now=now)
    assert "事项 · XK00001 · promised_limit: 承诺时限" in str(refused.value)


def test_what_the_database_refuses_after_the_checks_leaves_nothing_behind(now):
    # No rule of ours counts originals; the column's CHECK refuses a negative count when the materials
    # are inserted, after the departments, halls, windows and items: the load is rolled back as a whole.
    items = (*ITEMS, replace(PERMIT, code="XK00003", materials=(MaterialSpec("申请书", originals=-1),)))
    with pytest.raises(CatalogueLoadRefused, match="The database refused the catalogue"):
        load(items=items, now=now)
    assert nothing_written()
    assert not Window.objects.exists()
