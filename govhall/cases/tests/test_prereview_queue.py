"""Online applications in the clerks' first-page tiles: waiting for pre-review (预审) by the pre-review
step's light, and only in the queue of the clerks who serve the item's department (catalogue windows);
a queue, not a permission."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from govhall.cases import services
from govhall.cases.models import Channel
from govhall.cases.queries import prereview_queue, visible_cases
from govhall.cases.tests.factories import CONTACT, PERSON, UserFactory, WindowFactory, make_world
from govhall.cases.worklist import case_tiles
from govhall.core.models import Role

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}:00+08:00")


MONDAY = at("2026-03-02 09:00")


@pytest.fixture
def world():
    return make_world()


def online(world, now=MONDAY):
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


def clerk(world, name, department=None):
    return UserFactory(username=name, role=Role.CLERK, hall=world.centre, department=department)


def tiles(user, now):
    return {t.key: t.count for t in case_tiles(user, now)}


def test_the_tiles_show_online_applications_by_their_pre_review_light(world, settings):
    settings.GOVHALL_PREREVIEW_DAYS = 1
    online(world)
    clerk_ = world.users["clerk"]
    assert tiles(clerk_, at("2026-03-02 10:00"))["prereview_green"] == 1
    on_due_day = tiles(clerk_, at("2026-03-03 10:00"))  # due Tuesday: yellow all that day
    assert (on_due_day["prereview_green"], on_due_day["prereview_yellow"]) == (0, 1)
    late = tiles(clerk_, at("2026-03-04 10:00"))
    assert (late["prereview_yellow"], late["prereview_red"]) == (0, 1)


def test_only_clerks_serving_the_items_department_have_it_in_their_queue(world):
    case = online(world)
    world.window.departments.add(world.department)
    WindowFactory(hall=world.centre, number="02", name="住建窗口").departments.add(world.other_department)
    combined = WindowFactory(hall=world.centre, number="09", name="综合窗口")
    combined.departments.add(world.other_department, world.department)
    market = clerk(world, "market", world.department)
    general = world.users["clerk"]  # no department: the hall's windows
    assert prereview_queue(market).filter(pk=case.pk).exists()
    assert prereview_queue(general).filter(pk=case.pk).exists()
    assert prereview_queue(clerk(world, "combined", world.other_department)).filter(pk=case.pk).exists()
    combined.departments.remove(world.department)
    building = clerk(world, "building", world.other_department)
    assert not prereview_queue(building).filter(pk=case.pk).exists()
    assert tiles(building, MONDAY)["received"] == 0  # not in their "to decide"
    assert tiles(market, MONDAY)["received"] == 1
    # A queue, not a permission: the building clerk still finds and may decide the hall's case.
    assert visible_cases(building).filter(pk=case.pk).exists()
    services.accept_case(case, by=building, now=MONDAY)


def test_window_intake_stays_in_every_hall_clerks_to_decide_tile(world):
    world.receive(MONDAY, window=world.window)
    WindowFactory(hall=world.centre, number="02", name="住建窗口").departments.add(world.other_department)
    building = clerk(world, "building", world.other_department)
    assert tiles(building, MONDAY)["received"] == 1


def test_the_search_filters_by_channel(client, world):
    online(world)
    world.receive(MONDAY)
    client.force_login(world.users["clerk"])
    url = reverse("cases:search")
    rows = client.get(url, {"state": "received", "channel": "online"}).context["rows"]
    assert len(rows) == 1
    assert len(client.get(url, {"state": "received"}).context["rows"]) == 2
