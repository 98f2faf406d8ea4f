"""Every figure's cases: the drill-down lists exactly the cases the figure counts (the worked March)."""

from __future__ import annotations

from datetime import date

import pytest

from govhall.stats import drilldown
from govhall.stats.drilldown import MEASURES, cases_for, first_cases
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


SHAPES = {
    "none": {},
    "kind immediate": {"kind": "immediate"},
    "kind committed": {"kind": "committed"},
    "channel window": {"channel": "window"},
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("period", [MARCH, FIRST_TEN], ids=["March", "first ten days"])
def test_the_page_read_along_the_events_lists_the_same_cases(history, world, shape, period):
    """first_cases (events first, in their order) and cases_for (cases first) agree, measure by measure,
    with and without a department."""
    for department in (None, world.department.pk, world.other_department.pk):
        f = Filters(period.date_from, period.date_to, department=department)
        for measure in MEASURES:
            rows, total, more = first_cases(f, measure, **SHAPES[shape])
            want = set(cases_for(f, measure, **SHAPES[shape]).values_list("pk", flat=True))
            assert ({c.pk for c in rows}, total, more) == (want, len(want), False), (measure, department)


def test_the_page_is_in_the_order_the_cases_entered_the_figure(history):
    concluded, _total, _more = first_cases(MARCH, "concluded")
    times = [c.events.get(kind__in=("concluded", "consultation_answered")).at for c in concluded]
    assert times == sorted(times) and len(times) == 6
    received, _total, _more = first_cases(MARCH, "received")
    assert [c.received_at for c in received] == sorted(c.received_at for c in received)
    assert len(received) == 8


def test_a_long_list_stops_counting(history, monkeypatch):
    monkeypatch.setattr(drilldown, "COUNT_AT_MOST", 5)
    rows, total, more = first_cases(MARCH, "received", limit=3)
    assert (len(rows), total, more) == (3, 5, True)
    rows, total, more = first_cases(MARCH, "notices", limit=0)  # a repeatable kind: counted by case
    assert (rows, total, more) == ([], 1, False)


def test_open_and_overdue_by_ids_or_by_the_condition_alike(history, monkeypatch):
    by_ids = set(cases_for(MARCH, "open_overdue").values_list("pk", flat=True))
    monkeypatch.setattr(drilldown, "IDS_AT_MOST", 0)  # too many: selected by the condition instead
    assert set(cases_for(MARCH, "open_overdue").values_list("pk", flat=True)) == by_ids == {history["D"].pk}
