"""An applicant's ID number and phone: masked in lists and on the case page until a person working on the
case asks to see them; each full view, on the page or through the API, is one audit row that supervisors
and administrators read (govhall.core.privacy)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from govhall.cases.tests.factories import CONTACT, PERSON
from govhall.core.models import PersonalDataView

pytestmark = pytest.mark.django_db

MASKED_ID = PERSON.id_number[:6] + "********" + PERSON.id_number[-4:]


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_the_case_page_masks_until_revealed_and_the_reveal_writes_one_row(world, now):
    case = world.accepted(now)
    clerk = client_for(world.users["clerk"])
    html = clerk.get(f"/cases/{case.pk}/").content.decode()
    assert PERSON.id_number not in html and CONTACT.phone not in html
    assert MASKED_ID in html and 'data-test="reveal"' in html
    assert not PersonalDataView.objects.exists(), "looking at the page records nothing"

    shown = clerk.post(f"/cases/{case.pk}/reveal/").content.decode()
    assert PERSON.id_number in shown and CONTACT.phone in shown
    row = PersonalDataView.objects.get()
    assert (row.user, row.subject, row.object_id, row.number, row.fields, row.channel) == (
        world.users["clerk"],
        "case",
        case.pk,
        case.number,
        "id_number,phone",
        "page",
    )


def test_lists_stay_masked_and_write_nothing(world, now):
    world.accepted(now)
    html = client_for(world.users["clerk"]).get("/cases/", {"q": "张"}).content.decode()
    assert PERSON.id_number not in html and MASKED_ID in html
    client = APIClient()
    client.force_authenticate(world.users["clerk"])
    row = client.get("/api/v1/cases/").json()["results"][0]
    assert (row["id_number"], row["phone"]) == (MASKED_ID, "138****5678")
    assert not PersonalDataView.objects.exists()


def test_the_api_detail_in_full_is_recorded_and_a_masked_one_is_not(world, now):
    case = world.accepted(now)
    client = APIClient()
    client.force_authenticate(world.users["clerk"])
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["id_number"] == PERSON.id_number
    assert list(PersonalDataView.objects.values_list("channel", "fields")) == [("api", "id_number,phone")]
    client.force_authenticate(world.users["supervisor"])
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["id_number"] == MASKED_ID
    assert PersonalDataView.objects.count() == 1


def test_a_supervisor_cannot_reveal_but_reads_the_record(world, now):
    case = world.accepted(now)
    assert client_for(world.users["supervisor"]).post(f"/cases/{case.pk}/reveal/").status_code == 403
    assert not PersonalDataView.objects.exists()
    client_for(world.users["clerk"]).post(f"/cases/{case.pk}/reveal/")
    for role in ("supervisor", "admin"):
        html = client_for(world.users[role]).get("/audit/personal-data/", {"number": case.number}).content
        assert case.number in html.decode() and "id_number,phone" in html.decode(), role
    for role in ("clerk", "handler", "leader"):
        assert client_for(world.users[role]).get("/audit/personal-data/").status_code == 403, role
