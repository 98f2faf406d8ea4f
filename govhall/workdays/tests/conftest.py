from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govhall.workdays.testing import _fresh_calendar_cache, seeded_calendar  # noqa: F401

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW
