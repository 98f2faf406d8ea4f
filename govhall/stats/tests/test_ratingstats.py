"""The rating indicators (docs/indicators.md, "Ratings") on the hand-made March of ratings_history.py: each
figure per dimension, the ratings behind it, replaced and appealed ratings left out, month boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from govhall.stats import ratingstats
from govhall.stats.queries import Filters
from govhall.stats.tests.ratings_history import TODAY, ratings_march

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))
SPRING = Filters(date(2026, 3, 1), date(2026, 4, 30))

# (rated, satisfaction %, bad %, coverage %, callback %, rectified on time %, satisfied with rect. %)
FIGURES = (
    "rated",
    "satisfaction_rate",
    "bad_share",
    "coverage_rate",
    "callback_rate",
    "rectified_on_time_rate",
    "rectification_satisfaction_rate",
)


@pytest.fixture
def rw(world):
    return ratings_march(world)


def pick(figs: dict) -> tuple:
    return tuple(figs[k] for k in FIGURES)


def test_the_march_totals(rw):
    figs = ratingstats.summary(MARCH, today=TODAY)
    # r1 r2 r4 r5 r8 r10; not r3 (April), r6 (appeal upheld), r7 (replaced by r8), r9 (the website)
    assert figs["rated"] == 6
    assert (figs["satisfied"], figs["satisfaction_rate"]) == (4, 66.7)
    assert (figs["bad"], figs["bad_share"]) == (2, 33.3)
    # cases A B C concluded, visits 1 2 4 5 6 done; rated B C and 1 2 4 5 (A's rating does not count)
    assert (figs["rateable"], figs["rated_rateable"], figs["coverage_rate"]) == (8, 6, 75.0)
    assert (figs["follow_ups"], figs["called_back"], figs["callback_rate"]) == (2, 1, 50.0)
    assert (figs["rectify_due"], figs["rectified_on_time"], figs["rectified_on_time_rate"]) == (2, 1, 50.0)
    assert (figs["views_reported"], figs["rectification_satisfaction_rate"]) == (1, 100.0)
    # B concluded on time and rated 基本满意; C concluded overdue and rated 不满意
    assert (figs["on_time_rated"], figs["on_time_bad"], figs["bad_share_on_time"]) == (1, 0, 0.0)
    assert (figs["overdue_rated"], figs["overdue_bad"], figs["bad_share_overdue"]) == (1, 1, 100.0)


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (
            "department",
            {
                "市场监督管理局": (5, 80.0, 20.0, 71.4, 100.0, 100.0, 100.0),
                "住房和城乡建设局": (1, 0.0, 100.0, 100.0, 0.0, 0.0, None),
            },
        ),
        (
            "hall",
            {
                "泉山市政务服务中心": (5, 80.0, 20.0, 71.4, 100.0, 100.0, 100.0),
                "住建分大厅": (1, 0.0, 100.0, 100.0, 0.0, 0.0, None),
            },
        ),
        (
            "window",
            {
                "泉山市政务服务中心 01 市场监管窗口": (5, 80.0, 20.0, 71.4, 100.0, 100.0, 100.0),
                "住建分大厅 02 住建窗口": (1, 0.0, 100.0, 100.0, 0.0, 0.0, None),
            },
        ),
        ("item", {"食品经营许可 (v1)": (5, 80.0, 20.0, 83.3, 100.0, 100.0, 100.0)}),  # not A (immediate)
        (
            "month",
            {
                "2026-03": (6, 66.7, 33.3, 75.0, 50.0, 50.0, 100.0),
                "2026-04": (1, 0.0, 100.0, 100.0, 0.0, None, None),
            },
        ),
    ],
)
def test_the_figures_by_dimension(rw, by, expected):
    f = SPRING if by == "month" else MARCH
    rows = ratingstats.table(f, by, today=TODAY)
    label = ratingstats.names(by, rows.keys())
    got = {label[k]: pick(v) for k, v in rows.items()}
    for name, figures in expected.items():
        assert got[name] == figures, name
    if by != "item":
        assert set(got) == set(expected)


def test_the_figures_by_clerk(rw):
    rows = ratingstats.table(MARCH, "clerk", today=TODAY)
    clerk, other = rw.world.users["clerk"], rw.world.users["other_clerk"]
    assert {k: v["rated"] for k, v in rows.items()} == {clerk.pk: 5, other.pk: 1}
    assert rows[other.pk]["bad_share"] == 100.0


def test_a_rectification_within_its_limit_is_not_yet_due(rw):
    """r10's rectification is due 03-27: on 03-25 it is not counted, on 03-28 it counts as late."""
    assert ratingstats.summary(MARCH, today=date(2026, 3, 25))["rectify_due"] == 1
    assert ratingstats.summary(MARCH, today=date(2026, 3, 28))["rectify_due"] == 2


def test_the_last_half_hour_of_a_month_belongs_to_it(rw):
    last_day = ratingstats.summary(Filters(date(2026, 3, 31), date(2026, 3, 31)), today=TODAY)
    first_day = ratingstats.summary(Filters(date(2026, 4, 1), date(2026, 4, 1)), today=TODAY)
    assert (last_day["rated"], first_day["rated"]) == (1, 1)
    assert (last_day["rateable_visits"], first_day["rateable_visits"]) == (1, 1)


def test_a_department_filter_narrows_every_source(rw):
    f = Filters(MARCH.date_from, MARCH.date_to, department=rw.world.other_department.pk)
    figs = ratingstats.summary(f, today=TODAY)
    assert pick(figs) == (1, 0.0, 100.0, 100.0, 0.0, 0.0, None)


def ids(rw, qs) -> set[str]:
    found = set(qs.values_list("pk", flat=True))
    return {k for k, r in rw.ratings.items() if r.pk in found}


@pytest.mark.parametrize(
    ("measure", "by", "key", "expected"),
    [
        ("rated", None, None, {"r1", "r2", "r4", "r5", "r8", "r10"}),
        ("satisfied", None, None, {"r1", "r2", "r4", "r8"}),
        ("bad", None, None, {"r5", "r10"}),
        ("rated_rateable", None, None, {"r1", "r2", "r4", "r5", "r8", "r10"}),
        ("follow_ups", None, None, {"r5", "r10"}),
        ("called_back", None, None, {"r5"}),
        ("not_called_back", None, None, {"r10"}),
        ("rectified_on_time", None, None, {"r5"}),
        ("rectified_late", None, None, {"r10"}),
        ("views_satisfied", None, None, {"r5"}),
        ("on_time_bad", None, None, set()),
        ("overdue_bad", None, None, {"r5"}),
        ("on_time_rated", None, None, {"r4"}),
        ("bad", "department", "other", {"r10"}),
        ("rated_rateable", "department", "other", {"r10"}),
        ("called_back", "department", "other", set()),
        ("rated", "month", date(2026, 4, 1), {"r3"}),
        ("rated", "window", None, set()),
    ],
)
def test_the_ratings_behind_each_figure(rw, measure, by, key, expected):
    if key == "other":
        key = rw.world.other_department.pk
    f = SPRING if by == "month" else MARCH
    assert ids(rw, ratingstats.ratings_for(f, measure, today=TODAY, by=by, key=key)) == expected


def test_each_dimension_is_a_fixed_number_of_grouped_reads(rw):
    """One GROUP BY per source, however many ratings: no per-row work in Python."""
    with CaptureQueriesContext(connection) as queries:
        ratingstats.table(MARCH, "department", today=TODAY)
    reads = [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == len(ratingstats.SOURCES)
