"""Fixtures of the online-application tests: English messages, a media folder per test, the cases' small
city with an online item, a citizen and a stranger."""

from __future__ import annotations

import pytest
from django.utils import translation

from govhall.cases.tests.factories import UserFactory, make_world
from govhall.core.models import Role


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db):
    world = make_world()
    world.item.online = True
    world.item.save(update_fields=["online"])
    world.users["citizen"] = UserFactory(username="citizen", role=Role.APPLICANT, phone="13812345678")
    world.users["stranger"] = UserFactory(username="stranger", role=Role.APPLICANT)
    return world
