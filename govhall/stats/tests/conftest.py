from __future__ import annotations

import pytest
from django.utils import translation

from govhall.cases.tests.conftest import at  # noqa: F401  (re-exported for the tests)
from govhall.cases.tests.factories import World, make_world


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db) -> World:
    return make_world()


def set_min_cases(n: int) -> None:
    """The ranking's minimum (whether or not a flushed database still has the migration's row)."""
    from govhall.stats.models import RankingSettings

    RankingSettings.objects.all().delete()
    RankingSettings.objects.create(min_cases=n)
