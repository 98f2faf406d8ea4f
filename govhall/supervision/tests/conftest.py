from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from govhall.cases.tests.factories import World, make_world


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
