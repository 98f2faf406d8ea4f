from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Command output is checked in English, as in the lanes' and statistics' tests these came from."""
    with translation.override("en"):
        yield
