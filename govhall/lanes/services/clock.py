"""The lane clock: the lane limit is the sum of the stage limits, counted in working days from the lane's
acceptance date. A stage's due date is counted from the day it starts. The special procedures and
approved extensions of a stage's item cases push its due date, and the lane's, by the largest of them
(the items run in parallel, so the longest pause is the one the stage waits for)."""

from __future__ import annotations

from govhall.cases.models import Case, CaseState
from govhall.lanes.models import (
    LaneCase,
    LaneStageRun,
)
from govhall.workdays import calendar as workdays


def store_clock(lane_case: LaneCase, runs: list[LaneStageRun]) -> None:
    """Stage and lane due dates from the stored limits, start dates and added days (saves the runs)."""
    for run in runs:
        due = (
            workdays.add_workdays(run.started_on, run.limit_days + run.added_days) if run.started_on else None
        )
        if due != run.due_date:
            run.due_date = due
            run.save(update_fields=["due_date"])
    lane_case.added_days = sum(r.added_days for r in runs)
    if lane_case.acceptance_date is None:
        lane_case.due_date = None
        lane_case.due_provisional = False
        return
    lane_case.due_date = workdays.add_workdays(
        lane_case.acceptance_date, lane_case.total_limit + lane_case.added_days
    )
    lane_case.due_provisional = workdays.is_provisional(lane_case.due_date)


def _pause_days(case: Case) -> int:
    """Working days the item case's clock is pushed: ended special procedures, the expected days of a
    running one (as the case clock counts them), and approved extensions."""
    running = 0
    if case.state == CaseState.SUSPENDED:
        running = sum(case.suspensions.filter(ended_on__isnull=True).values_list("expected_days", flat=True))
    return case.suspended_days + running + case.extension_days


# --- lights -----------------------------------------------------------------------------------------------

LIGHT_FIELDS = ("warn_at", "due_at", "paused", "alert_level")
RUN_LIGHT_FIELDS = ("warn_at", "due_at", "paused")


def _set(row, warn_at, due_at, paused: bool) -> bool:
    """Store the thresholds on a lane case or stage run; True when anything changed. A moved due time
    starts the lane case's reminders afresh (as supervision does for steps and cases)."""
    changed = (row.warn_at, row.due_at, row.paused) != (warn_at, due_at, paused)
    if hasattr(row, "alert_level") and row.due_at != due_at:
        row.alert_level = 0
    row.warn_at, row.due_at, row.paused = warn_at, due_at, paused
    return changed


def stamp_lights(lane_case: LaneCase, runs: list[LaneStageRun], *, rules=None) -> list[LaneStageRun]:
    """Set warn_at/due_at/paused of the lane case and of its stage runs from their due dates and the
    supervision threshold rules (govhall.supervision.lights.thresholds): the lane by its lead department's
    rule, each stage by its own lead department's. A lane case carries a light while in progress or
    suspended (paused); a stage while active. Returns the runs that changed (to be saved by the caller)."""
    from govhall.lanes.models.running import LIT_LANE_STATES, LaneCaseState, StageRunState
    from govhall.supervision import lights

    cal = workdays.CACHE.snapshot()
    paused = lane_case.state == LaneCaseState.SUSPENDED
    lazy_rules = [rules]

    def rule_for(department_id):
        if lazy_rules[0] is None:
            lazy_rules[0] = lights.current_rules()
        return lazy_rules[0].threshold(item_code=None, department_id=department_id)

    if lane_case.state in LIT_LANE_STATES and lane_case.due_date is not None:
        warn_at, due_at = lights.thresholds(
            lane_case.due_date,
            lane_case.total_limit + lane_case.added_days,
            rule_for(lane_case.lane.lead_department_id),
            calendar=cal,
        )
        _set(lane_case, warn_at, due_at, paused)
    else:
        _set(lane_case, None, None, False)
    changed = []
    for run in runs:
        if run.state == StageRunState.ACTIVE and run.due_date is not None and lane_case.is_open:
            warn_at, due_at = lights.thresholds(
                run.due_date,
                run.limit_days + run.added_days,
                rule_for(run.stage.lead_department_id),
                calendar=cal,
            )
            now_changed = _set(run, warn_at, due_at, paused)
        else:
            now_changed = _set(run, None, None, False)
        if now_changed:
            changed.append(run)
    return changed


def restamp_open_lanes() -> int:
    """After a threshold rule changed: recompute the lights of every open lane case and its active stage
    (supervision's restamp task calls this besides restamping steps and cases). Only yellow moves, so a
    reminder already sent is not sent again (the due time, and so alert_level, stays)."""
    from django.db import transaction

    from govhall.lanes.models.running import LIT_LANE_STATES
    from govhall.supervision import lights

    rules = lights.RuleBook()
    count = 0
    lit = LaneCase.objects.filter(state__in=LIT_LANE_STATES)
    for pk in list(lit.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            # Locked and read afresh: a lane action meanwhile is either seen here or writes after this.
            lane_case = lit.select_for_update(of=("self",)).select_related("lane").filter(pk=pk).first()
            if lane_case is None:
                continue
            runs = list(lane_case.runs.select_related("stage").order_by("position"))
            changed = stamp_lights(lane_case, runs, rules=rules)
            if changed:
                LaneStageRun.objects.bulk_update(changed, list(RUN_LIGHT_FIELDS))
            lane_case.save(update_fields=["warn_at", "due_at", "paused", "alert_level"])
            count += 1
    return count


# --- after a calendar change ------------------------------------------------------------------------------


def recompute_lane_clocks(*, since, now) -> int:
    """Sweep after a calendar change from `since` on (workdays' calendar_revised, like the cases' own
    recompute_clocks): every open lane case whose due date, or whose stage's, falls on or after `since`, or
    is still provisional, counted again. One transaction per lane case; returns how many moved."""
    from django.db.models import Q

    from govhall.lanes.models.running import OPEN_LANE_STATES

    due_after = Q(due_date__gte=since) | Q(due_provisional=True) | Q(runs__due_date__gte=since)
    candidates = (
        LaneCase.objects.filter(state__in=OPEN_LANE_STATES).filter(due_after).values_list("pk", flat=True)
    )
    return sum(recompute_lane_clock(pk, now=now) for pk in sorted(set(candidates)))


def recompute_lane_clock(pk: int, *, now) -> bool:
    """Count one lane case's stage and lane due dates again from their stored start dates, limits and added
    days, and stamp its lights; a moved date is a `clock_changed` lane event by the system and a new
    version. Locks only the lane case row (the item cases have their own sweep)."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from govhall.lanes.models.running import LaneEventKind
    from govhall.lanes.services.common import LaneRecorder, lock_lane_case

    def dates(lane_case, runs) -> dict:
        return {
            "lane_due": lane_case.due_date.isoformat() if lane_case.due_date else None,
            "stages_due": {
                str(r.position): r.due_date.isoformat() if r.due_date else None for r in runs if r.started_on
            },
            "provisional": lane_case.due_provisional,
        }

    with transaction.atomic():
        lane_case = lock_lane_case(pk, None)
        if not lane_case.is_open:
            return False
        runs = list(lane_case.runs.select_related("stage").order_by("position"))
        before = dates(lane_case, runs)
        store_clock(lane_case, runs)
        after = dates(lane_case, runs)
        if after == before:
            return False
        rec = LaneRecorder(lane_case, by=None, now=now)
        rec.record(
            LaneEventKind.CLOCK_CHANGED,
            stage=lane_case.current_stage,
            reason=_("The working-day calendar changed."),
            data={**after, "was": before, "cause": "calendar"},
        )
        rec.finish()
        return True
