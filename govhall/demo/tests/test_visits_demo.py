"""The demo city's centre has window groups with weekly slot templates, 错时 and 延时 included (issue 16);
the living city's slots, appointments, visits and ratings are tested with the living city."""

from __future__ import annotations

from datetime import datetime

import pytest

from govhall.demo.city import load_demo_city
from govhall.visits.models import SlotKind, SlotTemplate, WindowGroup

NOW = datetime.fromisoformat("2026-03-02T09:50:00+08:00")  # a Monday morning

pytestmark = pytest.mark.django_db


def test_the_demo_centre_has_window_groups_with_slot_templates():
    load_demo_city(now=NOW)
    assert list(WindowGroup.objects.values_list("code", flat=True)) == ["A", "B", "C", "D"]
    assert all(g.items.exists() and g.windows.exists() for g in WindowGroup.objects.all())
    kinds = set(SlotTemplate.objects.values_list("kind", flat=True))
    assert kinds == {SlotKind.REGULAR, SlotKind.OFF_PEAK, SlotKind.EXTENDED}
