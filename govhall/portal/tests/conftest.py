"""Fixtures of the portal's tests: English messages, an English browser, text messages kept in memory,
the cases' small city, and applicant accounts with a real name or a company."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.utils import translation

from govhall.cases.tests.factories import PERSON, UserFactory, World, make_world
from govhall.core.models import Role
from govhall.lanes.tests.conftest import lane_world  # noqa: F401  (a fixture, used by the lane tests)
from govhall.portal.models import Company, CompanyMember, Profile
from govhall.portal.tests.guide_fixtures import Guides, build_guides, guides  # noqa: F401  (fixtures)
from govhall.portal.tests.sms import RecordingBackend
from govhall.supervision.notify.sms import MemoryBackend


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions match the English msgids; the Chinese catalogue is checked by tests/test_translations."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def sms_outbox(settings) -> list[tuple[str, str]]:
    """The text messages sent during the test, recorded by the in-memory SMS backend."""
    settings.GOVHALL_SMS_BACKEND = "govhall.supervision.notify.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


def at(text: str) -> datetime:
    """An aware datetime in the centre's time zone from 'YYYY-MM-DD HH:MM[:SS]'."""
    if text.count(":") == 1:
        text += ":00"
    return datetime.fromisoformat(f"{text}+08:00")


def last_code(outbox, phone: str) -> str:
    text = next(text for to, text in reversed(outbox) if to == phone)
    return re.search(r"\b(\d{6})\b", text).group(1)


# Valid identifiers (check digits computed by govhall.cases.validators).
ID_NUMBER = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


def english_client():
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client(db):
    """A browser that chose English, so that assertions match the msgids."""
    return english_client()


COMPANY_CREDIT_CODE = "914403001922038216"  # the cases' ORGANISATION


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def now() -> datetime:
    return at("2026-03-02 09:00")  # a Monday


@pytest.fixture
def texts(settings):
    """Every SMS sent in the test, as (phone, text)."""
    settings.GOVHALL_SMS_BACKEND = "govhall.portal.tests.sms.RecordingBackend"
    RecordingBackend.sent.clear()
    yield RecordingBackend.sent
    RecordingBackend.sent.clear()


def applicant(username: str, *, phone: str = "", id_number: str = "", now: datetime | None = None):
    """An applicant account; with `id_number`, a recorded real name (verified) for that number."""
    user = UserFactory(username=username, role=Role.APPLICANT, phone=phone)
    if id_number:
        Profile.objects.create(
            user=user, real_name="张三", id_number=id_number, verified_at=now or at("2026-03-01 09:00"),
            created_at=at("2026-03-01 09:00"),
        )  # fmt: skip
    return user


@pytest.fixture
def zhang(world, now):
    """张三's account, real name recorded with the ID number the window cases carry (PERSON)."""
    return applicant("zhang", phone="13900000001", id_number=PERSON.id_number, now=now)


@pytest.fixture
def company(world, now):
    """华为's company with a legal representative and an authorised staff member."""
    firm = Company.objects.create(
        name="华为技术有限公司",
        credit_code=COMPANY_CREDIT_CODE,
        legal_representative="赵明路",
        created_at=now,
    )
    boss = applicant("zhao", phone="13900000002")
    staff = applicant("staff", phone="13900000003")
    CompanyMember.objects.create(company=firm, user=boss, role="representative", authorised_at=now)
    CompanyMember.objects.create(
        company=firm, user=staff, role="agent", authorised_at=now, authorised_by=boss
    )
    return firm
