"""XLSX import: all-or-nothing, every error listed with sheet, row, column and rule; exact round trip."""

from __future__ import annotations

import io

import pytest
from django.utils import translation

from govhall.catalog.models import Department, Hall, ItemStatus, ServiceItem, Window
from govhall.catalog.services import import_catalogue
from govhall.catalog.tests.conftest import item_row, valid_sheets, workbook
from govhall.catalog.tests.factories import (
    DepartmentFactory,
    HallFactory,
    MaterialFactory,
    ProcessStepFactory,
    ServiceItemFactory,
    WindowFactory,
)
from govhall.catalog.xlsx.export import ROWS, export_catalogue
from govhall.catalog.xlsx.importer import CatalogueImportRefused, plan_import

pytestmark = pytest.mark.django_db


def refused(stream, now) -> list[str]:
    with translation.override("zh-hans"), pytest.raises(CatalogueImportRefused) as exc:
        import_catalogue(stream, by=None, now=now)
    return [str(e) for e in exc.value.plan.errors]


def snapshot() -> dict:
    return {title: rows() for title, rows in ROWS.items()}


def test_a_valid_file_imports_everything(now):
    plan = import_catalogue(workbook(valid_sheets()), by=None, now=now)
    assert plan.counts()["事项"]["created"] == 1
    item = ServiceItem.objects.get()
    assert (item.status, item.pinyin_initials, item.published_at) == (ItemStatus.PUBLISHED, "spjyxk", now)
    assert [m.name for m in item.materials.all()] == ["申请书", "营业执照"]
    assert item.steps.count() == 2
    assert Hall.objects.get(code="S01").parent.code == "C01"
    assert list(Window.objects.get().items.all()) == [item]


def test_promised_over_legal_is_refused_with_sheet_row_and_column(now):
    errors = refused(workbook(valid_sheets(事项=[item_row(承诺时限=30, 法定时限=20)])), now)
    assert "事项 第2行 承诺时限: 承诺时限(30)不得超过法定时限(20)" in errors
    assert not ServiceItem.objects.exists()


def test_a_bad_file_imports_nothing_and_lists_every_error(now):
    sheets = valid_sheets(
        部门=[["SCJ", "市场监督管理局", "", "是", "", 1], ["SCJ", "重复局", "", "是", "", "二"]],
        事项=[
            item_row(承诺时限=30),
            item_row(事项编码="B1", 实施部门编码="NOPE", 法定时限="二十"),
            item_row(事项编码="B2", 办件类型="即办件", 承诺时限=3),
        ],
        窗口=[["C01", "01", "窗口", "SCJ", "UNKNOWN"]],
    )
    errors = refused(workbook(sheets), now)
    expected = [
        "部门 第3行 编码: “SCJ”与第2行重复",
        "部门 第3行 排序: “二”不是非负整数",
        "事项 第2行 承诺时限: 承诺时限(30)不得超过法定时限(20)",
        "事项 第3行 实施部门编码: 未知的部门编码“NOPE”",
        "事项 第3行 法定时限: “二十”不是非负整数",
        "事项 第4行 承诺时限: 即办件须在1个工作日内办结，承诺时限不得为3",
        "窗口 第2行 服务事项编码: 未知的事项编码“UNKNOWN”",
    ]
    for message in expected:
        assert message in errors, (message, errors)
    assert errors == sorted(
        errors, key=lambda e: ["部门", "大厅", "窗口", "事项", "材料", "环节"].index(e[:2])
    )
    assert not Department.objects.exists()
    assert not ServiceItem.objects.exists()


@pytest.mark.parametrize(
    ("sheets", "omit", "expected"),
    [
        ({}, ("大厅",), "大厅: 缺少该工作表"),
        ({"部门": [["编码", "简称"], ["X", "x"]]}, (), "部门 第1行 名称: 缺少必需的列"),
        ({"事项": [item_row(事项类型="许可")]}, (), "事项 第2行 事项类型: “许可”不是以下之一"),
        ({"事项": [item_row(是否行政审批="也许")]}, (), "事项 第2行 是否行政审批: “也许”应为“是”或“否”"),
        ({"事项": [item_row(事项名称="")]}, (), "事项 第2行 事项名称: 必填"),
        ({"事项": [item_row(), item_row()]}, (), "事项 第3行 事项编码: “XK00001000/1”与第2行重复"),
        (
            {"大厅": [["T9", "镇", "乡镇大厅", "", "", "", "", "", ""]]},
            (),
            "大厅 第2行 上级大厅编码: “乡镇大厅”的上级",
        ),
        (
            {"大厅": [["S9", "分", "分大厅", "X", "", "", "", "", ""]]},
            (),
            "大厅 第2行 上级大厅编码: 未知的大厅编码“X”",
        ),
        (
            {"材料": [["NOPE", 1, 1, "表", 1, 0, "必要", ""]]},
            (),
            "材料 第2行 事项编码: 事项“NOPE”（版本1）不在",
        ),
        ({"环节": [["XK00001000", 1, 1, "受理", 6]]}, (), "环节 第2行 时限: 环节时限合计(6)超过承诺时限(5)"),
    ],
)
def test_each_rule_is_reported(sheets, omit, expected, now):
    errors = refused(workbook(valid_sheets(**sheets), omit=omit), now)
    assert any(e.startswith(expected) for e in errors), errors


