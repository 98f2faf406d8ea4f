"""The first `make run`: migrate + `manage.py demo --once` (the living city) on a fresh database, against
migrate + `manage.py demo --once --empty` (the catalogue and accounts only, the demo before the living
city) in the same run.

    .venv/bin/python bench/demo_load.py [--runs 3] [--database-url postgres://postgres@127.0.0.1:5432/govhall_demobench]

Each run creates a fresh database (SQLite: a new file in a temporary directory; PostgreSQL: the database of
`--database-url` dropped and created again with psql), then times the two commands of `make run` as
separate processes, exactly as `make run` starts them: wall time and the CPU time of the processes
(user + system, from getrusage of the children, which stays comparable when other jobs load the machine).
Baseline and living city alternate within a run. Prints every run, the medians, the ratio of the living
city to the baseline, and the load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
LIMIT_SECONDS = 120  # issue 14: the first `make run` within two minutes on the 2-core machine


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one manage.py command."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return wall, _children_cpu() - cpu, done.stdout


def _fresh_database(url: str | None, directory: str, name: str) -> str:
    if url is None:
        path = Path(directory) / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-U", parts.username or "postgres", "-q"]
    if parts.port:
        psql += ["-p", str(parts.port)]
    for sql in (f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"'):
        subprocess.run([*psql, "-d", "postgres", "-c", sql], check=True, capture_output=True)
    return url


def first_start(url: str | None, directory: str, *, empty: bool) -> dict:
    env = {
        **os.environ,
        "GOVHALL_DATABASE_URL": _fresh_database(url, directory, "empty" if empty else "living"),
    }
    env.pop("GOVHALL_ENV", None)
    migrate = _run(["migrate", "--noinput", "-v0"], env)
    demo = _run(["demo", "--once", *(["--empty"] if empty else [])], env)
    loaded = next((line for line in demo[2].splitlines() if "at work on" in line), "")
    return {
        "wall": migrate[0] + demo[0],
        "cpu": migrate[1] + demo[1],
        "migrate": migrate[0],
        "demo": demo[0],
        "line": loaded.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are reported")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL database to recreate (default: SQLite)"
    )
    options = parser.parse_args()
    database = "PostgreSQL" if options.database_url else "SQLite"
    print(f"{database}, {os.cpu_count()} cores, Python {platform.python_version()}, {options.runs} runs")
    rows: dict[str, list[dict]] = {"baseline": [], "living": []}
    with tempfile.TemporaryDirectory() as directory:
        for run in range(1, options.runs + 1):
            for kind in ("baseline", "living"):
                result = first_start(options.database_url, directory, empty=kind == "baseline")
                rows[kind].append(result)
                print(
                    f"run {run} {kind:<8} migrate + demo --once{' --empty' if kind == 'baseline' else '':<8} "
                    f"{result['wall']:6.1f} s wall ({result['migrate']:.1f} + {result['demo']:.1f}), "
                    f"{result['cpu']:6.1f} s CPU   load {os.getloadavg()[0]:.1f}"
                )
                if result["line"]:
                    print(f"      {result['line']}")
    median = {
        kind: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu")} for kind, rs in rows.items()
    }
    base, living = median["baseline"], median["living"]
    print()
    print(f"median   baseline {base['wall']:.1f} s wall / {base['cpu']:.1f} s CPU")
    print(f"median   living   {living['wall']:.1f} s wall / {living['cpu']:.1f} s CPU")
    print(
        f"ratio    living / baseline: {living['wall'] / base['wall']:.1f}× wall, "
        f"{living['cpu'] / base['cpu']:.1f}× CPU; "
        f"the living city adds {living['wall'] - base['wall']:.1f} s wall"
    )
    verdict = "within" if living["wall"] <= LIMIT_SECONDS else "OVER"
    print(f"target   first start {verdict} {LIMIT_SECONDS} s (median {living['wall']:.1f} s)")


if __name__ == "__main__":
    main()
