"""The indicators of docs/indicators.md, computed from counts. Each formula is written once, here.

`counts` is a Counter of the roll-up measures (govhall.stats.models.MEASURES) over a period and a filter,
`durations` the histogram of working days used (used → concluded cases), `open_overdue` the cases open
at the end of the period whose promised due date was already before it.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _


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
        "online_decided": counts["online_decided"],
        "online_first_time": counts["online_first_time"],
        # rates and averages
        "on_time_rate": rate(counts["on_time"], timed + open_overdue),
        "on_time_rate_conventional": rate(counts["on_time"], timed),
        "early_rate": rate(counts["early"], timed),
        "avg_days_used": ratio(counts["used_days"], timed),
        "p90_days_used": percentile(durations, 0.9),
        "used_days": counts["used_days"],
        "promised_days": counts["promised_days"],
        "used_to_promised": ratio(counts["used_days"], counts["promised_days"]),
        "supplement_rate": rate(counts["notices"], applications),
        "first_time_rate": rate(counts["first_time"], applications),
        "rejection_rate": rate(counts["rejected"], applications + counts["rejected"]),
        "online_success_rate": rate(counts["online_first_time"], counts["online_decided"]),
    }


# --- the department ranking (docs/indicators.md, "Ranking") -------------------------------------------

# The indicators a department is scored on, each as a value from 0 to 100 where more is better, and the
# default weights (an administrator changes them in the admin: models.Weight).
RANKED = {
    "on_time_rate": Decimal("40"),
    "first_time_rate": Decimal("20"),
    "time_saved": Decimal("20"),
    "early_rate": Decimal("10"),
    "rejection_rate": Decimal("5"),
    "supplement_rate": Decimal("5"),
}
RANKED_LABELS = {
    "on_time_rate": _("On-time rate"),
    "first_time_rate": _("First-time-complete rate"),
    "time_saved": _("Time saved against the promised limit"),
    "early_rate": _("Early completion rate"),
    "rejection_rate": _("Rejection rate (counts against)"),
    "supplement_rate": _("Supplement rate (counts against)"),
}
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


def _clamp(value: Decimal) -> Decimal:
    return min(Decimal(100), max(Decimal(0), value))


def scored(figs: dict) -> dict[str, Decimal | None]:
    """The 0–100 value of each ranked indicator (None: no data). Rates where more is worse are turned
    round (100 − rate); the time saved is 100 × (1 − working days used ÷ promised), one decimal."""

    def plain(key: str) -> Decimal | None:
        v = figs[key]
        return None if v is None else _clamp(Decimal(str(v)))

    def against(key: str) -> Decimal | None:
        v = figs[key]
        return None if v is None else _clamp(100 - Decimal(str(v)))

    promised = figs["promised_days"]
    saved = (
        None
        if not promised
        else _clamp(100 * (1 - Decimal(figs["used_days"]) / Decimal(promised))).quantize(TENTH, ROUND_HALF_UP)
    )
    return {
        "on_time_rate": plain("on_time_rate"),
        "first_time_rate": plain("first_time_rate"),
        "time_saved": saved,
        "early_rate": plain("early_rate"),
        "rejection_rate": against("rejection_rate"),
        "supplement_rate": against("supplement_rate"),
    }


def score(values: dict[str, Decimal | None], weights: dict[str, Decimal]) -> Decimal | None:
    """Σ weight × value ÷ Σ weight over the indicators that have a value and a weight above 0, rounded half
    up to two decimals; None when no weighted indicator has a value."""
    present = [(values[k], w) for k, w in weights.items() if w > 0 and values.get(k) is not None]
    total = sum((w for _v, w in present), Decimal(0))
    if not total:
        return None
    return (sum((v * w for v, w in present), Decimal(0)) / total).quantize(HUNDREDTH, ROUND_HALF_UP)
