"""Statistics on PostgreSQL with 10,000,000 cases: the ranking and the dashboard from the roll-ups.

    .venv/bin/python bench/stats.py [--cases 10000000] [--runs 5] [--month 2026-03] [--year 2025]
                                    [--first 2017-01-01] [--last 2026-06-30] [--keep] [--events]
                                    [--database postgres://postgres@127.0.0.1:5432/govhall_bench_stats]

What it does:
1. drops and creates the database `govhall_bench_stats`, migrates it, and creates 40 departments with 25
   items each (22 immediate, 3 committed, promised 3–20 working days) and 16 halls (the centre and 15
   township halls), with the ORM;
2. loads `--cases` cases in time order over the working days of `--first` … `--last` (about 4,200 a
   working day at 10,000,000 over 2017–2026-06) with one INSERT … SELECT FROM generate_series, and their
   consultation rows: 88 % immediate, 11 % committed, 1.2 % consultations (the seed's mix); departments,
   items and halls skewed as in a real centre (the busiest department takes 16 % of the cases, a tenth of
   the items two fifths); 62 % at the centre's windows, 10 % online, 5 % taken in by a township hall on
   behalf of the centre, 23 % at the township halls; 2 % not accepted; immediate cases concluded the same
   day; committed cases concluded within their limit except 4 % late by 1–5 working days, the latest
   still open (some of them overdue). Indexes are dropped during the load and built afterwards (of the
   cases' indexes only those a statistics query can use, see STATISTICS_INDEXES; --all-indexes for
   every one), with the foreign-key triggers off (session_replication_role = replica); VACUUM ANALYZE;
3. fills the three daily roll-up tables from the cases with INSERT … SELECT … GROUP BY (a year at a time,
   rows in day order as the services would have written them, the roll-ups' indexes built after): this is
   the direct count of the definitions in docs/indicators.md for cases without notices, suspensions,
   extensions or withdrawals; the two monthly ones are the daily rows summed by month without the item.
   A sample of 2,000 cases is also counted by govhall.stats.rollup's own contributions() (the code the
   case services use) and must give the same rows as the SQL;
4. measures, `--runs` times each (medians), through govhall.stats (the code the pages use): the department
   ranking for `--month` (ranking.department_ranking), the month's summary (queries.summary: totals, by
   kind, by channel, supervision), the trend by month over `--year` (queries.table by month), the month
   by kind and by department (on-time rate by department), and the whole dashboard computation
   (dashboard.overview) for the month, for `--year` and for 1 January to the 17th of `--last`'s month
   (the page's default period: whole months and days); the baseline of the same run computes the same
   figures with aggregate SQL over the cases table (given an index on concluded_at, which the cases
   table does not have, so that it is not a straw man) and the same formulas (indicators.figures,
   ranking.rank); every figure of both must be equal;
5. with --events, also stores the cases' events (receipt, acceptance or rejection, conclusion: about 3 a
   case, INSERT … SELECT from the cases) and measures the drill-down lists behind the dashboard's figures
   (drilldown.first_cases: the first 200 cases in the order they entered the figure and the count up to
   10,000), against the same page and count of the receipts read straight from the cases table;
6. drops the database (unless --keep).

Budget (issue 6): each measurement under 1 s with 10,000,000 cases.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_bench_stats"
DEPARTMENTS = 40
ITEMS_IMMEDIATE = 22  # per department
ITEMS_COMMITTED = 3
TOWNSHIPS = 15
ZONE = "Asia/Shanghai"
SAMPLE = 2000


def admin_url(url: str) -> str:
    return urlsplit(url)._replace(path="/postgres").geturl()


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def fresh_database(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name(url)}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name(url)}"')


def drop_database(url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name(url)}" WITH (FORCE)')


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
    from govhall.catalog.models import Department, Hall, HallLevel, ServiceItem

    departments = Department.objects.bulk_create(
        Department(code=f"D{i:02d}", name=f"测试局{i:02d}", short_name=f"测{i}", sort_order=i)
        for i in range(DEPARTMENTS)
    )
    centre = Hall.objects.create(code="H00", name="市政务服务中心", level=HallLevel.CENTRE)
    Hall.objects.bulk_create(
        Hall(code=f"H{i:02d}", name=f"乡镇便民服务中心{i:02d}", level=HallLevel.TOWNSHIP, parent=centre)
        for i in range(1, TOWNSHIPS + 1)
    )
    items = []
    for d, dept in enumerate(departments):
        for k in range(ITEMS_IMMEDIATE + ITEMS_COMMITTED):
            committed = k >= ITEMS_IMMEDIATE
            limit = 3 + (d * 7 + k * 5) % 18 if committed else 0
            items.append(
                ServiceItem(
                    code=f"XK{d:02d}{k:03d}",
                    name=f"事项{d:02d}-{k:02d}",
                    item_type="licence",
                    department=dept,
                    legal_limit=20 if committed else 0,
                    promised_limit=limit,
                    case_kind="committed" if committed else "immediate",
                    status="published",
                )
            )
    ServiceItem.objects.bulk_create(items)


# --- the load -----------------------------------------------------------------------------------------


def calendar_tables(cursor, first: date, last: date) -> int:
    """bench_day(d, ord): ord = working days from `first` up to d; bench_wd(n, d): the n-th working day.
    workdays_between(a, b) = ord(b) − ord(a). Returns the number of working days in first … last."""
    from govhall.workdays import calendar as workdays

    cursor.execute("CREATE TABLE bench_day (d date PRIMARY KEY, ord integer NOT NULL)")
    cursor.execute("CREATE TABLE bench_wd (n integer PRIMARY KEY, d date NOT NULL)")
    days, wds, n, d = [], [], 0, first - timedelta(days=30)
    end = last + timedelta(days=200)  # promised due dates of the last cases
    in_range = 0
    while d <= end:
        if d >= first and workdays.is_workday(d):
            n += 1
            wds.append((n, d))
            in_range += d <= last
        days.append((d, n))
        d += timedelta(days=1)
    cursor.executemany("INSERT INTO bench_day VALUES (%s, %s)", days)
    cursor.executemany("INSERT INTO bench_wd VALUES (%s, %s)", wds)
    cursor.execute(
        "CREATE TABLE bench_item AS SELECT i.id, i.department_id, i.promised_limit, i.legal_limit, "
        "i.case_kind AS kind, d.sort_order AS dept_idx, "
        "row_number() OVER (PARTITION BY d.id, i.case_kind ORDER BY i.code) - 1 AS k "
        "FROM catalog_serviceitem i JOIN catalog_department d ON d.id = i.department_id"
    )
    cursor.execute("CREATE TABLE bench_dept AS SELECT id, sort_order AS idx FROM catalog_department")
    cursor.execute("ANALYZE bench_day; ANALYZE bench_wd; ANALYZE bench_item; ANALYZE bench_dept")
    return in_range


def rnd(k: int) -> str:
    """A fixed pseudo-random number in [0, 1) for row g, stream k."""
    return f"((hashint8extended(g, {k}) & 2147483647)::float8 / 2147483648.0)"


# One row per case g = 1..N, in time order: g falls on the n-th working day. r1 kind, r2 department,
# r3 item, r4 channel, r5 township hall, r6 minute, r7 rejection, r8 late, r9 days used.
PLAN = f"""
CREATE UNLOGGED TABLE bench_plan AS
SELECT g, p.n, wd.d AS day,
       CASE WHEN r1 < 0.012 THEN 'consultation' WHEN r1 < 0.121 THEN 'committed' ELSE 'immediate' END
         AS kind,
       floor({DEPARTMENTS} * r2 * r2)::int AS dept_idx,
       r3, r4, r5, r7, r8, r9,
       ((wd.d + time '09:00') AT TIME ZONE '{ZONE}') + floor(r6 * 450) * interval '1 minute' AS received_at
  FROM (SELECT g, 1 + ((g - 1)::bigint * %(w)s / %(n)s)::int AS n,
               {rnd(1)} AS r1, {rnd(2)} AS r2, {rnd(3)} AS r3, {rnd(4)} AS r4, {rnd(5)} AS r5,
               {rnd(6)} AS r6, {rnd(7)} AS r7, {rnd(8)} AS r8, {rnd(9)} AS r9
          FROM generate_series(1, %(n)s) AS g) p
  JOIN bench_wd wd ON wd.n = p.n
