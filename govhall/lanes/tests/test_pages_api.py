"""The lane pages and API: a clerk files with the unified form (every error listed at once), the lane
page shows who is done and who holds the lane up, actions with versions (409 when stale)."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.core.api_errors import field_errors
from govhall.lanes.models import LaneCase, LaneCaseState, LaneItemCase
from govhall.lanes.tests.conftest import GOOD, LaneWorld


@pytest.fixture
def clerk_client(lane_world: LaneWorld) -> Client:
    client = Client()
    client.force_login(lane_world.users["clerk"])
    return client


def test_the_clerk_files_with_one_form_and_sees_the_lane_page(lane_world: LaneWorld, clerk_client):
    page = clerk_client.get("/lanes/apply/", {"lane": lane_world.lane.code})
    assert page.status_code == 200
    assert "店铺名称" in page.content.decode()
    panel = clerk_client.get("/lanes/apply/form/", {"lane": lane_world.lane.code}, HTTP_HX_REQUEST="true")
    assert 'name="shop"' in panel.content.decode()
    materials = [str(pk) for pk in lane_world.lane.materials.values_list("pk", flat=True)]
    response = clerk_client.post(
        "/lanes/apply/", {"lane": lane_world.lane.code, **GOOD, "materials": materials}, follow=True
    )
    assert response.status_code == 200
    lane_case = LaneCase.objects.get()
    html = response.content.decode()
    assert lane_case.number in html
    assert html.count('data-test="holding"') == 2  # both first-stage departments are working


def test_an_invalid_form_lists_every_error_and_files_nothing(lane_world: LaneWorld, clerk_client):
    response = clerk_client.post(
        "/lanes/apply/", {"lane": lane_world.lane.code, **GOOD, "phone": "1", "area": "x", "kind": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "申请未提交：有 3 处问题。" in html  # the pages speak Chinese first
    for key in ("phone", "area", "kind"):
        assert f'data-error="{key}"' in html
    assert not LaneCase.objects.exists()


def test_api_apply_detail_and_a_stale_write_answers_409(lane_world: LaneWorld, clerk_client):
    materials = list(lane_world.lane.materials.values_list("pk", flat=True))
    created = clerk_client.post(
        f"/api/v1/lanes/{lane_world.lane.code}/apply/",
        {"data": GOOD, "materials": materials},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == LaneCaseState.IN_PROGRESS
    assert [i["item"] for i in body["stages"][0]["items"]] == ["食品经营许可A", "卫生许可B"]
    pk = body["id"]
    missing = clerk_client.post(
        f"/api/v1/lane-cases/{pk}/withdraw/", {"reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 428
    stale = clerk_client.post(
        f"/api/v1/lane-cases/{pk}/withdraw/",
        {"reason": "x"},
        content_type="application/json",
        HTTP_IF_MATCH='"99"',
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    done = clerk_client.post(
        f"/api/v1/lane-cases/{pk}/withdraw/",
        {"reason": "不办了"},
        content_type="application/json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert done.status_code == 200 and done.json()["state"] == LaneCaseState.WITHDRAWN
    again = clerk_client.post(
        f"/api/v1/lane-cases/{pk}/withdraw/",
        {"reason": "x"},
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"


def test_api_lists_every_form_error_at_once(lane_world: LaneWorld, clerk_client):
    response = clerk_client.post(
        f"/api/v1/lanes/{lane_world.lane.code}/apply/",
        {"data": {**GOOD, "name": "", "area": "-1"}, "materials": []},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(field_errors(response.json())) == {"name", "area"}
    assert not LaneItemCase.objects.exists()


def test_the_compression_endpoint_is_public(lane_world: LaneWorld):
    response = Client().get("/api/v1/compression")
    assert response.status_code == 200
    assert {lane["code"] for lane in response.json()["lanes"]} == {lane_world.lane.code}


def test_a_handler_of_another_department_does_not_see_the_lane_case(lane_world: LaneWorld, now, make_user):
    from govhall.catalog.tests.factories import DepartmentFactory

    lane_case = lane_world.apply(now)
    stranger = make_user("stranger", department=DepartmentFactory(code="XX"))
    client = Client()
    client.force_login(stranger)
    assert client.get(f"/lanes/{lane_case.pk}/").status_code == 404
    client.force_login(lane_world.users["other_handler"])
    assert client.get(f"/lanes/{lane_case.pk}/").status_code == 200


def test_the_admin_shows_lanes_read_only_once_published_and_exports_the_form(
    lane_world: LaneWorld, make_user
):
    admin_user = make_user("root", role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    lane = lane_world.lane
    assert client.get("/admin/lanes/lane/").status_code == 200
    page = client.get(f"/admin/lanes/lane/{lane.pk}/change/")
    assert page.status_code == 200
    assert 'name="name"' not in page.content.decode()  # read-only
    exported = client.post("/admin/lanes/lane/", {"action": "export_form", "_selected_action": [lane.pk]})
    assert exported.status_code == 200 and exported.json()["lane"] == lane.code
    assert client.get("/admin/lanes/lanecase/").status_code == 200


def test_the_lanes_command_exports_and_imports_the_form(lane_world: LaneWorld, now, tmp_path):
    from django.core.management import call_command

    from govhall.lanes import services
    from govhall.lanes.unified import form_as_json

    target = tmp_path / "form.json"
    call_command("lanes", "export", lane_world.lane.code, str(target))
    draft = services.revise_lane(lane_world.lane, by=None, now=now)
    call_command("lanes", "import", lane_world.lane.code, str(target))
    assert form_as_json(draft) == form_as_json(lane_world.lane)
