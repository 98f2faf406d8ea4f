"""The admin of 好差评: reasons editable, ratings read-only, a tablet's pairing address shown once."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.core.models import Role, User
from govhall.visits.models import RatingTablet
from govhall.visits.models.rating_channels import hash_token
from govhall.visits.services import ratings
from govhall.visits.tests.ratings.conftest import at, rejected_case

MONDAY = at("2026-03-02 09:00")


@pytest.fixture
def admin_client(world) -> Client:
    user = User.objects.create_superuser("root", password="x", role=Role.ADMIN)
    client = Client()
    client.force_login(user)
    return client


def test_the_reasons_are_listed_and_ratings_cannot_be_changed(world, admin_client):
    assert "材料要求" in admin_client.get("/admin/visits/ratingreason/").content.decode()
    rating = ratings.rate_case(rejected_case(world, MONDAY), level=5, channel="portal", now=MONDAY)
    assert admin_client.get("/admin/visits/rating/").status_code == 200
    page = admin_client.get(f"/admin/visits/rating/{rating.pk}/change/").content.decode()
    assert 'name="level"' not in page  # shown, not editable
    assert admin_client.get("/admin/visits/rating/add/").status_code == 403


def test_adding_a_tablet_shows_its_pairing_address_once(world, admin_client):
    response = admin_client.post(
        "/admin/visits/ratingtablet/add/", {"window": world.window.pk, "name": "01号窗口", "is_active": "on"},
        follow=True,
    )  # fmt: skip
    text = response.content.decode()
    tablet = RatingTablet.objects.get()
    token = text.split("/visits/tablet/pair/")[1].split("/")[0]
    assert tablet.token_hash == hash_token(token) and tablet.name == "01号窗口"
    assert token not in admin_client.get(f"/admin/visits/ratingtablet/{tablet.pk}/change/").content.decode()