"""

# The case row from its plan: item (a tenth of a department's items takes about two fifths of its cases),
# hall and channel, state and dates.
CASES = f"""
INSERT INTO cases_case (
  id, number, item_id, kind, state, channel, hall_id, agency_hall_id,
  applicant_kind, applicant_name, id_type, id_number, credit_code, legal_representative, contact_name,
  phone, address, received_at, received_on, acceptance_date, promised_due, legal_due, due_provisional,
  suspended_days, extension_days, deemed_accepted, decision, decision_text, concluded_at,
  delivery_method, verification_code, supplement_note, withdrawn_reason, rejection_reason, version,
  alert_level)
SELECT p.g, 'S' || p.g, i.id, p.kind, s.state, h.channel, h.hall, h.agency,
       'person', '申请人', '', '', '', '', '', '', '', p.received_at, p.day,
       CASE WHEN s.accepted THEN p.day END, CASE WHEN s.accepted THEN due.d END,
       CASE WHEN s.accepted THEN due.d END, false, 0, 0, false,
       CASE WHEN s.state = 'concluded' THEN 'approved' ELSE '' END, '',
       CASE WHEN s.state IN ('concluded', 'answered') THEN
         CASE WHEN p.kind = 'committed'
              THEN greatest(p.received_at + interval '30 minutes',
                            (fin.d + time '16:00') AT TIME ZONE '{ZONE}')
              ELSE p.received_at + interval '20 minutes' END END,
       '', 'ABCDEF', '', '', '', 1, 0
  FROM bench_plan p
  LEFT JOIN bench_item i
         ON p.kind <> 'consultation' AND i.kind = p.kind AND i.dept_idx = p.dept_idx
        AND i.k = floor(CASE WHEN p.kind = 'committed' THEN {ITEMS_COMMITTED} ELSE {ITEMS_IMMEDIATE} END
                        * p.r3 * p.r3 * p.r3)::int
  CROSS JOIN (SELECT array_agg(id ORDER BY code) AS ids FROM catalog_hall) hs
  CROSS JOIN LATERAL (
    SELECT CASE WHEN p.kind = 'consultation' OR p.r4 < 0.62 THEN 'window' WHEN p.r4 < 0.72 THEN 'online'
                WHEN p.r4 < 0.77 THEN 'agency' ELSE 'window' END AS channel,
           CASE WHEN p.kind = 'consultation' OR p.r4 < 0.77 THEN hs.ids[1]
                ELSE hs.ids[2 + floor(p.r5 * {TOWNSHIPS})::int] END AS hall,
           CASE WHEN p.kind <> 'consultation' AND p.r4 >= 0.72 AND p.r4 < 0.77
                THEN hs.ids[2 + floor(p.r5 * {TOWNSHIPS})::int] END AS agency
  ) h
  LEFT JOIN bench_wd due ON due.n = p.n + coalesce(i.promised_limit, 0)
  LEFT JOIN bench_wd fin
         ON fin.n = p.n + CASE WHEN p.kind <> 'committed' THEN 0
                               WHEN p.r8 < 0.04 THEN i.promised_limit + 1 + floor(p.r9 * 5)::int
                               ELSE floor(p.r9 * (i.promised_limit + 1))::int END
  CROSS JOIN LATERAL (
    SELECT CASE WHEN p.kind = 'consultation' THEN 'answered'
                WHEN p.r7 < 0.02 THEN 'rejected'
                WHEN fin.n > %(w)s THEN 'accepted'
                ELSE 'concluded' END AS state,
           p.kind <> 'consultation' AND p.r7 >= 0.02 AS accepted
  ) s
