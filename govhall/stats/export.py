"""Tables as the pages show them, and the same tables as XLSX (openpyxl) or CSV.

A `Table` holds labelled columns and plain rows; the dashboard, the report page and both file formats
read the same object, so an exported file has exactly the figures of the page.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, int, rate (a percentage), num, date
    measure: str = ""  # the drill-down measure of a figure's cases (govhall.stats.drilldown)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    note: str = ""
    links: list[dict] = field(default_factory=list)  # per row: column key → URL of the cases

    def cells(self):
        """Rows of (column, value, url) for the templates."""
        for i, row in enumerate(self.rows):
            links = self.links[i] if i < len(self.links) else {}
            yield [(c, row.get(c.key), links.get(c.key, "")) for c in self.columns]


def _value(value):
    return "" if value is None else value


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def to_xlsx(tables: list[Table], *, title: str = "") -> bytes:
    """One sheet per table: a bold header row, frozen, numbers as numbers, empty cells for no value."""
    book = Workbook()
    book.remove(book.active)
    if title:
        book.properties.title = title
    used: set[str] = set()
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    for table in tables:
        name = _SHEET_BAD.sub(" ", str(table.title))[:31] or table.key
        while name in used:
            name = name[:28] + f"~{len(used)}"
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append([str(c.label) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append([_value(row.get(c.key)) for c in table.columns])
        for i, column in enumerate(table.columns, start=1):
            sample = [len(str(_value(r.get(column.key)))) for r in table.rows[:200]]
            widest = max([len(str(column.label)), *sample])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, 2 * widest + 2))
            if column.kind == "rate":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "0.0"
        sheet.freeze_panes = "A2"
        if table.note:
            sheet.append([])
            sheet.append([str(table.note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_value(row.get(c.key)) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
