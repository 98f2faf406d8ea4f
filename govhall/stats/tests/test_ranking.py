"""The department ranking (docs/indicators.md, "Ranking"): hand-made figures, exact scores, ties."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from govhall.stats import indicators
from govhall.stats.models import RankingSettings, Weight
from govhall.stats.queries import Filters
from govhall.stats.ranking import current_min_cases, current_weights, department_ranking, rank
from govhall.stats.tests.conftest import set_min_cases
from govhall.stats.tests.history import march

DEFAULTS = indicators.RANKED


def figs(
    *,
    timed=0,
    on_time=0,
    early=0,
    accepted=0,
    first_time=0,
    notices=0,
    rejected=0,
    used=0,
    promised=0,
    overdue=0,
) -> dict:
    counts = Counter(
        timed=timed,
        concluded=timed,
        on_time=on_time,
        early=early,
        accepted=accepted,
        first_time=first_time,
        notices=notices,
        rejected=rejected,
        used_days=used,
        promised_days=promised,
    )
    return indicators.figures(counts, Counter(), overdue)


A = figs(timed=10, on_time=9, early=5, accepted=12, first_time=10, notices=2, used=20, promised=50)


def test_each_indicator_becomes_a_value_from_0_to_100_where_more_is_better():
    assert indicators.scored(A) == {
        "on_time_rate": Decimal("90.0"),
        "first_time_rate": Decimal("83.3"),  # 10 ÷ 12
        "time_saved": Decimal("60.0"),  # 100 × (1 − 20 ÷ 50)
        "early_rate": Decimal("50.0"),
        "rejection_rate": Decimal("100.0"),  # 100 − 0
        "supplement_rate": Decimal("83.3"),  # 100 − 16.7
    }


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # (40·90 + 20·83.3 + 20·60 + 10·50 + 5·100 + 5·83.3) ÷ 100 = 78.825, half up
        (DEFAULTS, Decimal("78.83")),
        ({"on_time_rate": Decimal(1)}, Decimal("90.00")),
        ({"on_time_rate": Decimal(1), "time_saved": Decimal(3)}, Decimal("67.50")),
        ({"on_time_rate": Decimal(0)}, None),  # nothing weighted
    ],
)
def test_the_score_is_the_weighted_mean(weights, expected):
    assert indicators.score(indicators.scored(A), weights) == expected


def test_an_indicator_without_data_drops_out_with_its_weight():
    only_immediate = figs(timed=4, on_time=4, accepted=4, first_time=4, used=0, promised=0)
    values = indicators.scored(only_immediate)
    assert values["time_saved"] is None
    # (40·100 + 20·100 + 10·0 + 5·100 + 5·100) ÷ 80 = 7000 ÷ 80
    assert indicators.score(values, DEFAULTS) == Decimal("87.50")


def test_more_rejections_and_more_notices_score_lower():
    w = {"rejection_rate": Decimal(1), "supplement_rate": Decimal(1)}
    clean = figs(accepted=10, first_time=10)
    rejecting = figs(accepted=9, first_time=9, rejected=1, notices=3)  # 10 % rejected, 33.3 notices per 100
    assert indicators.score(indicators.scored(clean), w) == Decimal("100.00")
    assert indicators.score(indicators.scored(rejecting), w) == Decimal("78.35")  # (90 + 66.7) ÷ 2


def test_more_notices_than_cases_counts_as_zero_not_below():
    many = figs(accepted=2, first_time=0, notices=5)  # 250 notices per 100 cases
    assert indicators.scored(many)["supplement_rate"] == Decimal(0)


def test_open_overdue_cases_lower_the_score_and_count_towards_the_minimum():
    with_overdue = figs(timed=10, on_time=9, overdue=5)
    assert indicators.scored(with_overdue)["on_time_rate"] == Decimal("60.0")  # 9 ÷ 15
    ranked, _unranked = rank([(1, "X", "X", with_overdue)], {"on_time_rate": Decimal(1)}, 15)
    assert [(e.rank, e.assessed, e.score) for e in ranked] == [(1, 15, Decimal("60.00"))]


def test_ties_share_a_rank_and_the_next_rank_skips():
    w = {"on_time_rate": Decimal(1)}
    departments = [
        (1, "A", "甲", figs(timed=20, on_time=18)),  # 90
        (2, "B", "乙", figs(timed=20, on_time=19)),  # 95
        (3, "C", "丙", figs(timed=40, on_time=36)),  # 90
        (4, "D", "丁", figs(timed=20, on_time=10)),  # 50
        (5, "E", "戊", figs(timed=5, on_time=5)),  # 100, but only 5 cases
        (6, "F", "己", figs()),  # nothing
    ]
    ranked, unranked = rank(departments, w, 20)
    assert [(e.rank, e.code, e.score) for e in ranked] == [
        (1, "B", Decimal("95.00")),
        (2, "A", Decimal("90.00")),
        (2, "C", Decimal("90.00")),
        (4, "D", Decimal("50.00")),
    ]
    assert [(e.code, e.reason) for e in unranked] == [
        ("E", "5 assessed cases, fewer than the minimum of 20"),
        ("F", "0 assessed cases, fewer than the minimum of 20"),
    ]
    _ranked, unranked = rank(departments, w, 0)
    assert [(e.code, e.reason) for e in unranked] == [("F", "no weighted indicator has a value")]


def test_weights_and_minimum_come_from_the_admin_with_defaults(db):
    assert current_weights() == DEFAULTS and sum(DEFAULTS.values()) == 100
    assert current_min_cases() == 20
    RankingSettings.objects.all().delete()
    assert current_min_cases() == 20, "without a row: the default"
    Weight.objects.update_or_create(indicator="early_rate", defaults={"weight": Decimal("0")})
    Weight.objects.filter(indicator="rejection_rate").delete()  # missing: the default
    set_min_cases(3)
    assert current_weights()["early_rate"] == 0 and current_weights()["rejection_rate"] == Decimal(5)
    assert current_min_cases() == 3


def test_the_march_ranking(world):
    march(world)
    set_min_cases(1)
    result = department_ranking(Filters(date(2026, 3, 1), date(2026, 3, 31)))
    # on time 66.7, first-time 83.3, time saved 100 × (1 − 17 ÷ 25) = 32.0, early 60.0, rejection 100 − 14.3,
    # supplement 100 − 16.7: (40·66.7 + 20·83.3 + 20·32 + 10·60 + 5·85.7 + 5·83.3) ÷ 100 = 64.19
    assert [(e.rank, e.code, e.assessed, e.score) for e in result.ranked] == [(1, "SCJ", 6, Decimal("64.19"))]
    assert [(e.code, e.reason) for e in result.unranked] == [
        ("ZJJ", "0 assessed cases, fewer than the minimum of 1")
    ]