"""

CONSULTATIONS = """
INSERT INTO cases_consultation (case_id, question, answer, department_id, answered_at)
SELECT c.id, '请问办理需要哪些材料？', '已告知。', d.id, c.concluded_at
  FROM cases_case c JOIN bench_plan p ON p.g = c.id JOIN bench_dept d ON d.idx = p.dept_idx
 WHERE c.kind = 'consultation'
"""


# --- the direct count: the roll-up rows from the cases -----------------------------------------------

FROM_R = """
  FROM cases_case c
  LEFT JOIN catalog_serviceitem i ON i.id = c.item_id
  LEFT JOIN cases_consultation q ON q.case_id = c.id
"""
FROM = (
    FROM_R
    + f"""  LEFT JOIN bench_day cd ON cd.d = (c.concluded_at AT TIME ZONE '{ZONE}')::date
  LEFT JOIN bench_day a ON a.d = c.acceptance_date
  LEFT JOIN bench_day pd ON pd.d = c.promised_due
"""
)
KEY = "coalesce(i.department_id, q.department_id), c.hall_id, coalesce(c.item_id, 0), c.channel, c.kind"
KEY_AS = (
    "coalesce(i.department_id, q.department_id) AS department, c.hall_id AS hall, "
    "coalesce(c.item_id, 0) AS item, c.channel, c.kind"
)
# {received}: a condition on the day of receipt, {concluded}: on the time of conclusion (both with AND).
ROLLUP_FIGURES = f"""
SELECT day, department, hall, item, channel, kind, sum(received), sum(accepted), sum(consultations),
       sum(first_time), sum(rejected), sum(concluded), sum(timed), sum(on_time), sum(early),
       sum(used_days), sum(promised_days)
  FROM (
    SELECT c.received_on AS day, {KEY_AS},
           1 AS received, (c.state <> 'rejected')::int AS accepted,
           (c.kind = 'consultation')::int AS consultations,
           (c.state <> 'rejected' AND c.kind <> 'consultation')::int AS first_time,
           (c.state = 'rejected')::int AS rejected,
           0 AS concluded, 0 AS timed, 0 AS on_time, 0 AS early, 0 AS used_days, 0 AS promised_days
    {FROM_R} WHERE true {{received}}
    UNION ALL
    SELECT cd.d, {KEY}, 0, 0, 0, 0, 0, 1, (c.kind <> 'consultation')::int,
           (c.kind <> 'consultation' AND cd.d <= c.promised_due)::int,
           (c.kind <> 'consultation' AND cd.d < c.promised_due)::int,
           CASE WHEN c.kind <> 'consultation' THEN greatest(0, cd.ord - a.ord) ELSE 0 END,
           CASE WHEN c.kind <> 'consultation' THEN greatest(0, pd.ord - a.ord) ELSE 0 END
    {FROM} WHERE c.concluded_at IS NOT NULL {{concluded}}
  ) x
 GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1
