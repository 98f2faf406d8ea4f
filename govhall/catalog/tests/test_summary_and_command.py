"""`govhall catalog summary | import | export` and the summary query."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from govhall.catalog.models import ServiceItem
from govhall.catalog.queries import catalog_summary
from govhall.catalog.tests.conftest import item_row, valid_sheets, workbook
from govhall.catalog.tests.factories import DepartmentFactory, HallFactory, ServiceItemFactory, WindowFactory

pytestmark = pytest.mark.django_db


def test_summary_counts_published_items_and_compression():
    resident = DepartmentFactory(is_resident=True)
    DepartmentFactory(is_resident=False)
    centre = HallFactory()
    HallFactory(township=True, parent=centre)
    WindowFactory(hall=centre)
    ServiceItemFactory(published=True, legal_limit=20, promised_limit=10, department=resident)
    ServiceItemFactory(
        published=True, legal_limit=30, promised_limit=15, is_approval=False, department=resident
    )
    ServiceItemFactory(legal_limit=99, promised_limit=1, department=resident)  # a draft does not count
    summary = catalog_summary()
    assert (summary["departments_resident"], summary["departments_total"]) == (1, 2)
    assert summary["halls_by_level"] == {"centre": 1, "sub_hall": 0, "township": 1, "point": 0}
    assert (summary["items_total"], summary["items_approval"], summary["items_non_approval"]) == (2, 1, 1)
    assert (summary["legal_limit_sum"], summary["promised_limit_sum"]) == (50, 25)
    assert summary["compression_percent"] == 50.0
    assert summary["windows"] == 1


def test_summary_of_an_empty_catalogue_has_no_compression():
    assert catalog_summary()["compression_percent"] is None


def test_summary_command_prints_text_and_json(capsys):
    ServiceItemFactory(published=True, legal_limit=4802, promised_limit=2518)
    with translation.override("zh-hans"):
        call_command("catalog", "summary")
    assert "压缩比例: 47.6 %" in capsys.readouterr().out
    call_command("catalog", "summary", "--json")
    assert json.loads(capsys.readouterr().out)["compression_percent"] == 47.6


def test_import_command_prints_every_error_and_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook(valid_sheets(事项=[item_row(承诺时限=30, 法定时限="x")])).read())
    with translation.override("zh-hans"), pytest.raises(CommandError) as exc:
        call_command("catalog", "import", str(path))
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "事项 第2行 法定时限: “x”不是非负整数" in err
    assert not ServiceItem.objects.exists()


def test_export_then_import_command(tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(valid_sheets()).read())
    call_command("catalog", "import", str(good))
    out = tmp_path / "out.xlsx"
    call_command("catalog", "export", str(out))
    call_command("catalog", "import", str(out))
    assert ServiceItem.objects.count() == 1
