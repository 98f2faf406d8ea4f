"""Each lane case has its own verification code for the public progress query (the query itself, with
lane numbers, is the online hall's: govhall/portal/tests/test_progress.py)."""

from __future__ import annotations

from django.test import Client

from govhall.lanes.tests.conftest import LaneWorld


def test_each_lane_case_has_its_own_code_shown_to_staff_who_see_personal_data(lane_world: LaneWorld, now):
    a, b = lane_world.apply(now), lane_world.apply(now)
    assert a.verification_code and a.verification_code != b.verification_code
    client = Client()
    client.force_login(lane_world.users["clerk"])
    assert a.verification_code in client.get(f"/lanes/{a.pk}/").content.decode()
