from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.utils import translation

from govhall.cases.tests.factories import World, make_world


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set GOVHALL_DATABASE_URL=postgres://…)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


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
