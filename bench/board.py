"""The supervision board and sweep on PostgreSQL with 1,000,000 open steps.

    .venv/bin/python bench/board.py [--steps 1000000] [--crossings 100000] [--runs 5]
                                    [--database postgres://postgres@127.0.0.1:5432/govhall_boardbench]

What it does:
1. drops and creates the database `govhall_boardbench`, migrates it, creates 35 departments, 10 halls,
   one item per department, 2 handlers and a head per department and 2 supervisors (ORM, a few rows);
2. inserts `--steps` accepted cases with one active step each in bulk SQL (generate_series), with stored
   warn_at/due_at spread around the moment T of the bench: about 72 % green, 10 % yellow, 15 % red, 3 %
   paused. `--crossings` of the yellow/red rows have not been announced (alert_level below their light:
   30 % of them red, the rest yellow); the others were, as after earlier sweeps. VACUUM ANALYZE;
3. measures the board's counts by department (govhall.supervision.queries.board_counts: one grouped
   COUNT(*) FILTER query over the partial index step_light) `--runs` times, and the baseline: the same
   counts in a Python loop over the rows (values_list streamed from the same table), checks both agree,
   prints medians and the ratio; also the counts by hall (a join with the cases) for information;
4. runs one sweep at T (govhall.supervision.sweep.sweep): claims every new crossing by compare-and-swap,
   writes the alerts, inbox messages, yellow cards and their records; prints the time, the rows written
   and checks that a second sweep finds nothing.

Budgets (issue 5): counts by department < 1 s; the sweep of 100,000 crossings < 60 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_boardbench"
T = "2026-06-15 10:00:00+08:00"  # a Monday
DEPARTMENTS = 35
HALLS = 10


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["GOVHALL_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    os.environ.setdefault("GOVHALL_ENV", "test")
    os.environ.setdefault("GOVHALL_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.DEBUG = False


def catalogue() -> None:
    from govhall.catalog.models import Department, Hall, ServiceItem
    from govhall.core.models import Role, User

    departments = [
        Department.objects.create(code=f"D{i:02d}", name=f"测试局{i:02d}", short_name=f"测{i}", sort_order=i)
        for i in range(DEPARTMENTS)
    ]
    for i in range(HALLS):
        Hall.objects.create(code=f"H{i:02d}", name=f"政务服务大厅{i:02d}", level="centre")
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
        for n in range(2):
            User.objects.create(username=f"h{i}_{n}", role=Role.HANDLER, department=d)
        User.objects.create(username=f"head{i}", role=Role.DEPT_HEAD, department=d)
    for n in range(2):
        User.objects.create(username=f"sup{n}", role=Role.SUPERVISOR)


# One row per step g = 1..N. u = a fixed pseudo-random number in [0, 1) per row; the light at T follows
# u: [0, .03) paused, [.03, .18) red, [.18, .28) yellow, the rest green. v picks the new crossings.
GENERATE = """
WITH d AS (SELECT array_agg(id ORDER BY code) AS ids FROM catalog_department),
     h AS (SELECT array_agg(id ORDER BY code) AS ids FROM catalog_hall),
     i AS (SELECT array_agg(id ORDER BY code) AS ids FROM catalog_serviceitem),
     g AS (
       SELECT g,
              ((g::bigint * 2654435761) %% 1000003) / 1000003.0 AS u,
              ((g::bigint * 40503) %% 999983) / 999983.0 AS v
         FROM generate_series(1, %(n)s) AS g
     )
