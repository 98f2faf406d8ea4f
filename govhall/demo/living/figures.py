"""What the living city holds, counted again from the database with the apps' own queries: the numbers
the command prints and the tests check (what each role finds on its first page, the board's lights,
lane cases by stage, cards and orders by state, this month's and last month's figures)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from govhall.cases.models import Case, CaseKind, CaseState, MaterialHandover, Step
from govhall.cases.queries import extension_requests_for, queue_for, visible_cases
from govhall.core.models import User
from govhall.lanes.models import LaneCase, LaneCaseState
from govhall.lanes.queries import annotate_lights
from govhall.stats.models import Report
from govhall.stats.queries import Filters, month_range
from govhall.stats.queries import summary as stats_summary
from govhall.supervision import lights
from govhall.supervision.models import Card, CardState, Notification, Order, OrderState

KINDS = (CaseKind.IMMEDIATE, CaseKind.COMMITTED, CaseKind.CONSULTATION)
PERIOD_FIGURES = (
    "received", "accepted", "concluded", "rejected", "notices", "suspensions", "extensions", "withdrawn",
    "late", "on_time_rate",
)  # fmt: skip
ROLES = ("clerk", "agency", "handler", "head", "supervisor", "leader", "operator", "admin", "citizen")


def summary(*, now: datetime, first: date) -> dict:
    today = timezone.localdate(now)
    accounts = {u.username: u for u in User.objects.filter(username__in=ROLES)}
    period = stats_summary(Filters(date_from=first, date_to=today))
    this_month = _month(today)
    last_month = _month(today.replace(day=1) - timedelta(days=1))
    return {
        "cases": Case.objects.count(),
        "accepted_by_kind": {k: period["by_kind"].get(k, {}).get("accepted", 0) for k in KINDS},
        "period": {key: period["totals"][key] for key in PERIOD_FIGURES},
        "channels": {k: v["received"] for k, v in period["by_channel"].items()},
        "states": dict(Counter(Case.objects.values_list("state", flat=True))),
        "this_month": this_month,
        "last_month": last_month,
        "lights": step_lights(now),
        "case_lights": case_lights(now),
        "lanes": lane_stages(),
        "lane_lights": lane_lights(now),
        "cards": _states(Card, CardState),
        "orders": _states(Order, OrderState),
        "orders_escalated": Order.objects.filter(escalation_level__gt=0).count(),
        "queues": queues(accounts, now=now),
        "inbox": {
            name: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
            for name, user in accounts.items()
        },
        "reports": {f"{r.month:%Y-%m}": r.state for r in Report.objects.order_by("month")},
    }


def _month(day: date) -> dict:
    first, last = month_range(day.replace(day=1))
    totals = stats_summary(Filters(date_from=first, date_to=min(last, day)))["totals"]
    return {
        "month": f"{first:%Y-%m}",
        **{k: totals[k] for k in ("received", "accepted", "concluded", "on_time_rate")},
    }


def step_lights(now: datetime) -> dict:
    """Open steps by light: the supervision board's totals."""
    return lights.counts(lights.lit_steps(Step.objects.all()), now, by=None)


def case_lights(now: datetime) -> dict:
    return lights.counts(Case.objects.filter(lights.CASE_LIT), now, by=None, paused=lights.CASE_PAUSED)


def lane_stages() -> dict:
    """Lane cases of each lane: waiting for materials, in progress at stage n, paused, concluded."""
    out: dict[str, Counter] = {}
    for code, state, stage in LaneCase.objects.values_list("lane__code", "state", "current_stage"):
        if state in (LaneCaseState.IN_PROGRESS, LaneCaseState.SUSPENDED):
            key = f"stage {stage}" + (" (paused)" if state == LaneCaseState.SUSPENDED else "")
        else:
            key = state
        out.setdefault(code, Counter())[key] += 1
    return {code: dict(sorted(c.items())) for code, c in sorted(out.items())}


def lane_lights(now: datetime) -> dict:
    rows = annotate_lights(LaneCase.objects.all(), now).values_list("light", flat=True)
    return dict(Counter(light for light in rows if light))


def _states(model, states) -> dict:
    counts = dict(model.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {s: counts.get(s, 0) for s in states.values}


def queues(accounts: dict[str, User], *, now: datetime) -> dict:
    """What each case worker finds to do."""
    out = {}
    clerk = accounts.get("clerk")
    if clerk is not None:
        hall = visible_cases(clerk)
        out["clerk"] = {
            "received": hall.filter(state=CaseState.RECEIVED).count(),
            "supplement_requested": hall.filter(state=CaseState.SUPPLEMENT_REQUESTED).count(),
            # Committed cases concluded and not yet handed over (immediate ones are handed over on the spot).
            "to_deliver": hall.filter(state=CaseState.CONCLUDED, kind=CaseKind.COMMITTED).count(),
            "papers_to_sign": MaterialHandover.objects.filter(
                case__hall_id=clerk.hall_id, received_at__isnull=True
            ).count(),
        }
    agency = accounts.get("agency")
    if agency is not None:
        mine = visible_cases(agency)
        out["agency"] = {
            "cases": mine.count(),
            "open": mine.filter(state__in=(CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED,
                                           CaseState.ACCEPTED, CaseState.SUSPENDED)).count(),
            "supplement_requested": mine.filter(state=CaseState.SUPPLEMENT_REQUESTED).count(),
            "papers_to_send": mine.filter(state=CaseState.ACCEPTED, handovers__isnull=True).count(),
        }  # fmt: skip
    for name in ("handler", "head"):
        user = accounts.get(name)
        if user is None:
            continue
        entries = queue_for(user, now=now)
        light = Counter(lights.light_of(e.step, now) for e in entries)
        out[name] = {
            "steps": len(entries),
            **{k: light.get(k, 0) for k in (lights.GREEN, lights.YELLOW, lights.RED)},
        }
        out[name]["suspended"] = (
            visible_cases(user)
            .filter(state=CaseState.SUSPENDED, item__department_id=user.department_id)
            .count()
        )
        if name == "head":
            out[name]["extension_requests"] = extension_requests_for(user).count()
            out[name]["cards_to_answer"] = Card.objects.filter(
                department_id=user.department_id, state__in=(CardState.ISSUED, CardState.UPHELD)
            ).count()
            out[name]["orders_to_answer"] = Order.objects.filter(
                department_id=user.department_id, state=OrderState.OPEN
            ).count()
    return out


def fates(fated) -> dict:
    return dict(sorted(Counter(f.fate for f in fated).items()))
