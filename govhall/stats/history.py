"""`govhall demo --history`: the seed's half-year (2026-01-01 … 2026-06-30) through the real case services.

The windows accept 23,101 cases: 20,310 immediate, 2,513 committed and 278 consultations, all concluded
on time (the seed article). With `scale` each kind is round(seed figure × scale). A fixed seed gives the
same history every time. Cases fall on working days only (never on a holiday; make-up Saturdays count),
more on Mondays, fewer on Fridays, between 09:00 and 16:30; every item, hall and department of the demo
city takes its share, and the clerks, handlers and heads are users of the hall or department.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from govhall.cases import services
from govhall.cases.models import CaseKind
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


def _cast(halls: list[Hall], departments: list[Department]) -> Cast:
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


def _person(rng: random.Random) -> dict:
    born = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"370181{born}{rng.randint(100, 999)}"
    return {
        "kind": "person",
        "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
        "id_type": "resident_id",
        "id_number": first17 + resident_id_check_char(first17),
    }


def _contact(rng: random.Random, name: str) -> dict:
    return {"name": name, "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}", "address": ""}


def generate_history(
    *,
    scale: float = 1.0,
    seed: int = 2026,
    first: date = FIRST,
    last: date = LAST,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Create the half-year; returns the cases created per kind. Needs the demo city (govhall demo)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    rng = random.Random(seed)
    items = list(ServiceItem.objects.filter(status="published").select_related("department").order_by("code"))
    by_kind = {k: [i for i in items if i.case_kind == k] for k in (CaseKind.IMMEDIATE, CaseKind.COMMITTED)}
    if not by_kind[CaseKind.IMMEDIATE] or not by_kind[CaseKind.COMMITTED]:
        raise HistoryError("no published items: load the demo city first (govhall demo)")
    halls = {h.pk: h for h in Hall.objects.all()}
    centre = next(h for h in halls.values() if h.level == HallLevel.CENTRE)
    departments = list(Department.objects.all())
    cast = _cast(list(halls.values()), departments)
    days = workdays_in(first, last)
    want = expected(scale)
    plan: list[tuple[datetime, str]] = []
    for kind, n in want.items():
        for d in spread(n, days):
            minute = rng.randrange(0, 7 * 60 + 30)
            plan.append((datetime.combine(d, time(9, 0), zone) + timedelta(minutes=minute), kind))
    plan.sort(key=lambda p: (p[0], p[1]))
    done = {k: 0 for k in want}
    total = len(plan)
    for start in range(0, total, 200):
        with transaction.atomic():  # one commit per batch; each service is still its own savepoint
            for now, kind in plan[start : start + 200]:
                _one(kind, now, rng, by_kind, halls, centre, departments, cast, last, zone)
                done[kind] += 1
        if progress:
            progress(min(start + 200, total), total)
    return done


def _one(kind, now, rng, by_kind, halls, centre, departments, cast, last, zone) -> None:
    applicant = _person(rng)
    contact = _contact(rng, applicant["name"])
    if kind == CaseKind.CONSULTATION:
        department = rng.choice(departments)
        hall = centre
        services.record_consultation(
            question="请问办理需要哪些材料？",
            answer="已告知办事指南和材料清单。",
            department=department,
            by=cast.clerks[hall.pk],
            now=now,
            hall=hall,
            contact=contact,
        )
        return
    item = rng.choice(by_kind[kind])
    allowed = sorted(published.hall_ids(item)) or [centre.pk]
    hall = halls[rng.choice(allowed)]
    required = [m.pk for m in published.materials(item) if m.required]
    case = services.receive_and_decide(
        item=item,
        applicant=applicant,
        contact=contact,
        materials=required,
        hall=hall,
        window=None,
        by=cast.clerks[hall.pk],
        now=now,
        decision="accept",
        kind=kind,
    )
    head = cast.heads[item.department_id]
    steps = list(case.steps.order_by("position"))
    if kind == CaseKind.IMMEDIATE:
        when = [now + timedelta(minutes=2 + i) for i in range(len(steps) + 1)]
    else:
        # Concluded on a working day within the promised limit and within the half-year.
        accepted_on = now.date()
        k = rng.randint(0, case.item.promised_limit) if case.item.promised_limit else 0
        end = workdays.add_workdays(accepted_on, k) if k else accepted_on
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
    for step, at in zip(steps, when, strict=False):
        services.complete_step(step, by=head, now=at)
    case.refresh_from_db()
    services.conclude_case(case, decision="approved", text="准予许可。", by=head, now=when[-1])


def run_command(command, *, scale: float, with_accounts: bool) -> None:
    """`govhall demo --history [--scale 0.01]`: the demo city if missing, the half-year, its figures."""
    import sys
    import time as clock

    from django.core.management.base import CommandError
    from django.utils import timezone

    from govhall.catalog.demo import demo_city_loaded, load_demo_city
    from govhall.stats.queries import Filters, summary

    out = command.stdout
    if not demo_city_loaded():
        load_demo_city(now=timezone.now(), with_accounts=with_accounts)
        out.write("demo city loaded")
    started = clock.perf_counter()
    tty = sys.stdout.isatty()

    def bar(done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        rate = done / max(clock.perf_counter() - started, 1e-9)
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} cases, {rate:.0f}/s"
        if tty:
            out.write("\r" + line, ending="")
            out.flush()
        elif done == total or done % 2000 < 200:
            out.write(line)

    try:
        made = generate_history(scale=scale, progress=bar)
    except HistoryError as exc:
        raise CommandError(str(exc)) from None
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