"""
TIMED = "c.kind <> 'consultation' AND c.concluded_at IS NOT NULL"
ROLLUP_DURATIONS = f"""
SELECT cd.d, {KEY}, greatest(0, cd.ord - a.ord), count(*)
{FROM} WHERE {TIMED} {{concluded}} GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1
"""
ROLLUP_LATE = f"""
SELECT cd.d, {KEY}, c.promised_due, count(*)
{FROM} WHERE {TIMED} AND cd.d > c.promised_due {{concluded}} GROUP BY 1, 2, 3, 4, 5, 6, 7
"""
FIGURE_COLUMNS = (
    "day, department, hall, item, channel, kind, received, accepted, consultations, first_time, rejected, "
    "concluded, timed, on_time, early, used_days, promised_days"
)
KEY_COLUMNS = "day, department, hall, item, channel, kind"
MEASURE_COLUMNS = FIGURE_COLUMNS.split(", ")[6:]
MONTH_COLUMNS = "month, department, hall, channel, kind"
# The monthly roll-ups: the daily rows summed by month without the item (what rollup.apply writes too).
MONTHLY_FIGURES = f"""
INSERT INTO stats_monthlyfigure ({MONTH_COLUMNS}, {", ".join(MEASURE_COLUMNS)})
SELECT date_trunc('month', day)::date, department, hall, channel, kind,
       {", ".join(f"sum({m})" for m in MEASURE_COLUMNS)}
  FROM stats_dailyfigure WHERE day BETWEEN %(d0)s AND %(d1)s GROUP BY 1, 2, 3, 4, 5 ORDER BY 1
"""
MONTHLY_DURATIONS = f"""
INSERT INTO stats_monthlyduration ({MONTH_COLUMNS}, used, count)
SELECT date_trunc('month', day)::date, department, hall, channel, kind, used, sum(count)
  FROM stats_dailyduration WHERE day BETWEEN %(d0)s AND %(d1)s GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1
"""
BY_DAYS = {
    "received": "AND c.received_on BETWEEN %(d0)s AND %(d1)s",
    "concluded": "AND c.concluded_at >= %(t0)s AND c.concluded_at < %(t1)s",
}


def fill_rollups(cursor, first: date, last: date) -> None:
    """The roll-up rows of first … last from the cases, a year at a time (each year's groups fit in
    memory; the rows go in by day, as the case services would have written them)."""
    for year in range(first.year, last.year + 1):
        d0, d1 = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        t0, t1 = _day_bounds(d0, d1)
        params = {"d0": d0, "d1": d1, "t0": t0, "t1": t1}
        cursor.execute(
            f"INSERT INTO stats_dailyfigure ({FIGURE_COLUMNS}) {ROLLUP_FIGURES.format(**BY_DAYS)}", params
        )
        cursor.execute(
            f"INSERT INTO stats_dailyduration ({KEY_COLUMNS}, used, count) "
            f"{ROLLUP_DURATIONS.format(**BY_DAYS)}",
            params,
        )
        cursor.execute(
            f"INSERT INTO stats_lateclosure ({KEY_COLUMNS}, due, count) {ROLLUP_LATE.format(**BY_DAYS)}",
            params,
        )
        cursor.execute(MONTHLY_FIGURES, params)
        cursor.execute(MONTHLY_DURATIONS, params)


def sample_check(cursor, n: int) -> int:
    """The SQL count of a sample of cases against govhall.stats.rollup.contributions() on the same cases."""
    from django.utils import timezone

    from govhall.cases.models import Case, CaseKind, EventKind
    from govhall.stats.rollup import CaseFacts, Tally, contributions

    step = max(1, n // SAMPLE)
    ids = list(range(1, n + 1, step))
    where = {"received": "AND c.id = ANY(%(ids)s)", "concluded": "AND c.id = ANY(%(ids)s)"}
    sql = Tally()
    cursor.execute(ROLLUP_FIGURES.format(**where), {"ids": ids})
    names = FIGURE_COLUMNS.split(", ")[6:]
    for row in cursor.fetchall():
        sql.figures[tuple(row[:6])] = Counter(dict(zip(names, row[6:], strict=True)))
    cursor.execute(ROLLUP_DURATIONS.format(**where), {"ids": ids})
    for row in cursor.fetchall():
        sql.durations[tuple(row[:-1])] = row[-1]
    cursor.execute(ROLLUP_LATE.format(**where), {"ids": ids})
    for row in cursor.fetchall():
        sql.late[tuple(row[:-1])] = row[-1]

    code = Tally()
    cases = Case.objects.filter(pk__in=ids).select_related("item", "consultation")
    for case in cases:
        consultation = case.kind == CaseKind.CONSULTATION
        facts = CaseFacts(
            department=case.consultation.department_id if consultation else case.item.department_id,
            hall=case.hall_id,
            item=case.item_id or 0,
            channel=case.channel,
            kind=case.kind,
            acceptance_date=case.acceptance_date,
            promised_due=case.promised_due,
            suspended_days=case.suspended_days,
        )
        received = timezone.localdate(case.received_at)
        events = (
            [(EventKind.CONSULTATION_REGISTERED, received)]
            if consultation
            else [(EventKind.RECEIVED, received)]
        )
        if case.state == "rejected":
            events.append((EventKind.REJECTED, received))
        elif not consultation:
            events.append((EventKind.ACCEPTED, received))
        if case.concluded_at is not None:
            kind = EventKind.CONSULTATION_ANSWERED if consultation else EventKind.CONCLUDED
            events.append((kind, timezone.localdate(case.concluded_at)))
        for kind, day in events:
            contributions(facts, kind, day, code)
    sql, code = sql.clean(), code.clean()
    for name in ("figures", "durations", "late"):
        a, b = getattr(sql, name), getattr(code, name)
        if a != b:
            diff = [k for k in set(a) | set(b) if a.get(k) != b.get(k)][:5]
            raise AssertionError(f"{name}: the SQL count and contributions() differ, e.g. {diff}")
    return len(ids)


# --events: the events the case services would have stored for these cases (receipt, acceptance or
# rejection, conclusion; a consultation's registration and answer), which the drill-down lists read.
EVENTS = (
    """
