"""Reads: which lane cases a user may see, the lane board (who is done, working, holding the lane up),
and the time-limit compression figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from govhall.cases.models import CaseState, Decision, Step, StepState
from govhall.cases.permissions import SEE_ALL_ROLES
from govhall.catalog.models import Department
from govhall.catalog.queries import catalog_summary, current_items
from govhall.core.models import Role
from govhall.lanes.models import (
    JoinRule,
    Lane,
    LaneCase,
    LaneItemCase,
    LaneStatus,
    StageRunState,
)
from govhall.lanes.models.running import LIT_LANE_STATES
from govhall.lanes.services.config import current_item, stage_limit
from govhall.supervision import lights


def published_lanes() -> QuerySet[Lane]:
    return Lane.objects.filter(status=LaneStatus.PUBLISHED).select_related("lead_department")


def visible_lane_cases(user) -> QuerySet[LaneCase]:
    """Clerks: their hall's lane cases. Handlers and heads: lanes with an item case of their department
    or led by it. Supervisors, leaders, administrators: all."""
    cases = LaneCase.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.role in SEE_ALL_ROLES:
        return cases
    if user.role == Role.CLERK and user.hall_id:
        return cases.filter(hall_id=user.hall_id)
    if user.role in (Role.HANDLER, Role.DEPT_HEAD) and user.department_id:
        dept = user.department_id
        theirs = Exists(LaneItemCase.objects.filter(lane_case=OuterRef("pk"), case__item__department_id=dept))
        return cases.filter(Q(theirs) | Q(lane__lead_department_id=dept))
    return cases.none()


# --- the lane board --------------------------------------------------------------------------------------

DONE, DENIED, WORKING, WAITING, CLOSED = "done", "denied", "working", "waiting", "closed"


@dataclass
class ItemRow:
    link: LaneItemCase
    needed: bool
    status: str  # done, denied, working (handling), waiting (for materials), closed (withdrawn, rejected)
    active_step: Step | None
    holding: bool  # an open needed item of the active stage: the lane waits for it
    overdue: bool


@dataclass
class StageRow:
    run: object
    items: list[ItemRow]
    light: str
    departments: list[dict] = field(default_factory=list)


def stage_light(run, now: datetime) -> str:
    """The stage's supervision light from its stored thresholds (see govhall.supervision.lights)."""
    return lights.light_of(run, now) or "" if run.is_lit else ""


def lane_light(lane_case: LaneCase, now: datetime) -> str:
    return lights.light_of(lane_case, now) or "" if lane_case.is_lit else ""


def annotate_lights(lane_cases: QuerySet[LaneCase], now: datetime) -> QuerySet[LaneCase]:
    """Lane cases with `.light`, computed in SQL like the steps' (green, yellow, red, paused or NULL)."""
    return lane_cases.annotate(light=lights.light_expression(now, lit=LANE_LIT))


def lit_lane_cases(lane_cases: QuerySet[LaneCase]) -> QuerySet[LaneCase]:
    """The lane cases that carry a light."""
    return lane_cases.filter(LANE_LIT, due_at__isnull=False)


LANE_LIT = Q(state__in=LIT_LANE_STATES)


def item_status(case) -> str:
    """done, denied, working (handling), waiting (for materials) or closed (withdrawn, not accepted)."""
    if case.state in (CaseState.CONCLUDED, CaseState.DELIVERED):
        return DONE if case.decision == Decision.APPROVED else DENIED
    if case.state in (CaseState.REJECTED, CaseState.WITHDRAWN):
        return CLOSED
    if case.state in (CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED):
        return WAITING
    return WORKING


