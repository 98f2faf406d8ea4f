"""Fixtures of the remote help tests: the cases' small city with an online item (and an optional power of
attorney material), a resident, the centre's clerks of the item's department and of another, the township
hall's agency clerk, and a media folder per test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import translation

from govhall.cases.tests.factories import MaterialFactory, UserFactory, World, make_world
from govhall.core.models import Role
from govhall.portal import services
from govhall.portal.services import help as helping
from govhall.portal.tests.apply.support import FILLED, upload


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}:00+08:00")


NOW = at("2026-03-02 09:00")  # a Monday
LATER = NOW + timedelta(minutes=5)


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Help:
    world: World
    resident: object
    township: object  # the township hall's agency clerk
    clerk: object  # a window clerk of the item's department at the centre
    colleague: object  # another clerk of the same department
    stranger: object  # a clerk of another department
    poa: object  # the item's optional power of attorney material

    def draft(self, by=None, *, now: datetime = NOW, filled: bool = True, files: bool = True):
        by = by or self.resident
        app = services.start_application(by=by, now=now, item=self.world.item)
        if filled:
            app = services.save_draft(app, data=FILLED, by=by, now=now, expected_version=app.version)
        if files:
            for material in self.world.item.materials.filter(required=True):
                services.upload_material(app, material=material.pk, file=upload(), by=by, now=now)
        app.refresh_from_db()
        return app

    def asked(self, by=None, *, now: datetime = NOW, **kwargs):
        by = by or self.resident
        return helping.request_help(self.draft(by, now=now, **kwargs), by=by, now=now)

    def started(self, by=None, *, now: datetime = NOW, **kwargs):
        session = self.asked(by, now=now, **kwargs)
        return helping.start_help(session, by=self.clerk, now=now, expected_version=session.version)


@pytest.fixture
def world(db) -> Help:
    world = make_world()
    world.item.online = True
    world.item.save(update_fields=["online"])
    poa = MaterialFactory(item=world.item, position=9, name="授权委托书及受托人身份证", required=False)
    return Help(
        world=world,
        resident=UserFactory(username="citizen", role=Role.APPLICANT, phone="13812345678"),
        township=world.users["agency_clerk"],
        clerk=UserFactory(username="window", role=Role.CLERK, hall=world.centre, department=world.department),
        colleague=UserFactory(
            username="window2", role=Role.CLERK, hall=world.centre, department=world.department
        ),
        stranger=UserFactory(
            username="zjj", role=Role.CLERK, hall=world.centre, department=world.other_department
        ),
        poa=poa,
    )
