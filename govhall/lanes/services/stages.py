"""Stages and their join rules: the item cases' own conclusions move the lane on (the receiver in
receivers.py calls `item_case_changed` inside the case service's transaction)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from govhall.cases.models import Case, CaseState, Decision
from govhall.lanes.models import (
    JoinRule,
    LaneCase,
    LaneCaseState,
    LaneEventKind,
    LaneItemCase,
    StageRunState,
)
from govhall.lanes.services.clock import _pause_days, store_clock
from govhall.lanes.services.common import (
    CLOSED_CASE_STATES,
    DECIDED_STATES,
    LaneRecorder,
    driving,
    lock_lane_case,
)
from govhall.lanes.services.opening import _open_stage


def _needed(link: LaneItemCase) -> bool:
    return link.run.stage.join_rule == JoinRule.ALL or link.stage_item.in_join


def _approved(case: Case) -> bool:
    return case.state in DECIDED_STATES and case.decision == Decision.APPROVED


def _failed(case: Case) -> bool:
    return case.state in CLOSED_CASE_STATES or (
        case.state in DECIDED_STATES and case.decision == Decision.DENIED
    )


def _why(case: Case) -> str:
    if case.state in DECIDED_STATES:
        return case.decision_text
    return case.rejection_reason or case.withdrawn_reason


def item_case_changed(link: LaneItemCase, *, case: Case, events: list[str], by, now: datetime) -> None:
    """An item case of the lane changed (called inside the case service's transaction)."""
    lane_case = lock_lane_case(link.lane_case_id, None)
    rec = LaneRecorder(lane_case, by=by, now=now)
    item = case.item
    what = {"item": item.name, "department": item.department.name, "number": case.number}
    if "concluded" in events:
        approved = case.decision == Decision.APPROVED
        rec.record(
            LaneEventKind.ITEM_APPROVED if approved else LaneEventKind.ITEM_DENIED,
            stage=link.run.position,
            case=case,
            reason=case.decision_text,
            data=what,
        )
    elif "rejected" in events or "withdrawn" in events:
        rec.record(
            LaneEventKind.ITEM_CLOSED, stage=link.run.position, case=case, reason=_why(case), data=what
        )
    with driving(lane_case):
        advance(lane_case, rec, cause=case)
    rec.finish()


def advance(lane_case: LaneCase, rec: LaneRecorder, *, cause: Case | None = None) -> None:
    """Bring the lane up to date with its item cases: stop it on a denial, start the clock once the
    supplement is complete, push the clock by pauses, pass the stage when its join rule is met and open
    the next one (or conclude the lane). Runs under driving(lane_case), the lane case locked."""
    runs = list(lane_case.runs.select_related("stage").order_by("position"))
    if not lane_case.is_open:
        return
    run = next(r for r in runs if r.position == lane_case.current_stage)
    links = list(
        LaneItemCase.objects.filter(run=run).select_related(
            "case", "case__item", "case__item__department", "stage_item"
        )
    )
    for link in links:
        link.run = run
    today = rec.today
    # A needed item denied, not accepted or withdrawn: the stage can never pass.
    failed = [link for link in links if _needed(link) and _failed(link.case)]
    if failed:
        link = failed[0]
        case = link.case
        reason = _("%(item)s (%(department)s, case %(number)s): %(why)s") % {
            "item": case.item.name,
            "department": case.item.department.name,
            "number": case.number,
            "why": _why(case) or case.get_state_display(),
        }
        lane_case.state = LaneCaseState.STOPPED
        lane_case.stopped_reason = reason
        run.state = StageRunState.STOPPED
        run.finished_on = today
        run.save(update_fields=["state", "finished_on"])
        rec.record(
            LaneEventKind.STOPPED,
            stage=run.position,
            case=case,
            reason=reason,
            data={"item": case.item.name, "department": case.item.department.name, "number": case.number},
        )
        store_clock(lane_case, runs)
        return
    if lane_case.state in (LaneCaseState.SUPPLEMENT_REQUESTED, LaneCaseState.RECEIVED):
        required = set(lane_case.lane.materials.filter(required=True).values_list("pk", flat=True))
        waiting = [
            link for link in links if link.case.state in (CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED)
        ]
        if required <= set(lane_case.materials) and not waiting:
            lane_case.state = LaneCaseState.IN_PROGRESS
            lane_case.acceptance_date = today
            run.started_on = today
            run.save(update_fields=["started_on"])
            rec.record(LaneEventKind.ACCEPTED, data={"date": today.isoformat()})
    before = (run.added_days, run.due_date, lane_case.due_date)
    run.added_days = max((_pause_days(link.case) for link in links), default=0)
    run.save(update_fields=["added_days"])
    store_clock(lane_case, runs)
    if (run.added_days, run.due_date, lane_case.due_date) != before and before[1] is not None:
        rec.record(
            LaneEventKind.CLOCK_CHANGED,
            stage=run.position,
            case=cause,
            data={
                "stage_added_days": run.added_days,
                "stage_due": run.due_date.isoformat() if run.due_date else None,
                "lane_due": lane_case.due_date.isoformat() if lane_case.due_date else None,
                "was": {
                    "stage_added_days": before[0],
                    "stage_due": before[1].isoformat() if before[1] else None,
                    "lane_due": before[2].isoformat() if before[2] else None,
                },
            },
        )
    if lane_case.state != LaneCaseState.IN_PROGRESS:
        return
    if not all(_approved(link.case) for link in links if _needed(link)):
        return
    run.state = StageRunState.PASSED
    run.finished_on = today
    run.save(update_fields=["state", "finished_on"])
    rec.record(LaneEventKind.STAGE_PASSED, stage=run.position, data={"name": run.stage.name})
    following = [r for r in runs if r.position > run.position]
    if not following:
        lane_case.state = LaneCaseState.CONCLUDED
        lane_case.concluded_at = rec.now
        rec.record(
            LaneEventKind.CONCLUDED,
            data={"on_time": lane_case.due_date is None or today <= lane_case.due_date},
        )
        return
    lane_case.current_stage = following[0].position
    _open_stage(lane_case, following[0], rec, start_clock=True)
    store_clock(lane_case, runs)


# --- actions on the lane case ----------------------------------------------------------------------------
