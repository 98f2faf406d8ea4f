"""`govhall demo [--once] [--no-accounts]`: load the demo city 泉山市 (docs/demo-city.md).

`make run` calls `demo --once` on every start: it loads the city into a fresh database and says
"demo city already loaded" afterwards.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from govhall.catalog.models import HallLevel
from govhall.demo.city import (
    DEMO_ACCOUNTS,
    DemoAlreadyLoaded,
    DemoError,
    demo_city_loaded,
    load_demo_city,
)


class Command(BaseCommand):
    help = "Load the demo city 泉山市 (43 departments, 41 halls, 269 service items) and its demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Do nothing (and succeed) when the demo city is already loaded or demo mode is off.",
        )
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load the catalogue only, without the demo accounts (allowed outside demo mode).",
        )
        # The seed's half-year of cases through the case services (govhall/demo/history.py).
        parser.add_argument("--history", action="store_true", help="Also create the half-year 2026-01…06.")
        parser.add_argument("--scale", type=float, default=1.0, help="With --history: fraction of the cases.")

    def handle(self, *args, once: bool, no_accounts: bool, **options) -> None:
        if options.get("history"):
            from govhall.demo.history import run_command

            return run_command(self, scale=options["scale"], with_accounts=not no_accounts)
        if once and demo_city_loaded():
            self.stdout.write("demo city already loaded")
            return
        if once and not no_accounts and not settings.DEMO_MODE:
            self.stdout.write("demo mode is off (GOVHALL_DEMO=0): demo city not loaded")
            return
        started = time.perf_counter()
        try:
            counts = load_demo_city(now=timezone.now(), with_accounts=not no_accounts)
        except DemoAlreadyLoaded:
            if once:
                self.stdout.write("demo city already loaded")
                return
            raise CommandError(
                "demo city already loaded: nothing was changed. "
                "To load it again, start from an empty database "
                "(SQLite: delete var/govhall.sqlite3 and run make setup)."
            ) from None
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        self._report(counts, time.perf_counter() - started, accounts=not no_accounts)

    def _report(self, counts: dict, seconds: float, *, accounts: bool) -> None:
        levels = counts["halls_by_level"]
        out = self.stdout.write
        out(self.style.SUCCESS(f"泉山市 demo city loaded in {seconds:.1f} s"))
        out(
            f"  departments  {counts['departments_total']} "
            f"({counts['departments_resident']} resident, "
            f"{counts['departments_total'] - counts['departments_resident']} running sub-halls)"
        )
        out(
            f"  halls        {counts['halls_total']} "
            f"({levels[HallLevel.CENTRE]} centre, {levels[HallLevel.SUB_HALL]} sub-halls, "
            f"{levels[HallLevel.TOWNSHIP]} township halls, {levels[HallLevel.POINT]} village points)"
        )
        out(f"  windows      {counts['windows']}")
        out(
            f"  items        {counts['items_total']} "
            f"({counts['items_approval']} approval, {counts['items_non_approval']} non-approval), "
            f"{counts['materials']} materials, {counts['steps']} steps"
        )
        out(
            f"  time limits  legal {counts['legal_limit_sum']} → promised {counts['promised_limit_sum']} "
            f"working days (−{counts['compression_percent']} %)"
        )
        if not accounts:
            return
        out("  demo accounts (demo mode only; the passwords are public):")
        for account in DEMO_ACCOUNTS:
            out(f"    {account.username:<11} {account.password:<25} {account.role.label} · {account.where}")
