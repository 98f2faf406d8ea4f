"""Working-day arithmetic: govhall.workdays.calendar against chinese_calendar, in the same run.

    .venv/bin/python bench/workdays.py [--dates 2000] [--repeat 5]

Sets up Django on a temporary SQLite database (migrations seed the calendar), then times
add_workdays(d, 20) and workdays_between(d, d + 45 days) over random dates in 2004–2026 against
chinese_calendar.find_workday(20, d) and a naive day-by-day loop over chinese_calendar.is_workday.
Prints ops/s (median of the repetitions) and the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(directory: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")
    os.environ["GOVHALL_DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("GOVHALL_ENV", "test")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def ops_per_second(fn, args: list, repeat: int) -> float:
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        for a in args:
            fn(*a)
        rates.append(len(args) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=2000, help="random dates per measurement")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions; the median is reported")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        setup_django(directory)
        import chinese_calendar as cc

        from govhall.workdays import calendar

        rng = random.Random(1)
        first, span = date(2004, 1, 1), (date(2026, 10, 1) - date(2004, 1, 1)).days
        days = [first + timedelta(days=rng.randrange(span)) for _ in range(options.dates)]
        assert all(calendar.add_workdays(d, 20) == cc.find_workday(20, d) for d in days[:200])

        def naive_add(d: date, n: int) -> date:
            while not cc.is_workday(d):
                d += timedelta(days=1)
            for _ in range(n):
                d += timedelta(days=1)
                while not cc.is_workday(d):
                    d += timedelta(days=1)
            return d

        def naive_between(a: date, b: date) -> int:
            return sum(cc.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

        pairs = [(d, d + timedelta(days=45)) for d in days]
        assert all(calendar.workdays_between(a, b) == naive_between(a, b) for a, b in pairs[:200])
        # The slow baselines get fewer dates so the run stays short; ops/s does not depend on the count.
        few = max(options.dates // 10, 50)
        add_args = [(d, 20) for d in days]
        results = {
            "add_workdays(d, 20)": ops_per_second(calendar.add_workdays, add_args, options.repeat),
            "chinese_calendar.find_workday(20, d)": ops_per_second(
                lambda d, n: cc.find_workday(n, d), add_args[:few], options.repeat
            ),
            "naive is_workday loop, add 20": ops_per_second(naive_add, add_args[:few], options.repeat),
            "workdays_between(d, d+45)": ops_per_second(calendar.workdays_between, pairs, options.repeat),
            "naive is_workday loop, between d, d+45": ops_per_second(
                naive_between, pairs[:few], options.repeat
            ),
        }

    print(
        f"bench/workdays.py  {date.today().isoformat()}  Python {platform.python_version()}  "
        f"{os.cpu_count()} CPU(s)  {platform.machine()}  dates={options.dates} "
        f"repeat={options.repeat} (medians)"
    )
    for name, rate in results.items():
        print(f"  {name:42s} {rate:>14,.0f} ops/s")
    add, between = results["add_workdays(d, 20)"], results["workdays_between(d, d+45)"]
    ratios = {
        "add_workdays vs find_workday": add / results["chinese_calendar.find_workday(20, d)"],
        "add_workdays vs naive loop": add / results["naive is_workday loop, add 20"],
        "workdays_between vs naive loop": between / results["naive is_workday loop, between d, d+45"],
    }
    for name, ratio in ratios.items():
        print(f"  {name:42s} {ratio:>14,.0f}x")
    met = ratios["add_workdays vs find_workday"] >= 200
    print(f"  target >= 200x vs find_workday: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
