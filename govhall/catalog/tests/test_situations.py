"""情形引导: answers narrow an item's materials; questions travel with revisions and the workbook."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from govhall.catalog.models import Material, ServiceItem, SituationQuestion
from govhall.catalog.services import import_catalogue, publish_item, revise_item
from govhall.catalog.situations import materials_for
from govhall.catalog.tests.factories import MaterialFactory, ServiceItemFactory
from govhall.catalog.xlsx.export import export_catalogue
from govhall.catalog.xlsx.importer import CatalogueImportRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def item() -> ServiceItem:
    item = ServiceItemFactory(published=True, code="SC001", name="公司设立登记")
    SituationQuestion.objects.create(
        item=item, position=1, key="applicant", text="申请人类型", options="person:个人; company:企业"
    )
    SituationQuestion.objects.create(
        item=item, position=2, key="agent", text="是否委托代理", options="yes:是; no:否"
    )
    MaterialFactory(item=item, position=1, name="申请书")
    MaterialFactory(item=item, position=2, name="身份证", applies_when="applicant=person")
    MaterialFactory(item=item, position=3, name="营业执照", applies_when="applicant=company")
    MaterialFactory(item=item, position=4, name="委托书", applies_when="agent=yes")
    MaterialFactory(
        item=item, position=5, name="代理人身份证", applies_when="agent=yes; applicant=person,company"
    )
    return item


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"applicant": "person", "agent": "no"}, ["申请书", "身份证"]),
        ({"applicant": "company", "agent": "no"}, ["申请书", "营业执照"]),
        ({"applicant": "company", "agent": "yes"}, ["申请书", "营业执照", "委托书", "代理人身份证"]),
        ({"applicant": "person", "agent": "yes"}, ["申请书", "身份证", "委托书", "代理人身份证"]),
    ],
)
def test_answers_choose_the_materials(item, answers, expected):
    assert [m.name for m in materials_for(item, answers)] == expected


@pytest.mark.parametrize(
    ("answers", "key", "words"),
    [
        ({"applicant": "person"}, "agent", "是否委托代理"),  # unanswered
        ({"applicant": "robot", "agent": "no"}, "applicant", "robot"),  # not an option
        ({"applicant": "person", "agent": "no", "age": "old"}, "age", "age"),  # not a question
    ],
)
def test_a_wrong_answer_names_the_question(item, answers, key, words):
    with pytest.raises(ValidationError) as exc:
        materials_for(item, answers)
    assert key in exc.value.message_dict
    assert words in " ".join(exc.value.message_dict[key])


def test_an_item_without_questions_needs_all_its_materials():
    item = ServiceItemFactory(published=True)
    MaterialFactory(item=item, name="申请书")
    assert [m.name for m in materials_for(item, {})] == ["申请书"]


def test_revising_copies_the_questions_and_conditions(item, now):
    draft = revise_item(item, by=None, now=now)
    assert list(draft.situations.values_list("key", "options")) == list(
        item.situations.values_list("key", "options")
    )
    assert [m.name for m in materials_for(draft, {"applicant": "company", "agent": "no"})] == [
        "申请书",
        "营业执照",
    ]


def test_publishing_refuses_a_condition_naming_an_unknown_option(now):
    item = ServiceItemFactory(code="X1")
    SituationQuestion.objects.create(item=item, key="agent", text="是否委托代理", options="yes:是; no:否")
    MaterialFactory(item=item, name="委托书", applies_when="agent=maybe")
    with pytest.raises(ValidationError) as exc:
        publish_item(item, by=None, now=now)
    assert "maybe" in " ".join(exc.value.message_dict["applies_when"])


def _export(tmp_path) -> io.BytesIO:
    path = tmp_path / "catalogue.xlsx"
    export_catalogue(str(path))
    return io.BytesIO(path.read_bytes())


def _as_new_version(wb) -> None:
    """Empty every version cell: a changed published item is then imported as a new draft."""
    for title in ("事项", "材料", "环节", "情形"):
        for row in wb[title].iter_rows(min_row=2, min_col=2, max_col=2):
            row[0].value = None


def test_situations_round_trip_through_the_workbook(item, now, tmp_path):
    stream = _export(tmp_path)
    wb = load_workbook(stream)
    assert [c.value for c in wb["情形"][2]][3:] == ["applicant", "申请人类型", "person:个人; company:企业"]
    # Change a question in the file, import it as a new version.
    wb["情形"]["E2"] = "申请人身份"
    _as_new_version(wb)
    changed = io.BytesIO()
    wb.save(changed)
    changed.seek(0)
    import_catalogue(changed, by=None, now=now)
    new = ServiceItem.objects.get(code="SC001", version=2)
    assert list(new.situations.values_list("text", flat=True)) == ["申请人身份", "是否委托代理"]
    assert new.materials.get(name="营业执照").applies_when == "applicant=company"
    assert item.situations.get(key="applicant").text == "申请人类型"  # the published version is untouched


def test_a_bad_situation_row_is_refused_and_nothing_is_written(item, now, tmp_path):
    wb = load_workbook(_export(tmp_path))
    _as_new_version(wb)
    wb["事项"]["D2"] = "公司设立登记(改)"
    wb["情形"]["F3"] = "yes是"  # not key:label
    wb["材料"].cell(row=5, column=10).value = "applicant=alien"  # 适用情形 of 代理人身份证's neighbour
    bad = io.BytesIO()
    wb.save(bad)
    bad.seek(0)
    before = (ServiceItem.objects.count(), SituationQuestion.objects.count(), Material.objects.count())
    with pytest.raises(CatalogueImportRefused) as exc:
        import_catalogue(bad, by=None, now=now)
    problems = [str(e) for e in exc.value.plan.errors]
    assert any("情形" in p and "3" in p and "选项" in p for p in problems), problems
    assert any("材料" in p and "alien" in p for p in problems), problems
    assert (
        ServiceItem.objects.count(),
        SituationQuestion.objects.count(),
        Material.objects.count(),
    ) == before


def test_situations_are_edited_with_the_item_and_themes_and_synonyms_in_the_admin(admin_client, item):
    from django.urls import reverse

    from govhall.catalog.models import Synonym, Theme

    draft = revise_item(item, by=None, now=item.published_at)
    html = admin_client.get(reverse("admin:catalog_serviceitem_change", args=[draft.pk])).content.decode()
    assert 'name="situations-TOTAL_FORMS"' in html and "申请人类型" in html
    response = admin_client.post(
        reverse("admin:catalog_synonym_add"), {"term": "开公司", "words": "设立登记"}
    )
    assert response.status_code == 302 and Synonym.objects.get(term="开公司").word_list == ["设立登记"]
    response = admin_client.post(
        reverse("admin:catalog_theme_add"),
        {
            "kind": "life_event",
            "name": "开办企业",
            "position": 1,
            "description": "",
            "items-TOTAL_FORMS": 2,
            "items-INITIAL_FORMS": 0,
            "items-0-position": 1,
            "items-0-code": "SC001",
            "items-1-position": 2,
            "items-1-code": "NOPE",
        },
    )
    assert response.status_code == 200, "an unknown item code is refused"
    assert not Theme.objects.exists()


def test_a_published_versions_questions_are_read_once_and_forgotten_on_change(
    item, django_assert_num_queries
):
    from govhall.catalog.situations import questions_of

    assert [q.key for q in questions_of(item)] == ["applicant", "agent"]
    with django_assert_num_queries(0):  # kept with the published version's other parts
        assert [q.key for q in questions_of(item)] == ["applicant", "agent"]
    SituationQuestion.objects.filter(item=item, key="agent").get().delete()
    assert [q.key for q in questions_of(item)] == ["applicant"]
