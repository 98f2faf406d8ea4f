"""Queue numbers taken and called for a hall of 60 windows over real HTTP on PostgreSQL, against a bare
request of the same server in the same run; and the hall display's update delay.

    .venv/bin/python bench/visits_queue.py [--clients 4] [--seconds 10] [--rounds 3] [--workers 2]
                                          [--windows 60] [--groups 6]
                                          [--server prefork|gunicorn|runserver]
                                          [--database-url postgres://postgres@127.0.0.1:5432/govhall_bench_visits]

What it does (the database, server and client machinery of bench/intake.py):
1. drops and creates the database and migrates it; one hall with `--windows` windows in `--groups` window
   groups (A, B, …; windows split evenly), one clerk account per client process, and the hall's kiosk
   device token;
2. starts a web server with DEBUG off (default: the stdlib pre-fork server, `--workers` processes);
3. per round, `--clients` client processes, each for `--seconds` per phase:
   - bare request: GET /api/v1/departments/?limit=1 (a small DRF list, no writes): the baseline;
   - take numbers: the kiosk POSTs /api/v1/visits/tickets/ (device token, a random group): a new visit
     with the group's next number, and the answer carries the waiting count and the estimated wait;
   - call numbers: each client works its share of the 60 windows in turn: POST call-next (claims the
     next waiting number, SKIP LOCKED), start, finish. Numbers/s counts full cycles; the call-next p95 is
     the figure a clerk feels;
   - take and call at once: half the clients take, half call (the contention a busy morning brings);
   - display poll: GET /visits/display/<hall>/calls/?v=<current> as the display page polls: 204 while
     nothing changed;
4. then the display's update delay: 30 times, a number is taken and called, and from the moment the
   call-next answer arrives the display fragment is read back to back until it shows the number. A
   browser polls every GOVHALL_DISPLAY_POLL_SECONDS (2 s), so a resident sees a call after this delay
   plus on average half the interval (at most the whole of it);
5. prints per round and as medians over the rounds: requests/s, p50/p95 latencies and the ratios to the
   bare request, and the load average.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import (  # noqa: E402  (the script runs from anywhere)
    Session,
    client_cpu,
    free_port,
    fresh_database,
    manage,
    percentile,
    server_env,
    start_server,
    wait_ready,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_bench_visits"

FIXTURE_SCRIPT = """
import json
from govhall.catalog.models import Department, Hall, Window
from govhall.core.models import Role, User
from govhall.visits.devices import kiosk_token
from govhall.visits.models import WindowGroup
department = Department.objects.create(code="BENCH", name="基准测试局")
hall = Hall.objects.create(code="BENCH01", name="基准测试大厅", level="city", department=department)
codes = [chr(ord("A") + g) for g in range(%(groups)d)]
groups = [WindowGroup.objects.create(hall=hall, code=c, name=f"{c}组", service_minutes=8) for c in codes]
windows = []
for n in range(%(windows)d):
    w = Window.objects.create(hall=hall, number=f"{n + 1:02d}", name=f"窗口{n + 1}")
    groups[n %% len(groups)].windows.add(w)
    windows.append(w.pk)
names = []
for n in range(%(clients)d):
    user, _ = User.objects.get_or_create(username=f"bench-clerk-{n}", defaults={"role": Role.CLERK})
    user.role = Role.CLERK
    user.set_password(f"govhall-demo-bench-clerk-{n}")
    user.save()
    names.append(user.username)
print(json.dumps({"hall": hall.code, "groups": codes, "windows": windows, "clerks": names,
                  "device": kiosk_token(hall)}))
