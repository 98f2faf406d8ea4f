"""The roll-ups equal a direct recount after random sequences of actions through the real services."""

from __future__ import annotations

import contextlib
import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from govhall.cases import services
from govhall.cases.errors import CaseForbidden, TransitionNotAllowed
from govhall.cases.models import Case, ExtensionRequest
from govhall.cases.tests.conftest import at
from govhall.stats import queries, rollup
from govhall.stats.models import MonthlyFigure
from govhall.stats.queries import Filters

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


def random_history(world, seed: int) -> list[Case]:
    """150 random steps from 2 March 2026: about six weeks, over March and April."""
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
    return cases


@pytest.mark.parametrize("seed", [1, 2])
def test_roll_ups_equal_direct_counts_after_random_actions(world, seed):
    random_history(world, seed)
    result = rollup.check()  # the daily and the monthly rows
    assert result.ok, result.differences
    totals = {m: sum(c[m] for c in rollup.stored().figures.values()) for m in ("accepted", "concluded")}
    assert totals["accepted"] > 5 and totals["concluded"] >= 2, totals  # the sequence did reach the ends


D = date.fromisoformat


@pytest.mark.parametrize(
    ("date_from", "date_to", "months", "days"),
    [
        ("2026-03-01", "2026-03-31", ("2026-03-01", "2026-03-01"), []),
        ("2026-01-01", "2026-12-31", ("2026-01-01", "2026-12-01"), []),
        ("2026-01-01", "2026-11-28", ("2026-01-01", "2026-10-01"), [("2026-11-01", "2026-11-28")]),
        (
            "2026-01-15",
            "2026-03-20",
            ("2026-02-01", "2026-02-01"),
            [("2026-01-15", "2026-01-31"), ("2026-03-01", "2026-03-20")],
        ),
        ("2026-02-02", "2026-02-28", None, [("2026-02-02", "2026-02-28")]),  # no whole month
        ("2026-02-01", "2026-02-27", None, [("2026-02-01", "2026-02-27")]),
        ("2026-03-05", "2026-03-05", None, [("2026-03-05", "2026-03-05")]),
        ("2026-03-02", "2026-04-30", ("2026-04-01", "2026-04-01"), [("2026-03-02", "2026-03-31")]),
        (
            "2025-12-31",
            "2026-02-01",
            ("2026-01-01", "2026-01-01"),
            [("2025-12-31", "2025-12-31"), ("2026-02-01", "2026-02-01")],
        ),
    ],
)
def test_a_period_is_split_into_whole_months_and_days(date_from, date_to, months, days):
    got = queries.split(Filters(date_from=D(date_from), date_to=D(date_to)))
    assert got == (months and (D(months[0]), D(months[1])), [(D(a), D(b)) for a, b in days])


def _expected(f: Filters, group, tally) -> tuple[dict, dict]:
    """grouped_counts' answer computed from a direct recount, without any roll-up table."""
    counts, durations = defaultdict(Counter), defaultdict(Counter)
    for key, c in tally.figures.items():
        if f.date_from <= key[0] <= f.date_to and queries._keep(f, key):
            counts[queries._group_value(group, key)].update(c)
    for key, n in tally.durations.items():
        if f.date_from <= key[0] <= f.date_to and queries._keep(f, key):
            durations[queries._group_value(group, key)][key[-1]] += n
    return counts, durations


def _clean(grouped: dict) -> dict:
    return {k: +c for k, c in grouped.items() if +c}


def test_whole_months_read_from_the_monthly_rows_give_the_daily_answer(world):
    random_history(world, 3)
    assert MonthlyFigure.objects.filter(month=D("2026-03-01")).exists()
    assert MonthlyFigure.objects.filter(month=D("2026-04-01")).exists()
    tally = rollup.direct()
    periods = [
        ("2026-03-01", "2026-03-31"),  # monthly rows only
        ("2026-03-01", "2026-04-30"),
        ("2026-03-10", "2026-04-30"),  # days of March, all of April
        ("2026-03-01", "2026-04-09"),  # all of March, days of April
        ("2026-03-03", "2026-03-17"),  # days only
        ("2026-01-01", "2026-12-31"),
    ]
    shapes = [{}, {"department": world.department.pk}, {"hall": world.centre.pk}, {"item": world.item.code}]
    for date_from, date_to in periods:
        for extra in shapes:
            f = Filters(date_from=D(date_from), date_to=D(date_to), **extra)
            for group in (None, "month", "department", "hall", "channel", "kind", "item"):
                got = queries.grouped_counts(f, group)
                want = _expected(f, group, tally)
                assert _clean(got[0]) == _clean(want[0]), (f, group)
                assert _clean(got[1]) == _clean(want[1]), (f, group)
            cube = queries.cube(f).over_months
            months = {k[1:]: v for k, v in cube.figures.items()}
            want = _expected(f, "department", tally)[0]
            by_department = Counter()
            for (department, *_rest), values in months.items():
                by_department[department] += values[queries.MEASURES.index("received")]
            assert +by_department == +Counter({k: c["received"] for k, c in want.items()}), f
