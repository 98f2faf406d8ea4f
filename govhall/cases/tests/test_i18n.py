"""The interface speaks Chinese first: every case message has a Chinese translation."""

from pathlib import Path

import polib
from django.utils import translation

from govhall.cases.validators import resident_id_error

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_catalogue_has_no_empty_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po if not e.msgstr or "fuzzy" in e.flags] == []


def test_rule_errors_are_chinese_for_chinese_users():
    with translation.override("zh-hans"):
        assert "校验码" in resident_id_error("370181199001011234")
