"""The catalogue as normalised rows (what a sheet row reads as) and as a workbook.

The importer compares a file's rows with these same rows to tell what would change.
"""

from __future__ import annotations

from typing import IO, Any

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from govhall.catalog.models import (
    Department,
    Hall,
    Material,
    ProcessStep,
    ServiceItem,
    SituationQuestion,
    Window,
)
from govhall.catalog.xlsx.format import (
    DEPARTMENTS,
    HALLS,
    ITEMS,
    MATERIALS,
    SHEETS,
    SITUATIONS,
    STEPS,
    WINDOWS,
    Sheet,
)

Row = dict[str, Any]


def department_rows() -> list[Row]:
    return [
        {attr: getattr(d, attr) for attr in DEPARTMENTS.columns}
        for d in Department.objects.order_by("sort_order", "code")
    ]


def hall_rows() -> list[Row]:
    rows = []
    for h in Hall.objects.select_related("parent", "department").order_by("code"):
        row = {attr: getattr(h, attr) for attr in HALLS.columns if attr not in {"parent", "department"}}
        row["parent"] = h.parent.code if h.parent else ""
        row["department"] = h.department.code if h.department else ""
        rows.append(row)
    return rows


def window_rows() -> list[Row]:
    windows = Window.objects.select_related("hall").prefetch_related(
        Prefetch("departments", queryset=Department.objects.only("code")),
        Prefetch("items", queryset=ServiceItem.objects.only("code")),
    )
    return sorted(
        (
            {
                "hall": w.hall.code,
                "number": w.number,
                "name": w.name,
                "departments": tuple(sorted({d.code for d in w.departments.all()})),
                "items": tuple(sorted({i.code for i in w.items.all()})),
                "is_active": w.is_active,
            }
            for w in windows
        ),
        key=lambda r: (r["hall"], r["number"]),
    )


def item_rows() -> list[Row]:
    rows = []
    for item in (
        ServiceItem.objects.select_related("department")
        .prefetch_related(Prefetch("halls", queryset=Hall.objects.only("code")))
        .order_by("code", "version")
    ):
        row = {attr: getattr(item, attr) for attr in ITEMS.columns if attr not in {"department", "halls"}}
        row["department"] = item.department.code
        row["halls"] = tuple(sorted(h.code for h in item.halls.all()))
        rows.append(row)
    return rows


def material_rows() -> list[Row]:
    return [
        {
            "item": m.item.code,
            "version": m.item.version,
            **{a: getattr(m, a) for a in MATERIALS.columns if a not in {"item", "version"}},
        }
        for m in Material.objects.select_related("item").order_by(
            "item__code", "item__version", "position", "id"
        )
    ]


def step_rows() -> list[Row]:
    return [
        {
            "item": s.item.code,
            "version": s.item.version,
            **{a: getattr(s, a) for a in STEPS.columns if a not in {"item", "version"}},
        }
        for s in ProcessStep.objects.select_related("item").order_by(
            "item__code", "item__version", "position", "id"
        )
    ]


def situation_rows() -> list[Row]:
    return [
        {
            "item": q.item.code,
            "version": q.item.version,
            **{a: getattr(q, a) for a in SITUATIONS.columns if a not in {"item", "version"}},
        }
        for q in SituationQuestion.objects.select_related("item").order_by(
            "item__code", "item__version", "position", "id"
        )
    ]


ROWS = {
    DEPARTMENTS.title: department_rows,
    HALLS.title: hall_rows,
    WINDOWS.title: window_rows,
    ITEMS.title: item_rows,
    MATERIALS.title: material_rows,
    STEPS.title: step_rows,
    SITUATIONS.title: situation_rows,
}


def _write_sheet(wb: Workbook, sheet: Sheet, rows: list[Row]) -> None:
    ws = wb.create_sheet(sheet.title)
    ws.append(sheet.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([column.write(row[attr]) for attr, column in sheet.columns.items()])
    for index, column in enumerate(sheet.columns.values(), start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(column.header) * 2 + 4))


def export_catalogue(target: IO[bytes] | str) -> None:
    """Write the whole catalogue (every department, hall, window and item version) to an XLSX file."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS:
        _write_sheet(wb, sheet, ROWS[sheet.title]())
    wb.save(target)
