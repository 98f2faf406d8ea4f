"""Online submissions (网上申报) accepted into cases over real HTTP on PostgreSQL, against window intake of
the same server in the same run.

    .venv/bin/python bench/portal_submit.py [--clients 4] [--seconds 10] [--rounds 3] [--workers 2]
                                           [--server prefork|gunicorn|runserver]
                                           [--database-url postgres://postgres@127.0.0.1:5432/govhall_bench_portal]

What it does (the database, server and client machinery of bench/intake.py):
1. drops and creates the database, migrates it and loads the demo city; the item 企业变更登记 is made
   applicable online and its materials optional (so that a submission without files is complete), and one
   citizen account (role applicant) per client process is created;
2. starts a web server with DEBUG off (default: the stdlib pre-fork server, `--workers` processes);
3. per round, `--clients` client processes, each for `--seconds` per phase:
   - window receive: the clerk POSTs /api/v1/cases/ (receive_case: a received case, number and code);
   - window intake: the same with "decision": "accept" (the workbench's intake page, one request);
   - online, no files: each citizen first prepares drafts for `--seconds` (POST applications/, PATCH the
     form) and then submits them all (POST applications/<id>/submit/), timed apart: submissions/s is the
     figure that compares with window intake (both turn one request into one received case);
   - online, one small file: the same with one upload (a 30 kB PDF) into the first material's slot, so the
     submission also files it as a case document (cases.add_document).
4. prints per round and as medians over the rounds: cases/s, p50/p95 latencies and the ratios online
   submissions/s ÷ window receive/s and ÷ window intake/s, the load average, and the CPU time per case of
   the web server, PostgreSQL and the clients (comparable when other jobs load the machine).

All submissions go to one hall (the city centre), so they share its daily number counter row, as the
window's intake does.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import (  # noqa: E402  (the script runs from anywhere)
    CREDIT_CODE,
    ITEM_NAME,
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_bench_portal"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" + b"%" + b"x" * 30_000 + b"\ntrailer\n<<>>\n%%EOF\n"

FIXTURE_SCRIPT = """
import json
from govhall.catalog.models import Material, ServiceItem
from govhall.core.models import Role, User
item = ServiceItem.objects.get(name=%(item)r, status="published")
ServiceItem.objects.filter(pk=item.pk).update(online=True)
Material.objects.filter(item=item).update(required=False)
names = []
for n in range(%(clients)d):
    user, _ = User.objects.get_or_create(username=f"bench-citizen-{n}", defaults={"role": Role.APPLICANT})
    user.role = Role.APPLICANT
    user.set_password(f"govhall-demo-bench-citizen-{n}")
    user.save()
    names.append(user.username)
print(json.dumps({
    "item": item.pk,
    "code": item.code,
    "materials": list(item.materials.order_by("position").values_list("pk", flat=True)),
    "citizens": names,
}))
"""

FORM = {
    "applicant_kind": "organisation",
    "applicant_name": "泉山市明水食品有限公司",
    "credit_code": CREDIT_CODE,
    "legal_representative": "赵明路",
    "contact_name": "李娜",
    "phone": "13912345678",
    "delivery_method": "window",
}


def multipart(name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def run_window(args: tuple) -> dict:
    """The clerk's intake: receive only, or receive and accept in one request."""
    port, seconds, fixture, decision = args
    cpu = client_cpu()
    s = Session(port, "clerk")
    body = {
        "item": fixture["item"],
        **{k: v for k, v in FORM.items() if k != "delivery_method"},
        "materials": [{"material": pk, "originals": 1} for pk in fixture["materials"][:1]],
    }
    if decision:
        body["decision"] = decision
    latencies, errors, first_error = [], 0, ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t = time.perf_counter()
        status, _, data = s.request("POST", "/api/v1/cases/", body)
        if status != 201:
            errors += 1
            first_error = first_error or f"window {status} {data[:300]!r}"
            continue
        latencies.append(time.perf_counter() - t)
    return {"cpu": client_cpu() - cpu, "cases": latencies, "errors": errors, "first_error": first_error}


def run_prepare(args: tuple) -> dict:
    """A citizen's drafts, ready to submit: start, fill the form, and upload `files` files."""
    port, seconds, fixture, citizen, files = args
    s = Session(port, citizen)
    drafts, errors, first_error = [], 0, ""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, data = s.request("POST", "/api/v1/portal/applications/", {"item": fixture["code"]})
        if status != 201:
            errors += 1
            first_error = first_error or f"start {status} {data[:300]!r}"
            continue
        app = json.loads(data)
        status, _, data = s.request(
            "PATCH",
            f"/api/v1/portal/applications/{app['id']}/",
            {"data": FORM, "version": app["version"]},
        )
        if status != 200:
            errors += 1
            first_error = first_error or f"save {status} {data[:300]!r}"
            continue
        version = json.loads(data)["version"]
        for material in fixture["materials"][:files]:
            body, content_type = multipart("file", "营业执照.pdf", PDF)
            status, _, data = s.request(
                "POST",
                f"/api/v1/portal/applications/{app['id']}/materials/{material}/",
                body,
                {"Content-Type": content_type},
            )
            if status != 201:
                errors += 1
                first_error = first_error or f"upload {status} {data[:300]!r}"
        if files:  # an upload moves the version on
            status, _, data = s.request("GET", f"/api/v1/portal/applications/{app['id']}/")
            version = json.loads(data)["version"]
        drafts.append((app["id"], version))
    return {"drafts": drafts, "errors": errors, "first_error": first_error}