INSERT INTO cases_caseevent (case_id, seq, kind, at, source, from_state, to_state, reason, data)
SELECT id, 1, CASE WHEN kind = 'consultation' THEN 'consultation_registered' ELSE 'received' END,
       received_at, 'window', '', 'received', '', '{}'::jsonb
  FROM cases_case
""",
    """
INSERT INTO cases_caseevent (case_id, seq, kind, at, source, from_state, to_state, reason, data)
SELECT id, 2, CASE WHEN state = 'rejected' THEN 'rejected' ELSE 'accepted' END,
       received_at + interval '1 minute', 'window', 'received', state, '', '{}'::jsonb
  FROM cases_case WHERE kind <> 'consultation'
""",
    """
INSERT INTO cases_caseevent (case_id, seq, kind, at, source, from_state, to_state, reason, data)
SELECT id, CASE WHEN kind = 'consultation' THEN 2 ELSE 3 END,
       CASE WHEN kind = 'consultation' THEN 'consultation_answered' ELSE 'concluded' END,
       concluded_at, '', '', state, '', '{}'::jsonb
  FROM cases_case WHERE concluded_at IS NOT NULL
""",
)


# The indexes of the cases table that a statistics query can use (the open cases by state and due date,
# receipts by day, hall and item). The others (case number, names, ID numbers, phones, the lights) serve
# the clerks' searches and the sweeps, not statistics, and are built only with --all-indexes.
STATISTICS_INDEXES = (
    "cases_case_state_",
    "cases_case_received_on_",
    "cases_case_promised_due_",
    "case_hall_received",
    "case_item_received",
    "cases_case_item_id_",
    "cases_case_hall_id_",
)


ROLLUP_TABLES = (
    "stats_dailyfigure",
    "stats_dailyduration",
    "stats_lateclosure",
    "stats_monthlyfigure",
    "stats_monthlyduration",
)


def drop_indexes(cursor, table: str) -> list[tuple[str, str, str]]:
    """Drop the unique constraints and indexes of `table` but its primary key; returns what to build
    again: (table, name, definition). Building an index once is much faster than maintaining it for
    millions of inserted rows."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'u'",
        [table],
    )
    constraints = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
        [table, f"{table}_pkey"],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [(table, name, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {d}') for name, d in constraints] + [
        (table, name, d) for name, d in indexes
    ]


def build_indexes(cursor, saved: list[tuple[str, str, str]]) -> None:
    for _table, _name, definition in saved:
        cursor.execute(definition)


def load(n: int, first: date, last: date, all_indexes: bool, events: bool = False) -> dict[str, float]:
    """Cases, consultations, indexes and roll-ups; returns the seconds of each phase."""
    from django.db import connection

    phases: dict[str, float] = {}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        w = calendar_tables(cursor, first, last)
        cursor.execute(PLAN, {"n": n, "w": w})
        phases["plan"] = time.perf_counter() - started
        saved = drop_indexes(cursor, "cases_case")
        cursor.execute("SET session_replication_role = replica")  # no foreign-key triggers for the load
        t = time.perf_counter()
        cursor.execute(CASES, {"w": w})
        cursor.execute(CONSULTATIONS)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SELECT setval('cases_case_id_seq', %s)", [n])
        phases["cases"] = time.perf_counter() - t
        t = time.perf_counter()
        build_indexes(
            cursor,
            [x for x in saved if all_indexes or any(x[1].startswith(p) for p in STATISTICS_INDEXES)],
        )
        # For the baseline only (the application does not need it): conclusions by time.
        cursor.execute("CREATE INDEX bench_case_concluded ON cases_case (concluded_at)")
        phases["indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        rollup_indexes = [x for table in ROLLUP_TABLES for x in drop_indexes(cursor, table)]
        fill_rollups(cursor, first, last)
        build_indexes(cursor, rollup_indexes)
        phases["roll-ups"] = time.perf_counter() - t
        if events:
            t = time.perf_counter()
            saved = drop_indexes(cursor, "cases_caseevent")
            cursor.execute("SET session_replication_role = replica")
            for sql in EVENTS:
                cursor.execute(sql)
            cursor.execute("SET session_replication_role = DEFAULT")
            build_indexes(cursor, saved)
            phases["events"] = time.perf_counter() - t
    connection.close()
    import psycopg

    t = time.perf_counter()
    with psycopg.connect(os.environ["GOVHALL_DATABASE_URL"], autocommit=True) as conn:
        conn.execute("DROP TABLE bench_plan")
        for table in ("cases_case", "cases_consultation", *ROLLUP_TABLES, *(["cases_caseevent"] * events)):
            conn.execute(f"VACUUM ANALYZE {table}")
    phases["vacuum"] = time.perf_counter() - t
    phases["total"] = time.perf_counter() - started
    return phases


# --- the baseline: the same figures by aggregate queries over the cases ------------------------------

GROUP_SQL = {
    None: "NULL::int",
    "department": "coalesce(i.department_id, q.department_id)",
    "kind": "c.kind",
    "channel": "c.channel",
}


def _day_bounds(d0: date, d1: date):
    """[start of d0, start of the day after d1) in the local time zone."""
    from datetime import datetime
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ZONE)
    return (
        datetime.combine(d0, clock(0), zone),
        datetime.combine(d1 + timedelta(days=1), clock(0), zone),
    )


def direct_table(d0: date, d1: date, group: str | None) -> dict:
    """queries.table(Filters(d0, d1), group) computed from the cases table."""
    from django.db import connection

    from govhall.stats import queries

    if group == "month":
        out = {}
        start = d0
        while start <= d1:
            end = min((start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1), d1)
            out[start.replace(day=1)] = direct_table(start, end, None)[None]
            start = end + timedelta(days=1)
        return out
    g = GROUP_SQL[group]
    t0, t1 = _day_bounds(d0, d1)
    counts: dict = defaultdict(Counter)
    durations: dict = defaultdict(Counter)
    overdue: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT {g}, count(*), count(*) FILTER (WHERE c.state <> 'rejected'),
                       count(*) FILTER (WHERE c.kind = 'consultation'),
                       count(*) FILTER (WHERE c.state <> 'rejected' AND c.kind <> 'consultation'),
                       count(*) FILTER (WHERE c.state = 'rejected')
                  FROM cases_case c LEFT JOIN catalog_serviceitem i ON i.id = c.item_id
                  LEFT JOIN cases_consultation q ON q.case_id = c.id
                 WHERE c.received_on BETWEEN %s AND %s GROUP BY 1""",
            [d0, d1],
        )
        for key, *values in cursor.fetchall():
            counts[key].update(
                dict(
                    zip(
                        ("received", "accepted", "consultations", "first_time", "rejected"),
                        values,
                        strict=True,
                    )
                )
            )
        cursor.execute(
            f"""SELECT {g}, count(*), count(*) FILTER (WHERE c.kind <> 'consultation'),
                       count(*) FILTER (WHERE c.kind <> 'consultation' AND cd.d <= c.promised_due),
                       count(*) FILTER (WHERE c.kind <> 'consultation' AND cd.d < c.promised_due),
                       coalesce(sum(greatest(0, cd.ord - a.ord)) FILTER (WHERE c.kind <> 'consultation'), 0),
                       coalesce(sum(greatest(0, pd.ord - a.ord)) FILTER (WHERE c.kind <> 'consultation'), 0)
                {FROM} WHERE c.concluded_at >= %s AND c.concluded_at < %s GROUP BY 1""",
            [t0, t1],
        )
        for key, *values in cursor.fetchall():
            counts[key].update(
                dict(
                    zip(
                        ("concluded", "timed", "on_time", "early", "used_days", "promised_days"),
                        [int(v) for v in values],
                        strict=True,
                    )
                )
            )
        cursor.execute(
            f"""SELECT {g}, greatest(0, cd.ord - a.ord), count(*)
                {FROM} WHERE c.concluded_at >= %s AND c.concluded_at < %s AND c.kind <> 'consultation'
                GROUP BY 1, 2""",
            [t0, t1],
        )
        for key, used, k in cursor.fetchall():
            durations[key][used] += k
        # Open and overdue at the end of d1: open now with due < d1, or closed after d1 (then late).
        cursor.execute(
            f"""SELECT {g}, count(*) FROM cases_case c LEFT JOIN catalog_serviceitem i ON i.id = c.item_id
                  LEFT JOIN cases_consultation q ON q.case_id = c.id
                 WHERE c.state IN ('accepted', 'suspended') AND c.kind <> 'consultation'
                   AND c.promised_due < %s GROUP BY 1
                UNION ALL
                SELECT {g}, count(*) FROM cases_case c LEFT JOIN catalog_serviceitem i ON i.id = c.item_id
                  LEFT JOIN cases_consultation q ON q.case_id = c.id
                 WHERE c.concluded_at >= %s AND c.kind <> 'consultation' AND c.promised_due < %s
                 GROUP BY 1""",
            [d1, t1, d1],
        )
        for key, k in cursor.fetchall():
            overdue[key] += k
    return queries.figures_by(counts, durations, overdue, group)


def direct_summary(d0: date, d1: date) -> dict:
    from govhall.stats.queries import Filters, supervision

    return {
        "period": {"from": d0.isoformat(), "to": d1.isoformat()},
        "totals": direct_table(d0, d1, None)[None],
        "by_kind": direct_table(d0, d1, "kind"),
        "by_channel": direct_table(d0, d1, "channel"),
        "supervision": supervision(Filters(date_from=d0, date_to=d1))[None],
    }


def direct_ranking(d0: date, d1: date):
    from govhall.catalog.models import Department
    from govhall.stats import indicators, ranking
    from govhall.stats.queries import Filters, supervision

    rows = direct_table(d0, d1, "department")
    empty = indicators.figures(Counter(), Counter(), 0)
    departments = [(d.pk, d.code, d.name, rows.get(d.pk, empty)) for d in Department.objects.all()]
    weights, min_cases = ranking.current_weights(), ranking.current_min_cases()
    ranked, unranked = ranking.rank(departments, weights, min_cases)
    f = Filters(date_from=d0, date_to=d1)
    return ranking.Ranking(ranked, unranked, weights, min_cases, supervision(f, "department"))


# --- measuring ----------------------------------------------------------------------------------------


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def month_bounds(month: str) -> tuple[date, date]:
    start = date.fromisoformat(f"{month}-01")
    return start, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--month", default="2026-03", help="the month of the ranking and the dashboard")
    parser.add_argument("--year", type=int, default=2025, help="the year of the trend by month")
    parser.add_argument("--first", type=date.fromisoformat, default=date(2017, 1, 1))
    parser.add_argument("--last", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--all-indexes", action="store_true", help="also build the cases' indexes that statistics do not use"
    )
    parser.add_argument(
        "--events",
        action="store_true",
        help="also store the cases' events (about 3 a case) and measure the drill-down lists",
    )
    parser.add_argument("--database", default=os.environ.get("GOVHALL_STATSBENCH_URL", DEFAULT_DATABASE))
    options = parser.parse_args()
    fresh_database(options.database)
    try:
        run(options)
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            drop_database(options.database)


def run(options) -> None:
    setup_django(options.database)
    from django.db import connection

    from govhall.stats import dashboard, queries, ranking
    from govhall.stats.models import DailyDuration, DailyFigure, LateClosure, MonthlyDuration, MonthlyFigure
    from govhall.stats.queries import Filters

    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        print(f"# PostgreSQL {version}, shared_buffers {cursor.fetchone()[0]} · load {os.getloadavg()}")
    catalogue()
    phases = load(options.cases, options.first, options.last, options.all_indexes, options.events)
    print(
        f"loaded {options.cases:,} cases {options.first} … {options.last} in {phases['total']:.0f} s "
        f"({', '.join(f'{k} {v:.0f} s' for k, v in phases.items() if k != 'total')})"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, count(*) FROM cases_case GROUP BY 1 ORDER BY 1")
        print("  states: " + ", ".join(f"{s} {k:,}" for s, k in cursor.fetchall()))
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        print(
            f"  roll-ups: {DailyFigure.objects.count():,} daily figures, "
            f"{DailyDuration.objects.count():,} durations, {LateClosure.objects.count():,} late closures, "
            f"{MonthlyFigure.objects.count():,} monthly figures, {MonthlyDuration.objects.count():,} monthly "
            f"durations; database {size}"
        )
        t = time.perf_counter()
        sampled = sample_check(cursor, options.cases)
        print(
            f"  sample of {sampled:,} cases: the SQL count equals rollup.contributions() "
            f"({time.perf_counter() - t:.1f} s)"
        )

    m0, m1 = month_bounds(options.month)
    y0, y1 = date(options.year, 1, 1), date(options.year, 12, 31)
    month, year = Filters(date_from=m0, date_to=m1), Filters(date_from=y0, date_to=y1)
    leader = type("Leader", (), {"is_authenticated": True, "is_active": True, "role": "leader", "pk": None})()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    now = datetime.combine(options.last, datetime.min.time(), ZoneInfo(ZONE)) + timedelta(hours=12)

    def ranking_key(r):
        return [(e.department, e.rank, e.score, e.assessed) for e in r.ranked] + [
            (e.department, e.reason) for e in r.unranked
        ]

    measurements = [
        (
            f"department ranking {options.month} (ranking.department_ranking)",
            lambda: ranking.department_ranking(month),
            lambda: direct_ranking(m0, m1),
            ranking_key,
        ),
        (
            f"summary {options.month} (queries.summary: totals, by kind, by channel, supervision)",
            lambda: queries.summary(month),
            lambda: direct_summary(m0, m1),
            None,
        ),
        (
            f"trend by month {options.year} (queries.table by month)",
            lambda: queries.table(year, "month"),
            lambda: direct_table(y0, y1, "month"),
            None,
        ),
        (
            f"by kind {options.month} (queries.table by kind)",
            lambda: queries.table(month, "kind"),
            lambda: direct_table(m0, m1, "kind"),
            None,
        ),
        (
            f"on-time rate by department {options.month} (queries.table by department)",
            lambda: queries.table(month, "department"),
            lambda: direct_table(m0, m1, "department"),
            None,
        ),
    ]
    print(f"\nmedians of {options.runs} runs (baseline: {options.baseline_runs})")
    print(f"{'measurement':<90} {'roll-ups':>10} {'direct':>10} {'ratio':>8}")
    for name, fast, slow, key in measurements:
        fast_time, got = timed(fast, options.runs)
        slow_time, want = timed(slow, options.baseline_runs)
        if key:
            got, want = key(got), key(want)
        assert got == want, f"{name}: the roll-ups and the direct count disagree\n{got}\n{want}"
        verdict = "ok" if fast_time < 1 else "OVER 1 s"
        print(
            f"{name:<90} {fast_time * 1000:>8.0f}ms {slow_time * 1000:>8.0f}ms "
            f"{slow_time / fast_time:>7.1f}× {verdict}"
        )
    overview_time, _ = timed(lambda: dashboard.overview(month, now=now, user=leader), options.runs)
    print(
        f"{f'whole dashboard {options.month} (dashboard.overview: tiles, charts, six tables, lights)':<90} "
        f"{overview_time * 1000:>8.0f}ms"
    )
    overview_year, _ = timed(lambda: dashboard.overview(year, now=now, user=leader), options.runs)
    print(f"{f'whole dashboard {options.year}':<90} {overview_year * 1000:>8.0f}ms")
    # The page's default period: 1 January to today (here the 17th of the last month loaded).
    today = options.last.replace(day=17)
    to_date = Filters(date_from=today.replace(month=1, day=1), date_to=today)
    overview_to_date, _ = timed(lambda: dashboard.overview(to_date, now=now, user=leader), options.runs)
    print(
        f"{f'whole dashboard {to_date.date_from} … {today} (the default period)':<90} "
        f"{overview_to_date * 1000:>8.0f}ms"
    )
    if options.events:
        drilldowns(options, month, year)
    print(f"# load at the end {os.getloadavg()}")


def drilldowns(options, month, year) -> None:
    """The case lists behind the dashboard's figures (drilldown.first_cases: the first 200 in the order they
    entered the figure, and the count up to COUNT_AT_MOST), against the cheapest list there is: the
    receipts read from the cases table by its receipt-date index (the same page and count)."""
    from django.db.models import Q

    from govhall.cases.models import Case
    from govhall.stats.drilldown import COUNT_AT_MOST, first_cases

    def direct_received(f):
        found = Case.objects.filter(received_on__range=(f.date_from, f.date_to))
        if f.department is not None:
            found = found.filter(
                Q(item__department_id=f.department, consultation__isnull=True)
                | Q(consultation__department_id=f.department)
            )
        rows = list(found.order_by("received_at", "pk")[:201])
        n = found.order_by()[: COUNT_AT_MOST + 1].count()
        return rows[:200], min(n, COUNT_AT_MOST), n > COUNT_AT_MOST

    department = Case.objects.filter(item__isnull=False).values_list("item__department_id", flat=True).first()
    by_department = type(month)(date_from=month.date_from, date_to=month.date_to, department=department)
    lists = [
        ("received", month, "received"),
        ("received, one department", by_department, "received"),
        ("concluded", month, "concluded"),
        ("concluded on time, one department", by_department, "on_time"),
        ("open and overdue at the end", month, "open_overdue"),
        ("received, whole year", year, "received"),
    ]
    print(f"\ndrill-down lists (first 200 and the count), medians of {options.runs} runs")
    print(f"{'list':<60} {'drill-down':>10} {'cases':>10} {'receipts':>10} {'ratio':>8}")
    for name, f, measure in lists:
        took, (rows, total, more) = timed(lambda f=f, m=measure: first_cases(f, m), options.runs)
        label = f"{name} ({f.date_from} … {f.date_to})"
        line = f"{label:<60} {took * 1000:>8.0f}ms {f'{total:,}' + '+' * more:>10}"
        if measure == "received":
            base, (want, count, over) = timed(lambda f=f: direct_received(f), options.runs)
            assert (total, more, [c.pk for c in rows]) == (count, over, [c.pk for c in want]), name
            line += f" {base * 1000:>8.0f}ms {took / base:>7.1f}×"
        print(line + (" ok" if took < 1 else " OVER 1 s"))


if __name__ == "__main__":
    main()
