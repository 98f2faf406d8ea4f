"""The subject-list loader (govhall.hotline.subjects): bad files are refused whole, every error listed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from govhall.hotline.models import Subject, Ticket
from govhall.hotline.services.intake import register_ticket
from govhall.hotline.subjects import SubjectFileRefused, load_bundled_subjects, load_subjects


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


GOOD = "code,name,public\n01,城乡建设,1\n0101,市政设施,1\n010101,道路破损,1\n010102,路灯不亮,0\n"


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD = [
    # (name, file text, [(row, field, fragment of the message)])
    ("letters", "code,name\n0a,甲\n", [(2, "code", "digits only")]),
    ("length", "code,name\n011,甲\n", [(2, "code", "2, 4 or 6")]),
    ("seven digits", "code,name\n01,甲\n0101,乙\n0101011,丙\n", [(4, "code", "2, 4 or 6")]),
    ("no name", "code,name\n01,\n", [(2, "name", "required")]),
    ("twice", "code,name\n01,甲\n01,乙\n", [(3, "code", "row 2")]),
    ("orphan", "code,name\n0101,乙\n", [(2, "code", "“01”")]),
    ("bad public", "code,name,public\n01,甲,maybe\n", [(2, "public", "maybe")]),
    ("long name", "code,name\n01," + "长" * 101 + "\n", [(2, "name", "100")]),
    (
        "every error at once",
        "code,name\n01,甲\nx1,乙\n0201,丙\n01,丁\n010101,\n",
        [(3, "code", "digits"), (4, "code", "“02”"), (5, "code", "row 2"), (6, "name", "required")],
    ),
    ("full-width digits", "code,name\n０１,甲\n", [(2, "code", "digits only")]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_whole_with_every_error(label, text, expected):
    with pytest.raises(SubjectFileRefused) as refused:
        load_subjects("codes.csv", csv_bytes(text))
    found = [(e.row, e.field, e.message) for e in refused.value.errors]
    assert len(found) == len(expected), found
    for (row, field, message), (want_row, want_field, fragment) in zip(found, expected, strict=True):
        assert (row, field) == (want_row, want_field)
        assert fragment in message, message
    assert Subject.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("codes.pdf", b"%PDF", ".csv or .xlsx"),
        ("codes.csv", b"", "empty"),
        ("codes.csv", "name,public\n甲,1\n".encode(), "missing: code"),
        ("codes.csv", "code,name\n01,甲\n".encode("gbk"), "UTF-8"),
        ("codes.xlsx", b"not a zip", "XLSX"),
    ],
)
def test_an_unreadable_file_is_refused(name, data, fragment):
    with pytest.raises(SubjectFileRefused) as refused:
        load_subjects(name, data)
    assert fragment in str(refused.value)
    assert Subject.objects.count() == 0


@pytest.mark.django_db
def test_a_good_file_builds_the_tree():
    result = load_subjects("codes.csv", csv_bytes("\ufeff" + GOOD))
    assert result.created == ["01", "0101", "010101", "010102"]
    leaf = Subject.objects.get(code="010102")
    assert (leaf.level, leaf.parent.code, leaf.parent.parent.code, leaf.is_public) == (3, "0101", "01", False)


@pytest.mark.django_db
def test_xlsx_with_numeric_cells_and_blank_rows():
    rows = [("code", "name", "public"), ("01", "城乡建设", 1), (None, None, None), ("0101", "市政设施", "是")]
    result = load_subjects("codes.xlsx", xlsx_bytes(rows))
    assert result.created == ["01", "0101"]


@pytest.mark.django_db
def test_a_second_load_renames_and_a_parent_may_be_in_the_table():
    load_subjects("codes.csv", csv_bytes(GOOD))
    result = load_subjects("more.csv", csv_bytes("code,name\n010101,道路坑洼\n010103,井盖缺失\n"))
    assert result.renamed == ["010101"]
    assert result.created == ["010103"]
    assert Subject.objects.get(code="010101").name == "道路坑洼"
    assert Subject.objects.get(code="010103").parent.code == "0101"


@pytest.mark.django_db
def test_prune_deletes_unused_codes_and_keeps_used_ones(world):
    load_bundled_subjects()  # adds to the world's own tree; its 010101 is renamed 道路破损 (same name)
    register_ticket(
        channel="web", request_type="help", subject="020102", title="噪声", content="夜间", anonymous=True,
        now=world.now,
    )  # fmt: skip
    result = load_subjects(
        "only.csv", csv_bytes("code,name\n01,城乡建设\n0101,市政设施\n010101,道路破损\n"), prune=True
    )
    # 020102 has a ticket and 020101 and 0101 dispatch rules: kept, not in use; their parents stay too.
    assert {"020102", "020101", "0201", "02"} <= set(result.deactivated)
    assert "03" in result.deactivated and {"030101", "0301"} <= set(result.deleted)  # 03 has a rule
    assert Ticket.objects.filter(subject__code="020102").exists()
    assert "120303" in result.deleted
    assert not Subject.objects.filter(code="120303").exists()
    assert Subject.objects.get(code="010101").is_active


@pytest.mark.django_db
def test_the_bundled_list():
    result = load_bundled_subjects()
    levels = [Subject.objects.filter(level=n).count() for n in (1, 2, 3)]
    assert levels == [12, 40, 120]
    assert len(result.created) == 172
    assert load_bundled_subjects().unchanged == 172


@pytest.mark.django_db
def test_the_command_lists_every_error_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n0x,甲\n011,乙\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("hotline", "subjects", "load", str(bad))
    assert error.value.returncode == 2
    err = capsys.readouterr().err
    assert "row 2, code" in err and "row 3, code" in err
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("hotline", "subjects", "load", str(good))
    assert "4 created" in capsys.readouterr().out
    call_command("hotline", "defaults")
    assert "policy v1" in capsys.readouterr().out
