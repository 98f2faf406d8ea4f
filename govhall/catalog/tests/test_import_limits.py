"""Catalogue workbooks that would exhaust the server are refused before or while parsing, with the bound
named; the errors of a file of thousands of bad rows are listed up to a hundred and counted; and no
transaction (on SQLite: the write lock) is open while the file is parsed."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import connection
from django.utils import translation

from govhall.catalog.models import Department, ServiceItem
from govhall.catalog.services import import_catalogue
from govhall.catalog.tests.conftest import DEPT_ROWS, valid_sheets, workbook
from govhall.catalog.xlsx import importer
from govhall.core import xlsx_limits

pytestmark = pytest.mark.django_db


def refused(stream, now) -> list[str]:
    with translation.override("zh-hans"), pytest.raises(importer.CatalogueImportRefused) as exc:
        import_catalogue(stream, by=None, now=now)
    return exc.value.plan.errors.lines()


def bomb(megabytes: int) -> io.BytesIO:
    """A valid workbook plus one part that unzips to `megabytes` MB of one repeated character (a few KB)."""
    data = workbook(valid_sheets()).getvalue()
    out = io.BytesIO(data)
    chunk = b"a" * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/padding.xml", "w") as part,
    ):
        for _ in range(megabytes):
            part.write(chunk)
    out.seek(0)
    return out


def test_a_zip_bomb_is_refused_without_parsing(now, monkeypatch):
    monkeypatch.setattr(xlsx_limits, "MAX_UNZIPPED_BYTES", 4 * 1024 * 1024)
    parsed = []
    monkeypatch.setattr(importer, "load_workbook", lambda *a, **k: parsed.append(a))
    stream = bomb(8)
    assert len(stream.getvalue()) < 64 * 1024, "the bomb itself is small"
    assert refused(stream, now) == ["工作簿解压后为8 MB，最多接受4 MB。"]
    assert parsed == []
    assert not Department.objects.exists()


@pytest.mark.parametrize(
    ("bound", "value", "sheets", "expected"),
    [
        (
            "MAX_ROWS",
            3,
            valid_sheets(部门=[[f"D{n:02d}", f"部门{n}", "", "是", "", n] for n in range(5)]),
            "工作表部门超过3行。",
        ),
        (
            "MAX_CELL_CHARACTERS",
            50,
            valid_sheets(部门=[["SCJ", "市场监督管理局" * 10, "", "是", "", 1]]),
            "工作表部门第2行有一个单元格超过50个字符。",
        ),
    ],
)
def test_rows_and_cells_beyond_the_bounds_are_refused(now, monkeypatch, bound, value, sheets, expected):
    monkeypatch.setattr(xlsx_limits, bound, value)
    assert refused(workbook(sheets), now) == [expected]
    assert not ServiceItem.objects.exists()


def test_columns_beyond_the_bound_are_not_read(now, monkeypatch):
    monkeypatch.setattr(xlsx_limits, "MAX_COLUMNS", 19)  # the widest sheet (事项) has 19 columns
    monkeypatch.setattr(xlsx_limits, "MAX_CELL_CHARACTERS", 50)
    rows = [*DEPT_ROWS, ["XYZ", "新设部门", "", "是", "", 9, *[""] * 14, "x" * 100]]  # column 21: not read
    plan = import_catalogue(workbook(valid_sheets(部门=rows)), by=None, now=now)
    assert plan.counts()["部门"]["created"] == len(DEPT_ROWS) + 1


def test_thousands_of_bad_rows_list_a_hundred_and_count_the_rest(now):
    rows = [*DEPT_ROWS, *([f"D{n:04d}", f"部门{n}", "", "是", "", "二"] for n in range(250))]
    errors = refused(workbook(valid_sheets(部门=rows)), now)
    assert len(errors) == importer.MAX_LISTED_ERRORS + 1
    assert errors[-1] == "…另有150个错误未列出。"
    assert all("不是非负整数" in e for e in errors[:-1])


def test_the_file_is_parsed_outside_the_transaction_and_checked_inside(now, monkeypatch):
    depth_at_call = len(connection.atomic_blocks)
    seen = {"parse": set(), "check": set()}
    rows = xlsx_limits.bounded_rows

    def watched_rows(*args, **kwargs):
        for cells in rows(*args, **kwargs):
            seen["parse"].add(len(connection.atomic_blocks))
            yield cells

    check = importer._Checker.run

    def watched_check(self):
        seen["check"].add(len(connection.atomic_blocks))
        return check(self)

    monkeypatch.setattr(xlsx_limits, "bounded_rows", watched_rows)
    monkeypatch.setattr(importer._Checker, "run", watched_check)
    import_catalogue(workbook(valid_sheets()), by=None, now=now)
    assert seen == {"parse": {depth_at_call}, "check": {depth_at_call + 1}}
