"""The department ranking: a weighted score of the indicators (docs/indicators.md, "Ranking").

`rank()` is the rule on plain figures (tested with hand-made numbers); `department_ranking()` feeds it
the period's figures from the roll-ups, the weights and the minimum from the admin.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from govhall.catalog.models import Department
from govhall.stats import indicators
from govhall.stats.models import RankingSettings, Weight
from govhall.stats.queries import Filters, supervision, table

DEFAULT_MIN_CASES = 20


def current_weights() -> dict[str, Decimal]:
    """The weights of the ranked indicators: the admin's, the defaults for any not set there."""
    stored = dict(Weight.objects.filter(indicator__in=indicators.RANKED).values_list("indicator", "weight"))
    return {k: Decimal(stored.get(k, default)) for k, default in indicators.RANKED.items()}


def current_min_cases() -> int:
    settings = RankingSettings.objects.order_by("pk").first()
    return DEFAULT_MIN_CASES if settings is None else settings.min_cases


@dataclass(frozen=True)
class Entry:
    """One department's line of the ranking."""

    department: int
    code: str
    name: str
    assessed: int  # concluded with a limit + open and overdue at the end: the on-time rate's denominator
    values: dict[str, Decimal | None]
    score: Decimal | None
    rank: int | None = None  # None: not ranked, see `reason`
    reason: str = ""
    figures: dict = field(default_factory=dict, compare=False)


def assessed(figs: dict) -> int:
    return figs["timed_concluded"] + figs["open_overdue"]


def rank(
    departments: Iterable[tuple[int, str, str, dict]], weights: dict[str, Decimal], min_cases: int
) -> tuple[list[Entry], list[Entry]]:
    """(ranked, not ranked) from (id, code, name, figures) in display order.

    Ranked: at least `min_cases` assessed cases and a score. Highest score first; equal scores share a
    rank and the next rank skips (1, 2, 2, 4), in the given order within a tie.
    """
    candidates: list[tuple[int, Entry]] = []
    unranked: list[Entry] = []
    for order, (pk, code, name, figs) in enumerate(departments):
        values = indicators.scored(figs)
        entry = Entry(pk, code, name, assessed(figs), values, indicators.score(values, weights), figures=figs)
        if entry.assessed < min_cases:
            reason = _("%(n)s assessed cases, fewer than the minimum of %(min)s") % {
                "n": entry.assessed,
                "min": min_cases,
            }
            unranked.append(replace(entry, reason=reason))
        elif entry.score is None:
            unranked.append(replace(entry, reason=_("no weighted indicator has a value")))
        else:
            candidates.append((order, entry))
    candidates.sort(key=lambda pair: (-pair[1].score, pair[0]))
    out: list[Entry] = []
    for position, (_order, entry) in enumerate(candidates, start=1):
        same = bool(out) and out[-1].score == entry.score
        out.append(replace(entry, rank=out[-1].rank if same else position))
    return out, unranked


@dataclass(frozen=True)
class Ranking:
    ranked: list[Entry]
    unranked: list[Entry]
    weights: dict[str, Decimal]
    min_cases: int
    cards: dict  # department id → supervision figures of the period
    # ratingstats: department id → rating figures of the period (shown next to the score, not weighted)
    ratings: dict = field(default_factory=dict)

    def ratings_of(self, department: int) -> dict:
        """The rating figures shown in a department's line (0 ratings, no rates, when it had none)."""
        from govhall.stats import ratingstats

        figs = self.ratings.get(department) or ratingstats.figures(Counter())
        return {k: figs[k] for k in RANKING_RATING_FIGURES}


def department_ranking(
    f: Filters, *, weights=None, min_cases: int | None = None, rows: dict | None = None
) -> Ranking:
    """Every department, ranked on the period's figures (other filters, such as a hall, narrow the cases
    counted; a department filter is ignored: a ranking compares departments). `rows`: the figures by
    department of f without its department filter, if already computed (table(f, "department"))."""
    f = replace(f, department=None)
    weights = current_weights() if weights is None else weights
    min_cases = current_min_cases() if min_cases is None else min_cases
    rows = table(f, "department") if rows is None else rows
    empty = indicators.figures(Counter(), Counter(), 0)
    departments = [(d.pk, d.code, d.name, rows.get(d.pk, empty)) for d in Department.objects.all()]
    ranked, unranked = rank(departments, weights, min_cases)
    return Ranking(ranked, unranked, weights, min_cases, supervision(f, "department"), rating_figures(f))


def rating_figures(f: Filters) -> dict:
    """ratingstats: the departments' rating figures of the period (ratings and follow-ups opened)."""
    from govhall.stats import ratingstats

    return ratingstats.table(f, "department", today=f.date_to, sources=RANKING_RATING_SOURCES)


RANKING_RATING_SOURCES = ("ratings", "follow_ups")
RANKING_RATING_FIGURES = ("rated", "satisfaction_rate", "bad", "callback_rate")
