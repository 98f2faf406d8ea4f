"""The stored deadlines are always exactly what replaying the events gives, whatever happened."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.clock import replay
from govhall.cases.errors import TransitionNotAllowed
from govhall.cases.models import Case
from govhall.cases.tests.conftest import at

CLOCK_FIELDS = [
    "acceptance_date",
    "promised_due",
    "legal_due",
    "suspended_days",
    "extension_days",
    "deemed_accepted",
]


def stored(case: Case) -> dict:
    case.refresh_from_db()
    return {f: getattr(case, f) for f in CLOCK_FIELDS}


def replayed(case: Case) -> dict:
    clock = replay(case.events.order_by("seq"))
    return {f: getattr(clock, f) for f in CLOCK_FIELDS}


def act(world, case, action, now):
    u = world.users
    step = case.steps.filter(state="active").first()
    if action == "supplement":
        missing = list(case.materials.filter(received=False).values_list("material_id", flat=True))
        return services.request_supplement(case, missing=missing, note="补正", by=u["clerk"], now=now)
    if action == "supplied":
        return services.supplement_received(case, materials=world.all_material_ids, by=u["clerk"], now=now)
    if action == "accept":
        return services.accept_case(case, by=u["clerk"], now=now)
    if action == "sweep":
        services.deem_overdue_receipts(now=now)
        return case
    if action == "suspend":
        return services.suspend_case(
            case, kind="expert_review", expected_days=7, reason="专家评审", by=u["handler"], now=now
        )
    if action == "resume":
        return services.resume_case(case, by=u["handler"], now=now)
    if action == "extend":
        request = services.request_extension(
            case, days=random.randint(1, 5), reason="需现场核查", by=u["handler"], now=now
        )
        services.decide_extension(
            request, approve=random.random() < 0.7, reason="同意", by=u["head"], now=now
        )
        return case
    if action == "step" and step is not None:
        services.complete_step(step, by=u["handler"], now=now)
        return case
    if action == "return" and step is not None:
        services.return_step(step, reason="材料有误", by=u["handler"], now=now)
        return case
    return case


ACTIONS = ["supplement", "supplied", "accept", "sweep", "suspend", "resume", "extend", "step", "return"]


@pytest.mark.parametrize("seed", range(12))
def test_replaying_the_events_gives_exactly_the_stored_dates(world, seed):
    random.seed(seed)
    now = at("2026-01-26 09:00") + timedelta(days=random.randint(0, 300))
    materials = random.choice([[], world.required_ids, world.all_material_ids])
    case = world.receive(now, materials=materials)
    for _ in range(14):
        now += timedelta(days=random.choice([0, 1, 1, 2, 3, 6]), hours=random.randint(0, 3))
        # A refused action changes nothing, which the comparison below also checks.
        with contextlib.suppress(TransitionNotAllowed, ValidationError):
            act(world, case, random.choice(ACTIONS), now)
        assert stored(case) == replayed(case)
    case.refresh_from_db()
    assert case.version >= 2
