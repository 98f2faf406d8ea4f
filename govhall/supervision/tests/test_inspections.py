"""On-site inspections (现场督查): the centre assigns, the inspector records findings and photos and gives a
verdict; the moves as a table; photos proven images and stored without EXIF; lights and reminders.
The ticket target (a "not done" verdict sends the ticket back) is tested in govhall/hotline/tests."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.tests.factories import UserFactory
from govhall.core.models import Role
from govhall.supervision import inspections
from govhall.supervision.inspections import (
    add_photo,
    assign_inspection,
    cancel,
    conclude,
    record_findings,
    sweep_inspections,
    visible_inspections,
)
from govhall.supervision.models import Inspection, InspectionPhoto, InspectionState, Notification
from govhall.supervision.states import INSPECTION_TRANSITIONS
from govhall.supervision.tests.conftest import at

pytestmark = pytest.mark.django_db
MONDAY = at("2026-12-07 09:00")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def assign(world, **kw):
    values = {
        "kind": "hall",
        "reference": world.township.code,
        "inspector": world.users["supervisor"],
        "instruction": "查看窗口是否按承诺时间开放",
        "by": world.users["admin"],
        "now": MONDAY,
    }
    return assign_inspection(**(values | kw))


def jpeg(*, size=(64, 48), gps: bool = False) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "N", 2: (36.0, 40.0, 0.0), 3: "E", 4: (117.0, 30.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), content_type="image/jpeg")


def png(size=(32, 32)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, "PNG")
    return SimpleUploadedFile("spot.png", out.getvalue(), content_type="image/png")


# Assigning


def test_the_centre_assigns_a_task_with_a_deadline_in_working_days_and_tells_the_inspector(world):
    task = assign(world)
    assert (task.state, task.kind, task.target_id) == (InspectionState.PENDING, "hall", world.township.pk)
    assert task.target_label == "明水街道为民服务大厅（QS0101）"
    assert task.due_date == date(2026, 12, 10)  # 3 working days from Monday
    assert task.due_at == at("2026-12-11 00:00") and task.warn_at == at("2026-12-09 00:00")
    note = Notification.objects.get(recipient=world.users["supervisor"])
    assert note.kind == "inspection" and f"/supervision/inspections/{task.pk}/" == note.url


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"instruction": "  "}, "instruction"),
        ({"kind": "bridge"}, "kind"),
        ({"reference": "NOPE"}, "reference"),
        ({"due_date": date(2026, 12, 4)}, "due_date"),
    ],
)
def test_a_task_without_what_it_needs_names_the_field_and_writes_nothing(world, change, field):
    with pytest.raises(ValidationError) as error:
        assign(world, **change)
    assert field in error.value.message_dict
    assert not Inspection.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "handler", "operator", "clerk"])
def test_only_the_centre_assigns(world, role):
    with pytest.raises(CaseForbidden):
        assign(world, by=world.users[role])
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("role", ["handler", "leader", "admin"])
def test_the_inspector_is_a_supervisor(world, role):
    with pytest.raises(ValidationError) as error:
        assign(world, inspector=world.users[role])
    assert "inspector" in error.value.message_dict


def test_an_inspector_sees_only_their_own_tasks_and_the_centre_sees_all(world):
    other = UserFactory(username="supervisor2", role=Role.SUPERVISOR)
    mine, theirs = assign(world), assign(world, inspector=other)
    assert list(visible_inspections(world.users["supervisor"])) == [mine]
    assert list(visible_inspections(other)) == [theirs]
    assert set(visible_inspections(world.users["leader"])) == {mine, theirs}
    assert not visible_inspections(world.users["handler"]).exists()


# The moves, as a table: every action in every state; what the table refuses writes nothing.

ACTIONS = {
    "record": lambda t, w: record_findings(t, findings="窗口按时开放", by=w.users["supervisor"], now=MONDAY),
    "photo": lambda t, w: add_photo(t, photo=png(), by=w.users["supervisor"], now=MONDAY),
    "done": lambda t, w: conclude(
        t, verdict="done", findings="按时开放", by=w.users["supervisor"], now=MONDAY
    ),
    "not_done": lambda t, w: conclude(
        t, verdict="not_done", findings="九点仍未开门", by=w.users["supervisor"], now=MONDAY
    ),
    "cancel": lambda t, w: cancel(t, reason="大厅搬迁", by=w.users["admin"], now=MONDAY),
}
REACH = {
    InspectionState.PENDING: None,
    InspectionState.DONE: "done",
    InspectionState.NOT_DONE: "not_done",
    InspectionState.CANCELLED: "cancel",
}
TABLE = [
    (state, action, INSPECTION_TRANSITIONS[state].get(action))
    for state in InspectionState.values
    for action in ACTIONS
]


@pytest.mark.parametrize(("state", "action", "expected"), TABLE)
def test_the_inspection_moves_follow_the_table(world, media, state, action, expected):
    task = assign(world)
    if REACH[state]:
        ACTIONS[REACH[state]](task, world)
    task.refresh_from_db()
    before = (task.version, task.state, InspectionPhoto.objects.count(), len(stored_files(media)))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            ACTIONS[action](task, world)
        task.refresh_from_db()
        assert (task.version, task.state, InspectionPhoto.objects.count(), len(stored_files(media))) == before
    else:
        ACTIONS[action](task, world)
        task.refresh_from_db()
        assert task.state == expected and task.version == before[0] + 1


def test_a_verdict_turns_the_light_off_and_tells_who_assigned_it(world):
    task = conclude(
        assign(world), verdict="done", findings="按时开放", by=world.users["supervisor"], now=MONDAY
    )
    assert (task.warn_at, task.due_at, task.light(MONDAY)) == (None, None, None)
    assert Notification.objects.filter(recipient=world.users["admin"], kind="inspection_verdict").exists()


def test_a_verdict_needs_findings(world):
    task = assign(world)
    with pytest.raises(ValidationError) as error:
        conclude(task, verdict="not_done", by=world.users["supervisor"], now=MONDAY)
    assert "findings" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        conclude(task, verdict="maybe", findings="x", by=world.users["supervisor"], now=MONDAY)
    assert "verdict" in error.value.message_dict
    task.refresh_from_db()
    assert task.state == InspectionState.PENDING


def test_only_the_assigned_inspector_records_and_concludes(world):
    task = assign(world)
    other = UserFactory(username="supervisor2", role=Role.SUPERVISOR)
    for by in (other, world.users["admin"]):
        with pytest.raises(CaseForbidden):
            conclude(task, verdict="done", findings="x", by=by, now=MONDAY)
    with pytest.raises(CaseForbidden):
        cancel(task, reason="x", by=world.users["supervisor"], now=MONDAY)


def test_a_stale_verdict_is_refused(world):
    task = assign(world)
    record_findings(task, findings="一", by=world.users["supervisor"], now=MONDAY)
    with pytest.raises(StaleVersion):
        conclude(
            task, verdict="done", findings="二", by=world.users["supervisor"], now=MONDAY, expected_version=1
        )


def test_a_hall_found_not_done_counts_for_its_unit(world):
    world.other_hall.department = world.other_department
    world.other_hall.save()
    task = assign(world, reference=world.other_hall.code)
    assert task.unit == world.other_department
    task = conclude(task, verdict="not_done", findings="无人值守", by=world.users["supervisor"], now=MONDAY)
    assert task.state == InspectionState.NOT_DONE and task.verdict_effect == ""


# Photos


def test_a_file_that_is_not_an_image_is_refused_clearly_and_nothing_is_written(world, media):
    task = assign(world)
    fake = SimpleUploadedFile("scene.jpg", b"%PDF-1.7 not a photo at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        add_photo(task, photo=fake, by=world.users["supervisor"], now=MONDAY)
    assert error.value.message_dict["photo"] == [
        "“scene.jpg” is not a photo: send a JPEG, PNG or WebP image."
    ]
    task.refresh_from_db()
    assert (task.version, InspectionPhoto.objects.count(), stored_files(media)) == (1, 0, [])


def test_a_truncated_image_is_refused(world, media):
    task = assign(world)
    data = jpeg(size=(400, 300)).read()
    cut = SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        add_photo(task, photo=cut, by=world.users["supervisor"], now=MONDAY)
    assert "photo" in error.value.message_dict
    assert stored_files(media) == []


def test_a_photo_is_stored_re_encoded_without_its_exif_location(world, media):
    task = assign(world)
    upload = jpeg(gps=True)
    with Image.open(io.BytesIO(upload.read())) as sent:
        assert 0x8825 in sent.getexif()  # the phone's photo carries its GPS position
    upload.seek(0)
    photo = add_photo(task, photo=upload, by=world.users["supervisor"], now=MONDAY)
    assert (photo.content_type, photo.width, photo.height, photo.name) == (
        "image/jpeg",
        64,
        48,
        "IMG_0001.jpg",
    )
    with photo.file.open("rb") as handle, Image.open(handle) as kept:
        assert kept.format == "JPEG" and len(kept.getexif()) == 0
    assert len(stored_files(media)) == 1 and photo.file.name.startswith("inspections/2026/12/")


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("GOVHALL_INSPECTION_PHOTO_MAX_PIXELS", 1000, "megapixels"),
        ("GOVHALL_INSPECTION_PHOTO_MAX_BYTES", 200, "MB"),
    ],
)
def test_a_photo_over_the_bounds_is_refused(world, media, settings, setting, value, words):
    setattr(settings, setting, value)
    task = assign(world)
    with pytest.raises(ValidationError) as error:
        add_photo(task, photo=jpeg(size=(64, 48)), by=world.users["supervisor"], now=MONDAY)
    assert words in error.value.message_dict["photo"][0]
    assert stored_files(media) == []


def test_a_large_photo_is_scaled_to_the_longest_side(world, media, settings):
    settings.GOVHALL_INSPECTION_PHOTO_MAX_SIDE = 100
    photo = add_photo(assign(world), photo=png((400, 200)), by=world.users["supervisor"], now=MONDAY)
    assert (photo.width, photo.height, photo.content_type) == (100, 50, "image/png")


# Lights and reminders


def test_the_sweep_reminds_once_at_yellow_and_escalates_once_at_red(world):
    task = assign(world)
    Notification.objects.all().delete()
    assert sweep_inspections(1, now=at("2026-12-08 12:00")) == 0
    assert sweep_inspections(1, now=at("2026-12-09 08:00")) == 1
    assert sweep_inspections(1, now=at("2026-12-09 09:00")) == 0
    yellow = Notification.objects.get(kind="inspection_yellow")
    assert yellow.recipient == world.users["supervisor"]
    assert sweep_inspections(2, now=at("2026-12-11 00:00")) == 1
    assert sweep_inspections(2, now=at("2026-12-11 01:00")) == 0
    told = set(
        Notification.objects.filter(kind="inspection_red").values_list("recipient__username", flat=True)
    )
    assert told == {"supervisor", "admin"}
    rows = inspections.annotate_lights(Inspection.objects.filter(pk=task.pk), at("2026-12-11 00:00"))
    assert rows.get().light == "red"


def test_a_concluded_task_is_not_reminded(world):
    task = assign(world)
    conclude(
        task, verdict="done", findings="好", by=world.users["supervisor"], now=MONDAY + timedelta(hours=1)
    )
    assert sweep_inspections(2, now=at("2026-12-20 00:00")) == 0
