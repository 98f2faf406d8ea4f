"""`govhall demo --history --scale 0.01` then `govhall stats`: the seed's figures, proportionally."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from govhall.cases.models import Case
from govhall.demo.history import expected, spread, workdays_in
from govhall.stats import rollup
from govhall.workdays import calendar as workdays


def test_cases_fall_on_working_days_with_more_on_mondays(db):
    days = workdays_in(date(2026, 1, 1), date(2026, 6, 30))
    assert date(2026, 2, 17) not in days  # 春节
    assert date(2026, 2, 14) in days  # make-up Saturday
    dates = spread(23101, days)
    assert len(dates) == 23101 and all(workdays.is_workday(d) for d in dates)
    mondays = [d for d in dates if d.weekday() == 0]
    wednesdays = [d for d in dates if d.weekday() == 2]
    assert len(mondays) / len({d for d in mondays}) > len(wednesdays) / len({d for d in wednesdays})


def test_expected_figures_are_the_seed_figures_scaled():
    assert expected(1) == {"immediate": 20310, "committed": 2513, "consultation": 278}
    assert expected(0.01) == {"immediate": 203, "committed": 25, "consultation": 3}


@pytest.mark.django_db(transaction=False)
def test_demo_history_then_stats_prints_the_seed_figures_at_a_hundredth():
    out = StringIO()
    call_command("demo", "--history", "--scale", "0.01", "--no-accounts", stdout=out)
    assert "231 cases (203 immediate, 25 committed, 3 consultations)" in out.getvalue()
    assert Case.objects.count() == 231
    out = StringIO()
    call_command("stats", "--from", "2026-01-01", "--to", "2026-06-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    t = data["totals"]
    assert (t["received"], t["accepted"], t["concluded"], t["rejected"]) == (231, 231, 231, 0)
    assert {k: v["accepted"] for k, v in data["by_kind"].items()} == {
        "immediate": 203,
        "committed": 25,
        "consultation": 3,
    }
    assert (t["on_time_rate"], t["on_time_rate_conventional"], t["open_overdue"]) == (100.0, 100.0, 0)
    assert data["by_channel"]["window"]["received"] == 231
    assert rollup.check().ok
    months = {c.received_on.month for c in Case.objects.all()}
    assert months == {1, 2, 3, 4, 5, 6}
    assert all(workdays.is_workday(d) for d in Case.objects.values_list("received_on", flat=True))


def test_the_plan_is_the_same_every_time(db):
    from django.utils import timezone

    from govhall.demo.city import load_demo_city
    from govhall.demo.history import plan_history

    load_demo_city(now=timezone.now(), with_accounts=False)

    def key(plan):
        return [(p.now, p.kind, p.applicant["id_number"], p.item, p.hall.pk, p.days) for p in plan]

    one, _cast = plan_history(scale=0.01)
    two, _cast = plan_history(scale=0.01)
    assert key(one) == key(two) and len(one) == 231
    assert [p.now for p in one] == sorted(p.now for p in one)
    committed = [p for p in one if p.kind == "committed"]
    assert all(0 <= p.days <= p.item.promised_limit for p in committed)


def test_partition_by_hall_keeps_each_hall_whole_and_in_time_order(db):
    from django.utils import timezone

    from govhall.demo.city import load_demo_city
    from govhall.demo.history import partition_by_hall, plan_history

    load_demo_city(now=timezone.now(), with_accounts=False)
    plan, _cast = plan_history(scale=0.01)
    parts = partition_by_hall(plan, 2)
    assert len(parts) == 2 and sum(len(p) for p in parts) == len(plan)
    halls = [{one.hall.pk for one in part} for part in parts]
    assert not halls[0] & halls[1]
    for part in parts:
        assert [one.now for one in part] == sorted(one.now for one in part)
    assert min(len(p) for p in parts) > len(plan) / 4  # the centre against the other halls


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_give_the_same_figures(settings):
    from django.db import connection
    from django.utils import timezone

    from govhall.demo.city import load_demo_city
    from govhall.demo.history import generate_history

    if connection.vendor != "postgresql":
        pytest.skip("worker processes run on PostgreSQL only")
    load_demo_city(now=timezone.now(), with_accounts=False)
    seen = []
    made = generate_history(scale=0.004, workers=2, progress=lambda n, total: seen.append((n, total)))
    assert made == {"immediate": 81, "committed": 10, "consultation": 1}
    assert Case.objects.count() == 92 and seen[-1] == (92, 92)
    assert rollup.check().ok
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 92
