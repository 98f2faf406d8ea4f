from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import pytest
from django.utils import translation

from govhall.cases.tests.factories import World, make_world
from govhall.catalog.models import Window
from govhall.visits.models import SlotKind, SlotTemplate, WindowGroup


@dataclass
class Hall:
    world: World
    group_a: WindowGroup
    group_b: WindowGroup
    windows: list[Window]


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


def at(text: str) -> datetime:
    """An aware datetime in the centre's time zone from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(f"{text}:00+08:00")


def make_hall() -> Hall:
    world = make_world()
    windows = [world.window] + [
        Window.objects.create(hall=world.centre, number=f"0{n}", name=f"综合窗口{n}") for n in (2, 3)
    ]
    group_a = WindowGroup.objects.create(hall=world.centre, code="A", name="市场准入", service_minutes=10)
    group_a.windows.set(windows[:2])
    group_a.items.set([world.item, world.immediate_item])
    group_b = WindowGroup.objects.create(hall=world.centre, code="B", name="综合受理", service_minutes=6)
    group_b.windows.set(windows[2:])
    for weekday in range(7):
        SlotTemplate.objects.create(group=group_a, weekday=weekday, start=time(9), end=time(10), capacity=2)
        SlotTemplate.objects.create(
            group=group_a,
            weekday=weekday,
            start=time(17, 30),
            end=time(19),
            capacity=3,
            kind=SlotKind.EXTENDED,
        )
    return Hall(world, group_a, group_b, windows)


@pytest.fixture
def hall(db, seeded_calendar) -> Hall:
    """The test hall; the calendar seeded again in case a transactional test flushed it."""
    return make_hall()


@pytest.fixture
def now() -> datetime:
    return at("2026-03-02 08:00")  # a Monday, before the first slot
