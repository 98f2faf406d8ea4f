"""The living demo city: 泉山市 at work on the day it is loaded (`govhall demo --once`).

`load_living_city(now=…)` fills a freshly loaded demo city (catalogue and demo accounts) with

1. about the last three months of cases through the real case services (recent.py: the half-year's
   machinery at a tenth of the seed's figures, plus notices, agency service, rejections, suspensions,
   extensions, late conclusions, deliveries);
2. today's open work, planned backwards from `now` so that every light shows (today.py);
3. fast-lane cases of the three lanes at each stage (fastlanes.py);
4. the online service hall's people: citizens and a company with accounts, licences and consultations
   (portal.py), and their online applications in every state (applications.py);
5. the hall's visits: appointment slots and appointments, the last days at the centre's window groups, this
   morning's queue, ratings (好差评) of visits and cases, bad ratings with follow-ups in every state
   (visits.py);
6. the supervision sweeps of the last ten working days and at `now`, cards and orders in every state,
   and last month's assessment report, published (oversight.py);
7. a year of 12345 hotline tickets with the hotline's reference data (hotline.py);
8. remote help (远程帮办): a township hall's session finished and rated, and one waiting in 工商's queue
   (help.py).

Nothing is written behind the services' back. Same `now` and `seed`, same data (ids, numbers, figures;
only the random verification codes differ). It returns the figures of figures.py.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings

from govhall.catalog.models import Hall
from govhall.demo.history import run_batches
from govhall.demo.living import figures
from govhall.demo.living.applications import load_online_applications
from govhall.demo.living.clock import Clock, months_back
from govhall.demo.living.fastlanes import LanePlanner, Lanes
from govhall.demo.living.help import load_help_sessions
from govhall.demo.living.hotline import load_hotline
from govhall.demo.living.oversight import Oversight, publish_last_month
from govhall.demo.living.people import AGENCY_HALLS, LivingError, crew_for
from govhall.demo.living.portal import load_portal_people
from govhall.demo.living.recent import SCALE, Recent, plan_recent
from govhall.demo.living.today import Planner, Today
from govhall.demo.living.visits import load_visits

SEED = 2026
MONTHS = 3

__all__ = ["SCALE", "SEED", "LivingError", "load_living_city", "opening"]


def opening(now: datetime) -> datetime:
    """When the city at `now` opened its doors: 08:00 on the first day of its three months. The catalogue
    and the accounts are loaded as of then (items published, accounts joined before the first case)."""
    clock = Clock(now=now)
    return clock.at(months_back(clock.today, MONTHS), -60)


def load_living_city(
    *,
    now: datetime,
    seed: int = SEED,
    scale: float = SCALE,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Load three months of work and today's open work into the demo city (loaded, with its accounts).
    `scale`: the three months' cases as a fraction of the seed's half-year figures (a tenth: 2,310;
    today's open work, the lanes and the supervision do not scale). `progress(done, total)` is called as
    the work goes on. Returns figures.summary() and what was planned."""
    started = time.perf_counter()
    clock = Clock(now=now)
    first = months_back(clock.today, MONTHS)
    last = clock.today - timedelta(days=1)
    with _quiet():
        agency_halls = list(Hall.objects.filter(code__in=AGENCY_HALLS).values_list("pk", flat=True))
        fated, cast = plan_recent(agency_halls, clock, first=first, last=last, seed=seed, scale=scale)
        crew = crew_for(cast)
        open_work = Planner(crew, clock, random.Random(seed + 2)).plan()
        lane_plans = LanePlanner(crew, clock, random.Random(seed + 3)).plan()
        total = len(fated) + len(open_work) + len(lane_plans) + 1

        def advanced(offset: int) -> Callable[[int], None]:
            return lambda n: progress and progress(offset + n, total)

        recent = Recent(crew=crew, clock=clock, last=last, rng=random.Random(seed + 4))
        recent.run(fated, advanced(0))
        today = Today(crew)
        run_batches(open_work, receive=today.receive, work=today.work, advanced=advanced(len(fated)))
        Lanes(crew, clock).run(lane_plans)
        advanced(len(fated) + len(open_work))(len(lane_plans))
        portal = load_portal_people(crew, clock)
        online = load_online_applications(crew, clock, portal)
        hall_visits = load_visits(crew, clock, portal, random.Random(seed + 6))
        oversight = Oversight(crew, clock, random.Random(seed + 5)).run()
        report = publish_last_month(crew, clock)
        # Last, so that the cases' history (which draws on every department) is the same without it.
        hotline = load_hotline(now=now, seed=seed)
        # After everything: it draws no random numbers and touches no case, so the rest is the same.
        remote_help = load_help_sessions(clock, portal)
        if progress:
            progress(total, total)
    result = figures.summary(now=now, first=first)
    result.update(
        seconds=round(time.perf_counter() - started, 1),
        first=first,
        messages_sent=oversight["messages"],
        report=f"{report.month:%Y-%m}",
        report_state=report.state,
        fates=figures.fates(fated),
        portal_accounts=len(portal.accounts),
        licences=len(portal.licences),
        online_applications=len(online),
        hall_visits=hall_visits,
        hotline=hotline,
        remote_help=remote_help,
    )
    return result


@contextmanager
def _quiet():
    """DEBUG off (Django would keep every statement for connection.queries) and Huey tasks run in this
    process (the outbox's sending, as in tests), for the time of the load."""
    from huey.contrib.djhuey import HUEY

    debug, settings.DEBUG = settings.DEBUG, False
    immediate, HUEY.immediate = HUEY.immediate, True
    try:
        yield
    finally:
        settings.DEBUG = debug
        HUEY.immediate = immediate
