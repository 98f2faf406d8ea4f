"""`govhall demo --history`: the seed's half-year (2026-01-01 … 2026-06-30) through the real case services.

The windows accept 23,101 cases: 20,310 immediate, 2,513 committed and 278 consultations, all concluded
on time (the seed article). With `scale` each kind is round(seed figure × scale). A fixed seed gives the
same history every time. Cases fall on working days only (never on a holiday; make-up Saturdays count),
more on Mondays, fewer on Fridays, between 09:00 and 16:30; every item, hall and department of the demo
city takes its share, and the clerks, handlers and heads are users of the hall or department.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count

from govhall.cases import services
from govhall.cases.models import Case, CaseKind, Step
from govhall.cases.validators import resident_id_check_char
from govhall.catalog import published
from govhall.catalog.models import Department, Hall, HallLevel, ServiceItem
from govhall.core.models import Role, User
from govhall.workdays import calendar as workdays

SEED_FIGURES = {CaseKind.IMMEDIATE: 20310, CaseKind.COMMITTED: 2513, CaseKind.CONSULTATION: 278}
FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)
# Relative traffic by weekday (Monday busiest); a make-up Saturday is a quiet working day.
WEEKDAY_WEIGHT = {0: 1.45, 1: 1.1, 2: 1.0, 3: 1.0, 4: 0.85, 5: 0.7, 6: 0.7}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


class HistoryError(RuntimeError):
    pass


def expected(scale: float) -> dict[str, int]:
    """The cases per kind that generate_history(scale) creates."""
    return {kind: round(n * scale) for kind, n in SEED_FIGURES.items()}


def workdays_in(first: date, last: date) -> list[date]:
    days, d = [], first
    while d <= last:
        if workdays.is_workday(d):
            days.append(d)
        d += timedelta(days=1)
    return days


def spread(n: int, days: list[date]) -> list[date]:
    """n dates over the working days in proportion to the weekday weights (largest remainder)."""
    weights = [WEEKDAY_WEIGHT[d.weekday()] for d in days]
    total = sum(weights)
    shares = [n * w / total for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(days)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return [d for d, c in zip(days, counts, strict=True) for _ in range(c)]


@dataclass
class Cast:
    clerks: dict[int, User]
    heads: dict[int, User]


def cast_for(halls: list[Hall], departments: list[Department]) -> Cast:
    """A clerk per hall and a head per department, made once (usernames hist-…, unusable passwords)."""
    clerks, heads = {}, {}
    for hall in halls:
        clerks[hall.pk], _ = User.objects.get_or_create(
            username=f"hist-clerk-{hall.code}",
            defaults={"role": Role.CLERK, "hall": hall, "last_name": "窗口"},
        )
    for dept in departments:
        heads[dept.pk], _ = User.objects.get_or_create(
            username=f"hist-head-{dept.code}",
            defaults={"role": Role.DEPT_HEAD, "department": dept, "last_name": "科长"},
        )
    for user in [*clerks.values(), *heads.values()]:
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return Cast(clerks=clerks, heads=heads)


def person(rng: random.Random) -> dict:
    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"370181{born}{rng.randint(100, 999)}"
    return {
        "kind": "person",
        "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
        "id_type": "resident_id",
        "id_number": first17 + resident_id_check_char(first17),
    }


def contact_for(rng: random.Random, name: str) -> dict:
    return {"name": name, "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}", "address": ""}


@dataclass
class Planned:
    """One case of the plan: every random choice made up front, so the run only calls the services."""

    now: datetime
    kind: str
    applicant: dict
    contact: dict
    item: ServiceItem | None = None  # None: a consultation
    department: Department | None = None  # a consultation's department
    hall: Hall | None = None
    days: int = 0  # committed: working days from acceptance to conclusion (before the bounds)


def plan_history(
    *, scale: float = 1.0, seed: int = 2026, first: date = FIRST, last: date = LAST
) -> tuple[list[Planned], Cast]:
    """The cases of the half-year in time order, with their applicants, items, halls and durations."""
    zone = ZoneInfo(settings.TIME_ZONE)
    rng = random.Random(seed)
    items = list(ServiceItem.objects.filter(status="published").select_related("department").order_by("code"))
    by_kind = {k: [i for i in items if i.case_kind == k] for k in (CaseKind.IMMEDIATE, CaseKind.COMMITTED)}
    if not by_kind[CaseKind.IMMEDIATE] or not by_kind[CaseKind.COMMITTED]:
        raise HistoryError("no published items: load the demo city first (govhall demo)")
    halls = {h.pk: h for h in Hall.objects.order_by("pk")}
    centre = next(h for h in halls.values() if h.level == HallLevel.CENTRE)
    departments = list(Department.objects.order_by("pk"))
    cast = cast_for(list(halls.values()), departments)
    days = workdays_in(first, last)
    moments: list[tuple[datetime, str]] = []
    for kind, n in expected(scale).items():
        for d in spread(n, days):
            minute = rng.randrange(0, 7 * 60 + 30)
            moments.append((datetime.combine(d, time(9, 0), zone) + timedelta(minutes=minute), kind))
    moments.sort(key=lambda p: (p[0], p[1]))
    plan = []
    for now, kind in moments:
        applicant = person(rng)
        one = Planned(now=now, kind=kind, applicant=applicant, contact=contact_for(rng, applicant["name"]))
        if kind == CaseKind.CONSULTATION:
            one.department, one.hall = rng.choice(departments), centre
        else:
            one.item = rng.choice(by_kind[kind])
            allowed = sorted(published.hall_ids(one.item)) or [centre.pk]
            one.hall = halls[rng.choice(allowed)]
            if kind == CaseKind.COMMITTED and one.item.promised_limit:
                one.days = rng.randint(0, one.item.promised_limit)
        plan.append(one)
    return plan, cast


BATCH = 200


def generate_history(
    *,
    scale: float = 1.0,
    seed: int = 2026,
    first: date = FIRST,
    last: date = LAST,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> dict[str, int]:
    """Create the half-year; returns the cases created per kind. Needs the demo city (govhall demo).

    Batches of 200 cases in one transaction (each service call is a savepoint in it): first every
    receipt of the batch, in time order (so the case numbers are those of a run case by case), then
    their steps read in one query, then each case's steps and conclusion, in its own time order.

    `workers` > 1 (PostgreSQL, outside a transaction) runs the plan in that many processes, each with
    the cases of its own halls: a case number counter (hall, day) and a roll-up row (keyed by hall) is
    only ever written by one of them, so they never wait on each other and every run gives the same
    case numbers and figures.
    """
    plan, cast = plan_history(scale=scale, seed=seed, first=first, last=last)
    done = Counter(one.kind for one in plan)
    made = {k: done[k] for k in expected(scale)}
    plan = not_yet_done(plan, first=first, last=last)
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _run_parallel(plan, cast, last, workers, progress)
    else:
        _run(plan, cast, last, lambda n: progress and progress(n, len(plan)))
    return made


def not_yet_done(plan: list[Planned], *, first: date, last: date) -> list[Planned]:
    """The plan without what an earlier run committed, so that a run killed half-way (kill -9, a power
    cut) resumes where it stopped instead of receiving its cases twice.

    Each batch is one transaction and the batches follow the plan's order, per hall in every worker
    process (a hall's cases are all in one part, in time order): what a killed run left is, for each hall,
    a whole prefix of that hall's planned cases. So the first n planned cases of a hall that already has n
    cases in the half-year are skipped. A finished run leaves nothing to do."""
    have = Counter(
        dict(
            Case.objects.filter(received_on__gte=first, received_on__lte=last)
            .values_list("hall")
            .annotate(n=Count("pk"))
            .values_list("hall", "n")
        )
    )
    if not have:
        return plan
    rest = []
    for one in plan:
        if have[one.hall.pk] > 0:
            have[one.hall.pk] -= 1
        else:
            rest.append(one)
    return rest


def _run(plan: list[Planned], cast: Cast, last: date, advanced: Callable[[int], object]) -> None:
    zone = ZoneInfo(settings.TIME_ZONE)
    run_batches(
        plan,
        receive=lambda one: receive_planned(one, cast),
        work=lambda one, case, steps: work_planned(one, case, steps, cast, last, zone),
        advanced=advanced,
    )


def run_batches(
    plan: list,
    *,
    receive: Callable[[object], object],
    work: Callable[[object, object, list[Step]], object],
    advanced: Callable[[int], object],
    size: int = BATCH,
) -> None:
    """The plan in batches of `size`, each one transaction: first every receipt of the batch in the plan's
    order (`receive(one)` returns the case, or None when there is nothing more to do), then the received
    cases' steps read in one query, then `work(one, case, steps)` for each. `advanced(n)` after each batch
    with the number of plan entries done. The living demo city (govhall.demo.living) runs its own plans
    through it."""
    for start in range(0, len(plan), size):
        batch = plan[start : start + size]
        with transaction.atomic():
            received = [(one, receive(one)) for one in batch]
            steps = steps_of([case.pk for _one, case in received if case is not None])
            for one, case in received:
                if case is not None:
                    work(one, case, steps.get(case.pk, []))
        advanced(min(start + size, len(plan)))


def partition_by_hall(plan: list[Planned], workers: int) -> list[list[Planned]]:
    """The plan split into `workers` parts of whole halls (largest hall first into the lightest part),
    each part in time order."""
    sizes = Counter(one.hall.pk for one in plan)
    owner: dict[int, int] = {}
    load = [0] * workers
    for hall, n in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        owner[hall] = k
        load[k] += n
    parts: list[list[Planned]] = [[] for _ in range(workers)]
    for one in plan:
        parts[owner[one.hall.pk]].append(one)
    return [part for part in parts if part]


def _run_parallel(plan, cast, last, workers, progress) -> None:
    import multiprocessing
    import time as clock

    context = multiprocessing.get_context("fork")
    parts = partition_by_hall(plan, workers)
    counters = [context.Value("i", 0) for _ in parts]
    connections.close_all()  # each process opens its own connection

    def work(part, counter) -> None:
        # The parent's connection may still be open here (close_all() closes only what the calling
        # context sees; a test's browser fixtures run the parent in another one), and a forked child
        # shares its socket: drop it unused, so that this process opens its own.
        for conn in connections.all(initialized_only=True):
            conn.connection = None

        def advanced(n: int) -> None:
            counter.value = n

        _run(part, cast, last, advanced)
        connections.close_all()

    processes = [
        context.Process(target=work, args=(part, counter), daemon=True)
        for part, counter in zip(parts, counters, strict=True)
    ]
    for process in processes:
        process.start()
    shown = 0
    try:
        while any(p.is_alive() for p in processes):
            clock.sleep(0.5)
            now_done = sum(c.value for c in counters)
            if progress and now_done != shown:
                shown = now_done
                progress(now_done, len(plan))
            if any(p.exitcode not in (None, 0) for p in processes):
                break
    finally:
        for process in processes:
            if process.exitcode is None and any(p.exitcode not in (None, 0) for p in processes):
                process.terminate()
            process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise HistoryError(f"a worker process failed (exit codes {failed}); see its traceback above")
    if progress and shown != len(plan):
        progress(len(plan), len(plan))


def receive_planned(one: Planned, cast: Cast, *, window=None):
    """The window's part: a consultation answered on the spot (None), or a case received and accepted."""
    if one.kind == CaseKind.CONSULTATION:
        services.record_consultation(
            question="请问办理需要哪些材料？",
            answer="已告知办事指南和材料清单。",
            department=one.department,
            by=cast.clerks[one.hall.pk],
            now=one.now,
            hall=one.hall,
            contact=one.contact,
        )
        return None
    return services.receive_and_decide(
        item=one.item,
        applicant=one.applicant,
        contact=one.contact,
        materials=[m.pk for m in published.materials(one.item) if m.required],
        hall=one.hall,
        window=window,
        by=cast.clerks[one.hall.pk],
        now=one.now,
        decision="accept",
        kind=one.kind,
    )


def steps_of(case_ids: list[int]) -> dict[int, list[Step]]:
    """The steps of the batch's cases (ids only: complete_step locks and reads them itself)."""
    out: dict[int, list[Step]] = {}
    rows = Step.objects.filter(case_id__in=case_ids).order_by("case_id", "position")
    for pk, case_id in rows.values_list("pk", "case_id"):
        out.setdefault(case_id, []).append(Step(pk=pk, case_id=case_id))
    return out


def work_planned(one: Planned, case, steps: list[Step], cast: Cast, last: date, zone) -> datetime:
    """The department's part: every step approved, then the conclusion, all within the promised limit.
    Returns the moment of the conclusion."""
    now = one.now
    if one.kind == CaseKind.IMMEDIATE:
        when = [now + timedelta(minutes=2 + i) for i in range(len(steps) + 1)]
    else:
        # Concluded on a working day within the promised limit and within the half-year.
        accepted_on = now.date()
        end = workdays.add_workdays(accepted_on, one.days) if one.days else accepted_on
        while end > last or end > case.promised_due:
            end -= timedelta(days=1)
        end = max(end, accepted_on)
        span = workdays.workdays_between(accepted_on, end) if end > accepted_on else 0
        when = []
        for i in range(len(steps) + 1):
            offset = round(span * (i + 1) / (len(steps) + 1))
            day = workdays.add_workdays(accepted_on, offset) if offset else accepted_on
            moment = datetime.combine(day, time(16, 0), zone) + timedelta(minutes=i)
            when.append(max(moment, now + timedelta(minutes=2 + i)))
    head = cast.heads[one.item.department_id]
    for step, at in zip(steps, when, strict=False):
        services.complete_step(step, by=head, now=at)
    # conclude_case locks and reads the case itself: the version in hand is not checked without
    # expected_version, so the case returned at receipt will do.
    services.conclude_case(case, decision="approved", text="准予许可。", by=head, now=when[-1])
    return when[-1]


def default_workers() -> int:
    """Two processes on PostgreSQL with two cores or more (the centre's cases and the other halls' take
    about half each), one on SQLite (a single writer)."""
    import os

    return 2 if connection.vendor == "postgresql" and (os.cpu_count() or 1) >= 2 else 1


def progress_bar(out, *, tty: bool, unit: str = "cases", every: int = 2000) -> Callable[[int, int], None]:
    """progress(done, total) writing a bar to `out` (a command's stdout): redrawn in place on a terminal,
    otherwise a line at each multiple of `every` reached in steps of a batch, and at the end."""
    import time as clock

    started = clock.perf_counter()

    def bar(done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        rate = done / max(clock.perf_counter() - started, 1e-9)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {unit}, {rate:.0f}/s"
        if tty:
            out.write("\r" + line, ending="")
            out.flush()
        elif done == total or done % every < BATCH:
            out.write(line)

    return bar


def run_command(command, *, scale: float, with_accounts: bool) -> None:
    """`govhall demo --history [--scale 0.01]`: the demo city if missing, the half-year, its figures."""
    import sys
    import time as clock

    from django.core.management.base import CommandError
    from django.utils import timezone

    from govhall.demo.city import demo_city_loaded, load_demo_city
    from govhall.stats.queries import Filters, summary

    out = command.stdout
    if not demo_city_loaded():
        load_demo_city(now=timezone.now(), with_accounts=with_accounts)
        out.write("demo city loaded")
    started = clock.perf_counter()
    tty = sys.stdout.isatty()
    bar = progress_bar(out, tty=tty)

    # With DEBUG on (development) Django would keep and format each of the ~1.2 million statements of a
    # full run for connection.queries: about a tenth of the run's CPU, for a log nobody reads here.
    debug, settings.DEBUG = settings.DEBUG, False
    try:
        made = generate_history(scale=scale, progress=bar, workers=default_workers())
    except HistoryError as exc:
        raise CommandError(str(exc)) from None
    finally:
        settings.DEBUG = debug
    if tty:
        out.write("")
    seconds = clock.perf_counter() - started
    totals = summary(Filters(date_from=FIRST, date_to=LAST))
    t = totals["totals"]
    out.write(
        command.style.SUCCESS(
            f"half-year 2026-01-01 … 2026-06-30 created in {seconds:.0f} s: "
            f"{sum(made.values())} cases "
            f"({made['immediate']} immediate, {made['committed']} committed, "
            f"{made['consultation']} consultations)"
        )
    )
    out.write(
        f"  accepted {t['accepted']}, concluded {t['concluded']}, on-time rate {t['on_time_rate']} % "
        f"(conventional {t['on_time_rate_conventional']} %)"
    )
