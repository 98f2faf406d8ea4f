from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from govhall.cases.tests.factories import World, make_world
from govhall.visits.models import Rating, RatingLevel, RatingReason
from govhall.visits.services.followups import open_follow_up


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db) -> World:
    return make_world()


def at(text: str) -> datetime:
    """An aware datetime in the centre's time zone from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(f"{text}:00+08:00")


def bad_rating(
    world: World, now: datetime, *, level: int = RatingLevel.VERY_DISSATISFIED, **fields
) -> Rating:
    """A bad rating of a case, written directly (the rating services are another part's)."""
    case = world.receive(now)
    reason, _ = RatingReason.objects.get_or_create(code="attitude", defaults={"name": "态度"})
    rating = Rating.objects.create(
        rated="case",
        case=case,
        level=level,
        channel="portal",
        rater=world.users["applicant"],
        rater_phone="13812345678",
        department=world.department,
        hall=world.centre,
        item=world.item,
        rated_at=now,
        comment="等了很久",
        **fields,
    )
    rating.reasons.add(reason)
    return rating


def open_for(world: World, now: datetime, **fields):
    return open_follow_up(bad_rating(world, now, **fields), now=now)
