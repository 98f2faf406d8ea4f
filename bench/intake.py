"""Case intake over real HTTP on PostgreSQL: receive + accept (窗口受理), then step approvals, against a
cheap read of the same server as baseline, in the same run.

    .venv/bin/python bench/intake.py [--clients 4] [--seconds 15] [--workers 2]
                                    [--server gunicorn|prefork|runserver]
                                    [--database-url postgres://postgres@127.0.0.1:5432/govhall_bench]

What it does:
1. drops and creates the database `govhall_bench`, migrates it and loads the demo city (accounts included);
2. starts a web server on a free port with DEBUG off: by default gunicorn with `--workers` sync workers
   (default: the number of cores; the `production` extra installs it). `--server prefork` is a pre-fork
   server of Django's own ThreadedWSGIServer (HTTP/1.1 keep-alive, one thread per connection) on one port
   with SO_REUSEPORT, nothing beyond Django and the standard library; `--server runserver` is
   `manage.py runserver --noreload`: one process, so one core (the GIL), the figure a default
   `govhall serve` gives;
3. `--clients` client processes (multiprocessing, http.client keep-alive, session login with CSRF as the
   workbench does), each for `--seconds` per phase:
   - baseline: GET /api/v1/items/<id>/ (a catalogue item with materials and steps, anonymous);
   - intake: the clerk POSTs /api/v1/cases/ then /api/v1/cases/<id>/accept/ with If-Match (two requests);
   - intake in one request: the clerk POSTs /api/v1/cases/ with "decision": "accept" (receive_and_decide,
     what the workbench's intake page does);
   - steps: the handler POSTs /api/v1/cases/<id>/complete-step/ on the accepted cases, If-Match chained.
4. prints requests/s, accepted cases/s, p50/p95 latencies, the ratio to the baseline and the load average,
   and the CPU time per request (per accepted case) of the web server's processes, of PostgreSQL's and of
   the client processes (from /proc), which stays comparable when other jobs load the machine.

All clerks share one hall, so every intake takes the same daily number counter row: that lock is part of
what is measured.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_bench"
CREDIT_CODE = "914403001922038216"
ITEM_NAME = "企业变更登记"


# --- database and server ---------------------------------------------------------------------------


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        GOVHALL_DATABASE_URL=database_url,
        GOVHALL_DEBUG="0",
        GOVHALL_ENV="development",
        GOVHALL_DEMO="1",
        GOVHALL_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="govhall.settings",
        PYTHONPATH=str(ROOT),
    )
    return env


def fresh_database(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


FIXTURE_SCRIPT = f"""
import json
from govhall.catalog.models import ServiceItem
item = ServiceItem.objects.get(name={ITEM_NAME!r}, status="published")
print(json.dumps({{
    "item": item.pk,
    "materials": list(item.materials.filter(required=True).values_list("pk", flat=True)),
    "steps": item.steps.count(),
}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefork_worker(port: int) -> None:  # runs in a forked child
    import django
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    django.setup()

    class Quiet(WSGIRequestHandler):
        def log_message(self, format, *args):
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", port), Quiet, bind_and_activate=False)
    httpd.request_queue_size = 2048  # the listen backlog, as gunicorn's --backlog (Django's own is 10)
    httpd.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    httpd.server_bind()
    httpd.server_activate()
    httpd.set_app(get_wsgi_application())
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    httpd.serve_forever()


def start_server(env: dict, port: int, *, workers: int, server: str) -> list:
    if server == "gunicorn":
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        proc = subprocess.Popen(
            [
                gunicorn,
                "govhall.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--worker-class=sync",
                "--backlog=2048",
                "--log-level=warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        return [proc]
    if server == "runserver":
        proc = subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return [proc]
    code = f"from bench.intake import prefork_worker; prefork_worker({port})"  # PYTHONPATH is the root
    return [
        subprocess.Popen([PYTHON, "-c", code], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        for _ in range(workers)
    ]


def wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/departments/?limit=1")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the server did not start")


# --- CPU time of the server, PostgreSQL and the clients ----------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int) -> float:
    """utime + stime of a process (all its threads), seconds; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def server_pids(procs: list) -> list[int]:
    pids = [p.pid for p in procs]
    return pids + [child for pid in pids for child in _children(pid)]


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends connected to `database` (their title names it): other jobs' backends on
    the same server are left out, and so are the shared background processes."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    title = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres:") and f" {database} " in title:
                pids.append(int(entry))
    return pids


def cpu_snapshot(procs: list, database: str) -> dict[str, dict[int, float]]:
    """Per-process CPU seconds of the web server's processes and of the database's backends."""
    return {
        "server": {pid: _proc_cpu(pid) for pid in server_pids(procs)},
        "postgres": {pid: _proc_cpu(pid) for pid in postgres_pids(database)},
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds between two snapshots (processes started meanwhile count from 0)."""
    return {
        kind: sum(seconds - before[kind].get(pid, 0.0) for pid, seconds in after[kind].items())
        for kind in before
    }


# --- clients ---------------------------------------------------------------------------------------


class Session:
    """One keep-alive connection with the session and CSRF cookies of a signed-in user."""

    def __init__(self, port: int, username: str | None = None) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        if username:
            self.login(username)

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies and method != "GET":
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if isinstance(body, dict):
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data

    def login(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        token = self.cookies["csrftoken"]
        form = f"username={username}&password=govhall-demo-{username}&csrfmiddlewaretoken={token}"
        status, _, _ = self.request(
            "POST", "/accounts/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed ({status})")


def client_cpu() -> float:
    t = os.times()
    return t.user + t.system


def run_baseline(args: tuple) -> dict:
    port, seconds, item = args
    cpu = client_cpu()
    s = Session(port)
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t = time.perf_counter()
        status, _, _ = s.request("GET", f"/api/v1/items/{item}/")
        latencies.append(time.perf_counter() - t)
        assert status == 200, status
    return {"requests": latencies, "cpu": client_cpu() - cpu}


def run_intake(args: tuple) -> dict:
    port, seconds, fixture, one_request = args
    cpu = client_cpu()
    s = Session(port, "clerk")
    body = {
        "item": fixture["item"],
        "applicant_kind": "organisation",
        "applicant_name": "泉山市明水食品有限公司",
        "credit_code": CREDIT_CODE,
        "legal_representative": "赵明路",
        "contact_name": "李娜",
        "phone": "13912345678",
        "materials": [{"material": pk, "originals": 1} for pk in fixture["materials"]],
    }
    if one_request:
        body["decision"] = "accept"
    receive, accept, cases, accepted, errors, first_error = [], [], [], [], 0, ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        status, _, data = s.request("POST", "/api/v1/cases/", body)
        t1 = time.perf_counter()
        if one_request:
            if status != 201:
                errors += 1
                first_error = first_error or f"receive and accept {status} {data[:300]!r}"
                continue
            case = json.loads(data)
            receive.append(t1 - t0)
            cases.append(t1 - t0)
            accepted.append((case["id"], case["version"]))
            continue
        if status != 201:
            errors += 1
            first_error = first_error or f"receive {status} {data[:300]!r}"
            continue
        case = json.loads(data)
        status, _, data = s.request(
            "POST", f"/api/v1/cases/{case['id']}/accept/", {}, {"If-Match": f'"{case["version"]}"'}
        )
        t2 = time.perf_counter()
        receive.append(t1 - t0)
        if status != 200:
            errors += 1
            first_error = first_error or f"accept {status} {data[:300]!r}"
            continue
        accept.append(t2 - t1)
        cases.append(t2 - t0)
        accepted.append((case["id"], json.loads(data)["version"]))
    return {
        "cpu": client_cpu() - cpu,
        "receive": receive,
        "accept": accept,
        "case": cases,
        "accepted": accepted,
        "errors": errors,
        "first_error": first_error,
    }


def run_steps(args: tuple) -> dict:
    port, seconds, work, steps_per_case = args
    cpu = client_cpu()
    s = Session(port, "handler")
    latencies, errors, first_error = [], 0, ""
    queue = [(case_id, version, 0) for case_id, version in work]
    start = time.monotonic()
    deadline = start + seconds
    while queue and time.monotonic() < deadline:
        case_id, version, done = queue.pop(0)
        t = time.perf_counter()
        status, _, data = s.request(
            "POST",
            f"/api/v1/cases/{case_id}/complete-step/",
            {"comment": "同意"},
            {"If-Match": f'"{version}"'},
        )
        latencies.append(time.perf_counter() - t)
        if status != 200:
            errors += 1
            first_error = first_error or f"complete-step {status} {data[:300]!r}"
            continue
        if done + 1 < steps_per_case:
            queue.append((case_id, json.loads(data)["version"], done + 1))
    return {
        "cpu": client_cpu() - cpu,
        "requests": latencies,
        "errors": errors,
        "elapsed": time.monotonic() - start,
        "first_error": first_error,
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def summary(name: str, latencies: list[float], seconds: float) -> str:
    return (
        f"{name:<28} {len(latencies) / seconds:8.1f}/s   p50 {percentile(latencies, 50):6.1f} ms"
        f"   p95 {percentile(latencies, 95):6.1f} ms   n={len(latencies)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--server",
        choices=["gunicorn", "prefork", "runserver"],
        default="gunicorn",
        help="gunicorn sync workers (default), the stdlib pre-fork server, or runserver (one process)",
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    env = server_env(args.database_url)
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print("# fresh database, migrate, demo city …", flush=True)
    fresh_database(args.database_url)
    manage(env, "migrate", "-v0")
    manage(env, "demo")
    fixture = json.loads(manage(env, "shell", "-c", FIXTURE_SCRIPT).strip().splitlines()[-1])
    port = free_port()
    server = {
        "gunicorn": f"gunicorn sync × {args.workers}",
        "prefork": f"pre-fork × {args.workers}",
        "runserver": "runserver --noreload (1 process, threads)",
    }[args.server]
    print(f"# server: {server} · clients: {args.clients} · {args.seconds:.0f} s per phase", flush=True)
    procs = start_server(env, port, workers=args.workers, server=args.server)
    try:
        wait_ready(port)
        # The demo passwords are stored with a cheap hash that Django upgrades on the first login, which
        # logs out sessions opened concurrently with the old hash: log each account in once first.
        for username in ("clerk", "handler"):
            Session(port, username)
        os.environ.update(env)
        with mp.get_context("fork").Pool(args.clients) as pool:
            # Warm every worker's caches (calendar, templates, URL resolver) before measuring.
            pool.map(run_baseline, [(port, 1.0, fixture["item"])] * args.clients)
            load = [os.getloadavg()[0]]
            database = urlsplit(args.database_url).path.lstrip("/")
            cpu: dict[str, dict[str, float]] = {}

            def phase(name, fn, work):
                before = cpu_snapshot(procs, database)
                results = pool.map(fn, work)
                cpu[name] = cpu_used(before, cpu_snapshot(procs, database))
                cpu[name]["clients"] = sum(r["cpu"] for r in results)
                load.append(os.getloadavg()[0])
                return results

            base = phase("baseline", run_baseline, [(port, args.seconds, fixture["item"])] * args.clients)
            intake = phase("two", run_intake, [(port, args.seconds, fixture, False)] * args.clients)
            single = phase("one", run_intake, [(port, args.seconds, fixture, True)] * args.clients)
            accepted = [pair for r in intake + single for pair in r["accepted"]]
            shares = [accepted[i :: args.clients] for i in range(args.clients)]
            steps = phase(
                "steps", run_steps, [(port, args.seconds, share, fixture["steps"]) for share in shares]
            )
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)

    def merged(results, key):
        return [x for r in results for x in r[key]]

    seconds = args.seconds
    base_rps = len(merged(base, "requests")) / seconds
    cases = merged(intake, "case")
    step_lat = merged(steps, "requests")
    step_seconds = max(r["elapsed"] for r in steps)
    print(summary("baseline GET item", merged(base, "requests"), seconds))
    print(summary("POST receive", merged(intake, "receive"), seconds))
    print(summary("POST accept", merged(intake, "accept"), seconds))
    print(summary("accepted cases (both)", cases, seconds))
    single_cases = merged(single, "case")
    print(summary("POST receive+accept (1 req)", single_cases, seconds))
    print(summary("POST complete-step", step_lat, step_seconds))
    intake_rps = (len(merged(intake, "receive")) + len(merged(intake, "accept"))) / seconds
    errors = sum(r["errors"] for r in intake + single + steps)
    for r in intake + single + steps:
        if r["first_error"]:
            print("first error:", r["first_error"].encode().decode("unicode_escape", "replace")[:300])
            break
    print(
        f"ratio: intake requests/s ÷ baseline = {intake_rps / base_rps:.2f}; "
        f"accepted cases/s ÷ baseline = {len(cases) / seconds / base_rps:.3f} (two requests), "
        f"{len(single_cases) / seconds / base_rps:.3f} (one request); errors: {errors}"
    )
    print("load average (1 min) at the start and after each phase: " + " ".join(f"{x:.2f}" for x in load))
    print("CPU time per unit, ms (web server processes / PostgreSQL / client processes = total;")
    print("  capacity = cores × 1000 / total, what the machine could do if nothing else ran on it):")
    units = {
        "baseline": ("GET item", len(merged(base, "requests"))),
        "two": ("accepted case, two requests", len(cases)),
        "one": ("accepted case, one request", len(single_cases)),
        "steps": ("complete-step", len(step_lat)),
    }
    cores = os.cpu_count() or 1
    for name, (label, n) in units.items():
        used = cpu[name]
        if not n:
            continue
        parts = [used["server"] * 1000 / n, used["postgres"] * 1000 / n, used["clients"] * 1000 / n]
        total = sum(parts)
        print(
            f"  {label:<28} {parts[0]:6.2f} / {parts[1]:6.2f} / {parts[2]:6.2f} = {total:6.2f}"
            f"   capacity {cores * 1000 / total:7.1f}/s"
        )


if __name__ == "__main__":
    main()
