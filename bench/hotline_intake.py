"""12345 tickets over real HTTP on PostgreSQL: register a phone call (POST /api/v1/hotline/tickets/) and
dispatch it (POST …/tickets/<id>/dispatch/ with its version), against a bare authenticated API request of
the same server in the same run.

    .venv/bin/python bench/hotline_intake.py [--tickets 2000] [--clients 4] [--workers 2] [--seconds 10]
                                             [--server gunicorn|prefork|runserver]
                                             [--database-url postgres://postgres@127.0.0.1:5432/govhall_bench_hotline]

What it does:
1. drops and creates the database, migrates it and writes a small hotline world (five units, a subject
   tree, two areas, a dispatch catalogue with a co-unit rule, the default limits, one operator account);
2. starts the web server as bench/intake.py does (DEBUG off; by default its pre-fork server of Django's
   ThreadedWSGIServer, `--workers` processes on one port; `--server gunicorn` if installed);
3. `--clients` client processes, each with its own signed-in keep-alive session (the operator's):
   - baseline: GET /api/v1/departments/?limit=1 (authenticated DRF list, one small query) for `--seconds`;
   - intake: `--tickets` tickets shared among the clients, each registered then dispatched (two requests;
     the dispatch opens two dispatches: the lead and a co-unit, with deadlines in working days);
4. prints tickets/s (wall time), the p50/p95 of each request and of a whole ticket, the ratio to the
   baseline, errors, the load average and the CPU time per ticket of the server, PostgreSQL and clients.

Every ticket takes the same daily number counter row: that lock is part of what is measured.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import signal
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import (  # noqa: E402  (the script runs from anywhere)
    Session,
    client_cpu,
    cpu_snapshot,
    cpu_used,
    free_port,
    fresh_database,
    manage,
    percentile,
    server_env,
    start_server,
    wait_ready,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_bench_hotline"

WORLD_SCRIPT = """
from django.utils import timezone
from datetime import timedelta
from govhall.catalog.models import Department
from govhall.core.models import Role, User
from govhall.hotline.defaults import install_defaults
from govhall.hotline.models import Area, DispatchCatalogue, DispatchRule, Subject
now = timezone.now() - timedelta(days=30)
UNITS = [("ZJJ", "市住建局"), ("CGJ", "市城管局"), ("HBJ", "市生态环境局"), ("SJJ", "市市场监管局"),
         ("QZF", "区政府办公室")]
units = {c: Department.objects.create(code=c, name=n, is_resident=False) for c, n in UNITS}
made = {}
for code, name in [("01", "城乡建设"), ("0101", "市政设施"), ("010101", "道路破损"), ("02", "生态环境"),
                   ("0201", "噪声污染"), ("020101", "施工噪声")]:
    made[code] = Subject.objects.create(code=code, name=name, level=len(code) // 2,
                                        parent=made.get(code[:-2]) if len(code) > 2 else None)
Area.objects.create(code="A01", name="东城街道")
Area.objects.create(code="A02", name="西湖镇")
install_defaults(now=now)
catalogue = DispatchCatalogue.objects.create(
    version=1, in_force_from=now, fallback_unit=units["QZF"], created_at=now)
DispatchRule.objects.create(catalogue=catalogue, subject=made["0101"], lead_unit=units["CGJ"])
noise = DispatchRule.objects.create(
    catalogue=catalogue, subject=made["020101"], lead_unit=units["HBJ"])
noise.co_units.add(units["ZJJ"])
User.objects.create_user("operator", password="govhall-demo-operator", role=Role.OPERATOR,
                         last_name="赵", first_name="丽")
