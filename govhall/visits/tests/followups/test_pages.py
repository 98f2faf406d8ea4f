"""The staff pages: the department's list with lights, a follow-up with the forms of its moves, the
centre's appeals, and the link in the navigation."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.core.navigation import navigation_for
from govhall.visits.models.followups import FollowUp
from govhall.visits.services import followups as services
from govhall.visits.tests.followups.conftest import at, open_for

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "sees"),
    [("handler", True), ("head", True), ("supervisor", True), ("leader", True), ("clerk", False)],
)
def test_the_navigation_links_the_follow_ups_for_the_roles_that_handle_them(world, who, sees):
    keys = [link.key for link in navigation_for(world.users[who])]
    assert ("follow-ups" in keys) is sees


def test_the_department_list_shows_the_red_light(world):
    follow_up = open_for(world, at("2020-01-02 10:00"))
    page = client_for(world.users["handler"]).get("/visits/follow-ups/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-follow-up="{follow_up.pk}"' in html and 'data-light="red"' in html
    other = client_for(world.users["other_handler"]).get("/visits/follow-ups/").content.decode()
    assert f'data-follow-up="{follow_up.pk}"' not in other
    assert client_for(world.users["clerk"]).get("/visits/follow-ups/").status_code == 403


def test_the_follow_up_page_offers_the_department_its_moves_and_verifies(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    handler = client_for(world.users["handler"])
    html = handler.get(f"/visits/follow-ups/{follow_up.pk}/").content.decode()
    assert 'data-test="form-verify"' in html and 'data-test="form-appeal"' in html
    assert "13812345678" in html  # the department calls the rater back
    assert 'data-test="form-decide_appeal"' not in html
    refused = handler.post(f"/visits/follow-ups/{follow_up.pk}/verify/", {"version": 1, "explanation": "x"})
    assert refused.status_code == 200
    assert 'data-error="finding"' in refused.content.decode()
    done = handler.post(
        f"/visits/follow-ups/{follow_up.pk}/verify/",
        {"version": 1, "finding": "founded", "explanation": "属实", "called_back_at": "2026-12-01T10:30"},
    )
    assert done.status_code == 302
    verified = FollowUp.objects.get(pk=follow_up.pk)
    assert (verified.state, verified.called_back_at) == ("rectifying", at("2026-12-01 10:30"))
    html = handler.get(f"/visits/follow-ups/{follow_up.pk}/").content.decode()
    assert 'data-test="form-rectify"' in html and 'data-test="form-report_back"' not in html


def test_the_supervisor_sees_a_masked_rater_and_decides_appeals(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    services.appeal(follow_up, grounds="恶意差评", by=world.users["head"], now=at("2026-12-01 10:00"))
    supervisor = client_for(world.users["supervisor"])
    appeals = supervisor.get("/visits/follow-ups/appeals/").content.decode()
    assert f'data-follow-up="{follow_up.pk}"' in appeals
    html = supervisor.get(f"/visits/follow-ups/{follow_up.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert 'data-test="form-decide_appeal"' in html
    supervisor.post(
        f"/visits/follow-ups/{follow_up.pk}/decide_appeal/",
        {"version": 2, "decision": "upheld", "note": "核实"},
    )
    html = supervisor.get(f"/visits/follow-ups/{follow_up.pk}/").content.decode()
    assert 'data-test="not-counted"' in html


def test_a_stale_form_says_so(world):
    follow_up = open_for(world, at("2026-12-01 09:00"))
    handler = client_for(world.users["handler"])
    handler.post(f"/visits/follow-ups/{follow_up.pk}/appeal/", {"version": 1, "grounds": "x"})
    again = handler.post(
        f"/visits/follow-ups/{follow_up.pk}/appeal/", {"version": 1, "grounds": "x"}, follow=True
    )
    assert "已被他人修改" in again.content.decode()
