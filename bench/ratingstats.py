"""The rating figures (好差评) on PostgreSQL with a year of ratings.

    .venv/bin/python bench/ratingstats.py [--visits 1000000] [--runs 5]
                                          [--database postgres://postgres@127.0.0.1:5432/govhall_ratingbench]

What it does:
1. drops and creates the database, migrates it, creates 35 departments, 10 halls with 10 windows each,
   one item per department, 300 clerks and a window group per hall (ORM, a few rows);
2. inserts `--visits` visits done over 2026 in bulk SQL (generate_series), 80 % of them rated (about 6 %
   of the ratings bad, each with a follow-up, most called back and rectified), 1 % of the ratings changed
   once (the first row no longer current); VACUUM ANALYZE;
3. measures govhall.stats.ratingstats.table() for one month by each dimension and for the whole year by
   month, `--runs` times, and the baseline: the month's counted ratings read row by row into Python
   (values_list streamed) and counted by department, the per-row loop the grouped reads replace; prints
   medians and the ratio, and checks both agree.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from board import fresh_database, setup_django  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_ratingbench"
DEPARTMENTS, HALLS, WINDOWS, CLERKS = 35, 10, 10, 300


def catalogue() -> None:
    from govhall.catalog.models import Department, Hall, ServiceItem, Window
    from govhall.core.models import Role, User
    from govhall.visits.models import WindowGroup

    departments = [
        Department.objects.create(code=f"D{i:02d}", name=f"测试局{i:02d}", short_name=f"测{i}", sort_order=i)
        for i in range(DEPARTMENTS)
    ]
    for i in range(HALLS):
        hall = Hall.objects.create(code=f"H{i:02d}", name=f"政务服务大厅{i:02d}", level="centre")
        WindowGroup.objects.create(hall=hall, code="A", name="综合")
        for n in range(WINDOWS):
            Window.objects.create(hall=hall, number=f"{n:02d}", name=f"窗口{n:02d}")
    for i, d in enumerate(departments):
        ServiceItem.objects.create(
            code=f"XK{i:05d}",
            name=f"许可事项{i:02d}",
            item_type="licence",
            department=d,
            legal_limit=20,
            promised_limit=10,
            case_kind="committed",
            status="published",
        )
    for n in range(CLERKS):
        User.objects.create(username=f"clerk{n}", role=Role.CLERK)


# g = 1..N; u, v fixed pseudo-random numbers in [0, 1) per row; the visit ends on day g mod 365 of 2026.
VISITS = """
WITH h AS (SELECT array_agg(id ORDER BY code) AS ids FROM catalog_hall),
     grp AS (SELECT array_agg(id ORDER BY hall_id) AS ids FROM visits_windowgroup),
     w AS (SELECT array_agg(id ORDER BY id) AS ids FROM catalog_window),
     i AS (SELECT array_agg(id ORDER BY code) AS ids FROM catalog_serviceitem),
     c AS (SELECT array_agg(id ORDER BY id) AS ids FROM core_user WHERE role = 'clerk'),
     g AS (
       SELECT g, (timestamptz '2026-01-01 09:00+08' + (g %% 365) * interval '1 day'
                  + ((g / 365) %% 480) * interval '1 minute') AS t
         FROM generate_series(1, %(n)s) AS g
     )
INSERT INTO visits_visit (id, hall_id, group_id, day, sequence, number, source, state, item_id, phone,
                          window_id, clerk_id, ticket_at, called_at, started_at, ended_at, calls, version)
SELECT g, h.ids[1 + (g %% 100) / 10], grp.ids[1 + (g %% 100) / 10], (t AT TIME ZONE 'Asia/Shanghai')::date,
       g, 'A' || g, 'walk_in', 'done', i.ids[1 + g %% 35], '', w.ids[1 + g %% 100],
       c.ids[1 + g %% 300], t - interval '20 minutes', t - interval '10 minutes', t - interval '9 minutes',
       t, 1, 1
  FROM g, h, grp, w, i, c
"""
# Rated: u < 0.8; bad: u < 0.048 (6 % of the rated); changed: 0.79 <= u < 0.798 (a first, replaced row).
RATINGS = """
WITH v AS (
  SELECT vv.*, ((vv.id::bigint * 2654435761) %% 1000003) / 1000003.0 AS u, i.department_id
    FROM visits_visit vv JOIN catalog_serviceitem i ON i.id = vv.item_id
)
INSERT INTO visits_rating (rated, visit_id, level, comment, channel, rater_phone, department_id, hall_id,
                           window_id, clerk_id, item_id, rated_at, is_current, counts)