print("ok")
"""

CALL = {
    "request_type": "complaint",
    "subject": "020101",
    "title": "夜间施工噪声",
    "content": "工地每晚十一点后还在打桩，影响休息。",
    "caller_name": "张三",
    "area": "A01",
    "address": "东城街道幸福路1号",
}


def run_baseline(args: tuple) -> dict:
    port, seconds = args
    cpu = client_cpu()
    s = Session(port, "operator")
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t = time.perf_counter()
        status, _, _ = s.request("GET", "/api/v1/departments/?limit=1")
        latencies.append(time.perf_counter() - t)
        assert status == 200, status
    return {"requests": latencies, "cpu": client_cpu() - cpu}


def run_intake(args: tuple) -> dict:
    port, count, client = args
    s = Session(port, "operator")
    cpu = client_cpu()
    create, dispatch, tickets, errors, first_error = [], [], [], 0, ""
    start = time.monotonic()
    for n in range(count):
        body = CALL | {"caller_phone": f"138{client:02d}{n:06d}"}
        t0 = time.perf_counter()
        status, _, data = s.request("POST", "/api/v1/hotline/tickets/", body)
        t1 = time.perf_counter()
        if status != 201:
            errors += 1
            first_error = first_error or f"create {status} {data[:300]!r}"
            continue
        ticket = json.loads(data)
        status, _, data = s.request(
            "POST", f"/api/v1/hotline/tickets/{ticket['id']}/dispatch/", {"version": ticket["version"]}
        )
        t2 = time.perf_counter()
        create.append(t1 - t0)
        if status != 200:
            errors += 1
            first_error = first_error or f"dispatch {status} {data[:300]!r}"
            continue
        dispatch.append(t2 - t1)
        tickets.append(t2 - t0)
    return {
        "cpu": client_cpu() - cpu,
        "create": create,
        "dispatch": dispatch,
        "ticket": tickets,
        "errors": errors,
        "first_error": first_error,
        "elapsed": time.monotonic() - start,
    }


def line(name: str, latencies: list[float], seconds: float) -> str:
    return (
        f"{name:<30} {len(latencies) / seconds:8.1f}/s   p50 {percentile(latencies, 50):6.1f} ms"
        f"   p95 {percentile(latencies, 95):6.1f} ms   n={len(latencies)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10, help="length of the baseline phase")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--server",
        choices=["gunicorn", "prefork", "runserver"],
        default="prefork",
        help="the stdlib pre-fork server (default: no extra package), gunicorn, or runserver",
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    env = server_env(args.database_url)
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print("# fresh database, migrate, hotline world …", flush=True)
    fresh_database(args.database_url)
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", WORLD_SCRIPT)
    port = free_port()
    print(
        f"# server: {args.server} × {args.workers} · clients: {args.clients} · tickets: {args.tickets}",
        flush=True,
    )
    procs = start_server(env, port, workers=args.workers, server=args.server)
    database = urlsplit(args.database_url).path.lstrip("/")
    try:
        wait_ready(port)
        Session(port, "operator")  # the first login re-hashes the password; later sessions stay valid
        os.environ.update(env)
        with mp.get_context("fork").Pool(args.clients) as pool:
            pool.map(run_baseline, [(port, 1.0)] * args.clients)  # warm every worker
            load = [os.getloadavg()[0]]
            before = cpu_snapshot(procs, database)
            base = pool.map(run_baseline, [(port, args.seconds)] * args.clients)
            base_cpu = cpu_used(before, cpu_snapshot(procs, database))
            load.append(os.getloadavg()[0])
            shares = [
                args.tickets // args.clients + (i < args.tickets % args.clients) for i in range(args.clients)
            ]
            before = cpu_snapshot(procs, database)
            started = time.monotonic()
            intake = pool.map(run_intake, [(port, n, i) for i, n in enumerate(shares)])
            wall = time.monotonic() - started
            intake_cpu = cpu_used(before, cpu_snapshot(procs, database))
            load.append(os.getloadavg()[0])
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)

    def merged(results, key):
        return [x for r in results for x in r[key]]

    base_lat = merged(base, "requests")
    base_rps = len(base_lat) / args.seconds
    tickets = merged(intake, "ticket")
    requests_rps = (len(merged(intake, "create")) + len(merged(intake, "dispatch"))) / wall
    print(line("baseline GET departments", base_lat, args.seconds))
    print(line("POST tickets/ (register)", merged(intake, "create"), wall))
    print(line("POST dispatch/", merged(intake, "dispatch"), wall))
    print(line("tickets (both requests)", tickets, wall))
    errors = sum(r["errors"] for r in intake)
    for r in intake:
        if r["first_error"]:
            print("first error:", r["first_error"][:300])
            break
    print(
        f"tickets/s {len(tickets) / wall:.1f} in {wall:.1f} s; request rate ÷ baseline = "
        f"{requests_rps / base_rps:.2f}; tickets/s ÷ baseline = {len(tickets) / wall / base_rps:.3f}; "
        f"errors: {errors}"
    )
    print("load average (1 min) at the start and after each phase: " + " ".join(f"{x:.2f}" for x in load))
    print("CPU ms per unit (web server / PostgreSQL / clients = total; capacity = cores × 1000 / total):")
    cores = os.cpu_count() or 1
    for label, used, clients, n in (
        ("baseline request", base_cpu, sum(r["cpu"] for r in base), len(base_lat)),
        ("ticket (register + dispatch)", intake_cpu, sum(r["cpu"] for r in intake), len(tickets)),
    ):
        if not n:
            continue
        parts = [used["server"] * 1000 / n, used["postgres"] * 1000 / n, clients * 1000 / n]
        total = sum(parts)
        print(
            f"  {label:<30} {parts[0]:6.2f} / {parts[1]:6.2f} / {parts[2]:6.2f} = {total:6.2f}"
            f"   capacity {cores * 1000 / total:7.1f}/s"
        )


if __name__ == "__main__":
    main()
