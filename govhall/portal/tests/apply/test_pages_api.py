"""The online application through the pages (without JavaScript) and the API: same rules, 409 with what
changed, 404 for other accounts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.core.api_errors import field_errors
from govhall.portal.tests.apply.support import FILLED, NOW, draft, submitted, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client, world):
    client.force_login(world.users["citizen"])
    return client


def test_the_whole_application_through_the_pages(citizen, world):
    response = citizen.post(reverse("portal:apply", args=[world.item.code]))
    assert response.status_code == 302
    edit = response["Location"]
    page = citizen.get(edit)
    assert page.status_code == 200 and "checklist" in page.content.decode()
    app = world.users["citizen"].applications.get()
    response = citizen.post(edit, {**FILLED, "version": app.version, "action": "save"})
    assert response.status_code == 302
    for pk in world.required_ids:
        url = reverse("portal:application-upload", args=[app.pk, pk])
        assert citizen.post(url, {"file": upload()}).status_code == 302
    app.refresh_from_db()
    response = citizen.post(edit, {**FILLED, "version": app.version, "action": "submit"})
    assert response.status_code == 302
    receipt = citizen.get(response["Location"]).content.decode()
    app.refresh_from_db()
    assert app.case.number in receipt and app.case.verification_code in receipt


def test_a_wrong_check_digit_is_listed_in_the_error_summary(citizen, world):
    app = draft(world)
    edit = reverse("portal:application", args=[app.pk])
    response = citizen.post(
        edit, {"id_number": "370181199001011230", "version": app.version, "action": "save"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and 'href="#id_number"' in body and "error-summary" in body


def test_a_stale_page_save_answers_409_and_keeps_the_entries(citizen, world):
    app = draft(world)
    edit = reverse("portal:application", args=[app.pk])
    citizen.post(edit, {"applicant_name": "张三", "version": app.version, "action": "save"})
    response = citizen.post(edit, {"applicant_name": "李四", "version": app.version, "action": "save"})
    body = response.content.decode()
    assert response.status_code == 409 and "张三" in body and 'value="李四"' in body


def test_upload_with_content_not_matching_its_name(citizen, world):
    app = draft(world)
    url = reverse("portal:application-upload", args=[app.pk, world.required_ids[0]])
    response = citizen.post(url, {"file": upload("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40)})
    body = response.content.decode()
    assert response.status_code == 400 and "申请书" in body and "PDF" in body and "error-summary" in body


@pytest.mark.parametrize(
    "name", ["portal:application", "portal:application-receipt", "portal:application-correct",
             "portal:application-withdraw"],
)  # fmt: skip
def test_other_accounts_get_404_on_the_pages(client, world, name):
    app = submitted(world) if name != "portal:application" else draft(world)
    client.force_login(world.users["stranger"])
    assert client.get(reverse(name, args=[app.pk])).status_code == 404


def test_sign_in_is_required(client, world):
    assert client.get(reverse("portal:apply", args=[world.item.code])).status_code == 302


def test_withdraw_page(citizen, world):
    app = submitted(world)
    response = citizen.post(reverse("portal:application-withdraw", args=[app.pk]), {"reason": "不再需要"})
    assert response.status_code == 302
    app.case.refresh_from_db()
    assert app.case.state == "withdrawn"


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.users["citizen"])
    return client


def test_the_whole_application_through_the_api(api, world):
    response = api.post("/api/v1/portal/applications/", {"item": world.item.code}, format="json")
    assert response.status_code == 201
    pk, version = response.data["id"], response.data["version"]
    base = f"/api/v1/portal/applications/{pk}/"
    response = api.patch(base, {"data": FILLED}, format="json", HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200
    for material in world.required_ids:
        assert (
            api.post(f"{base}materials/{material}/", {"file": upload()}, format="multipart").status_code
            == 201
        )
    version = api.get(base).data["version"]
    assert api.get(base).data["checklist"] == []
    response = api.post(f"{base}submit/", {"version": version}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["case"]["state"] == "received" and response.data["case"]["number"]


def test_api_stale_save_is_409_with_the_changes(api, world):
    app = draft(world)
    base = f"/api/v1/portal/applications/{app.pk}/"
    api.patch(base, {"data": {"phone": "13900000000"}, "version": app.version}, format="json")
    response = api.patch(base, {"data": {"phone": "13700000000"}, "version": app.version}, format="json")
    assert response.status_code == 409
    assert response.data["changes"] == {"phone": {"yours": "13700000000", "theirs": "13900000000"}}


def test_api_save_without_a_version_is_428(api, world):
    app = draft(world)
    response = api.patch(f"/api/v1/portal/applications/{app.pk}/", {"data": {}}, format="json")
    assert response.status_code == 428


def test_api_submission_with_a_missing_material_names_it(api, world):
    app = draft(world)
    base = f"/api/v1/portal/applications/{app.pk}/"
    api.patch(base, {"data": FILLED, "version": app.version}, format="json")
    response = api.post(f"{base}submit/", {"version": app.version + 1}, format="json")
    assert response.status_code == 400 and f"material_{world.required_ids[0]}" in field_errors(
        response.json()
    )


@pytest.mark.parametrize("path", ["", "submit/", "withdraw/", "materials/1/", "correction/"])
def test_other_accounts_get_404_in_the_api(world, path):
    app = submitted(world)
    client = APIClient()
    client.force_authenticate(world.users["stranger"])
    method = client.get if path == "" else client.post
    assert method(f"/api/v1/portal/applications/{app.pk}/{path}").status_code == 404


def test_the_api_is_in_the_schema(api):
    schema = api.get("/api/schema/").content.decode()
    assert "/api/v1/portal/applications/{id}/submit/" in schema
    assert NOW  # the shared clock of these tests


def test_the_submission_answers_the_case_in_few_queries(api, world, django_assert_max_num_queries):
    """The submission is the online twin of the window's intake: its answer is the new state and the case
    (the whole application is a GET away), and the work is a bounded number of statements, whatever the
    number of situation questions (kept per process with the published version)."""
    response = api.post("/api/v1/portal/applications/", {"item": world.item.code}, format="json")
    pk, version = response.data["id"], response.data["version"]
    base = f"/api/v1/portal/applications/{pk}/"
    api.patch(base, {"data": FILLED, "version": version}, format="json")
    for material in world.required_ids:
        api.post(f"{base}materials/{material}/", {"file": upload()}, format="multipart")
    version = api.get(base).data["version"]
    with django_assert_max_num_queries(34):
        response = api.post(f"{base}submit/", {"version": version}, format="json")
    assert response.status_code == 200, response.data
    assert set(response.data) == {"id", "state", "version", "submitted_at", "case"}
    assert response.data["state"] == "submitted" and response.data["version"] == version + 1
    assert response["ETag"] == f'"{version + 1}"'
    assert response.data["case"]["number"] and response.data["case"]["state"] == "received"
