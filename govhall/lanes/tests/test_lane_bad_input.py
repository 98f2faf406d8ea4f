"""Bad input to the unified form (issue 20): "NaN" as a number, a 1 MB address, a date in year 1 — each a
400 naming the field and the rule over the API, nothing filed. Before, "NaN" was a 500 (a Decimal that no
comparison accepts), an address had no limit, and a year-1 date reached the working-day arithmetic."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.core.api_errors import field_errors
from govhall.lanes.models import LaneCase, LaneItemCase
from govhall.lanes.tests.conftest import GOOD, LaneWorld

ROWS = [
    # (id, field, value, words of the rule in the error)
    ("nan", "area", "NaN", "enter a number"),
    ("infinity", "area", "Infinity", "enter a number"),
    ("negative-infinity", "area", "-inf", "enter a number"),
    ("huge-exponent", "area", "1E+999999", "enter a number"),
    ("hundred-digits", "area", "9" * 100, "enter a number"),
    ("address-1mb", "address", "山东省泉山市" + "长" * 350_000, "at most 300 characters"),
    ("shop-1mb", "shop", "长" * 350_000, "at most 20 characters"),
    ("date-year-one", "opening", "0001-01-01", "2000-01-01"),
    ("date-year-9999", "opening", "9999-12-31", "2100-12-31"),
]


@pytest.fixture
def clerk_client(lane_world: LaneWorld) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(lane_world.users["clerk"])
    return client


@pytest.mark.parametrize(("field", "value", "rule"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_bad_values_in_the_unified_form_are_refused_naming_the_field(
    lane_world: LaneWorld, clerk_client, field, value, rule
):
    materials = list(lane_world.lane.materials.values_list("pk", flat=True))
    answer = clerk_client.post(
        f"/api/v1/lanes/{lane_world.lane.code}/apply/",
        {"data": {**GOOD, field: value}, "materials": materials},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400, answer.content[:300]
    errors = field_errors(answer.json())
    assert set(errors) == {field}, errors
    assert rule in errors[field][0], errors
    assert len(answer.content) < 2000, "the error echoes the input"
    assert not LaneCase.objects.exists() and not LaneItemCase.objects.exists()


def test_a_lane_suspension_of_a_million_working_days_is_refused(lane_world: LaneWorld, now):
    from django.core.exceptions import ValidationError

    from govhall.cases import services as case_services

    lane_case = lane_world.apply(now)
    link = LaneItemCase.objects.filter(lane_case=lane_case).select_related("case").first()
    with pytest.raises(ValidationError) as refused:
        case_services.suspend_case(
            link.case,
            kind="expert_review",
            expected_days=10**6,
            reason="专家评审",
            by=lane_world.handler_for(link.case),
            now=now,
        )
    assert "at most 250 working days" in refused.value.message_dict["expected_days"][0]