"""


def timed(s: Session, method: str, path: str, body=None) -> tuple[int, float, bytes]:
    t = time.perf_counter()
    status, _, data = s.request(method, path, body)
    return status, time.perf_counter() - t, data


def run_bare(args: tuple) -> dict:
    port, seconds, _fixture, _n = args
    cpu = client_cpu()
    s = Session(port)
    lat, errors, first = [], 0, ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, dt, data = timed(s, "GET", "/api/v1/departments/?limit=1")
        if status != 200:
            errors += 1
            first = first or f"bare {status} {data[:200]!r}"
            continue
        lat.append(dt)
    return {"lat": lat, "cycles": len(lat), "errors": errors, "first_error": first, "cpu": client_cpu() - cpu}


def run_take(args: tuple) -> dict:
    port, seconds, fixture, n = args
    cpu = client_cpu()
    rnd = random.Random(n)
    s = Session(port)
    lat, errors, first = [], 0, ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = {"hall": fixture["hall"], "group": rnd.choice(fixture["groups"]), "device": fixture["device"]}
        status, dt, data = timed(s, "POST", "/api/v1/visits/tickets/", body)
        if status != 201:
            errors += 1
            first = first or f"take {status} {data[:200]!r}"
            continue
        lat.append(dt)
    return {"lat": lat, "cycles": len(lat), "errors": errors, "first_error": first, "cpu": client_cpu() - cpu}


def run_call(args: tuple) -> dict:
    """This client's windows in turn: call next, start, finish. `lat` is the call-next latency."""
    port, seconds, fixture, n = args
    cpu = client_cpu()
    clients = fixture["clients"]
    mine = fixture["windows"][n % clients :: clients] or fixture["windows"][:1]
    s = Session(port, fixture["clerks"][n % len(fixture["clerks"])])
    lat, cycle_lat, errors, empty, first = [], [], 0, 0, ""
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        window = mine[i % len(mine)]
        i += 1
        t0 = time.perf_counter()
        status, dt, data = timed(s, "POST", f"/api/v1/visits/windows/{window}/call-next/")
        if status == 204:
            empty += 1
            continue
        if status != 200:
            errors += 1
            first = first or f"call {status} {data[:200]!r}"
            continue
        lat.append(dt)
        visit = json.loads(data)["id"]
        ok = True
        for action in ("start", "finish"):
            status, _dt, data = timed(s, "POST", f"/api/v1/visits/visits/{visit}/{action}/", {})
            if status != 200:
                errors += 1
                first = first or f"{action} {status} {data[:200]!r}"
                ok = False
                break
        if ok:
            cycle_lat.append(time.perf_counter() - t0)
    return {
        "lat": lat,
        "cycle_lat": cycle_lat,
        "cycles": len(cycle_lat),
        "empty": empty,
        "errors": errors,
        "first_error": first,
        "cpu": client_cpu() - cpu,
    }


def run_mixed(args: tuple) -> dict:
    n = args[3]
    return run_take(args) | {"role": "take"} if n % 2 == 0 else run_call(args) | {"role": "call"}


def run_poll(args: tuple) -> dict:
    port, seconds, fixture, _n = args
    cpu = client_cpu()
    s = Session(port)
    status, _, data = s.request("GET", f"/api/v1/visits/halls/{fixture['hall']}/display/")
    version = json.loads(data)["version"]
    lat, errors, first = [], 0, ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, dt, data = timed(s, "GET", f"/visits/display/{fixture['hall']}/calls/?v={version}")
        if status not in (200, 204):
            errors += 1
            first = first or f"poll {status} {data[:200]!r}"
            continue
        lat.append(dt)
    return {"lat": lat, "cycles": len(lat), "errors": errors, "first_error": first, "cpu": client_cpu() - cpu}


def display_delay(port: int, fixture: dict, trials: int) -> list[float]:
    """Seconds from the call-next answer until the display fragment shows the called number."""
    kiosk = Session(port)
    clerk = Session(port, fixture["clerks"][0])
    display = Session(port)
    window = fixture["windows"][0]
    group = fixture["groups"][0]
    delays = []
    for _ in range(trials):
        # empty the window's queue first, so that the number taken now is the one called
        while True:
            status, _, data = clerk.request("POST", f"/api/v1/visits/windows/{window}/call-next/")
            if status != 200:
                break
            visit = json.loads(data)["id"]
            clerk.request("POST", f"/api/v1/visits/visits/{visit}/skip/", {})
        status, _, data = kiosk.request(
            "POST",
            "/api/v1/visits/tickets/",
            {"hall": fixture["hall"], "group": group, "device": fixture["device"]},
        )
        number = json.loads(data)["number"]
        status, _, data = clerk.request("POST", f"/api/v1/visits/windows/{window}/call-next/")
        t0 = time.perf_counter()
        visit = json.loads(data)["id"]
        marker = f'data-number="{number}"'.encode()
        while True:
            status, _, body = display.request("GET", f"/visits/display/{fixture['hall']}/calls/")
            if status == 200 and marker in body:
                delays.append(time.perf_counter() - t0)
                break
            if time.perf_counter() - t0 > 10:
                delays.append(float("nan"))
                break
        clerk.request("POST", f"/api/v1/visits/visits/{visit}/skip/", {})
    return delays


