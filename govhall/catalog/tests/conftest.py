from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from govhall.catalog.xlsx.format import SHEETS

NOW = datetime.fromisoformat("2026-03-02T09:00:00+08:00")


@pytest.fixture
def now() -> datetime:
    return NOW


def workbook(sheets: dict[str, list[list]] | None = None, *, omit: tuple[str, ...] = ()) -> io.BytesIO:
    """A catalogue workbook: every sheet with its headers, then the given rows (a header row replaces ours
    when the first row given is a list of strings starting with the sheet's first header)."""
    sheets = sheets or {}
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        if sheet.title in omit:
            continue
        ws = wb.create_sheet(sheet.title)
        rows = list(sheets.get(sheet.title, []))
        if rows and rows[0] and rows[0][0] == sheet.headers[0] and all(isinstance(c, str) for c in rows[0]):
            header = rows.pop(0)
        else:
            header = sheet.headers
        ws.append(header)
        for row in rows:
            ws.append(row)
    stream = io.BytesIO()
    wb.save(stream)
    stream.seek(0)
    return stream


def item_row(**overrides) -> list:
    """A valid 事项 row in the column order of the format."""
    values = {
        "事项编码": "XK00001000",
        "版本": 1,
        "状态": "已发布",
        "事项名称": "食品经营许可",
        "事项类型": "行政许可",
        "是否行政审批": "是",
        "实施部门编码": "SCJ",
        "法定时限": 20,
        "承诺时限": 5,
        "办件类型": "承诺件",
        "设定依据": "《中华人民共和国食品安全法》",
        "受理条件": "",
        "收费": "不收费",
        "可网上申请": "是",
        "办理大厅编码": "C01",
        "咨询电话": "",
    }
    values.update(overrides)
    return list(values.values())


DEPT_ROWS = [
    ["SCJ", "市场监督管理局", "市场监管", "是", "0531-1", 1],
    ["ZJJ", "住房和城乡建设局", "住建", "否", "", 2],
]
HALL_ROWS = [
    ["C01", "市政务服务中心", "市级中心", "", "", "龙山大道1号", "9:00-17:00", "", "370181"],
    ["S01", "住建分大厅", "分大厅", "C01", "ZJJ", "", "", "", ""],
    ["T01", "明水街道为民服务大厅", "乡镇大厅", "C01", "", "", "", "", ""],
]


def valid_sheets(**overrides) -> dict[str, list[list]]:
    sheets = {
        "部门": DEPT_ROWS,
        "大厅": HALL_ROWS,
        "窗口": [["C01", "01", "市场监管窗口", "SCJ", "XK00001000"]],
        "事项": [item_row()],
        "材料": [
            ["XK00001000", 1, 1, "申请书", 1, 0, "必要", ""],
            ["XK00001000", 1, 2, "营业执照", 0, 1, "非必要", ""],
        ],
        "环节": [["XK00001000", 1, 1, "受理", 1], ["XK00001000", 1, 2, "审查决定", 4]],
    }
    sheets.update(overrides)
    return sheets
