"""The boards show online applications waiting for pre-review (预审) by the pre-review step's light: by
department of the item and by hall; a department head sees the own department's only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from govhall.cases import services
from govhall.cases.models import Channel
from govhall.cases.tests.factories import CONTACT, PERSON
from govhall.supervision.tests.conftest import at


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def online(world, now):
    return services.receive_case(
        item=world.item,
        applicant=PERSON,
        contact=CONTACT,
        materials=world.required_ids,
        hall=world.centre,
        window=None,
        by=None,
        now=now,
        channel=Channel.ONLINE,
    )


@pytest.fixture
def waiting(world, settings):
    settings.GOVHALL_PREREVIEW_DAYS = 1
    red = online(world, at("2026-03-02 09:00"))  # due long ago
    green = online(world, timezone.now() - timedelta(minutes=1))
    window = world.accepted(at("2026-03-02 09:00"))  # not an online case waiting: not counted here
    return red, green, window


def test_the_supervisor_board_counts_pre_review_lights_by_department_and_hall(world, waiting):
    page = client_for(world.users["supervisor"]).get("/supervision/")
    html = page.content.decode()
    assert 'data-test="prereview-department"' in html and 'data-test="prereview-hall"' in html
    (row,) = page.context["prereview_by_department"]
    assert (row.key, row.red, row.green) == (world.department.pk, 1, 1)
    (hall,) = page.context["prereview_by_hall"]
    assert (hall.key, hall.total) == (world.centre.pk, 2)
    assert page.context["prereview_total"].total == 2


def test_a_department_head_sees_the_own_departments_pre_review(world, waiting):
    own = client_for(world.users["head"]).get("/supervision/counts/", HTTP_HX_REQUEST="true")
    assert own.context["prereview_total"].red == 1
    other = client_for(world.users["other_head"]).get("/supervision/")
    assert other.context["prereview_total"].total == 0
    assert "No online application waits for pre-review." in other.content.decode()


def test_an_accepted_online_case_leaves_the_pre_review_board(world, waiting):
    red, _green, _window = waiting
    services.accept_case(red, by=world.users["clerk"], now=timezone.now())
    page = client_for(world.users["supervisor"]).get("/supervision/")
    assert (page.context["prereview_total"].red, page.context["prereview_total"].green) == (0, 1)
