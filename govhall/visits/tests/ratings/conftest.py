from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone, translation

from govhall.cases import services as case_services
from govhall.cases.models import StepState
from govhall.cases.tests.factories import World, make_world
from govhall.visits.models import Visit, VisitState, WindowGroup


def at(text: str) -> datetime:
    """An aware datetime in the centre's time zone from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(f"{text}:00+08:00")


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db) -> World:
    return make_world()


def rejected_case(world: World, now: datetime):
    case = world.receive(now)
    return case_services.reject_case(case, reason="不属于本中心受理范围", by=world.users["clerk"], now=now)


def concluded_case(world: World, now: datetime):
    case = world.accepted(now)
    while (step := case.steps.filter(state=StepState.ACTIVE).first()) is not None:
        case_services.complete_step(step, by=world.users["head"], now=now)
    case.refresh_from_db()
    return case_services.conclude_case(
        case, decision="approved", text="准予许可", by=world.users["head"], now=now
    )


_sequence = {"n": 0}


def done_visit(world: World, now: datetime, *, state: str = VisitState.DONE, window=None) -> Visit:
    group, _ = WindowGroup.objects.get_or_create(hall=world.centre, code="A", defaults={"name": "综合受理"})
    _sequence["n"] += 1
    n = _sequence["n"]
    return Visit.objects.create(
        hall=world.centre,
        group=group,
        day=timezone.localdate(now),
        sequence=n,
        number=f"A{n:03d}",
        state=state,
        item=world.item,
        window=window or world.window,
        clerk=world.users["clerk"],
        phone="13900001111",
        ticket_at=now,
        called_at=now if state != VisitState.WAITING else None,
        ended_at=now if state == VisitState.DONE else None,
    )


REASONS = [("attitude", "态度"), ("efficiency", "效率"), ("process", "流程"), ("materials", "材料要求"),
           ("environment", "环境"), ("other", "其他")]  # fmt: skip


def seed_reasons() -> None:
    """The reasons of migration 0002, again: a transactional (live-server) test flushes them."""
    from govhall.visits.models import RatingReason

    for order, (code, name) in enumerate(REASONS):
        RatingReason.objects.get_or_create(code=code, defaults={"name": name, "order": (order + 1) * 10})