PHASES = ("bare request", "take numbers", "call numbers", "mixed: take", "mixed: call", "display poll")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--windows", type=int, default=60)
    parser.add_argument("--groups", type=int, default=6)
    parser.add_argument("--server", choices=["prefork", "gunicorn", "runserver"], default="prefork")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    env = server_env(args.database_url)
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print("# fresh database, migrate, a hall of windows …", flush=True)
    fresh_database(args.database_url)
    manage(env, "migrate", "-v0")
    script = FIXTURE_SCRIPT % {"groups": args.groups, "windows": args.windows, "clients": args.clients}
    fixture = json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])
    fixture["clients"] = args.clients
    port = free_port()
    print(
        f"# server: {args.server} × {args.workers} · clients: {args.clients} · {args.seconds:.0f} s per phase"
        f" · {args.rounds} rounds · {args.windows} windows in {args.groups} groups",
        flush=True,
    )
    procs = start_server(env, port, workers=args.workers, server=args.server)
    rounds: list[dict] = []
    errors: list[str] = []
    delays: list[float] = []
    try:
        wait_ready(port)
        for username in fixture["clerks"]:  # the first login upgrades the password hash
            Session(port, username)
        os.environ.update(env)
        with mp.get_context("fork").Pool(args.clients) as pool:
            work = [(port, 1.0, fixture, n) for n in range(args.clients)]
            pool.map(run_bare, work)  # warm every worker
            for _round in range(args.rounds):
                figures: dict = {"load": [os.getloadavg()[0]]}

                def phase(fn, seconds=args.seconds, figures=figures):
                    results = pool.map(fn, [(port, seconds, fixture, n) for n in range(args.clients)])
                    errors.extend(r["first_error"] for r in results if r["first_error"])
                    figures["load"].append(os.getloadavg()[0])
                    return results

                def record(name, results, *, key="lat", figures=figures):
                    lat = [x for r in results for x in r[key]]
                    figures[name] = {
                        "lat": lat,
                        "rate": sum(r["cycles"] for r in results) / args.seconds,
                        "empty": sum(r.get("empty", 0) for r in results),
                        "cycle": [x for r in results for x in r.get("cycle_lat", [])],
                    }

                record("bare request", phase(run_bare))
                record("take numbers", phase(run_take))
                record("call numbers", phase(run_call))
                mixed = phase(run_mixed)
                record("mixed: take", [r for r in mixed if r["role"] == "take"])
                record("mixed: call", [r for r in mixed if r["role"] == "call"])
                record("display poll", phase(run_poll))
                rounds.append(figures)
                print(
                    f"round {len(rounds)}: "
                    + " · ".join(f"{name} {figures[name]['rate']:.0f}/s" for name in PHASES),
                    flush=True,
                )
        delays = display_delay(port, fixture, 30)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)
    report(rounds, errors, delays)


def report(rounds: list[dict], errors: list[str], delays: list[float]) -> None:
    def median(values):
        return statistics.median(values) if values else float("nan")

    print(f"medians over {len(rounds)} rounds (call numbers: full cycles call-next + start + finish per s):")
    for name in PHASES:
        rates = [r[name]["rate"] for r in rounds]
        lat = [x for r in rounds for x in r[name]["lat"]]
        ratios = [r[name]["rate"] / r["bare request"]["rate"] for r in rounds if r["bare request"]["rate"]]
        line = (
            f"  {name:<14} {median(rates):7.1f}/s (rounds {' '.join(f'{x:.0f}' for x in rates)})"
            f"   p50 {percentile(lat, 50):6.1f} ms   p95 {percentile(lat, 95):6.1f} ms   n={len(lat)}"
            f"   ÷ bare {median(ratios):.2f}"
        )
        cycle = [x for r in rounds for x in r[name]["cycle"]]
        if cycle:
            line += f"   cycle p95 {percentile(cycle, 95):6.1f} ms"
        empty = sum(r[name]["empty"] for r in rounds)
        if empty:
            line += f"   empty calls {empty}"
        print(line)
    good = [d for d in delays if d == d]
    if good:
        print(
            f"display update delay after call-next (server side, n={len(good)}): "
            f"p50 {percentile(good, 50):.1f} ms · p95 {percentile(good, 95):.1f} ms"
            f" · max {max(good) * 1000:.1f} ms;"
            " a browser polling every 2 s adds 1 s on average, 2 s at most"
        )
    if len(good) < len(delays):
        print(f"display: {len(delays) - len(good)} calls not shown within 10 s")
    loads = [x for r in rounds for x in r["load"]]
    print("load average (1 min) during the run: " + " ".join(f"{x:.2f}" for x in loads))
    print(f"errors: {len(errors)}" + (f"; first: {errors[0][:300]}" if errors else ""))


if __name__ == "__main__":
    main()
