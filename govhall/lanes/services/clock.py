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
