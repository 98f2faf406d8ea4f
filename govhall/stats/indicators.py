"""The indicators of docs/indicators.md, computed from counts. Each formula is written once, here.

`counts` is a Counter of the roll-up measures (govhall.stats.models.MEASURES) over a period and a filter,
`durations` the histogram of working days used (used → concluded cases), `open_overdue` the cases open
at the end of the period whose promised due date was already before it.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide by."""
    return round(100 * numerator / denominator, 1) if denominator else None


def ratio(numerator: int, denominator: int, digits: int = 2) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def percentile(durations: Counter, p: float) -> int | None:
    """The nearest-rank percentile: the smallest u with at least ⌈p·n⌉ of the n cases at or below u."""
    n = sum(durations.values())
    if not n:
        return None
    rank = max(1, math.ceil(p * n))
    seen = 0
    for used in sorted(durations):
        seen += durations[used]
        if seen >= rank:
            return used
    return None  # pragma: no cover


def figures(counts: Counter, durations: Counter, open_overdue: int) -> dict:
    """Every indicator of one group of cases (one department, one month, the whole centre…)."""
    applications = counts["accepted"] - counts["consultations"]
    timed = counts["timed"]
    return {
        # counts
        "received": counts["received"],
        "accepted": counts["accepted"],
        "consultations": counts["consultations"],
        "rejected": counts["rejected"],
        "concluded": counts["concluded"],
        "withdrawn": counts["withdrawn"],
        "timed_concluded": timed,
        "on_time": counts["on_time"],
        "late": timed - counts["on_time"],
        "open_overdue": open_overdue,
        "early": counts["early"],
        "notices": counts["notices"],
        "first_time": counts["first_time"],
        "extensions": counts["extensions"],
        "suspensions": counts["suspensions"],
        # rates and averages
        "on_time_rate": rate(counts["on_time"], timed + open_overdue),
        "on_time_rate_conventional": rate(counts["on_time"], timed),
        "early_rate": rate(counts["early"], timed),
        "avg_days_used": ratio(counts["used_days"], timed),
        "p90_days_used": percentile(durations, 0.9),
        "used_to_promised": ratio(counts["used_days"], counts["promised_days"]),
        "supplement_rate": rate(counts["notices"], applications),
        "first_time_rate": rate(counts["first_time"], applications),
        "rejection_rate": rate(counts["rejected"], applications + counts["rejected"]),
    }


# Ranking: the indicators a department is scored on, each a percentage (higher is better) or a ratio
# turned into one. Weights are set in the admin (models.Weight); these are the defaults.
RANKED = {
    "on_time_rate": Decimal("50"),
    "first_time_rate": Decimal("20"),
    "early_rate": Decimal("15"),
    "time_saved": Decimal("15"),  # 100 × (1 − used ÷ promised), at least 0
    "rejection_rate": Decimal("0"),  # counts against: 100 − rate
    "supplement_rate": Decimal("0"),  # counts against: 100 − rate (capped at 100)
}


def scored(figs: dict) -> dict[str, float | None]:
    """The 0–100 value of each ranked indicator for one department."""
    ratio_used = figs["used_to_promised"]
    return {
        "on_time_rate": figs["on_time_rate"],
        "first_time_rate": figs["first_time_rate"],
        "early_rate": figs["early_rate"],
        "time_saved": None if ratio_used is None else round(max(0.0, 100 * (1 - ratio_used)), 1),
        "rejection_rate": None if figs["rejection_rate"] is None else 100 - figs["rejection_rate"],
        "supplement_rate": None
        if figs["supplement_rate"] is None
        else max(0.0, 100 - figs["supplement_rate"]),
    }


def score(values: dict[str, float | None], weights: dict[str, Decimal]) -> float | None:
    """The weighted mean of the values present (an indicator without data drops out with its weight)."""
    total = sum((w for k, w in weights.items() if w and values.get(k) is not None), Decimal(0))
    if not total:
        return None
    s = sum((Decimal(str(values[k])) * w for k, w in weights.items() if w and values.get(k) is not None))
    return round(float(s / total), 2)
