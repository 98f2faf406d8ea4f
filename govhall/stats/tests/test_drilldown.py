"""Every figure's cases: the drill-down lists exactly the cases the figure counts (the worked March)."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.stats.drilldown import MEASURES, cases_for
from govhall.stats.queries import Filters, table
from govhall.stats.tests.history import march

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))
FIRST_TEN = Filters(date(2026, 3, 1), date(2026, 3, 10))


@pytest.fixture
def history(world):
    return march(world)


@pytest.mark.parametrize(
    ("period", "measure", "letters"),
    [
        (MARCH, "received", "ABCDEFGH"),
        (MARCH, "accepted", "ABCDEGH"),
        (MARCH, "consultations", "G"),
        (MARCH, "first_time", "ABCDH"),
        (MARCH, "rejected", "F"),
        (MARCH, "notices", "E"),
        (MARCH, "suspensions", "H"),
        (MARCH, "extensions", "H"),
        (MARCH, "withdrawn", ""),
        (MARCH, "concluded", "ABCEGH"),
        (MARCH, "timed_concluded", "ABCEH"),
        (MARCH, "on_time", "ABEH"),
        (MARCH, "early", "BEH"),
        (MARCH, "late", "C"),
        (MARCH, "open_overdue", "D"),
        (FIRST_TEN, "open_overdue", "C"),  # C: due 03-09, concluded 03-11; D is due on the 10th itself
        (FIRST_TEN, "concluded", "ABEG"),
    ],
)
def test_the_cases_of_each_figure(history, period, measure, letters):
    by_pk = {case.pk: letter for letter, case in history.items()}
    assert (
        "".join(sorted(by_pk[pk] for pk in cases_for(period, measure).values_list("pk", flat=True)))
        == letters
    )


def test_each_list_is_as_long_as_its_figure_when_no_case_counts_twice(history):
    figures = table(MARCH, None)[None]
    for measure in MEASURES:
        assert cases_for(MARCH, measure).count() == figures[measure], measure


def test_filters_narrow_the_cases(history, world):
    other = Filters(date(2026, 3, 1), date(2026, 3, 31), department=world.other_department.pk)
    assert cases_for(other, "received").count() == 0
    mine = Filters(date(2026, 3, 1), date(2026, 3, 31), department=world.department.pk)
    assert cases_for(mine, "received").count() == 8
    assert cases_for(MARCH, "received", kind="consultation").count() == 1
    assert cases_for(MARCH, "accepted", kind="immediate").count() == 1
    assert cases_for(MARCH, "received", channel="online").count() == 0


def test_an_unknown_measure_is_refused(history):
    with pytest.raises(ValueError, match="measure"):
        cases_for(MARCH, "everything")