def test_a_file_that_is_not_a_workbook_is_refused(now):
    assert refused(io.BytesIO(b"not a workbook"), now) == ["该文件不是 XLSX 工作簿。"]


def test_export_then_import_round_trips_to_an_identical_catalogue(now, tmp_path):
    centre = HallFactory(code="C1")
    township = HallFactory(code="T1", township=True, parent=centre)
    HallFactory(code="P1", point=True, parent=township)
    HallFactory(code="S1", sub_hall=True, parent=centre)
    old = ServiceItemFactory(
        code="A", version=1, status=ItemStatus.SUPERSEDED, legal_limit=20, promised_limit=10
    )
    current = ServiceItemFactory(
        code="A", version=2, published=True, department=old.department, name="零售许可"
    )
    current.halls.set([centre, township])
    ServiceItemFactory(code="B", immediate=True, legal_limit=1, is_approval=False, item_type="public_service")
    for item in (old, current):
        MaterialFactory(item=item, position=1, required=False, notes="复印件加盖公章")
        ProcessStepFactory(item=item, position=1, limit_days=2)
    WindowFactory(hall=centre, number="08", items=[current], departments=[old.department], is_active=False)
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    before = snapshot()

    assert not plan_import(str(path)).changes_anything  # into the same database: nothing to do

    Window.objects.all().delete()
    ServiceItem.objects.all().delete()
    Hall.objects.filter(level="point").delete()
    Hall.objects.exclude(code="C1").delete()
    Hall.objects.all().delete()
    Department.objects.all().delete()
    import_catalogue(str(path), by=None, now=now)
    assert snapshot() == before


def test_a_changed_published_version_without_version_number_becomes_a_new_draft(now):
    import_catalogue(workbook(valid_sheets()), by=None, now=now)
    sheets = valid_sheets(
        事项=[item_row(版本=None, 状态=None, 事项名称="食品经营许可（新）")],
        材料=[["XK00001000", None, 1, "申请书", 1, 0, "必要", ""]],
        环节=[["XK00001000", None, 1, "受理", 1]],
    )
    plan = import_catalogue(workbook(sheets), by=None, now=now)
    assert plan.counts()["事项"]["created"] == 1
    v1, v2 = ServiceItem.objects.order_by("version")
    assert (v1.status, v1.name, v1.materials.count()) == (ItemStatus.PUBLISHED, "食品经营许可", 2)
    assert (v2.version, v2.status, v2.name, v2.materials.count()) == (
        2,
        ItemStatus.DRAFT,
        "食品经营许可（新）",
        1,
    )


def test_a_published_version_cannot_be_changed_in_place(now):
    import_catalogue(workbook(valid_sheets()), by=None, now=now)
    errors = refused(workbook(valid_sheets(事项=[item_row(事项名称="改名")])), now)
    assert errors[0].startswith("事项 第2行 版本: 第1版为“已发布”，内容不可修改")
    assert ServiceItem.objects.get().name == "食品经营许可"


def test_publishing_a_new_version_by_import_supersedes_the_old_one(now):
    import_catalogue(workbook(valid_sheets()), by=None, now=now)
    sheets = valid_sheets(
        事项=[item_row(版本=2, 事项名称="新版")],
        材料=[],
        环节=[],
    )
    import_catalogue(workbook(sheets), by=None, now=now)
    statuses = dict(ServiceItem.objects.values_list("version", "status"))
    assert statuses == {1: ItemStatus.SUPERSEDED, 2: ItemStatus.PUBLISHED}
    assert list(Window.objects.get().items.values_list("version", flat=True)) == [2]


def test_an_unknown_department_in_the_database_is_found(now):
    DepartmentFactory(code="DB1")
    sheets = valid_sheets(事项=[item_row(实施部门编码="DB1")])
    import_catalogue(workbook(sheets), by=None, now=now)
    assert ServiceItem.objects.get().department.code == "DB1"


def test_two_departments_may_swap_their_names_in_one_import(now):
    import_catalogue(workbook(valid_sheets()), by=None, now=now)
    swapped = [
        ["SCJ", "住房和城乡建设局", "市场监管", "是", "0531-1", 1],
        ["ZJJ", "市场监督管理局", "住建", "否", "", 2],
    ]
    plan = import_catalogue(workbook(valid_sheets(部门=swapped)), by=None, now=now)
    assert plan.counts()["部门"]["updated"] == 2
    assert dict(Department.objects.values_list("code", "name")) == {
        "SCJ": "住房和城乡建设局",
        "ZJJ": "市场监督管理局",
    }
