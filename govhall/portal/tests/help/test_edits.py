"""One draft, two editors: every field change is recorded with its author; a write on a stale version of a
field is refused with both values and the current one's author, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from govhall.cases.errors import TransitionNotAllowed
from govhall.portal import services
from govhall.portal.models import Application, AuthorKind, DraftEdit
from govhall.portal.services import help as helping
from govhall.portal.tests.help.conftest import LATER


def stamp(session, field: str) -> int:
    return Application.objects.get(pk=session.application_id).stamps.get(field, 0)


def test_the_centre_clerk_corrects_a_field_and_the_edit_names_them(world):
    session = world.started()
    before = Application.objects.get(pk=session.application_id)
    edit = helping.edit_field(
        session,
        field="phone",
        value="13912345678",
        field_version=stamp(session, "phone"),
        by=world.clerk,
        now=LATER,
    )
    app = Application.objects.get(pk=session.application_id)
    assert app.data["phone"] == "13912345678" and app.version == before.version + 1
    assert app.stamps["phone"] == app.version
    assert (edit.field, edit.old_value, edit.new_value) == ("phone", "13812345678", "13912345678")
    assert (edit.author, edit.author_kind, edit.draft_version) == (
        world.clerk,
        AuthorKind.CENTRE_CLERK,
        app.version,
    )


@pytest.mark.parametrize(
    "who, kind",
    [("resident", AuthorKind.RESIDENT), ("township", AuthorKind.TOWNSHIP_CLERK)],
)
def test_the_asker_edits_as_resident_or_township_clerk(world, who, kind):
    asker = getattr(world, who)
    session = world.started(asker)
    edit = helping.edit_field(
        session, field="address", value="明水街道1号", field_version=0, by=asker, now=LATER
    )
    assert edit.author_kind == kind


def test_a_save_through_the_drafts_own_form_during_a_session_is_recorded(world):
    session = world.started()
    app = Application.objects.get(pk=session.application_id)
    services.save_draft(
        app,
        data={"address": "明水街道2号", "phone": "13812345678"},
        by=world.resident,
        now=LATER,
        expected_version=app.version,
    )
    [edit] = DraftEdit.objects.filter(session=session)  # only the field that changed
    assert (edit.field, edit.new_value, edit.author_kind) == ("address", "明水街道2号", AuthorKind.RESIDENT)


def test_two_editors_of_the_same_field_the_later_stale_write_is_refused_with_both_values(world):
    session = world.started()
    read = stamp(session, "phone")  # both sides read the same version of the field
    helping.edit_field(
        session, field="phone", value="13900000001", field_version=read, by=world.clerk, now=LATER
    )
    with pytest.raises(helping.FieldConflict) as conflict:
        helping.edit_field(
            session, field="phone", value="13900000002", field_version=read, by=world.resident, now=LATER
        )
    body = conflict.value.as_dict()
    assert body["yours"] == "13900000002" and body["current"] == "13900000001"
    assert body["author"] == "window" and body["author_kind"] == AuthorKind.CENTRE_CLERK
    assert body["current_version"] == stamp(session, "phone")
    assert "13900000002" in str(conflict.value) and "13900000001" in str(conflict.value)
    assert Application.objects.get(pk=session.application_id).data["phone"] == "13900000001", (
        "nothing written"
    )
    assert DraftEdit.objects.filter(session=session).count() == 1


def test_editors_of_different_fields_do_not_collide(world):
    session = world.started()
    phone, address = stamp(session, "phone"), stamp(session, "address")
    helping.edit_field(
        session, field="phone", value="13900000001", field_version=phone, by=world.clerk, now=LATER
    )
    helping.edit_field(
        session, field="address", value="某路1号", field_version=address, by=world.resident, now=LATER
    )
    app = Application.objects.get(pk=session.application_id)
    assert (app.data["phone"], app.data["address"]) == ("13900000001", "某路1号")


@pytest.mark.parametrize(
    "field, value, key, message",
    [
        ("phone", "12345", "phone", "11-digit mobile number"),
        ("id_number", "110105194912310021", "id_number", ""),
        ("favourite_colour", "red", "field", "Unknown field favourite_colour"),
        ("delivery_method", "pigeon", "delivery_method", "choose one of the options"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_written(world, field, value, key, message):
    session = world.started()
    before = Application.objects.get(pk=session.application_id)
    with pytest.raises(ValidationError) as refused:
        helping.edit_field(
            session, field=field, value=value, field_version=stamp(session, field), by=world.clerk, now=LATER
        )
    assert key in refused.value.message_dict
    assert message.lower() in " ".join(refused.value.message_dict[key]).lower()
    after = Application.objects.get(pk=session.application_id)
    assert (after.data, after.version) == (before.data, before.version)
    assert not DraftEdit.objects.exists()


def test_editing_an_ended_session_is_refused_and_nothing_is_written(world):
    session = world.started()
    session = helping.end_help(
        session, outcome="advised", by=world.clerk, now=LATER, expected_version=session.version
    )
    before = Application.objects.get(pk=session.application_id)
    with pytest.raises(TransitionNotAllowed) as refused:
        helping.edit_field(
            session,
            field="phone",
            value="13900000009",
            field_version=stamp(session, "phone"),
            by=world.clerk,
            now=LATER,
        )
    assert "Ended" in str(refused.value) and "Draft field changed" in str(refused.value)
    after = Application.objects.get(pk=session.application_id)
    assert (after.data, after.version) == (before.data, before.version)


def test_a_waiting_session_takes_no_edits_yet(world):
    session = world.asked()
    with pytest.raises(TransitionNotAllowed):
        helping.edit_field(
            session, field="phone", value="13900000009", field_version=0, by=world.resident, now=LATER
        )


def test_someone_outside_the_session_may_not_edit(world):
    session = world.started()
    for outsider in (world.colleague, world.world.users["applicant"]):
        with pytest.raises(helping.HelpForbidden):
            helping.edit_field(
                session, field="phone", value="13900000009", field_version=0, by=outsider, now=LATER
            )


def test_the_same_value_again_writes_nothing(world):
    session = world.started()
    before = Application.objects.get(pk=session.application_id)
    result = helping.edit_field(
        session,
        field="phone",
        value=" 13812345678 ",
        field_version=stamp(session, "phone"),
        by=world.clerk,
        now=LATER,
    )
    assert result is None
    assert Application.objects.get(pk=session.application_id).version == before.version
    assert not DraftEdit.objects.exists()


def test_a_file_put_into_a_slot_during_a_session_is_recorded_and_summarised(world):
    from govhall.portal.tests.apply.support import upload

    session = world.started(world.township, files=False)
    app = Application.objects.get(pk=session.application_id)
    material = world.world.item.materials.get(name="营业执照")
    document = services.upload_material(
        app, material=material.pk, file=upload("执照.pdf"), by=world.township, now=LATER
    )
    [edit] = DraftEdit.objects.filter(session=session)
    assert (edit.field, edit.old_value, edit.new_value) == (f"material_{material.pk}", "", "执照.pdf")
    assert edit.author_kind == AuthorKind.TOWNSHIP_CLERK
    services.remove_document(document, by=world.township, now=LATER)
    assert DraftEdit.objects.filter(session=session).last().new_value == ""
    services.upload_material(
        app, material=material.pk, file=upload("新执照.pdf"), by=world.township, now=LATER
    )
    session.refresh_from_db()
    session = helping.end_help(
        session, outcome="draft_improved", by=world.clerk, now=LATER, expected_version=session.version
    )
    assert "营业执照：— → 新执照.pdf" in session.corrected


def test_uploads_without_a_session_record_nothing(world):
    world.draft()
    assert not DraftEdit.objects.exists()
