"""Soak: mixed work for `--minutes` (10 by default) on PostgreSQL with the production server (gunicorn) and
the background consumer (Huey), driven by locust (bench/locustfile.py); 0 errors expected.

    .venv/bin/pip install -e '.[bench]'          # locust and gunicorn
    .venv/bin/python bench/soak.py [--minutes 10] [--users 24] [--workers 2]
                                   [--database-url postgres://postgres@127.0.0.1:5432/govhall_soak]

What it does:
1. drops and creates the database, migrates it and loads the demo city at work (`govhall demo`: about
   2,500 cases of three months, the accounts);
2. starts gunicorn (`--workers` sync workers, DEBUG off) and the Huey consumer (`manage.py run_huey`);
3. runs locust headless with `--users` users (clerks' intake, handlers' steps, the supervisors' board,
   the leaders' dashboard, public guide pages and search, progress queries, a citizen's applications);
4. samples the resident memory (RSS) of every server and consumer process each `--sample` seconds
   (60: each minute);
5. prints per kind of request: count, failures, p50 and p95 (locust's), the memory table and each
   process's growth from the end of the warm-up (the first `--warmup` minutes, 2 by default; half the run
   for shorter runs) to the end. Exits 1 if a request failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.intake import (  # noqa: E402
    PYTHON,
    _children,
    free_port,
    fresh_database,
    manage,
    server_env,
    start_server,
    wait_ready,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/govhall_soak"

FIXTURE_SCRIPT = """
import json
from govhall.cases.models import Case
from govhall.catalog.models import ServiceItem
item = ServiceItem.objects.get(name="企业变更登记", status="published")
guides = list(ServiceItem.objects.filter(status="published").order_by("code").values_list("code", flat=True))
progress = list(Case.objects.order_by("?").values_list("number", "verification_code")[:3000])
print(json.dumps({
    "item": item.pk,
    "materials": list(item.materials.filter(required=True).values_list("pk", flat=True)),
    "steps": item.steps.count(),
    "guides": guides[::3],
    "progress": progress,
}, ensure_ascii=False))
"""


def rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def processes(server: subprocess.Popen, consumer: subprocess.Popen) -> dict[str, int]:
    """name → pid of every process that serves: gunicorn's master and workers, the consumer."""
    named = {"gunicorn master": server.pid}
    for n, pid in enumerate(sorted(_children(server.pid)), start=1):
        named[f"gunicorn worker {n}"] = pid
    named["huey consumer"] = consumer.pid
    for n, pid in enumerate(sorted(_children(consumer.pid)), start=1):
        named[f"huey consumer child {n}"] = pid
    return named


def percent(a: float, b: float) -> str:
    return f"{(b - a) / a * 100:+.1f} %" if a else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=24, help="locust users (24: 2 cores busy, not flooded)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers")
    parser.add_argument("--sample", type=float, default=60, help="seconds between memory samples")
    parser.add_argument("--warmup", type=float, default=2, help="minutes before the memory baseline")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    locust = Path(PYTHON).parent / "locust"
    if not locust.exists():
        sys.exit("locust is not installed: .venv/bin/pip install -e '.[bench]'")

    env = server_env(args.database_url)
    print(f"database {args.database_url}: fresh, migrated, the demo city at work …", flush=True)
    started = time.monotonic()
    fresh_database(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "demo", "--once")
    fixture = json.loads(manage(env, "shell", "-c", FIXTURE_SCRIPT).strip().splitlines()[-1])
    print(
        f"  ready in {time.monotonic() - started:.0f} s: {len(fixture['progress'])} cases to query, "
        f"{len(fixture['guides'])} guides",
        flush=True,
    )

    workdir = Path(tempfile.mkdtemp(prefix="govhall-soak-"))
    fixture_file = workdir / "fixture.json"
    fixture_file.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    port = free_port()
    env["GOVHALL_HUEY_IMMEDIATE"] = "0"
    env["GOVHALL_DATA_DIR"] = str(workdir)  # the consumer's queue file
    (server,) = start_server(env, port, workers=args.workers, server="gunicorn")
    consumer = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "run_huey"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[tuple[float, dict[str, int]]] = []
    try:
        wait_ready(port)
        named = processes(server, consumer)
        seconds = int(args.minutes * 60)
        print(
            f"soak: {args.users} users for {args.minutes:g} min against gunicorn ({args.workers} workers) "
            f"and the Huey consumer; processes {named}",
            flush=True,
        )
        prefix = workdir / "locust"
        run = subprocess.Popen(
            [
                str(locust),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(max(args.users // 10, 1)),
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "SOAK_FIXTURE": str(fixture_file)},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        begin = time.monotonic()
        next_sample = begin
        while run.poll() is None:
            now = time.monotonic()
            if now >= next_sample:
                samples.append((now - begin, {name: rss_kib(pid) or 0 for name, pid in named.items()}))
                next_sample += args.sample
            time.sleep(0.5)
        samples.append((time.monotonic() - begin, {name: rss_kib(pid) or 0 for name, pid in named.items()}))
        output = run.stdout.read() if run.stdout else ""
    finally:
        for proc in (consumer, server):
            proc.terminate()
        for proc in (consumer, server):
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()

    rows = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv", encoding="utf-8")))  # noqa: SIM115
    elapsed = samples[-1][0]
    print(f"\n{platform.node()} · {os.cpu_count()} cores · {elapsed / 60:.1f} min · {args.users} users")
    print(f"{'kind of request':<30} {'count':>7} {'fail':>5} {'/s':>6} {'p50 ms':>7} {'p95 ms':>7}")
    total_failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        total_failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(
            f"{name:<30} {int(row['Request Count']):>7} {int(row['Failure Count']):>5} "
            f"{float(row['Requests/s']):>6.1f} {row['50%']:>7} {row['95%']:>7}"
        )
    for failure in failures[:20]:
        what = f"{failure['Method']} {failure['Name']}"
        print(f"  failed: {what}: {failure['Error']} ×{failure['Occurrences']}")

    warm = min(args.warmup * 60, elapsed / 2)
    baseline = next((s for s in samples if s[0] >= warm), samples[-1])
    print(
        f"\nresident memory (MiB) every {args.sample:g} s; growth from {baseline[0] / 60:.1f} min to the end"
    )
    names = list(samples[0][1])
    print(f"{'minute':>7} " + " ".join(f"{n[:18]:>18}" for n in names))
    for at, values in samples:
        print(f"{at / 60:7.1f} " + " ".join(f"{values.get(n, 0) / 1024:18.1f}" for n in names))
    growth = {n: percent(baseline[1].get(n, 0), samples[-1][1].get(n, 0)) for n in names}
    print(f"{'growth':>7} " + " ".join(f"{growth[n]:>18}" for n in names))
    if output.strip():
        print("\nlocust said:\n" + "\n".join(output.strip().splitlines()[-15:]))
    print(f"\nfigures in {workdir}")
    sys.exit(1 if total_failures else 0)


if __name__ == "__main__":
    main()
