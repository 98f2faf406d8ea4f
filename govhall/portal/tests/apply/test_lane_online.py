"""A fast lane applied for online: the unified form (一表通) from the draft, the lane's set of materials
uploaded once, submitted into a lane case through the lanes' own service (channel online, no clerk);
each first-stage item case is received online, with the files of the materials it covers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from govhall.cases.models import CaseState, Channel
from govhall.lanes import services as lane_services
from govhall.lanes.models import LaneCaseState, LaneItemCase
from govhall.lanes.tests.conftest import GOOD, build_lane
from govhall.portal import services
from govhall.portal.models import ApplicationState
from govhall.portal.tests.apply.support import NOW, upload


@pytest.fixture
def lane(world):
    lane, _items = build_lane(world)
    return lane_services.publish_lane(lane, by=world.users["admin"], now=NOW)


def lane_draft(world, lane, *, data=GOOD):
    app = services.start_application(by=world.users["citizen"], now=NOW, lane=lane)
    return services.save_draft(app, data=data, by=app.owner, now=NOW, expected_version=app.version)


def upload_all(app, *, skip: str = ""):
    for lane_material, material in services.forms.lane_slots(app.lane):
        if lane_material.name != skip:
            services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    return app


def test_an_online_lane_application_becomes_a_received_lane_case(world, lane):
    app = upload_all(lane_draft(world, lane))
    assert services.checklist(app) == []
    app = services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert app.state == ApplicationState.SUBMITTED
    lane_case = app.lane_case
    assert lane_case.state == LaneCaseState.RECEIVED and lane_case.received_by is None
    assert lane_case.form_data["shop"] == "张三小吃"
    assert sorted(lane_case.materials) == sorted(lane.materials.values_list("pk", flat=True))
    cases = [link.case for link in LaneItemCase.objects.filter(lane_case=lane_case).select_related("case")]
    assert len(cases) == 2
    assert {c.state for c in cases} == {CaseState.RECEIVED} and {c.channel for c in cases} == {Channel.ONLINE}
    for case in cases:  # each item case has the file of every material it covers, in that material's row
        rows = case.materials.filter(received=True)
        assert rows.exists()
        assert set(case.documents.values_list("material_id", flat=True)) == set(
            rows.values_list("pk", flat=True)
        )


def test_a_lane_draft_missing_a_required_material_is_refused_naming_it(world, lane):
    app = upload_all(lane_draft(world, lane), skip="卫生管理制度")
    with pytest.raises(ValidationError) as error:
        services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert any("卫生管理制度" in " ".join(m) for m in error.value.message_dict.values())
    assert not LaneItemCase.objects.exists()


def test_the_unified_forms_rules_are_the_lanes_own_named_on_the_field(world, lane):
    app = upload_all(lane_draft(world, lane, data={**GOOD, "area": "0"}))
    with pytest.raises(ValidationError) as error:
        services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)
    assert "area" in error.value.message_dict


def test_a_lane_draft_saves_only_its_own_fields(world, lane):
    app = services.start_application(by=world.users["citizen"], now=NOW, lane=lane)
    with pytest.raises(ValidationError) as error:
        services.save_draft(app, data={"nickname": "x"}, by=app.owner, now=NOW, expected_version=app.version)
    assert "nickname" in error.value.message_dict


def test_the_lane_editor_and_receipt_pages(client, world, lane):
    client.force_login(world.users["citizen"])
    app = upload_all(lane_draft(world, lane))
    page = client.get(reverse("portal:application", args=[app.pk])).content.decode()
    assert 'id="shop"' in page and "卫生管理制度" in page
    response = client.post(
        reverse("portal:application", args=[app.pk]), {"version": app.version, "action": "submit", **GOOD}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    receipt = client.get(reverse("portal:application-receipt", args=[app.pk])).content.decode()
    assert app.lane_case.number in receipt and app.lane_case.verification_code in receipt
