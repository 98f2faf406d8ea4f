"""The demo city has window groups with appointment slots, the citizen's appointment and a queue at the
centre hall today (part visit of issue 16)."""

from __future__ import annotations

from datetime import datetime

import pytest

from govhall.demo.city import load_demo_city
from govhall.visits.models import Booking, Slot, SlotKind, Visit, VisitState, WindowGroup

NOW = datetime.fromisoformat("2026-03-02T09:50:00+08:00")  # a Monday morning

pytestmark = pytest.mark.django_db


def test_the_demo_centre_has_groups_slots_an_appointment_and_a_queue():
    load_demo_city(now=NOW)
    assert list(WindowGroup.objects.values_list("code", flat=True)) == ["A", "B", "C", "D"]
    assert all(g.items.exists() for g in WindowGroup.objects.all())
    assert (
        Slot.objects.filter(kind=SlotKind.OFF_PEAK).exists()
        and Slot.objects.filter(kind=SlotKind.EXTENDED).exists()
    )
    assert not Slot.objects.filter(day__week_day__in=(1, 7)).exists(), "no slots on weekends"
    assert Booking.objects.filter(person__username="citizen").count() == 1
    states = set(Visit.objects.values_list("state", flat=True))
    assert states == {VisitState.DONE, VisitState.SERVING, VisitState.CALLED, VisitState.WAITING}
