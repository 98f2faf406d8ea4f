"""An online fast-lane application after submission: an item case returned for correction is corrected
from the portal in the lane's own slots, and the whole application can be withdrawn before the lane is
accepted."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from govhall.cases import services as cases
from govhall.cases.models import CaseState
from govhall.lanes import services as lane_services
from govhall.lanes.models import LaneCaseState, LaneItemCase
from govhall.lanes.tests.conftest import GOOD, build_lane
from govhall.portal import services
from govhall.portal.services.lane_returns import lane_returns
from govhall.portal.tests.apply.support import NOW, at, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted_lane(world):
    lane, _items = build_lane(world)
    lane = lane_services.publish_lane(lane, by=world.users["admin"], now=NOW)
    app = services.start_application(by=world.users["citizen"], now=NOW, lane=lane)
    app = services.save_draft(app, data=GOOD, by=app.owner, now=NOW, expected_version=app.version)
    for _lane_material, material in services.forms.lane_slots(lane):
        services.upload_material(app, material=material.pk, file=upload(), by=app.owner, now=NOW)
    app.refresh_from_db()
    return services.submit_application(app, by=app.owner, now=NOW, expected_version=app.version)


def item_cases(app):
    links = LaneItemCase.objects.filter(lane_case=app.lane_case).select_related("case").order_by("case_id")
    return [link.case for link in links]


def return_first(world, app):
    """The first item case's department returns the first material it received (一次性告知)."""
    case = item_cases(app)[0]
    row = (
        case.materials.filter(received=True).select_related("material").order_by("material__position").first()
    )
    cases.request_supplement(
        case, missing=[row.material_id], note="请更正", by=world.users["clerk"], now=at("2026-03-02 15:00")
    )
    return case, row


def test_a_returned_item_case_is_corrected_in_the_lanes_slot(world, submitted_lane):
    app = submitted_lane
    case, row = return_first(world, app)
    returns = lane_returns(app)
    assert len(returns) == 1
    slot, wanted = next(iter(returns.items()))
    assert wanted.rows == [(case, row)]
    with pytest.raises(ValidationError) as error:
        services.resubmit_correction(app, by=app.owner, now=NOW, expected_version=app.version)
    assert wanted.name in error.value.message_dict[f"material_{slot}"][0]
    services.upload_material(
        app, material=slot, file=upload("fixed.pdf"), by=app.owner, now=at("2026-03-03 09:00")
    )
    app.refresh_from_db()
    app = services.resubmit_correction(
        app, by=app.owner, now=at("2026-03-03 09:00"), expected_version=app.version
    )
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED  # back to its department's pre-review
    assert case.documents.filter(name="fixed.pdf", material=row).exists()
    assert lane_returns(app) == {}


def test_the_correction_through_the_pages(client, world, submitted_lane):
    app = submitted_lane
    client.force_login(app.owner)
    return_first(world, app)
    receipt = client.get(reverse("portal:application-receipt", args=[app.pk])).content.decode()
    assert reverse("portal:application-correct", args=[app.pk]) in receipt
    page = client.get(reverse("portal:application-correct", args=[app.pk])).content.decode()
    assert "请更正" in page
    slot = next(iter(lane_returns(app)))
    response = client.post(
        reverse("portal:application-upload", args=[app.pk, slot]), {"file": upload("fixed.pdf")}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    response = client.post(reverse("portal:application-correct", args=[app.pk]), {"version": app.version})
    assert response.status_code == 302
    assert {c.state for c in item_cases(app)} == {CaseState.RECEIVED}


def test_the_lane_application_is_withdrawn_before_acceptance_as_by_the_applicant(world, submitted_lane):
    app = submitted_lane
    app = services.withdraw_application(app, reason="不再经营", by=app.owner, now=NOW)
    app.lane_case.refresh_from_db()
    assert app.lane_case.state == LaneCaseState.WITHDRAWN
    for case in item_cases(app):
        assert case.state == CaseState.WITHDRAWN
        assert case.events.get(kind="withdrawn").data["by"] == "applicant"
    assert app.lane_case.events.get(kind="withdrawn").data["by"] == "applicant"


def test_the_lane_application_cannot_be_withdrawn_online_once_accepted(world, submitted_lane):
    app = submitted_lane
    for case in item_cases(app):
        cases.accept_case(case, by=world.users["clerk"], now=at("2026-03-02 15:00"))
    app.lane_case.refresh_from_db()
    assert app.lane_case.state == LaneCaseState.IN_PROGRESS
    with pytest.raises(ValidationError) as error:
        services.withdraw_application(app, reason="不再经营", by=app.owner, now=at("2026-03-03 09:00"))
    assert "before it is accepted" in error.value.message_dict["state"][0]


def test_withdrawal_through_the_page_and_the_api(client, world, submitted_lane):
    from rest_framework.test import APIClient

    app = submitted_lane
    client.force_login(app.owner)
    receipt = client.get(reverse("portal:application-receipt", args=[app.pk])).content.decode()
    assert reverse("portal:application-withdraw", args=[app.pk]) in receipt
    assert client.get(reverse("portal:application-withdraw", args=[app.pk])).status_code == 200
    stranger = APIClient()
    stranger.force_authenticate(world.users["stranger"])
    url = f"/api/v1/portal/applications/{app.pk}/withdraw/"
    assert stranger.post(url, {"reason": "x", "version": app.version}, format="json").status_code == 404
    api = APIClient()
    api.force_authenticate(app.owner)
    response = api.post(url, {"reason": "不再经营", "version": app.version}, format="json")
    assert response.status_code == 200
    app.lane_case.refresh_from_db()
    assert app.lane_case.state == LaneCaseState.WITHDRAWN
