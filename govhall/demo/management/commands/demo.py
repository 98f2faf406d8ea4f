"""`govhall demo [--once] [--empty] [--no-accounts] [--rebuild] [--now …] [--seed …]`: load the demo city
泉山市 at work (docs/demo-city.md).

`make run` calls `demo --once` on every start: it loads the city into a fresh database, with three months
of cases and today's open work, and says "demo city already loaded" afterwards.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from govhall.catalog.models import HallLevel
from govhall.demo.city import (
    DEMO_ACCOUNTS,
    DemoAlreadyLoaded,
    DemoError,
    demo_city_loaded,
    load_demo_city,
)


class Command(BaseCommand):
    help = (
        "Load the demo city 泉山市 (43 departments, 41 halls, 269 service items), its demo accounts and "
        "three months of work up to today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Do nothing (and succeed) when the demo city is already loaded or demo mode is off.",
        )
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load the catalogue only, without the demo accounts and cases (allowed outside demo mode).",
        )
        parser.add_argument(
            "--empty",
            action="store_true",
            help="Load the catalogue and the demo accounts without any case (the city before it opens).",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help=(
                "Demo mode only, on a database holding the demo city or nothing: drop EVERY table, migrate "
                "again and load the demo for today."
            ),
        )
        parser.add_argument("--now", help="The moment the demo city is at (ISO 8601; default: now).")
        parser.add_argument(
            "--seed", type=int, default=None, help="Seed of the generated cases (default 2026)."
        )
        # The seed's half-year of cases through the case services (govhall/demo/history.py).
        parser.add_argument("--history", action="store_true", help="Also create the half-year 2026-01…06.")
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="Fraction of the seed's half-year figures: with --history (default 1), else for the three "
            "months of the city at work (default 0.1).",
        )

    def handle(self, *args, once: bool, no_accounts: bool, empty: bool, rebuild: bool, **options) -> None:
        if options.get("history"):
            from govhall.demo.history import run_command

            scale = 1.0 if options["scale"] is None else options["scale"]
            return run_command(self, scale=scale, with_accounts=not no_accounts)
        now = self._now(options.get("now"))
        living = not (no_accounts or empty)
        if rebuild:
            self._rebuild()
        if once and demo_city_loaded():
            self.stdout.write("demo city already loaded")
            return
        if once and not no_accounts and not settings.DEMO_MODE:
            self.stdout.write("demo mode is off (GOVHALL_DEMO=0): demo city not loaded")
            return
        started = time.perf_counter()
        if living:
            from govhall.demo.living import opening

            opened = opening(now)  # the catalogue is published before the first case of the three months
        else:
            opened = now
        try:
            counts = load_demo_city(now=opened, with_accounts=not no_accounts)
        except DemoAlreadyLoaded:
            if once:
                self.stdout.write("demo city already loaded")
                return
            raise CommandError(
                "demo city already loaded: nothing was changed. "
                "To load it again for today, run `govhall demo --rebuild` (it drops every table)."
            ) from None
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        self._report(counts, time.perf_counter() - started, accounts=not no_accounts)
        if living:
            self._living(now, seed=options.get("seed"), scale=options.get("scale"))

    def _now(self, text: str | None) -> datetime:
        if not text:
            return timezone.now()
        moment = parse_datetime(text)
        if moment is None:
            raise CommandError(f"--now: {text} is not a date and time (2026-12-04T10:30 or with +08:00).")
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def _rebuild(self) -> None:
        from govhall.demo.rebuild import WHAT_IS_DELETED, drop_and_migrate

        self.stdout.write(f"rebuilding the demo database: {WHAT_IS_DELETED}")
        try:
            drop_and_migrate()
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("database emptied and migrated")

    def _living(self, now: datetime, *, seed: int | None, scale: float | None) -> None:
        from govhall.demo.history import progress_bar
        from govhall.demo.living import SCALE, SEED, LivingError, load_living_city

        tty = sys.stdout.isatty()
        self.stdout.write(
            f"泉山市 at work: three months of cases up to {timezone.localtime(now):%Y-%m-%d %H:%M} …"
        )
        try:
            figures = load_living_city(
                now=now,
                seed=SEED if seed is None else seed,
                scale=SCALE if scale is None else scale,
                progress=progress_bar(self.stdout, tty=tty, unit="planned"),
            )
        except LivingError as exc:
            raise CommandError(str(exc)) from None
        if tty:
            self.stdout.write("")
        self._report_living(figures, now)

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

    def _report_living(self, f: dict, now: datetime) -> None:
        out = self.stdout.write
        kinds, period = f["accepted_by_kind"], f["period"]
        today = timezone.localdate(now)
        out(
            self.style.SUCCESS(
                f"泉山市 at work on {today:%Y-%m-%d} ({today:%A}), loaded in {f['seconds']:.1f} s"
            )
        )
        out(
            f"  cases        {f['cases']} since {f['first']:%Y-%m-%d}, accepted: "
            f"{kinds['immediate']} immediate, {kinds['committed']} committed, "
            f"{kinds['consultation']} consultations"
        )
        channels = ", ".join(f"{n} {channel}" for channel, n in sorted(f["channels"].items()))
        out(f"               received {channels}; {period['rejected']} not accepted")
        out(
            f"               {period['notices']} one-time notices, {period['suspensions']} special "
            f"procedures, {period['extensions']} extensions, {period['withdrawn']} withdrawn, "
            f"{period['late']} late"
        )
        for label, month in (("this month", f["this_month"]), ("last month", f["last_month"])):
            out(
                f"  {label:<12} {month['month']}: {month['received']} received, {month['accepted']} "
                f"accepted, {month['concluded']} concluded, on time {month['on_time_rate']} %"
            )
        lights = f["lights"]
        out(
            f"  open steps   {lights['green']} green, {lights['yellow']} yellow, {lights['red']} red, "
            f"{lights['paused']} paused"
        )
        for code, stages in f["lanes"].items():
            out(f"  lane         {code}: " + ", ".join(f"{key} {n}" for key, n in stages.items()))
        out("  cards        " + ", ".join(f"{n} {state}" for state, n in f["cards"].items()))
        out(
            "  orders       "
            + ", ".join(f"{n} {state}" for state, n in f["orders"].items())
            + f" ({f['orders_escalated']} escalated)"
        )
        for role, queue in f["queues"].items():
            out(f"  {role:<12} " + ", ".join(f"{key.replace('_', ' ')} {n}" for key, n in queue.items()))
        v = f.get("hall_visits") or {}
        if v:
            out(
                f"  visits       {v['visits']} numbers at the centre, {v['slots']} appointment slots, "
                f"{v['bookings']} appointments, {v['ratings']} ratings"
            )
            out("  follow-ups   " + ", ".join(f"{n} {fate}" for fate, n in v["follow_ups"].items()))
        h = f.get("hotline") or {}
        if h:
            states = ", ".join(f"{n} {state}" for state, n in sorted(h["states"].items()))
            out(f"  hotline      {h['tickets']} tickets in {h['days']} days ({h['seconds']} s): {states}")
        r = f.get("remote_help") or {}
        if r:
            out(
                f"  remote help  session {r['finished']} ended and rated; session {r['waiting']} waiting in "
                f"{r['department']}'s queue"
            )
        out(f"  messages     {f['messages_sent']} reminders and notices in the inboxes")
        out(f"  report       assessment report {f['report']} {f['report_state']}")
