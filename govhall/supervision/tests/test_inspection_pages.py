"""The on-site inspection pages: the centre assigns, the inspector sees only their tasks, records findings,
adds photos (a file that is not an image is refused at the field, nothing written) and gives the verdict;
photos are served only to those who may see the task."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from PIL import Image

from govhall.cases.tests.factories import UserFactory
from govhall.core.models import Role
from govhall.supervision.inspections import assign_inspection
from govhall.supervision.models import Inspection, InspectionPhoto, InspectionState
from govhall.supervision.tests.conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-12-07 09:00")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def task(world):
    return assign_inspection(
        kind="hall",
        reference=world.township.code,
        inspector=world.users["supervisor"],
        instruction="查看帮办窗口",
        by=world.users["admin"],
        now=NOW,
    )


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (0, 0, 255)).save(out, "PNG")
    return out.getvalue()


def test_the_centre_assigns_through_the_form(client, world):
    client.force_login(world.users["admin"])
    page = client.get("/supervision/inspections/new/?kind=hall&ref=QS0101")
    assert page.status_code == 200 and 'value="QS0101"' in page.content.decode()
    response = client.post(
        "/supervision/inspections/new/",
        {
            "kind": "hall",
            "reference": "QS0101",
            "inspector": world.users["supervisor"].pk,
            "instruction": "查看",
        },
    )
    made = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/supervision/inspections/{made.pk}/"


def test_a_bad_reference_is_named_at_its_field(client, world):
    client.force_login(world.users["admin"])
    response = client.post(
        "/supervision/inspections/new/",
        {
            "kind": "hall",
            "reference": "NOPE",
            "inspector": world.users["supervisor"].pk,
            "instruction": "查看",
        },
    )
    assert response.status_code == 200 and 'data-error="reference"' in response.content.decode()
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "handler", "operator"])
def test_only_the_centre_opens_the_assignment_form(client, world, role):
    client.force_login(world.users[role])
    assert client.get("/supervision/inspections/new/").status_code == 403


def test_an_inspector_sees_only_their_tasks(client, world, task):
    other = UserFactory(username="supervisor2", role=Role.SUPERVISOR)
    client.force_login(other)
    assert f'data-inspection="{task.pk}"' not in client.get("/supervision/inspections/").content.decode()
    assert client.get(f"/supervision/inspections/{task.pk}/").status_code == 404
    client.force_login(world.users["supervisor"])
    assert f'data-inspection="{task.pk}"' in client.get("/supervision/inspections/").content.decode()
    page = client.get(f"/supervision/inspections/{task.pk}/").content.decode()
    assert 'data-test="form-verdict"' in page and 'data-test="form-photo"' in page
    client.force_login(world.users["handler"])
    assert client.get("/supervision/inspections/").status_code == 403


def test_a_file_that_is_not_an_image_is_refused_at_the_field_and_nothing_is_written(
    client, world, task, media
):
    client.force_login(world.users["supervisor"])
    fake = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00 an executable", content_type="image/jpeg")
    response = client.post(f"/supervision/inspections/{task.pk}/photo/", {"p-photo": fake, "p-version": 1})
    body = response.content.decode()
    assert (
        response.status_code == 200 and 'data-error="photo"' in body and "不是照片" in body
    )  # the pages speak zh-Hans first
    assert not InspectionPhoto.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_findings_photo_and_verdict_through_the_page(client, world, task, media):
    client.force_login(world.users["supervisor"])
    url = f"/supervision/inspections/{task.pk}/"
    client.post(url + "record/", {"f-findings": "窗口有人值守", "f-version": 1})
    photo = SimpleUploadedFile("spot.png", png_bytes(), content_type="image/png")
    assert client.post(url + "photo/", {"p-photo": photo, "p-version": 2}).status_code == 302
    client.post(url + "verdict/", {"v-verdict": "done", "v-version": 3})
    task.refresh_from_db()
    assert (task.state, task.findings, task.version) == (InspectionState.DONE, "窗口有人值守", 4)
    stored = InspectionPhoto.objects.get()
    image = client.get(f"{url}photos/{stored.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    served = b"".join(image.streaming_content)
    # Closing the response sends request_finished, whose close_old_connections would close the test's
    # connection (PostgreSQL): kept off for the moment, as the test client does during a request.
    request_finished.disconnect(close_old_connections)
    try:
        image.close()
    finally:
        request_finished.connect(close_old_connections)
    with stored.file.open("rb") as handle:
        assert served == handle.read()
    client.force_login(UserFactory(username="supervisor2", role=Role.SUPERVISOR))
    assert client.get(f"{url}photos/{stored.pk}/").status_code == 404


def test_a_stale_form_is_refused_with_a_message(client, world, task):
    client.force_login(world.users["supervisor"])
    url = f"/supervision/inspections/{task.pk}/"
    client.post(url + "record/", {"f-findings": "一", "f-version": 1})
    response = client.post(url + "verdict/", {"v-verdict": "done", "v-version": 1}, follow=True)
    task.refresh_from_db()
    assert task.state == InspectionState.PENDING and response.status_code == 200
