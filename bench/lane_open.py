"""Opening a fast lane with 10 items in parallel: one transaction, and how long it takes.

    .venv/bin/python bench/lane_open.py [--runs 200] [--items 10] [--database URL]

By default on PostgreSQL, database `govhall_lanebench` on 127.0.0.1 (created when missing, migrated,
emptied of earlier runs' rows only by being a bench database). Builds a lane of one stage with N items
(3 materials and 2 steps each) and times `apply_to_lane` (lane case + N item cases received and accepted,
with their events, steps and links) against the baseline of the same run: one item case received and
accepted (`receive_case` + `accept_case` in one transaction). Prints median and p95 in ms, queries per
call, commits per call, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govhall_lanebench"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


def setup_django(url: str) -> None:
    os.environ["GOVHALL_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    os.environ.setdefault("GOVHALL_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log on every cursor


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--database", default=os.environ.get("GOVHALL_LANEBENCH_URL", DEFAULT_DATABASE))
    options = parser.parse_args()
    ensure_database(options.database)
    setup_django(options.database)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from govhall.cases import services as case_services
    from govhall.cases.tests.factories import PERSON, UserFactory, resident_id
    from govhall.catalog.tests.factories import (
        DepartmentFactory,
        HallFactory,
        MaterialFactory,
        ProcessStepFactory,
        ServiceItemFactory,
    )
    from govhall.core.models import Role
    from govhall.lanes import services
    from govhall.lanes.models import FormField, Lane, Stage, StageItem

    tag = datetime.now().strftime("%H%M%S%f")
    hall = HallFactory(code=f"B{tag}", name="基准测试大厅")
    clerk = UserFactory(username=f"bench-clerk-{tag}", role=Role.CLERK, hall=hall)
    items = []
    for n in range(options.items):
        department = DepartmentFactory(code=f"B{tag}{n}", name=f"基准局{tag}{n}")
        item = ServiceItemFactory(
            code=f"B{tag}-{n}", published=True, department=department, legal_limit=20, promised_limit=5
        )
        for position, name in enumerate(("申请书", "身份证明", f"专项材料{n}"), start=1):
            MaterialFactory(item=item, position=position, name=name, required=True)
        ProcessStepFactory(item=item, position=1, name="审查", limit_days=2)
        ProcessStepFactory(item=item, position=2, name="决定", limit_days=3)
        items.append(item)
    lane = Lane.objects.create(code=f"bench-{tag}", name="基准快车道", lead_department=items[0].department)
    for position, (key, label, kind, binds) in enumerate(
        [
            ("name", "申请人", "text", "applicant_name"),
            ("id_number", "身份证号码", "id_number", "id_number"),
            ("phone", "联系电话", "text", "phone"),
            ("project", "项目名称", "text", ""),
        ],
        start=1,
    ):
        FormField.objects.create(
            lane=lane, position=position, key=key, label=label, field_type=kind, binds=binds
        )
    stage = Stage.objects.create(lane=lane, position=1, name="并联", lead_department=items[0].department)
    for position, item in enumerate(items, start=1):
        StageItem.objects.create(stage=stage, position=position, item=item, field_map={"项目": "project"})
    services.share_materials(lane)
    lane = services.publish_lane(lane, by=None, now=datetime.now().astimezone())
    materials = list(lane.materials.values_list("pk", flat=True))
    data = {"name": "张三", "id_number": resident_id(), "phone": "13812345678", "project": "基准项目"}
    contact = {"name": "张三", "phone": "13812345678", "address": ""}
    single_materials = list(items[0].materials.values_list("pk", flat=True))

    commits = {"n": 0}
    original_commit = connection._commit

    def counting_commit():
        commits["n"] += 1
        return original_commit()

    connection._commit = counting_commit
    # Each run on a new day: the hall's daily number counter starts afresh, as in a real hall's morning.
    base = datetime(2026, 3, 2, 9, 0).astimezone()

    def open_lane(i: int):
        return services.apply_to_lane(
            lane, data=data, materials=materials, hall=hall, by=clerk, now=base + timedelta(minutes=i)
        )

    @transaction.atomic
    def open_single(i: int):
        case = case_services.receive_case(
            item=items[0],
            applicant=PERSON,
            contact=contact,
            materials=single_materials,
            hall=hall,
            window=None,
            by=clerk,
            now=base + timedelta(minutes=i),
        )
        return case_services.accept_case(case, by=clerk, now=base + timedelta(minutes=i))

    cpu: dict[str, list[float]] = {}

    def measure(fn, runs: int) -> tuple[list[float], int, float]:
        fn(-1)  # warm-up: caches, prepared code paths
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            fn(-2)
        commits["n"] = 0
        times = []
        cpu[fn.__name__] = []
        for i in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(i)
            times.append((time.perf_counter() - start) * 1000)
            cpu[fn.__name__].append((time.process_time() - start_cpu) * 1000)
        return times, len(queries.captured_queries), commits["n"] / runs

    load = os.getloadavg()[0]
    lane_times, lane_queries, lane_commits = measure(open_lane, options.runs)
    single_times, single_queries, single_commits = measure(open_single, options.runs)

    with connection.cursor() as cursor:
        roundtrips = []
        for _ in range(200):
            start = time.perf_counter()
            cursor.execute("select 1")
            cursor.fetchone()
            roundtrips.append((time.perf_counter() - start) * 1000)

    vendor = connection.vendor
    print(f"lane_open: {options.items} items in parallel, {options.runs} runs, {vendor}")
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    for label, times, queries, per in (
        (f"open a lane ({options.items} item cases)", lane_times, lane_queries, lane_commits),
        ("baseline: one item case", single_times, single_queries, single_commits),
    ):
        print(
            f"  {label:<34} median {statistics.median(times):7.1f} ms   p95 {percentile(times, 95):7.1f} ms"
            f"   {queries} queries   {per:.0f} commit(s) per call"
        )
    print(
        "  CPU time of this process (not PostgreSQL's): lane median"
        f" {statistics.median(cpu['open_lane']):.1f} ms,"
        f" one item case {statistics.median(cpu['open_single']):.1f} ms"
    )
    print(f"  load average (1 min) at the start {load:.2f}, at the end {os.getloadavg()[0]:.2f}")
    print(f"  one `select 1` round trip: median {statistics.median(roundtrips):.2f} ms (floor per query)")
    ratio = statistics.median(lane_times) / statistics.median(single_times)
    print(f"  ratio lane / one item case: {ratio:.1f}× (per item case {ratio / options.items:.2f}×)")
    verdict = "under" if statistics.median(lane_times) < 50 else "OVER"
    print(f"  target: median {verdict} 50 ms, in one transaction: {'yes' if lane_commits == 1 else 'NO'}")


if __name__ == "__main__":
    main()
