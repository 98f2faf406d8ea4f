"""承诺时限 ≤ 法定时限, the step sum and the case-kind rule, at every entry point."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from govhall.catalog.models import CaseKind, HallLevel, ServiceItem
from govhall.catalog.pinyin import pinyin_initials
from govhall.catalog.rules import hall_errors, item_limit_errors, step_sum_errors
from govhall.catalog.services import publish_item, validate_item
from govhall.catalog.tests.factories import (
    DepartmentFactory,
    HallFactory,
    ProcessStepFactory,
    ServiceItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("legal", "promised", "kind", "field_errors"),
    [
        (20, 5, CaseKind.COMMITTED, 0),
        (20, 20, CaseKind.COMMITTED, 0),
        (20, 30, CaseKind.COMMITTED, 1),
        (0, 0, CaseKind.IMMEDIATE, 0),
        (20, 1, CaseKind.IMMEDIATE, 0),
        (20, 2, CaseKind.IMMEDIATE, 1),
        (20, 0, CaseKind.COMMITTED, 1),
        (1, 3, CaseKind.IMMEDIATE, 2),
    ],
)
def test_limit_rules_table(legal, promised, kind, field_errors):
    errors = item_limit_errors(legal_limit=legal, promised_limit=promised, case_kind=kind)
    assert len(errors.get("promised_limit", [])) == field_errors


def test_promised_over_legal_message_names_both_numbers_in_chinese():
    with translation.override("zh-hans"):
        errors = item_limit_errors(legal_limit=20, promised_limit=30, case_kind=CaseKind.COMMITTED)
    assert errors == {"promised_limit": ["承诺时限(30)不得超过法定时限(20)"]}


@pytest.mark.parametrize(
    ("promised", "limits", "ok"), [(5, [1, 4], True), (5, [1, 5], False), (0, [0, 0], True)]
)
def test_step_limits_may_not_add_up_to_more_than_the_promised_limit(promised, limits, ok):
    assert (step_sum_errors(promised_limit=promised, step_limits=limits) == {}) is ok


def test_validate_item_refuses_promised_over_legal_and_changes_nothing():
    item = ServiceItemFactory(legal_limit=20, promised_limit=5)
    item.promised_limit = 30
    with pytest.raises(ValidationError) as exc:
        validate_item(item)
    assert "promised_limit" in exc.value.message_dict
    item.refresh_from_db()
    assert item.promised_limit == 5


def test_validate_item_checks_the_stored_steps():
    item = ServiceItemFactory(promised_limit=3)
    ProcessStepFactory(item=item, limit_days=2)
    ProcessStepFactory(item=item, limit_days=2)
    with pytest.raises(ValidationError) as exc:
        validate_item(item)
    assert "steps" in exc.value.message_dict


def test_a_draft_whose_steps_break_the_rule_cannot_be_published(now):
    item = ServiceItemFactory(promised_limit=3)
    ProcessStepFactory(item=item, limit_days=4)
    with pytest.raises(ValidationError):
        publish_item(item, by=None, now=now)
    item.refresh_from_db()
    assert item.status == "draft"


def test_database_refuses_promised_over_legal():
    department = DepartmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(
            code="X",
            name="x",
            item_type="licence",
            department=department,
            legal_limit=5,
            promised_limit=6,
            case_kind=CaseKind.COMMITTED,
        )
    assert not ServiceItem.objects.filter(code="X").exists()


def test_database_refuses_an_immediate_item_promising_more_than_one_day():
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemFactory(case_kind=CaseKind.IMMEDIATE, promised_limit=3)


@pytest.mark.parametrize(
    ("level", "parent_level", "has_department", "fields"),
    [
        (HallLevel.CENTRE, None, False, set()),
        (HallLevel.CENTRE, HallLevel.CENTRE, False, {"parent"}),
        (HallLevel.SUB_HALL, HallLevel.CENTRE, True, set()),
        (HallLevel.SUB_HALL, HallLevel.CENTRE, False, {"department"}),
        (HallLevel.TOWNSHIP, HallLevel.CENTRE, False, set()),
        (HallLevel.TOWNSHIP, None, False, {"parent"}),
        (HallLevel.POINT, HallLevel.TOWNSHIP, False, set()),
        (HallLevel.POINT, HallLevel.CENTRE, False, {"parent"}),
    ],
)
def test_hall_parent_levels_table(level, parent_level, has_department, fields):
    errors = hall_errors(
        level=level,
        parent_level=parent_level,
        has_parent=parent_level is not None,
        has_department=has_department,
    )
    assert set(errors) == fields


def test_hall_full_clean_uses_the_parent_rule():
    township = HallFactory(township=True)
    point = HallFactory.build(level=HallLevel.POINT, parent=township.parent)
    with pytest.raises(ValidationError) as exc:
        point.full_clean()
    assert "parent" in exc.value.message_dict


@pytest.mark.parametrize(
    ("name", "initials"), [("食品经营许可", "spjyxk"), ("银行开户", "yhkh"), ("ICP备案", "icpba"), ("", "")]
)
def test_pinyin_initials(name, initials):
    assert pinyin_initials(name) == initials


def test_pinyin_initials_are_filled_on_save():
    item = ServiceItemFactory(name="建设工程规划许可")
    item.refresh_from_db()
    assert item.pinyin_initials == "jsgcghxk"
