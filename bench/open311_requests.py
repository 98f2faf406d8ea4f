"""Open311 GET requests.json with filters over 1,000,000 tickets, against a direct SELECT of the same rows.

    .venv/bin/python bench/open311_requests.py [--tickets 1000000] [--requests 200]
                                             [--database postgres://postgres@127.0.0.1:5432/govhall_open311bench]
                                             [--keep]

What it does:
1. drops and creates the scratch database (PostgreSQL), migrates it, writes 60 public leaf subjects under
   3 × 4 groups, 12 units, and then `--tickets` tickets in one INSERT … SELECT over generate_series
   (received over the last 730 days, 40 % closed, a few confidential 举报) with one lead dispatch each for
   the dispatched ones (about 90 %), then ANALYZE. With --keep an existing database of the right size is
   reused.
2. runs `--requests` GETs of /open311/v2/requests.json through Django's test client in this process, each
   with a random service_code, status=open or closed, and start_date/end_date a window of 7–90 days in the
   last 90 days (what a dashboard asks), timing the whole request (parse, query, serialise JSON);
3. the baseline: the same filters as one direct SQL statement per request (SELECT of the matching rows'
   numbers, newest first, LIMIT 1000, plus their COUNT), timed the same way.
Prints p50/p95/max of both, the rows returned, and the ratio. Target (issue 17): p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import fresh_database, percentile  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_open311bench"


def build(tickets: int) -> list[str]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from govhall.catalog.models import Department
    from govhall.hotline.models import Subject

    call_command("migrate", verbosity=0)
    now = timezone.now()
    units = [
        Department.objects.create(code=f"U{i:02d}", name=f"市第{i}局", is_resident=False) for i in range(12)
    ]
    codes = []
    for a in range(1, 4):
        top = Subject.objects.create(code=f"{a:02d}", name=f"大类{a}", level=1)
        for b in range(1, 5):
            mid = Subject.objects.create(code=f"{a:02d}{b:02d}", name=f"中类{a}{b}", level=2, parent=top)
            for c in range(1, 6):
                code = f"{a:02d}{b:02d}{c:02d}"
                Subject.objects.create(code=code, name=f"小类{code}", level=3, parent=mid)
                codes.append(code)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM hotline_subject WHERE level = 3")
        low, high = cur.fetchone()
        cur.execute(
            """
            INSERT INTO hotline_ticket (
                number, channel, request_type, subject_id, urgency, title, content, address, lat, lon,
                attributes, caller_name, caller_phone, anonymous, confidential, publish_allowed, state,
                received_at, override_reason, dispatched_at, reply_due_at, reply, reply_basis, replied_at,
                round, callback_outcome, failed_callbacks, closure, closed_at, version)
            SELECT '12345-B-' || lpad(g::text, 8, '0'),
                   (ARRAY['phone','web','open311'])[1 + g %% 3],
                   CASE WHEN g %% 97 = 0 THEN 'report' ELSE 'help' END,
                   %(low)s + (g::bigint * 7919) %% (%(high)s - %(low)s + 1),
                   'normal', '路灯不亮', '东城大道路灯不亮，晚上很黑。', '东城大道' || (g %% 500) || '号',
                   30.2 + (g %% 1000) / 10000.0, 120.1 + (g %% 997) / 10000.0,
                   '{}'::jsonb, '张三', '13800000000', false, g %% 97 = 0, g %% 5 = 0,
                   CASE WHEN r < 0.4 THEN 'closed' WHEN r < 0.9 THEN 'handling' ELSE 'registered' END,
                   received, '', CASE WHEN r < 0.9 THEN received + interval '10 minutes' END,
                   CASE WHEN r < 0.9 THEN received + interval '10 days' END,
                   CASE WHEN r < 0.4 THEN '已处理完毕。' ELSE '' END, '',
                   CASE WHEN r < 0.4 THEN received + interval '5 days' END,
                   0, '', 0, CASE WHEN r < 0.4 THEN 'callback' ELSE '' END,
                   CASE WHEN r < 0.4 THEN received + interval '6 days' END, 1
            FROM (SELECT g, random() AS r, %(now)s - random() * interval '730 days' AS received
                  FROM generate_series(1, %(n)s) AS g) AS s
            """,
            {"low": low, "high": high, "now": now, "n": tickets},
        )
        cur.execute(
            """
            INSERT INTO hotline_dispatch (
                ticket_id, unit_id, role, round, state, dispatched_at, sign_due_at, handle_due_at,
                extended_workdays, return_rule, return_note, contribution, alert_level, version)
            SELECT t.id, %(unit)s + t.id %% 12, 'lead', 0,
                   CASE WHEN t.state = 'closed' THEN 'done' ELSE 'signed' END,
                   t.dispatched_at, t.dispatched_at + interval '2 hours', t.reply_due_at, 0, '', '', '', 0, 1
            FROM hotline_ticket t WHERE t.dispatched_at IS NOT NULL
            """,
            {"unit": units[0].pk},
        )
        cur.execute("ANALYZE")
    print(f"built {tickets:,} tickets and their lead dispatches in {time.perf_counter() - started:.1f} s")
    return codes


def run(requests: int, codes: list[str]) -> None:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    client = Client()
    rng = random.Random(17)
    now = timezone.now()
    cases = []
    for _ in range(requests):
        days = rng.randint(7, 90)
        end = now - timedelta(days=rng.uniform(0, 90 - days))
        cases.append((rng.choice(codes), rng.choice(["open", "closed"]), end - timedelta(days=days), end))
    # Warm-up: code paths, the statement plan, the pages of the indexes.
    for code, status, _start, _end in cases[:20]:
        client.get("/open311/v2/requests.json", {"service_code": code, "status": status})
    api, direct, rows = [], [], []
    for code, status, start, end in cases:
        query = {
            "service_code": code,
            "status": status,
            "start_date": timezone.localtime(start).isoformat(timespec="seconds"),
            "end_date": timezone.localtime(end).isoformat(timespec="seconds"),
        }
        t0 = time.perf_counter()
        response = client.get("/open311/v2/requests.json", query)
        api.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
        rows.append(len(response.json()))
        t0 = time.perf_counter()
        state = "t.state = 'closed'" if status == "closed" else "t.state <> 'closed'"
        with connection.cursor() as cur:
            where = f"""FROM hotline_ticket t JOIN hotline_subject s ON s.id = t.subject_id
                WHERE s.code = %s AND {state} AND t.received_at BETWEEN %s AND %s"""
            cur.execute(f"SELECT t.number {where} ORDER BY t.received_at DESC LIMIT 1000", [code, start, end])
            cur.fetchall()
            cur.execute(f"SELECT count(*) {where}", [code, start, end])
            cur.fetchone()
        direct.append(time.perf_counter() - t0)
    p50a, p95a = percentile(api, 50), percentile(api, 95)
    p50d, p95d = percentile(direct, 50), percentile(direct, 95)
    print(f"rows per answer: median {statistics.median(rows):.0f}, max {max(rows)} (cap 1000)")
    print(f"GET requests.json  p50 {p50a:6.1f} ms  p95 {p95a:6.1f} ms  max {max(api) * 1000:6.1f} ms")
    print(f"direct SELECT+COUNT p50 {p50d:6.1f} ms  p95 {p95d:6.1f} ms  max {max(direct) * 1000:6.1f} ms")
    print(f"ratio GET / direct: p50 {p50a / p50d:.1f}×, p95 {p95a / p95d:.1f}×  (target p95 < 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it holds the tickets")
    args = parser.parse_args()
    os.environ["GOVHALL_DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    print(
        f"{platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {time.strftime('%F %T')}"
    )
    import django

    if not args.keep:
        fresh_database(args.database)
    django.setup()
    from govhall.hotline.models import Subject, Ticket

    if args.keep and Ticket.objects.count() >= args.tickets:
        codes = list(Subject.objects.filter(level=3).values_list("code", flat=True))
    else:
        if args.keep:
            sys.exit("--keep: the database does not hold the tickets; run without --keep first")
        codes = build(args.tickets)
    run(args.requests, codes)
    print(f"load after the run {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
