"""Drafts: what a save checks and what waits for the submission, uploads into slots, two tabs, versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from govhall.catalog.tests.factories import MaterialFactory, ServiceItemFactory
from govhall.portal import services
from govhall.portal.models import ApplicationState
from govhall.portal.tests.apply.support import (
    NOW,
    PNG,
    at,
    complete,
    draft,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "370181199001011230", "check digit"),
        ("credit_code", "914403001922038210", "check character"),
        ("phone", "12345", "11-digit mobile"),
        ("applicant_kind", "robot", "choose one of the options"),
        ("applicant_name", "x" * 201, "at most 200"),
    ],
)
def test_a_save_checks_formats_and_names_the_field(world, field, value, message):
    app = draft(world)
    with pytest.raises(ValidationError) as error:
        services.save_draft(app, data={field: value}, by=app.owner, now=NOW, expected_version=app.version)
    assert message in " ".join(error.value.message_dict[field])
    app.refresh_from_db()
    assert app.version == 1  # nothing written


def test_a_save_does_not_ask_for_required_fields(world):
    app = draft(world)
    app = services.save_draft(
        app, data={"applicant_name": "", "phone": ""}, by=app.owner, now=NOW, expected_version=app.version
    )
    assert app.version == 2
    keys = {m.key for m in services.checklist(app)}
    assert {"applicant_name", "id_number", "phone"} <= keys


def test_the_checklist_lists_missing_fields_and_materials_until_complete(world):
    app = draft(world)
    required = {f"material_{pk}" for pk in world.required_ids}
    assert required <= {m.key for m in services.checklist(app)}
    app = complete(world, app)
    assert services.checklist(app) == []


def test_submission_refuses_missing_material_naming_it_types_and_limit(world):
    app = complete(world, draft(world), files=False)
    with pytest.raises(ValidationError) as error:
        services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    first = world.item.materials.get(name="申请书")
    text = " ".join(error.value.message_dict[f"material_{first.pk}"])
    assert "申请书" in text and "PDF" in text and "MB" in text
    app.refresh_from_db()
    assert app.state == ApplicationState.DRAFT and app.case_id is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", PNG, "content is not PDF"),
        ("scan.exe", PNG, "Only these file types"),
        ("scan.pdf", b"", "empty"),
    ],
)
def test_upload_checks_are_the_case_documents_own_and_name_the_material(world, name, content, message):
    app = draft(world)
    material = world.item.materials.get(name="营业执照")
    with pytest.raises(ValidationError) as error:
        services.upload_material(app, material=material.pk, file=upload(name, content), by=app.owner, now=NOW)
    text = " ".join(error.value.message_dict[f"material_{material.pk}"])
    assert message in text and "营业执照" in text and "JPG" in text
    assert app.documents.count() == 0


def test_upload_over_the_size_limit_is_refused(world, settings):
    settings.GOVHALL_MAX_UPLOAD_BYTES = 1024
    app = draft(world)
    material = world.item.materials.first()
    with pytest.raises(ValidationError) as error:
        services.upload_material(
            app, material=material.pk, file=upload("big.pdf", b"%PDF-" + b"0" * 2000), by=app.owner, now=NOW
        )
    assert "at most 1.0" in " ".join(error.value.message_dict[f"material_{material.pk}"])


def test_a_file_can_be_removed_from_its_slot(world):
    app = draft(world)
    material = world.item.materials.first()
    document = services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=NOW)
    services.remove_document(document, by=app.owner, now=NOW)
    assert app.documents.count() == 0


def test_two_tabs_the_stale_save_answers_what_changed_and_loses_nothing(world):
    app = draft(world)
    read = app.version
    services.save_draft(app, data={"applicant_name": "张三"}, by=app.owner, now=NOW, expected_version=read)
    with pytest.raises(services.DraftConflict) as conflict:
        services.save_draft(
            app, data={"applicant_name": "张叁", "phone": "13900000000"}, by=app.owner, now=NOW,
            expected_version=read,
        )  # fmt: skip
    assert conflict.value.changes == {"applicant_name": {"yours": "张叁", "theirs": "张三"}}
    assert conflict.value.actual == read + 1
    app.refresh_from_db()
    assert app.data["applicant_name"] == "张三" and app.data["phone"] == "13812345678"


def test_a_draft_resumes_for_the_same_account_and_is_nobody_elses(world):
    app = draft(world)
    with pytest.raises(services.NotYours):
        services.save_draft(app, data={}, by=world.users["stranger"], now=NOW, expected_version=None)


def test_a_draft_says_when_a_newer_version_is_published_and_moves_to_it(world):
    app = draft(world)
    material = world.item.materials.get(name="营业执照")
    services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    assert services.newer_version(app) is None
    world.item.status = "superseded"
    world.item.save(update_fields=["status"])
    newer = ServiceItemFactory(
        published=True, code=world.item.code, version=world.item.version + 1, department=world.department
    )
    MaterialFactory(item=newer, position=1, name="营业执照", required=True)
    assert services.newer_version(app) == newer
    app = services.move_to_version(app, by=app.owner, now=NOW, expected_version=app.version)
    assert app.item == newer
    assert [d.material.item_id for d in app.documents.all()] == [newer.pk]


def test_a_discarded_draft_takes_no_more_saves(world):
    app = draft(world)
    services.discard_application(app, by=app.owner, now=NOW)
    with pytest.raises(ValidationError):
        services.save_draft(app, data={}, by=app.owner, now=NOW, expected_version=None)


def test_drafts_are_reminded_then_removed_at_exact_times(world, settings):
    settings.GOVHALL_DRAFT_KEEP_DAYS = 30
    settings.GOVHALL_DRAFT_REMINDER_DAYS = 5
    app = draft(world, now=at("2026-03-02 09:00"))
    from govhall.supervision.models import Notification

    assert services.sweep_drafts(now=at("2026-03-27 08:59")).reminded == 0
    assert services.sweep_drafts(now=at("2026-03-27 09:00")).reminded == 1
    assert services.sweep_drafts(now=at("2026-03-28 09:00")).reminded == 0  # once
    reminder = Notification.objects.get(recipient=app.owner, kind="draft_expiring")
    reminder.full_clean()  # a kind among the inbox's choices, with its own label
    with translation.override("zh-hans"):
        assert reminder.get_kind_display() == "申报草稿即将清除"
    assert services.sweep_drafts(now=at("2026-04-01 08:59")).removed == 0
    assert services.sweep_drafts(now=at("2026-04-01 09:00")).removed == 1
    assert not type(app).objects.filter(pk=app.pk).exists()


def test_activity_starts_the_thirty_days_again(world):
    app = draft(world, now=at("2026-03-02 09:00"))
    services.save_draft(app, data={"phone": "13900000000"}, by=app.owner, now=at("2026-03-20 09:00"),
                        expected_version=app.version)  # fmt: skip
    assert services.sweep_drafts(now=at("2026-04-01 09:00")).removed == 0
    assert services.sweep_drafts(now=at("2026-04-19 09:00")).removed == 1