INSERT INTO {table} ({columns})
SELECT {values} FROM g, d, h, i
"""

CASE_COLUMNS = {
    "id": "g",
    "number": "'B-' || g",
    "item_id": "i.ids[1 + g %% {d}]",
    "kind": "'committed'",
    "state": "CASE WHEN u < 0.03 THEN 'suspended' ELSE 'accepted' END",
    "channel": "'window'",
    "hall_id": "h.ids[1 + (g / 7) %% {h}]",
    "applicant_kind": "'person'",
    "applicant_name": "'申请人' || g",
    "id_type": "''",
    "id_number": "''",
    "credit_code": "''",
    "legal_representative": "''",
    "contact_name": "''",
    "phone": "''",
    "address": "''",
    "received_at": "%(t)s::timestamptz - interval '10 days'",
    "received_on": "(%(t)s::timestamptz - interval '10 days')::date",
    "acceptance_date": "(%(t)s::timestamptz - interval '10 days')::date",
    "due_provisional": "false",
    "suspended_days": "0",
    "extension_days": "0",
    "deemed_accepted": "false",
    "decision": "''",
    "decision_text": "''",
    "delivery_method": "''",
    "verification_code": "'ABCDEF'",
    "supplement_note": "''",
    "withdrawn_reason": "''",
    "rejection_reason": "''",
    "version": "1",
    "alert_level": "0",
}

# due_at relative to T: red rows 1..10 days ago, yellow rows due within 1 day (warned already), green rows
# 2..20 days ahead (warned 1..3 days before due). Alert levels: announced rows carry their light's level.
DUE = (
    "%(t)s::timestamptz + CASE WHEN u < 0.18 AND u >= 0.03 THEN -(1 + (g %% 10)) * interval '1 day' "
    "WHEN u < 0.28 AND u >= 0.03 THEN interval '14 hours' ELSE (4 + (g %% 17)) * interval '1 day' END"
)
WARN = f"({DUE}) - (1 + (g %% 3)) * interval '1 day'"
STEP_COLUMNS = {
    "id": "g",
    "case_id": "g",
    "position": "1",
    "name": "'审查'",
    "department_id": "d.ids[1 + g %% {d}]",
    "state": "'active'",
    "limit_days": "5",
    "paused_days": "0",
    "started_at": "%(t)s::timestamptz - interval '3 days'",
    "started_on": "(%(t)s::timestamptz - interval '3 days')::date",
    "due_date": f"(({DUE}) - interval '1 day')::date",
    "outcome": "''",
    "comment": "''",
    "rounds": "1",
    "warn_at": WARN,
    "due_at": DUE,
    "paused": "u < 0.03",
    # new crossings: a share of the red rows (v < cr: still at level 1) and of the yellow rows (v < cy:
    # still at level 0); the others were announced by earlier sweeps
    "alert_level": (
        "CASE WHEN u < 0.03 THEN 0 "
        "WHEN u < 0.18 THEN CASE WHEN v < %(cr)s THEN 1 ELSE 2 END "
        "WHEN u < 0.28 THEN CASE WHEN v < %(cy)s THEN 0 ELSE 1 END ELSE 0 END"
    ),
}


def generate(n: int, crossings: int) -> float:
    from django.db import connection

    # 10 % of the rows are yellow and 15 % red at T; leave unannounced the shares that make `crossings`
    # new crossings, 70 % of them yellow and 30 % red (a red crossing writes a card and tells more people).
    cy = min(1.0, 0.7 * crossings / (0.10 * n))
    cr = min(1.0, 0.3 * crossings / (0.15 * n))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table, cols in (("cases_case", CASE_COLUMNS), ("cases_step", STEP_COLUMNS)):
            columns = ", ".join(cols)
            values = ", ".join(v.format(d=DEPARTMENTS, h=HALLS) for v in cols.values())
            cursor.execute(
                GENERATE.format(table=table, columns=columns, values=values),
                {"n": n, "t": T, "cy": cy, "cr": cr},
            )
        cursor.execute("SELECT setval('cases_case_id_seq', %s)", [n])
        cursor.execute("SELECT setval('cases_step_id_seq', %s)", [n])
    connection.close()
    import psycopg

    with psycopg.connect(os.environ["GOVHALL_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE cases_case")
        conn.execute("VACUUM ANALYZE cases_step")
    return time.perf_counter() - started


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def python_counts(now: datetime) -> dict:
    """Baseline: stream the open steps and count the lights in Python."""
    from govhall.cases.models import Step
    from govhall.supervision import lights

    counts: dict[int, dict[str, int]] = {}
    rows = lights.lit_steps(Step.objects.all()).values_list("department_id", "warn_at", "due_at", "paused")
    for department, warn_at, due_at, paused in rows.iterator(chunk_size=20000):
        light = "paused" if paused else "red" if due_at <= now else "yellow" if warn_at <= now else "green"
        row = counts.setdefault(department, {"green": 0, "yellow": 0, "red": 0, "paused": 0})
        row[light] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--crossings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default=os.environ.get("GOVHALL_BOARDBENCH_URL", DEFAULT_DATABASE))
    options = parser.parse_args()
    fresh_database(options.database)
    setup_django(options.database)

    from django.db import connection

    from govhall.cases.models import Step
    from govhall.supervision import queries
    from govhall.supervision.models import Alert, Card, CardEvent, Notification
    from govhall.supervision.sweep import sweep

    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        print(f"# PostgreSQL {cursor.fetchone()[0]}")
    catalogue()
    seconds = generate(options.steps, options.crossings)
    print(f"generated {options.steps:,} cases and open steps in {seconds:.1f} s (bulk SQL, VACUUM ANALYZE)")

    now = datetime.fromisoformat(T)
    steps = queries.visible_steps(
        type("Sup", (), {"is_authenticated": True, "is_active": True, "role": "supervisor"})
    )

    sql_time, rows = timed(lambda: queries.board_counts(steps, now, by="department"), options.runs)
    py_time, baseline = timed(lambda: python_counts(now), max(1, min(options.runs, 3)))
    as_dicts = {r.key: {"green": r.green, "yellow": r.yellow, "red": r.red, "paused": r.paused} for r in rows}
    assert as_dicts == baseline, "the SQL counts and the Python loop disagree"
    total = queries.totals(rows)
    print(
        f"lights at T: green {total.green:,}, yellow {total.yellow:,}, red {total.red:,}, "
        f"paused {total.paused:,}"
    )
    print(
        f"board counts by department (SQL, COUNT FILTER, {len(rows)} rows): median {sql_time * 1000:.0f} ms"
    )
    print(f"baseline, the same counts in a Python loop over the rows:      median {py_time * 1000:.0f} ms")
    print(
        f"ratio baseline / SQL: {py_time / sql_time:.1f}×  "
        f"(budget: SQL < 1 s: {'ok' if sql_time < 1 else 'OVER'})"
    )
    hall_time, _ = timed(lambda: queries.board_counts(steps, now, by="hall"), options.runs)
    print(f"board counts by hall (join with the cases), for information: median {hall_time * 1000:.0f} ms")

    pending = Step.objects.filter(state="active", paused=False, due_at__lte=now, alert_level__lt=2).count()
    pending += Step.objects.filter(
        state="active", paused=False, due_at__gt=now, warn_at__lte=now, alert_level=0
    ).count()
    started = time.perf_counter()
    result = sweep(now=now)
    sweep_time = time.perf_counter() - started
    print(
        f"sweep at T: {result.crossings:,} new crossings "
        f"({result.step_yellow:,} yellow, {result.step_red:,} red; "
        f"{pending:,} expected) in {sweep_time:.1f} s — {result.crossings / sweep_time:,.0f} crossings/s "
        f"(budget < 60 s: {'ok' if sweep_time < 60 else 'OVER'})"
    )
    print(
        f"  wrote {Alert.objects.count():,} alerts, {Notification.objects.count():,} inbox messages, "
        f"{Card.objects.count():,} cards, {CardEvent.objects.count():,} card records"
    )
    assert result.crossings == pending
    started = time.perf_counter()
    again = sweep(now=now)
    print(
        f"second sweep at T: {again.crossings} crossings in {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    assert again.crossings == 0


if __name__ == "__main__":
    main()
