"""Pytest fixtures for any app whose tests count working days.

Register them once in the root conftest.py with `pytest_plugins = ["govhall.workdays.testing"]`.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from govhall.workdays import calendar
from govhall.workdays.seed import ensure_seeded


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """A test's rolled-back calendar writes must not leak into the next test through this process's copy."""
    calendar.reset_cache()
    yield
    calendar.reset_cache()


@pytest.fixture
def seeded_calendar(db):
    """The 2004–2026 calendar, seeded again if a transactional test flushed the table."""
    ensure_seeded(now=timezone.now())
    calendar.reset_cache()
    return calendar.CACHE.snapshot()