def board(lane_case: LaneCase, *, now: datetime) -> list[StageRow]:
    """Stage by stage and department by department: who is done, who is working, who holds the lane up."""
    today = timezone.localdate(now)
    runs = list(lane_case.runs.select_related("stage", "stage__lead_department").order_by("position"))
    links = list(
        LaneItemCase.objects.filter(lane_case=lane_case)
        .select_related("case", "case__item", "case__item__department", "stage_item", "run")
        .prefetch_related("case__steps")
    )
    rows = []
    for run in runs:
        items = []
        for link in (lk for lk in links if lk.run_id == run.pk):
            case = link.case
            needed = run.stage.join_rule == JoinRule.ALL or link.stage_item.in_join
            status = item_status(case)
            open_ = status in (WORKING, WAITING)
            active = next((s for s in case.steps.all() if s.state == StepState.ACTIVE), None)
            items.append(
                ItemRow(
                    link=link,
                    needed=needed,
                    status=status,
                    active_step=active,
                    holding=open_ and needed and run.state == StageRunState.ACTIVE and lane_case.is_open,
                    overdue=open_ and case.promised_due is not None and today > case.promised_due,
                )
            )
        departments: dict[int, dict] = {}
        for row in items:
            dept = row.link.case.item.department
            entry = departments.setdefault(
                dept.pk, {"department": dept, "done": 0, "working": 0, "holding": False, "overdue": False}
            )
            entry["done" if row.status == DONE else "working"] += row.status in (DONE, WORKING, WAITING)
            entry["holding"] |= row.holding
            entry["overdue"] |= row.overdue
        rows.append(
            StageRow(
                run=run, items=items, light=stage_light(run, now), departments=list(departments.values())
            )
        )
    return rows


# --- compression ---------------------------------------------------------------------------------------


def _percent(before: int, after: int) -> float | None:
    return round(100 * (before - after) / before, 1) if before else None


def compression_report() -> dict:
    """The time-limit compression figures (the seed: 4,802 → 2,518 working days, −47.6 %).

    - totals: the sums of legal and promised limits over all published items;
    - departments: the same by department;
    - lanes: per published lane, its serial length (every item one after another) against its parallel
      length (per stage the longest item, stages one after another), for promised and legal limits, and
      the configured stage limits, with the saving in working days and percent.
    """
    summary = catalog_summary()
    totals = {
        "items": summary["items_total"],
        "legal_limit_sum": summary["legal_limit_sum"],
        "promised_limit_sum": summary["promised_limit_sum"],
        "saving_days": summary["legal_limit_sum"] - summary["promised_limit_sum"],
        "compression_percent": summary["compression_percent"],
    }
    per_department = (
        current_items()
        .values("department")
        .annotate(items=Count("id"), legal=Sum("legal_limit"), promised=Sum("promised_limit"))
        .order_by()
    )
    names = {d.pk: d for d in Department.objects.all()}
    departments = sorted(
        (
            {
                "code": names[row["department"]].code,
                "sort_order": names[row["department"]].sort_order,
                "name": names[row["department"]].name,
                "items": row["items"],
                "legal_limit_sum": row["legal"],
                "promised_limit_sum": row["promised"],
                "saving_days": row["legal"] - row["promised"],
                "compression_percent": _percent(row["legal"], row["promised"]),
            }
            for row in per_department
        ),
        key=lambda d: (d.pop("sort_order"), d["code"]),
    )
    lanes = [lane_compression(lane) for lane in published_lanes().prefetch_related("stages__items__item")]
    return {"totals": totals, "departments": departments, "lanes": lanes}


def lane_compression(lane: Lane) -> dict:
    stages = []
    for stage in lane.stages.all():
        items = [current_item(si.item) or si.item for si in stage.items.all()]
        stages.append(
            {
                "position": stage.position,
                "name": stage.name,
                "items": len(items),
                "serial_promised": sum(i.promised_limit for i in items),
                "parallel_promised": max((i.promised_limit for i in items), default=0),
                "serial_legal": sum(i.legal_limit for i in items),
                "parallel_legal": max((i.legal_limit for i in items), default=0),
                "limit_days": stage_limit(stage, items),
            }
        )
    serial = sum(s["serial_promised"] for s in stages)
    parallel = sum(s["parallel_promised"] for s in stages)
    serial_legal = sum(s["serial_legal"] for s in stages)
    parallel_legal = sum(s["parallel_legal"] for s in stages)
    return {
        "code": lane.code,
        "name": lane.name,
        "version": lane.version,
        "stages": stages,
        "serial_days": serial,
        "parallel_days": parallel,
        "saving_days": serial - parallel,
        "saving_percent": _percent(serial, parallel),
        "serial_legal_days": serial_legal,
        "parallel_legal_days": parallel_legal,
        "legal_saving_days": serial_legal - parallel_legal,
        "legal_saving_percent": _percent(serial_legal, parallel_legal),
        "lane_limit_days": sum(s["limit_days"] for s in stages),
    }
