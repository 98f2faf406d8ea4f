"""Situations (情形引导) in the online application: the answers narrow the material slots and the checklist,
carry over from the guide page, and are required, each error naming its question, at submission."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.catalog.models import SituationQuestion
from govhall.catalog.tests.factories import MaterialFactory
from govhall.portal import services
from govhall.portal.tests.apply.support import FILLED, NOW, draft, upload

pytestmark = pytest.mark.django_db

COMPANY_FORM = {
    "applicant_kind": "organisation",
    "applicant_name": "华为技术有限公司",
    "credit_code": "914403001922038216",
    "legal_representative": "赵明路",
    "phone": "13812345678",
    "delivery_method": "window",
}


@pytest.fixture
def situated(world):
    """The item asks who applies; the articles of association (公司章程) only for a company."""
    SituationQuestion.objects.create(
        item=world.item,
        position=1,
        key="applicant_type",
        text="申请人类型",
        options="person:个人; company:企业",
    )
    world.articles = MaterialFactory(
        item=world.item, position=4, name="公司章程", required=True, applies_when="applicant_type=company"
    )
    return world


def names(materials) -> list[str]:
    return [m.name for m in materials]


def missing_keys(app) -> set[str]:
    return {m.key for m in services.checklist(app)}


def fill(world, app, *, answer: str, data=FILLED):
    app = services.save_draft(
        app,
        data=data,
        answers={"applicant_type": answer},
        by=app.owner,
        now=NOW,
        expected_version=app.version,
    )
    for material in services.forms.slots_of(app):
        if material.required:
            services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    return app


def test_a_company_applicants_draft_asks_for_the_company_material_a_persons_does_not(situated):
    person = services.save_draft(
        draft(situated), answers={"applicant_type": "person"}, by=situated.users["citizen"], now=NOW,
        expected_version=1,
    )  # fmt: skip
    company = services.save_draft(
        draft(situated), answers={"applicant_type": "company"}, by=situated.users["citizen"], now=NOW,
        expected_version=1,
    )  # fmt: skip
    assert "公司章程" not in names(services.forms.slots_of(person))
    assert "公司章程" in names(services.forms.slots_of(company))
    assert f"material_{situated.articles.pk}" not in missing_keys(person)
    assert f"material_{situated.articles.pk}" in missing_keys(company)


def test_an_unanswered_question_is_on_the_checklist_and_hides_no_slot(situated):
    app = draft(situated)
    assert "answer_applicant_type" in missing_keys(app)
    assert "公司章程" in names(services.forms.slots_of(app))  # it may yet apply


def test_a_save_refuses_an_answer_that_is_not_an_option_naming_the_question(situated):
    app = draft(situated)
    with pytest.raises(ValidationError) as error:
        services.save_draft(
            app, answers={"applicant_type": "robot"}, by=app.owner, now=NOW, expected_version=app.version
        )
    assert "申请人类型" in error.value.message_dict["answer_applicant_type"][0]
    with pytest.raises(ValidationError) as error:
        services.save_draft(app, answers={"pets": "yes"}, by=app.owner, now=NOW, expected_version=app.version)
    assert "pets" in error.value.message_dict["answer_pets"][0]
    app.refresh_from_db()
    assert app.version == 1 and app.answers == {}


def test_submission_requires_every_answer_naming_the_question(situated):
    app = services.save_draft(
        draft(situated), data=FILLED, by=situated.users["citizen"], now=NOW, expected_version=1
    )
    for material in situated.item.materials.filter(required=True):
        services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert error.value.message_dict["answer_applicant_type"] == ["Answer the question “申请人类型”."]


def test_submission_sends_only_the_applicable_materials(situated):
    app = fill(situated, draft(situated), answer="company", data=COMPANY_FORM)
    # Then the applicant says they apply as a person: the company's file is not the case's.
    app = services.save_draft(
        app,
        data=FILLED,
        answers={"applicant_type": "person"},
        by=app.owner,
        now=NOW,
        expected_version=app.version,
    )
    app = services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    filed = {d.material.material_id for d in app.case.documents.select_related("material")}
    assert situated.articles.pk not in filed
    assert filed == {m.pk for m in situated.item.materials.filter(required=True).exclude(name="公司章程")}
    assert not app.documents.filter(material=situated.articles).exists()


def test_a_company_submission_sends_the_company_material(situated):
    app = fill(situated, draft(situated), answer="company", data=COMPANY_FORM)
    app = services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    received = set(app.case.materials.filter(received=True).values_list("material_id", flat=True))
    assert situated.articles.pk in received


def test_the_guides_answers_carry_into_the_draft_through_the_pages(client, situated):
    client.force_login(situated.users["citizen"])
    guide = client.get(
        reverse("portal:guide", args=[situated.item.code]), {"situation": "1", "s-applicant_type": "company"}
    ).content.decode()
    apply_url = reverse("portal:apply", args=[situated.item.code]) + "?s-applicant_type=company"
    assert f'href="{apply_url}"' in guide
    start = client.get(apply_url).content.decode()
    assert 'name="s-applicant_type" value="company"' in start
    response = client.post(apply_url.split("?")[0], {"s-applicant_type": "company"})
    app = situated.users["citizen"].applications.get()
    assert response.status_code == 302 and app.answers == {"applicant_type": "company"}
    editor = client.get(response["Location"]).content.decode()
    assert 'id="answer_applicant_type"' in editor and 'value="company" checked' in editor
    assert "公司章程" in editor


def test_the_editor_saves_answers_and_shows_an_error_in_the_summary(client, situated):
    client.force_login(situated.users["citizen"])
    app = draft(situated)
    edit = reverse("portal:application", args=[app.pk])
    response = client.post(
        edit, {"situation": "1", "s-applicant_type": "person", "version": 1, "action": "save"}
    )
    app.refresh_from_db()
    assert response.status_code == 302 and app.answers == {"applicant_type": "person"}
    assert "公司章程" not in client.get(edit).content.decode()
    response = client.post(edit, {"situation": "1", "s-applicant_type": "x", "version": app.version})
    body = response.content.decode()
    assert response.status_code == 400 and 'href="#answer_applicant_type"' in body


def test_the_api_starts_with_answers_and_refuses_a_wrong_one(situated):
    api = APIClient()
    api.force_authenticate(situated.users["citizen"])
    url = "/api/v1/portal/applications/"
    response = api.post(
        url, {"item": situated.item.code, "answers": {"applicant_type": "nobody"}}, format="json"
    )
    assert response.status_code == 400 and "申请人类型" in str(response.json())
    response = api.post(
        url, {"item": situated.item.code, "answers": {"applicant_type": "company"}}, format="json"
    )
    assert response.status_code == 201 and response.json()["answers"] == {"applicant_type": "company"}
    keys = {row["key"] for row in response.json()["checklist"]}
    assert f"material_{situated.articles.pk}" in keys
