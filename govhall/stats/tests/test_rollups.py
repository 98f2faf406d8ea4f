"""The roll-ups equal a direct recount after random sequences of actions through the real services."""

from __future__ import annotations

import contextlib
import random
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.errors import CaseForbidden, TransitionNotAllowed
from govhall.cases.models import Case, ExtensionRequest
from govhall.cases.tests.conftest import at
from govhall.stats import rollup

OPEN = {"received", "supplement_requested", "accepted", "suspended"}
REFUSED = (ValidationError, TransitionNotAllowed, CaseForbidden)


def act(world, rng: random.Random, case: Case, now) -> None:
    """One random action that the case's state allows (some are still refused, e.g. the 5-day rule)."""
    clerk, handler, head = world.users["clerk"], world.users["handler"], world.users["head"]
    case.refresh_from_db()
    step = case.steps.filter(state="active").first()
    pending = ExtensionRequest.objects.filter(case=case, state="requested").first()
    by_state = {
        "received": [
            (6, lambda: services.accept_case(case, by=clerk, now=now)),
            (1, lambda: services.reject_case(case, reason="不符合", by=clerk, now=now)),
            (2, lambda: services.request_supplement(case, missing=world.required_ids, by=clerk, now=now)),
            (1, lambda: services.withdraw_case(case, reason="撤回", by=clerk, now=now)),
        ],
        "supplement_requested": [
            (4, lambda: services.supplement_received(case, materials=world.required_ids, by=clerk, now=now)),
            (1, lambda: services.reject_case(case, reason="逾期未补正", by=clerk, now=now)),
        ],
        "accepted": [
            (5, lambda: step and services.complete_step(step, by=handler, now=now)),
            (4, lambda: services.conclude_case(case, decision="approved", text="准予", by=head, now=now)),
            (2, lambda: services.conclude_case(case, decision="denied", text="不予", by=clerk, now=now)),
            (
                1,
                lambda: services.suspend_case(
                    case, kind="inspection", expected_days=2, reason="现场核查", by=handler, now=now
                ),
            ),
            (1, lambda: services.request_extension(case, days=2, reason="复杂", by=handler, now=now)),
            (
                1,
                lambda: (
                    pending
                    and services.decide_extension(
                        pending, approve=rng.random() < 0.7, reason="意见", by=head, now=now
                    )
                ),
            ),
            (1, lambda: services.withdraw_case(case, reason="撤回", by=clerk, now=now)),
        ],
        "suspended": [(1, lambda: services.resume_case(case, by=handler, now=now))],
    }
    options = by_state.get(case.state)
    if not options:
        return
    weights, actions = zip(*options, strict=True)
    with contextlib.suppress(REFUSED):
        rng.choices(actions, weights=weights)[0]()


@pytest.mark.parametrize("seed", [1, 2])
def test_roll_ups_equal_direct_counts_after_random_actions(world, seed):
    rng = random.Random(seed)
    now = at("2026-03-02 09:00")
    cases: list[Case] = []
    for _ in range(150):
        now += timedelta(hours=rng.choice([1, 2, 5, 20]))
        roll = rng.random()
        open_cases = [c for c in cases if c.state in OPEN]
        if roll < 0.15 or not open_cases:
            item = rng.choice([world.item, world.item, world.immediate_item])
            materials = [] if rng.random() < 0.3 else None
            cases.append(world.receive(now, item=item, materials=materials))
        elif roll < 0.2:
            services.record_consultation(
                question="问",
                department=world.department,
                by=world.users["clerk"],
                now=now,
                hall=world.centre,
            )
        elif roll < 0.23:
            services.convert_unfinished_immediate(now=now)
        else:
            act(world, rng, rng.choice(open_cases), now)
    result = rollup.check()
    assert result.ok, result.differences
    totals = {m: sum(c[m] for c in rollup.stored().figures.values()) for m in ("accepted", "concluded")}
    assert totals["accepted"] > 5 and totals["concluded"] >= 2, totals  # the sequence did reach the ends
