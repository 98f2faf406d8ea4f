"""Every benchmark, one after another, each printing its figures and its ratio to a baseline measured in
the same run (docs/benchmarks.md). `make bench` runs this after installing what the benchmarks need
(the `dev` and `production` extras: gunicorn, psycopg-pool, redis).

    .venv/bin/python bench/all.py            # a short run of each (small sizes; minutes, not hours)
    .venv/bin/python bench/all.py --full     # the sizes of docs/benchmarks.md (hours on 2 cores)
    .venv/bin/python bench/all.py intake hotline_cpu     # only these

Most benchmarks need PostgreSQL on 127.0.0.1:5432 (user postgres, no password; each makes and drops a
database of its own, named in its --help). The short sizes show that a benchmark runs and roughly where
its ratio lies; the figures in docs/benchmarks.md come from the full sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: arguments of the short run (the full run passes none: each script's defaults are the full sizes)
SHORT = {
    "workdays": ["--dates", "500", "--repeat", "3"],
    "intake_cpu": ["--requests", "20", "--rounds", "2"],
    "intake": ["--clients", "2", "--seconds", "3"],
    "hotline_cpu": ["--tickets", "20", "--rounds", "2"],
    "hotline_intake": ["--tickets", "100", "--clients", "2", "--seconds", "3"],
    "board": ["--steps", "20000", "--crossings", "2000", "--runs", "2"],
    "lane_open": ["--runs", "20"],
    "stats": ["--cases", "20000", "--runs", "2", "--baseline-runs", "1"],
    "ratingstats": ["--visits", "20000", "--runs", "2"],
    "knowledge_search": ["--entries", "2000", "--rounds", "2"],
    "open311_requests": ["--tickets", "10000", "--requests", "50"],
    "portal_search": ["--versions", "500", "--rounds", "2", "--seconds", "3", "--http-rounds", "1"],
    "portal_submit": ["--clients", "2", "--seconds", "3", "--rounds", "1"],
    "visits_queue": ["--clients", "2", "--seconds", "3", "--rounds", "1"],
    "help_live": ["--sessions", "5", "--edits", "3"],
    "demo_load": ["--runs", "1"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[[], *SHORT], metavar="NAME", help=", ".join(SHORT))
    parser.add_argument("--full", action="store_true", help="each benchmark at its full (default) size")
    args = parser.parse_args()
    names = args.names or list(SHORT)
    results = []
    for name in names:
        command = [sys.executable, str(HERE / f"{name}.py"), *([] if args.full else SHORT[name])]
        print(f"\n=== bench/{name}.py {' '.join(command[2:])}", flush=True)
        started = time.monotonic()
        code = subprocess.run(command, cwd=HERE.parent).returncode
        results.append((name, code, time.monotonic() - started))
    print("\n=== summary")
    for name, code, seconds in results:
        print(f"{name:18} {'ok' if code == 0 else f'FAILED ({code})':12} {seconds:7.1f} s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