def run_submit(args: tuple) -> dict:
    """Submit every prepared draft of one citizen: each submission is one received online case."""
    port, citizen, drafts = args
    cpu = client_cpu()
    s = Session(port, citizen)
    latencies, errors, first_error = [], 0, ""
    start = time.monotonic()
    for app_id, version in drafts:
        body = {"version": version} if version is not None else {}
        t = time.perf_counter()
        status, _, data = s.request("POST", f"/api/v1/portal/applications/{app_id}/submit/", body)
        if status != 200:
            errors += 1
            first_error = first_error or f"submit {status} {data[:300]!r}"
            continue
        latencies.append(time.perf_counter() - t)
    return {
        "cpu": client_cpu() - cpu,
        "cases": latencies,
        "elapsed": time.monotonic() - start,
        "errors": errors,
        "first_error": first_error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--server", choices=["prefork", "gunicorn", "runserver"], default="prefork")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()

    env = server_env(args.database_url)
    print(f"# {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print("# fresh database, migrate, demo city …", flush=True)
    fresh_database(args.database_url)
    manage(env, "migrate", "-v0")
    manage(env, "demo")
    script = FIXTURE_SCRIPT % {"item": ITEM_NAME, "clients": args.clients}
    fixture = json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])
    port = free_port()
    print(
        f"# server: {args.server} × {args.workers} · clients: {args.clients} · {args.seconds:.0f} s per phase"
        f" · {args.rounds} rounds",
        flush=True,
    )
    procs = start_server(env, port, workers=args.workers, server=args.server)
    database = urlsplit(args.database_url).path.lstrip("/")
    rounds: list[dict] = []
    errors: list[str] = []
    try:
        wait_ready(port)
        for username in ("clerk", *fixture["citizens"]):  # the first login upgrades the password hash
            Session(port, username)
        os.environ.update(env)
        with mp.get_context("fork").Pool(args.clients) as pool:
            pool.map(run_window, [(port, 1.0, fixture, "")] * args.clients)  # warm every worker
            citizens = fixture["citizens"]
            for _round in range(args.rounds):
                figures: dict = {"load": [os.getloadavg()[0]]}

                def phase(name, fn, work, *, elapsed=None, figures=figures):
                    before = cpu_snapshot(procs, database)
                    results = pool.map(fn, work)
                    used = cpu_used(before, cpu_snapshot(procs, database))
                    used["clients"] = sum(r["cpu"] for r in results)
                    cases = [x for r in results for x in r["cases"]]
                    seconds = elapsed(results) if elapsed else args.seconds
                    figures[name] = {"cases": cases, "rate": len(cases) / seconds, "cpu": used}
                    figures["load"].append(os.getloadavg()[0])
                    errors.extend(r["first_error"] for r in results if r["first_error"])
                    return results

                phase("window receive", run_window, [(port, args.seconds, fixture, "")] * args.clients)
                phase("window intake", run_window, [(port, args.seconds, fixture, "accept")] * args.clients)
                for files, name in ((0, "online, no file"), (1, "online, one file")):
                    prepared = pool.map(
                        run_prepare, [(port, args.seconds, fixture, c, files) for c in citizens]
                    )
                    errors.extend(r["first_error"] for r in prepared if r["first_error"])
                    phase(
                        name,
                        run_submit,
                        [(port, c, r["drafts"]) for c, r in zip(citizens, prepared, strict=True)],
                        elapsed=lambda results: max(r["elapsed"] for r in results),
                    )
                rounds.append(figures)
                print(round_line(figures, len(rounds)), flush=True)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)
    report(rounds, errors)


PHASES = ("window receive", "window intake", "online, no file", "online, one file")


def round_line(figures: dict, n: int) -> str:
    rates = " · ".join(f"{name} {figures[name]['rate']:.0f}/s" for name in PHASES)
    return f"round {n}: {rates}"


def report(rounds: list[dict], errors: list[str]) -> None:
    def median(values):
        return statistics.median(values) if values else float("nan")

    print(f"medians over {len(rounds)} rounds:")
    for name in PHASES:
        rates = [r[name]["rate"] for r in rounds]
        lat = [x for r in rounds for x in r[name]["cases"]]
        print(
            f"  {name:<18} {median(rates):7.1f} cases/s (rounds {' '.join(f'{x:.0f}' for x in rates)})"
            f"   p50 {percentile(lat, 50):6.1f} ms   p95 {percentile(lat, 95):6.1f} ms   n={len(lat)}"
        )
    for online in PHASES[2:]:
        for window in PHASES[:2]:
            ratios = [r[online]["rate"] / r[window]["rate"] for r in rounds if r[window]["rate"]]
            each = " ".join(f"{x:.2f}" for x in ratios)
            print(f"ratio {online} ÷ {window}: {median(ratios):.2f} (rounds {each})")
    print("CPU ms per case, median over rounds (web server / PostgreSQL / clients = total):")
    for name in PHASES:
        parts = []
        for key in ("server", "postgres", "clients"):
            per = [r[name]["cpu"][key] * 1000 / len(r[name]["cases"]) for r in rounds if r[name]["cases"]]
            parts.append(median(per))
        print(f"  {name:<18} {parts[0]:6.2f} / {parts[1]:6.2f} / {parts[2]:6.2f} = {sum(parts):6.2f}")
    loads = [x for r in rounds for x in r["load"]]
    print("load average (1 min) during the run: " + " ".join(f"{x:.2f}" for x in loads))
    print(f"errors: {len(errors)}" + (f"; first: {errors[0][:300]}" if errors else ""))


if __name__ == "__main__":
    main()
