"""The hot-topic board (热点, issue 19) on PostgreSQL over a year of tickets.

    .venv/bin/python bench/hot_topics.py [--per-day 15] [--runs 7]
                                         [--database postgres://postgres@127.0.0.1:5432/govhall_hotbench]

What it does:
1. drops and creates the database, migrates it, loads the subject tree (data/subjects.csv) and 10 areas;
2. inserts a year of tickets up to the moment T of the bench (`--per-day` a day on average, the demo's 15 by
   default; 500 for a large city), spread over the areas and third-level subjects, with a hot topic in one
   area in T's week; VACUUM ANALYZE;
3. measures, `--runs` times, the board's query (govhall.hotline.hot.week_topics for T's week, counted up to
   T: one grouped query over the 9 weeks and the names) and the monthly hot list (month_list of T's month),
   and the baseline: a bare COUNT(*) of the same 9 weeks' tickets over the same index, the least any count
   of them costs; prints medians and the ratios, and checks the hot topic is found.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from board import fresh_database, setup_django  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_hotbench"
T = "2026-06-17 15:00:00+08:00"  # a Wednesday
AREAS = 10


def reference():
    from govhall.hotline.models import Area, Subject

    made: dict[str, Subject] = {}
    with open(ROOT / "govhall/hotline/data/subjects.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code"]
            made[code] = Subject.objects.create(
                code=code, name=row["name"], level=len(code) // 2, parent=made.get(code[:-2])
            )
    areas = [Area.objects.create(code=f"A{i:02d}", name=f"测试镇{i:02d}") for i in range(AREAS)]
    return [s for s in made.values() if s.level == 3], areas


def tickets(leaves, areas, *, per_day: float, now: datetime) -> int:
    from django.db import connection

    from govhall.hotline.models import Ticket

    rng = random.Random(19)
    rows, n = [], 0
    start = now - timedelta(days=365)
    total = int(per_day * 365)
    for i in range(total):
        at = start + timedelta(seconds=rng.uniform(0, 365 * 86400 - 3600))
        rows.append(
            Ticket(
                number=f"B{i:09d}", channel="phone", request_type="complaint", subject=rng.choice(leaves),
                area=rng.choice(areas), title="t", content="c", anonymous=True, received_at=at,
            )
        )  # fmt: skip
    monday = now - timedelta(days=now.weekday(), hours=now.hour - 9)
    for i in range(max(10, int(per_day))):  # the hot topic: one area × subject in T's week
        rows.append(
            Ticket(
                number=f"H{i:09d}", channel="phone", request_type="complaint", subject=leaves[0],
                area=areas[0], title="t", content="c", anonymous=True,
                received_at=monday + timedelta(minutes=7 * i),
            )
        )  # fmt: skip
    for k in range(0, len(rows), 5000):
        Ticket.objects.bulk_create(rows[k : k + 5000])
        n += len(rows[k : k + 5000])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE hotline_ticket")
    return n


def timed(fn, runs: int) -> tuple[float, object]:
    out, times = None, []
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-day", type=float, default=15)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    fresh_database(args.database)
    setup_django(args.database)
    from django.utils.dateparse import parse_datetime

    from govhall.hotline import hot
    from govhall.hotline.models import Ticket
    from govhall.stats.queries import month_range
    from govhall.supervision import lights

    now = parse_datetime(T)
    leaves, areas = reference()
    made = tickets(leaves, areas, per_day=args.per_day, now=now)
    rule = hot.HotRule.from_settings()
    monday = hot.week_of(now.date())
    first = lights.start_of(monday - timedelta(days=7 * rule.baseline_weeks))

    def baseline() -> int:
        return Ticket.objects.filter(received_at__gte=first, received_at__lt=now).count()

    def board():
        return hot.week_topics(monday, now=now, rule=rule)

    def month():
        first_day, last_day = month_range(date(now.year, now.month, 1))
        return hot.month_list(first_day, last_day, now=now, rule=rule)

    for fn in (baseline, board, month):  # warm the connection and the caches
        fn()
    base_s, counted = timed(baseline, args.runs)
    board_s, topics = timed(board, args.runs)
    month_s, listed = timed(month, args.runs)
    assert any(t.area_id == areas[0].pk and t.subject_code == leaves[0].code for t in topics), topics
    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, T={T}")
    print(f"tickets: {made} ({args.per_day}/day for a year); the board's 9 weeks hold {counted}")
    print(f"baseline COUNT(*) of the 9 weeks: {base_s * 1000:.1f} ms (median of {args.runs})")
    print(f"board (week_topics): {board_s * 1000:.1f} ms, {board_s / base_s:.1f}x the baseline; "
          f"{len(topics)} hot topic(s)")  # fmt: skip
    print(f"monthly hot list (month_list): {month_s * 1000:.1f} ms, {month_s / base_s:.1f}x the baseline; "
          f"{len(listed['topics'])} topic(s)")  # fmt: skip


if __name__ == "__main__":
    main()
