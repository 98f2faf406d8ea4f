"""What one 12345 ticket costs the server, in process: CPU time and SQL statements per request.

    .venv/bin/python bench/hotline_cpu.py [--tickets 100] [--rounds 5] [--profile register|dispatch]
                                         [--database-url postgres://postgres@127.0.0.1:5432/govhall_cpubench_hotline]

The HTTP bench (bench/hotline_intake.py) measures what clients see; on a 2-core machine shared with other
jobs its wall-clock figures swing several-fold. This one calls the WSGI application (every middleware, DRF,
the services, PostgreSQL) from one process, as bench/intake_cpu.py does for cases, with the operator's
session, and reports the median over `--rounds` rounds of `--tickets` tickets of the CPU time of this
process (`time.process_time`) and the SQL statements for:

- `bare`: GET /api/v1/departments/?limit=1 (the HTTP bench's baseline: an authenticated DRF list);
- `register`: POST /api/v1/hotline/tickets/ (a phone call);
- `dispatch`: POST /api/v1/hotline/tickets/<id>/dispatch/ with the version (lead unit and a co-unit).

The ratio (one ticket's CPU ÷ one bare request's) is what to compare between commits and machines. The
database is created, migrated and given the HTTP bench's hotline world each run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hotline_intake import CALL, WORLD_SCRIPT  # noqa: E402
from bench.intake import fresh_database, manage, server_env  # noqa: E402
from bench.intake_cpu import Driver  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_cpubench_hotline"
PHASES = ("bare", "register", "dispatch")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--profile", choices=PHASES[1:])
    parser.add_argument("--top", type=int, default=40, help="lines of the profile")
    args = parser.parse_args()

    env = server_env(args.database_url)
    print(f"# {platform.node()} · Python {platform.python_version()} · load {os.getloadavg()[0]:.1f}")
    fresh_database(args.database_url)
    manage(env, "migrate", "-v0")
    manage(env, "shell", "-c", WORLD_SCRIPT)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    operator = Driver(get_wsgi_application(), "operator")
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    registered: list[tuple[int, int]] = []
    serial = [0]

    def one(phase: str) -> None:
        if phase == "bare":
            status, data = operator.request("GET", "/api/v1/departments/?limit=1")
            want = 200
        elif phase == "register":
            serial[0] += 1
            body = CALL | {"caller_phone": f"139{serial[0]:08d}"}
            status, data = operator.request("POST", "/api/v1/hotline/tickets/", body)
            want = 201
            if status == want:
                ticket = json.loads(data)
                registered.append((ticket["id"], ticket["version"]))
        else:
            pk, version = registered.pop()
            path = f"/api/v1/hotline/tickets/{pk}/dispatch/"
            status, data = operator.request("POST", path, {"version": version})
            want = 200
        if status != want:
            sys.exit(f"{phase}: answered {status}, expected {want}: {data[:400].decode(errors='replace')}")

    results: dict[str, list[tuple[float, float]]] = {p: [] for p in PHASES}
    with connection.execute_wrapper(count):
        for _round in range(args.rounds):
            for phase in PHASES:
                statements[0] = 0
                started = time.process_time()
                for _n in range(args.tickets):
                    one(phase)
                cpu = (time.process_time() - started) * 1000 / args.tickets
                results[phase].append((cpu, statements[0] / args.tickets))
        if args.profile:
            for _n in range(args.tickets):  # tickets to dispatch
                one("register")
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _n in range(args.tickets):
                one(args.profile)
            profile.disable()

    print(f"# {args.rounds} rounds × {args.tickets} requests; medians (the first round warms the caches)")
    print(f"{'phase':<10} {'CPU ms':>8} {'SQL':>5}")
    medians = {}
    for phase in PHASES:
        cpu = statistics.median(c for c, _ in results[phase])
        sql = statistics.median(s for _, s in results[phase])
        medians[phase] = cpu
        print(f"{phase:<10} {cpu:>8.2f} {sql:>5.1f}")
    ticket = medians["register"] + medians["dispatch"]
    print(f"ticket     {ticket:>8.2f}  ratio to bare: {ticket / medians['bare']:.2f}")
    if args.profile:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