SELECT 'visit', id,
       CASE WHEN u < 0.024 THEN 1 WHEN u < 0.048 THEN 2 WHEN u < 0.2 THEN 3 WHEN u < 0.5 THEN 4 ELSE 5 END,
       '', 'tablet', '', department_id, hall_id, window_id, clerk_id, item_id,
       ended_at + interval '2 minutes', NOT (u >= 0.79 AND u < 0.798 AND %(first)s), true
  FROM v WHERE u < 0.8 AND (%(first)s = false OR (u >= 0.79 AND u < 0.798))
"""
FOLLOW_UPS = """
INSERT INTO visits_followup (rating_id, department_id, state, opened_at, callback_due, called_back_at,
                             finding, explanation, rectify_due, rectification, rectified_at, rater_view,
                             appeal_reason, appeal_decision, appeal_note, alert_level, version)
SELECT r.id, r.department_id, 'closed', r.rated_at, (r.rated_at + interval '1 day')::date,
       CASE WHEN r.id %% 10 < 9 THEN r.rated_at + interval '3 hours' END, 'founded', '',
       (r.rated_at + interval '7 days')::date, '',
       CASE WHEN r.id %% 10 < 8 THEN r.rated_at + interval '5 days' END,
       CASE WHEN r.id %% 10 < 6 THEN 'satisfied' WHEN r.id %% 10 < 8 THEN 'dissatisfied' ELSE '' END,
       '', '', '', 0, 1
  FROM visits_rating r WHERE r.level <= 2 AND r.is_current
"""


def load(n: int) -> dict:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(VISITS, {"n": n})
        cursor.execute(RATINGS, {"first": True})
        cursor.execute(RATINGS, {"first": False})
        cursor.execute(FOLLOW_UPS.replace("%%", "%"))
        cursor.execute("SELECT setval('visits_visit_id_seq', (SELECT max(id) FROM visits_visit))")
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE is_current) FROM visits_rating")
        ratings, current = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM visits_followup")
        (follow_ups,) = cursor.fetchone()
    return {
        "visits": n,
        "ratings": ratings,
        "current": current,
        "follow_ups": follow_ups,
        "seconds": time.perf_counter() - started,
    }


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    fresh_database(args.database)
    setup_django(args.database)
    catalogue()
    loaded = load(args.visits)
    print(
        f"loaded {loaded['visits']:,} visits, {loaded['ratings']:,} ratings ({loaded['current']:,} current), "
        f"{loaded['follow_ups']:,} follow-ups in {loaded['seconds']:.1f} s"
    )

    from govhall.stats import ratingstats
    from govhall.stats.queries import Filters

    june = Filters(date(2026, 6, 1), date(2026, 6, 30))
    year = Filters(date(2026, 1, 1), date(2026, 12, 31))
    today = date(2027, 1, 15)

    def baseline() -> Counter:
        """The per-row way: June's ratings and visits done read into Python, counted by department
        (ratings, satisfied, bad; visits done and rated) — two of the six sources, one dimension."""
        from govhall.visits.models import Visit

        rows = ratingstats.counted_ratings().filter(ratingstats._during("rated_at", june))
        out: Counter = Counter()
        figures: Counter = Counter()
        for department, level in rows.values_list("department_id", "level").iterator(chunk_size=5000):
            out[department] += 1
            figures[(department, "satisfied" if level >= 3 else "bad")] += 1
        counted = ratingstats.counted_ratings().filter(visit__isnull=False)
        rated = set(counted.values_list("visit_id", flat=True))
        visits = Visit.objects.filter(ratingstats._during("ended_at", june), state="done")
        for pk, department in visits.values_list("pk", "item__department_id").iterator(chunk_size=5000):
            figures[(department, "rateable")] += 1
            figures[(department, "rated")] += pk in rated
        return out

    base, counted = timed(baseline, args.runs)
    print(f"{platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores")
    print(f"baseline: June's ratings and visits counted in a Python loop: {base * 1000:.0f} ms")
    for by in ratingstats.DIMENSIONS:
        seconds, rows = timed(lambda by=by: ratingstats.table(june, by, today=today), args.runs)
        if by == "department":
            assert {k: v["rated"] for k, v in rows.items() if v["rated"]} == dict(counted), "disagree"
        print(f"June by {by:<10} {seconds * 1000:7.0f} ms  ({len(rows)} rows)  ratio {seconds / base:.2f}")
    seconds, rows = timed(lambda: ratingstats.table(year, "month", today=today), args.runs)
    print(f"2026 by month      {seconds * 1000:7.0f} ms  ({len(rows)} rows)  ratio {seconds / base:.2f}")
    seconds, _rows = timed(lambda: ratingstats.public_month(date(2026, 6, 1), today=today), args.runs)
    print(f"public June        {seconds * 1000:7.0f} ms  ratio {seconds / base:.2f}")


if __name__ == "__main__":
    main()
