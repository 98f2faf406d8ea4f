"""Documents on a case: type and size checked, who may attach, the event, download boundaries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from govhall.cases import services
from govhall.cases.errors import CaseForbidden, StaleVersion
from govhall.cases.models import CaseDocument, CaseEvent
from govhall.cases.tests.conftest import at
from govhall.core.api_errors import field_errors

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OFD = b"PK\x03\x04" + b"\x00" * 64

NOW = at("2026-03-02 10:00")


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def add(world, case, name="licence.pdf", content=PDF, user="clerk", **kwargs):
    kwargs.setdefault("expected_version", case.version)
    return services.add_document(case, file=upload(name, content), by=world.users[user], now=NOW, **kwargs)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("licence.pdf", PDF, "application/pdf"),
        ("身份证.JPG", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("map.png", PNG, "image/png"),
        ("电子证照.ofd", OFD, "application/ofd"),
    ],
)
def test_accepted_types_are_stored_with_their_type_and_digest(world, media, name, content, content_type):
    case = world.receive(NOW)
    document = add(world, case, name, content)
    assert (document.name, document.content_type, document.size) == (name, content_type, len(content))
    assert len(document.sha256) == 64
    assert (media / document.file.name).read_bytes() == content
    assert not document.file.name.endswith(name)  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "Only these file types are accepted"),
        ("virus.exe", b"MZ\x90\x00", "Only these file types are accepted"),
        ("noextension", PDF, "Only these file types are accepted"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "its name and its content must agree"),
        ("fake.png", JPEG, "its name and its content must agree"),
        ("empty.pdf", b"", "The file is empty"),
    ],
)
def test_bad_files_are_refused_naming_the_field_and_the_rule(world, media, name, content, message):
    case = world.receive(NOW)
    with pytest.raises(ValidationError) as error:
        add(world, case, name, content)
    assert message in error.value.message_dict["file"][0]
    assert not CaseDocument.objects.exists()
    assert not (media / "cases").exists() or not any((media / "cases").rglob("*.*"))


def test_too_large_a_file_is_refused_with_the_limit(world, settings):
    settings.GOVHALL_MAX_UPLOAD_BYTES = 1024
    case = world.receive(NOW)
    with pytest.raises(ValidationError) as error:
        add(world, case, content=PDF + b"0" * 2000)
    assert "at most 1.0\xa0KB is accepted" in error.value.message_dict["file"][0]


def test_an_upload_is_an_event_and_a_new_version_and_leaves_the_clock_alone(world):
    case = world.receive(NOW)
    before = (case.promised_due, case.legal_due, case.state)
    version = case.version
    material = case.materials.first()
    document = add(world, case, material=material.pk, note="扫描件")
    case.refresh_from_db()
    assert (case.promised_due, case.legal_due, case.state) == before
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.kind, event.data["document"], event.data["material"], event.reason) == (
        "document_added",
        document.pk,
        material.material_id,
        "扫描件",
    )
    assert case.version == version + 1
    # The case goes on as before, with the next sequence number.
    services.accept_case(case, by=world.users["clerk"], now=NOW, expected_version=case.version)
    rows = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("seq", "kind"))
    assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1))
    assert [kind for _, kind in rows[-3:]] == ["document_added", "accepted", "step_started"]


def test_a_stale_version_stores_nothing(world, media):
    case = world.receive(NOW)
    with pytest.raises(StaleVersion):
        add(world, case, expected_version=case.version + 5)
    assert not CaseDocument.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_a_material_of_another_case_is_refused(world):
    case = world.receive(NOW)
    other = world.receive(NOW)
    with pytest.raises(ValidationError) as error:
        add(world, case, material=other.materials.first().pk)
    assert "material" in error.value.message_dict


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        ("clerk", True),
        ("handler", True),
        ("head", True),
        ("other_clerk", False),
        ("other_handler", False),
        ("supervisor", False),
        ("leader", False),
        ("admin", False),
        ("applicant", False),
    ],
)
def test_who_may_attach(world, user, allowed):
    case = world.accepted(NOW)
    if allowed:
        add(world, case, user=user)
        assert CaseDocument.objects.count() == 1
    else:
        with pytest.raises(CaseForbidden):
            add(world, case, user=user)
        assert not CaseDocument.objects.exists()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_upload_list_and_download(world):
    case = world.receive(NOW)
    url = f"/api/v1/cases/{case.pk}/documents/"
    missing = api(world.users["clerk"]).post(url, {"file": upload("a.pdf", PDF)}, format="multipart")
    assert missing.status_code == 428
    response = api(world.users["clerk"]).post(
        url,
        {"file": upload("a.pdf", PDF), "note": "扫描"},
        format="multipart",
        HTTP_IF_MATCH=f'"{case.version}"',
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["content_type"], body["size"], body["note"]) == (
        "a.pdf",
        "application/pdf",
        len(PDF),
        "扫描",
    )
    assert response["ETag"] == f'"{case.version + 1}"'
    stale = api(world.users["clerk"]).post(
        url, {"file": upload("b.pdf", PDF)}, format="multipart", HTTP_IF_MATCH=f'"{case.version}"'
    )
    assert stale.status_code == 409
    bad = api(world.users["clerk"]).post(
        url, {"file": upload("b.txt", b"x")}, format="multipart", HTTP_IF_MATCH=f'"{case.version + 1}"'
    )
    assert bad.status_code == 400 and "file" in field_errors(bad.json())
    listed = api(world.users["supervisor"]).get(url)
    assert [d["name"] for d in listed.json()] == ["a.pdf"]
    download = api(world.users["supervisor"]).get(body["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    # Another department's handler does not see the case at all.
    assert api(world.users["other_handler"]).get(url).status_code == 404
    assert api(world.users["other_handler"]).get(body["download"]).status_code == 404
    # A supervisor reads and changes nothing.
    assert (
        api(world.users["supervisor"])
        .post(url, {"file": upload("c.pdf", PDF)}, format="multipart", HTTP_IF_MATCH='"*"')
        .status_code
        == 403
    )


def test_page_upload_and_download(client, world):
    case = world.receive(NOW)
    client.force_login(world.users["clerk"])
    page = client.get(f"/cases/{case.pk}/")
    assert b'name="file"' in page.content
    response = client.post(
        f"/cases/{case.pk}/documents/",
        {"file": upload("证明.pdf", PDF), "version": case.version, "note": ""},
    )
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    page = client.get(f"/cases/{case.pk}/")
    assert "证明.pdf" in page.content.decode()
    download = client.get(f"/cases/{case.pk}/documents/{document.pk}/")
    assert b"".join(download.streaming_content) == PDF
    bad = client.post(
        f"/cases/{case.pk}/documents/",
        {"file": upload("x.exe", b"MZ"), "version": case.version + 1},
        follow=True,
    )
    assert "只接受以下文件类型" in bad.content.decode()  # pages speak Chinese
    assert CaseDocument.objects.count() == 1
    client.force_login(world.users["other_handler"])
    assert client.get(f"/cases/{case.pk}/documents/{document.pk}/").status_code == 404


def test_no_file_is_refused(world):
    case = world.receive(NOW)
    with pytest.raises(ValidationError) as error:
        services.add_document(
            case, file=None, by=world.users["clerk"], now=NOW, expected_version=case.version
        )
    assert error.value.message_dict["file"] == ["Choose a file to upload."]
