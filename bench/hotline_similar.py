"""重复件 suggestions while the operator types, over 1,000,000 tickets, against a lookup by number.

    .venv/bin/python bench/hotline_similar.py [--tickets 1000000] [--queries 300]
                                            [--database postgres://postgres@127.0.0.1:5432/govhall_dupbench]
                                            [--keep]

What it does:
1. drops and creates the scratch database (PostgreSQL), migrates it, writes 20 areas, 12 units and 300
   third-level subjects (3 × 10 × 10), then `--tickets` tickets in one INSERT … SELECT over generate_series:
   received over the last 365 days, 70 % of those of the last 30 days still open and 3 % of the older
   ones, from 400,000 callers, titles "street + the subject's problem" (60 streets × 20 problems), 60 %
   with coordinates in a 11 × 9 km city, then ANALYZE. With --keep an existing database is reused.
2. `--queries` calls typed by an operator, through govhall.hotline.similar.suggest (what the workbench
   panel and GET /api/v1/hotline/tickets/similar/ call): 40 % another caller about an open ticket's
   problem (same subject and area, 100–400 m away, the title a little different), 30 % the same caller
   again (an open ticket's phone, another text), 30 % an unrelated new call; and the same mix through the
   API (Django's test client in this process, an authenticated operator);
3. the baseline in the same run: a plain indexed lookup of a ticket by number (SELECT … WHERE number = %s).
Prints p50/p95/max of each, how many calls found what they should, and the ratios. Target (issue 19):
p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import fresh_database, percentile  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_dupbench"
STREETS = [
    f"{a}{b}"
    for a in ("东城", "西城", "南湖", "北园", "幸福", "人民", "解放", "和平", "文化", "建设", "新华", "泉城")
    for b in ("路", "大道", "街", "小区", "广场")
]
PROBLEMS = [
    "路灯不亮",
    "路面塌陷",
    "井盖缺失",
    "夜间施工噪声",
    "垃圾清运不及时",
    "占道经营",
    "违章停车",
    "绿化带损坏",
    "下水道堵塞",
    "供暖温度不达标",
    "自来水停水",
    "油烟扰民",
    "广场舞噪声",
    "共享单车乱停",
    "树木倒伏",
    "积水严重",
    "公交站牌损坏",
    "小区电梯故障",
    "违章搭建",
    "餐馆卫生差",
]
LAT, LON = 36.60, 117.00  # the city's south-west corner; tickets lie within 0.1° × 0.1°


def build(tickets: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from govhall.catalog.models import Department
    from govhall.hotline.models import Area, Subject

    call_command("migrate", verbosity=0)
    now = timezone.now()
    for i in range(12):
        Department.objects.create(code=f"U{i:02d}", name=f"市第{i}局", is_resident=False)
    for i in range(20):
        Area.objects.create(code=f"A{i:02d}", name=f"第{i}街道")
    for a in range(1, 4):
        top = Subject.objects.create(code=f"{a:02d}", name=f"大类{a}", level=1)
        for b in range(1, 11):
            mid = Subject.objects.create(code=f"{a:02d}{b:02d}", name=f"中类{a}{b}", level=2, parent=top)
            Subject.objects.bulk_create(
                Subject(code=f"{a:02d}{b:02d}{c:02d}", name=f"小类{a}{b}{c}", level=3, parent=mid)
                for c in range(1, 11)
            )
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM hotline_subject WHERE level = 3 ORDER BY id")
        ids = [row[0] for row in cur.fetchall()]
        cur.execute("SELECT min(id) FROM hotline_area")
        (area0,) = cur.fetchone()
        cur.execute(
            """
            INSERT INTO hotline_ticket (
                number, channel, request_type, subject_id, urgency, title, content, address, area_id,
                lat, lon, attributes, caller_name, caller_phone, anonymous, confidential, publish_allowed,
                state,
                received_at, override_reason, reply, reply_basis, round, callback_outcome, failed_callbacks,
                closure, closed_at, repeat_calls, version)
            SELECT '12345-D-' || lpad(g::text, 8, '0'), 'phone', 'complaint', subj, 'normal',
                   street || problem, street || '附近' || problem || '，已经好几天了，请尽快处理。',
                   street || (g %% 300) || '号', %(area0)s + floor(random() * 20)::int,
                   CASE WHEN g %% 5 < 3 THEN %(lat)s + ((g * 7907) %% 1000) / 10000.0 END,
                   CASE WHEN g %% 5 < 3 THEN %(lon)s + ((g * 6983) %% 1000) / 10000.0 END,
                   '{}'::jsonb, '市民', '139' || lpad(((g::bigint * 7919) %% 400000)::text, 8, '0'),
                   false, false, false,
                   CASE WHEN received > %(now)s - interval '30 days' AND r < 0.7 THEN 'handling'
                        WHEN received <= %(now)s - interval '30 days' AND r < 0.03 THEN 'handling'
                        ELSE 'closed' END,
                   received, '', '', '', 0, '', 0, '',
                   received + interval '6 days', 0, 1
            FROM (SELECT g, random() AS r, %(now)s - random() * interval '365 days' AS received,
                         (g::bigint * 104729) %% %(nsubjects)s AS k,
                         (%(streets)s::text[])[1 + floor(random() * %(nstreets)s)::int] AS street
                  FROM generate_series(1::bigint, %(n)s) AS g) AS s,
                 LATERAL (SELECT (%(ids)s::int[])[1 + s.k] AS subj,
                                 (%(problems)s::text[])[1 + s.k %% 20] AS problem) AS p
            """,
            {
                "ids": ids,
                "nsubjects": len(ids),
                "area0": area0,
                "lat": LAT,
                "lon": LON,
                "now": now,
                "n": tickets,
                "streets": STREETS,
                "nstreets": len(STREETS),
                "problems": PROBLEMS,
            },
        )
        cur.execute("UPDATE hotline_ticket SET closed_at = NULL WHERE state <> 'closed'")
        loaded = time.perf_counter() - started
        cur.execute("ANALYZE")
    print(
        f"built {tickets:,} tickets in {loaded:.1f} s "
        f"(+ ANALYZE {time.perf_counter() - started - loaded:.1f} s)"
    )


def calls(n: int) -> list[tuple[str, dict, int | None]]:
    """(kind, suggest's arguments, the open ticket it should find or None)."""
    from django.utils import timezone

    from govhall.hotline.models import OPEN_TICKET_STATES, Ticket

    rng = random.Random(19)
    now = timezone.now()
    recent = list(
        Ticket.objects.filter(state__in=OPEN_TICKET_STATES, received_at__gte=now - timedelta(days=29))
        .order_by("?")
        .values("pk", "subject__code", "area__code", "lat", "lon", "title", "caller_phone")[: n * 2]
    )
    made = []
    for i in range(n):
        t = recent[i]
        roll = rng.random()
        if roll < 0.4:
            lat = None if t["lat"] is None else t["lat"] + rng.uniform(0.001, 0.0035)
            lon = None if t["lon"] is None else t["lon"]
            title = t["title"].replace("不", "还是不") if "不" in t["title"] else t["title"] + "很严重"
            args = {
                "phone": f"137{rng.randrange(10**8):08d}",
                "subject": t["subject__code"],
                "area": t["area__code"],
                "lat": lat,
                "lon": lon,
                "title": title,
                "content": "市民反映" + title,
            }
            made.append(("duplicate", args, t["pk"]))
        elif roll < 0.7:
            args = {"phone": t["caller_phone"], "title": "再次来电催促", "content": "还没有人处理"}
            made.append(("repeat", args, t["pk"]))
        else:
            args = {
                "phone": f"136{rng.randrange(10**8):08d}",
                "subject": f"{rng.randint(1, 3):02d}{rng.randint(1, 10):02d}{rng.randint(1, 10):02d}",
                "area": f"A{rng.randrange(20):02d}",
                "lat": LAT + rng.uniform(0, 0.1),
                "lon": LON + rng.uniform(0, 0.1),
                "title": rng.choice(STREETS) + rng.choice(PROBLEMS),
                "content": "新的诉求",
            }
            made.append(("new", args, None))
    return made


def run(queries: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from rest_framework.test import APIClient

    from govhall.core.models import Role
    from govhall.hotline import similar
    from govhall.hotline.models import Ticket

    mix = calls(queries)
    numbers = list(Ticket.objects.order_by("?").values_list("number", flat=True)[:queries])
    User = get_user_model()
    operator = User.objects.filter(username="bench-op").first() or User.objects.create_user(
        "bench-op", password="x", role=Role.OPERATOR
    )
    client = APIClient()
    client.force_authenticate(operator)
    for _kind, args, _want in mix[:20]:  # warm-up: code paths, plans, index pages
        similar.suggest(now=timezone.now(), **args)
        client.get("/api/v1/hotline/tickets/similar/", {k: v for k, v in args.items() if v is not None})
    times: dict[str, list[float]] = {"duplicate": [], "repeat": [], "new": []}
    every, api, base = [], [], []
    found = {"duplicate": 0, "repeat": 0, "new": 0}
    counts = []
    for kind, args, want in mix:
        t0 = time.perf_counter()
        hits = similar.suggest(now=timezone.now(), **args)
        elapsed = time.perf_counter() - t0
        times[kind].append(elapsed)
        every.append(elapsed)
        counts.append(len(hits))
        if want is None:
            found[kind] += not any(h.same_caller for h in hits)
        else:
            found[kind] += any(h.ticket_id == want for h in hits)
    for _kind, args, _want in mix:
        query = {k: v for k, v in args.items() if v is not None}
        t0 = time.perf_counter()
        response = client.get("/api/v1/hotline/tickets/similar/", query)
        api.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:300]
    for number in numbers:
        t0 = time.perf_counter()
        Ticket.objects.filter(number=number).values_list("pk", "state", "title").first()
        base.append(time.perf_counter() - t0)
    for kind, values in times.items():
        print(
            f"suggest, {kind:<9} n={len(values):3d}  p50 {percentile(values, 50):6.1f} ms  "
            f"p95 {percentile(values, 95):6.1f} ms  max {max(values) * 1000:6.1f} ms  "
            f"found as expected {found[kind]}/{len(values)}"
        )
    p95s, p95a, p95b = percentile(every, 95), percentile(api, 95), percentile(base, 95)
    print(
        f"suggest, all       p50 {percentile(every, 50):6.1f} ms  p95 {p95s:6.1f} ms  "
        f"max {max(every) * 1000:6.1f} ms"
    )
    print(f"  suggestions per call: mean {sum(counts) / len(counts):.1f}, max {max(counts)}")
    print(
        f"GET tickets/similar/ p50 {percentile(api, 50):6.1f} ms  p95 {p95a:6.1f} ms  "
        f"max {max(api) * 1000:6.1f} ms"
    )
    print(f"baseline by number p50 {percentile(base, 50):6.2f} ms  p95 {p95b:6.2f} ms")
    print(
        f"ratio p95: suggest / baseline {p95s / p95b:.1f}×, API / baseline {p95a / p95b:.1f}×  "
        "(target p95 < 100 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
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
    from govhall.hotline.models import Ticket

    if args.keep and Ticket.objects.count() >= args.tickets:
        pass
    elif args.keep:
        sys.exit("--keep: the database does not hold the tickets; run without --keep first")
    else:
        build(args.tickets)
    run(args.queries)
    print(f"load after the run {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
