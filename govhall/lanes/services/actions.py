"""Actions on a whole lane case: supplement (补正), withdrawal, suspension and resumption. Each works on
the lane case and, through the case services, on its open item cases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases import services as case_services
from govhall.cases.models import CaseState
from govhall.cases.services.common import local_date
from govhall.core import inputs
from govhall.lanes import permissions as perms
from govhall.lanes.models import (
    LaneCase,
    LaneCaseState,
    LaneEventKind,
    LaneItemCase,
    StageRunState,
)
from govhall.lanes.services.common import (
    WITHDRAWABLE,
    LaneRecorder,
    _not_allowed,
    driving,
    lock_for_lane_action,
)
from govhall.lanes.services.opening import _item_materials
from govhall.lanes.services.stages import advance


def _active_links(lane_case: LaneCase, states: Iterable[str]) -> list[LaneItemCase]:
    return list(
        LaneItemCase.objects.filter(lane_case=lane_case, case__state__in=list(states))
        .select_related("case")
        .order_by("run__position", "id")
    )


@transaction.atomic
def supplement_lane(
    lane_case: LaneCase,
    *,
    materials: Iterable[int],
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> LaneCase:
    """Record the materials handed in after the lane's one-time notice (补正): each item case of the
    stage gets the ones it asked for. When every required material is in, each item case is accepted
    and the lane clock starts that day."""
    lane_case = lock_for_lane_action(lane_case, expected_version)
    perms.require(by, perms.INTAKE, lane_case)
    if lane_case.state != LaneCaseState.SUPPLEMENT_REQUESTED:
        raise _not_allowed(lane_case, "supplement")
    lane_materials = {m.pk: m for m in lane_case.lane.materials.all()}
    new = {int(m) for m in materials}
    unknown = sorted(new - set(lane_materials))
    if unknown:
        raise ValidationError(
            {
                "materials": [
                    _("Material(s) %(ids)s are not in this lane's set.")
                    % {"ids": ", ".join(map(str, unknown))}
                ]
            }
        )
    if not new:
        raise ValidationError({"materials": [_("Tick the materials handed in.")]})
    given = set(lane_case.materials) | new
    lane_case.materials = sorted(given)
    rec = LaneRecorder(lane_case, by=by, now=now)
    rec.record(
        LaneEventKind.SUPPLEMENT_RECEIVED,
        data={"materials": sorted(new), "names": [lane_materials[m].name for m in sorted(new)]},
    )
    common = {"by": by, "now": now, "source": source or f"lane {lane_case.number}"}
    with driving(lane_case):
        for link in _active_links(lane_case, [CaseState.SUPPLEMENT_REQUESTED, CaseState.RECEIVED]):
            case = link.case
            item = case.item
            if case.state == CaseState.SUPPLEMENT_REQUESTED:
                have = set(case.materials.filter(received=True).values_list("material_id", flat=True))
                fresh = [
                    m
                    for m in _item_materials(link.stage_item, item, lane_materials.values(), given)
                    if m.material not in have
                ]
                if fresh:
                    case = case_services.supplement_received(case, materials=fresh, **common)
            if case.state == CaseState.RECEIVED:
                case_services.accept_case(case, **common)
        advance(lane_case, rec)
    return rec.finish()


@transaction.atomic
def withdraw_lane(
    lane_case: LaneCase,
    *,
    reason: str,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> LaneCase:
    """The applicant withdraws the whole application: every open item case is withdrawn with it.
    Item cases already decided keep their decision."""
    reason = inputs.check_text((reason or "").strip(), "reason")
    if not reason:
        raise ValidationError({"reason": [_("Record why the applicant withdraws.")]})
    lane_case = lock_for_lane_action(lane_case, expected_version)
    perms.require(by, perms.INTAKE, lane_case)
    if not lane_case.is_open:
        raise _not_allowed(lane_case, "withdraw")
    withdrawn = []
    with driving(lane_case):
        for link in _active_links(lane_case, WITHDRAWABLE):
            case_services.withdraw_case(link.case, reason=reason, by=by, now=now, source=source)
            withdrawn.append(link.case.number)
    lane_case.state = LaneCaseState.WITHDRAWN
    lane_case.runs.filter(state=StageRunState.ACTIVE).update(
        state=StageRunState.STOPPED, finished_on=local_date(now)
    )
    rec = LaneRecorder(lane_case, by=by, now=now)
    rec.record(LaneEventKind.WITHDRAWN, reason=reason, data={"item_cases": withdrawn})
    return rec.finish()


@transaction.atomic
def withdraw_online_lane(
    lane_case: LaneCase,
    *,
    reason: str,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "applicant",
) -> LaneCase:
    """The applicant withdraws an online lane application before the lane is accepted (the portal has
    checked that `by` owns it): recorded as by the applicant, not a clerk. Item cases still waiting for
    pre-review are withdrawn as the applicant's own (cases' withdraw_by_applicant); one its department
    already accepted is withdrawn with them."""
    reason = inputs.check_text((reason or "").strip(), "reason")
    if not reason:
        raise ValidationError({"reason": [_("Record why the applicant withdraws.")]})
    lane_case = lock_for_lane_action(lane_case, expected_version)
    if lane_case.received_by_id is not None or lane_case.state not in (
        LaneCaseState.RECEIVED,
        LaneCaseState.SUPPLEMENT_REQUESTED,
    ):
        raise ValidationError(
            {"state": [_("An application can be withdrawn online only before it is accepted.")]}
        )
    withdrawn = []
    with driving(lane_case):
        for link in _active_links(lane_case, WITHDRAWABLE):
            if link.case.state in (CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED):
                case_services.withdraw_by_applicant(link.case, reason=reason, by=by, now=now, source=source)
            else:
                case_services.withdraw_case(link.case, reason=reason, by=by, now=now, source=source)
            withdrawn.append(link.case.number)
    lane_case.state = LaneCaseState.WITHDRAWN
    lane_case.runs.filter(state=StageRunState.ACTIVE).update(
        state=StageRunState.STOPPED, finished_on=local_date(now)
    )
    rec = LaneRecorder(lane_case, by=by, now=now)
    rec.record(LaneEventKind.WITHDRAWN, reason=reason, data={"item_cases": withdrawn, "by": "applicant"})
    return rec.finish()


@transaction.atomic
def suspend_lane(
    lane_case: LaneCase,
    *,
    kind: str,
    expected_days: int,
    reason: str,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> LaneCase:
    """A special procedure for the whole lane (联合踏勘, expert review, hearing): the lead department
    suspends every item case in progress of the current stage; their clocks, and so the stage's and the
    lane's, stop until resume_lane."""
    lane_case = lock_for_lane_action(lane_case, expected_version)
    perms.require(by, perms.MANAGE, lane_case)
    if lane_case.state != LaneCaseState.IN_PROGRESS:
        raise _not_allowed(lane_case, "suspend")
    links = _active_links(lane_case, [CaseState.ACCEPTED])
    if not links:
        raise ValidationError({"kind": [_("No item case of the lane is in progress.")]})
    rec = LaneRecorder(lane_case, by=by, now=now)
    with driving(lane_case):
        for link in links:
            case_services.suspend_case(
                link.case,
                kind=kind,
                expected_days=expected_days,
                reason=reason,
                by=by,
                now=now,
                source=source,
            )
        lane_case.state = LaneCaseState.SUSPENDED
        rec.record(
            LaneEventKind.SUSPENDED,
            stage=lane_case.current_stage,
            reason=reason,
            data={
                "kind": kind,
                "expected_days": int(expected_days),
                "item_cases": [lk.case.number for lk in links],
            },
        )
        advance(lane_case, rec)
    return rec.finish()


@transaction.atomic
def resume_lane(
    lane_case: LaneCase, *, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> LaneCase:
    """End the lane's special procedure: the suspended item cases resume, and the working days it took
    are added to their clocks, the stage's and the lane's."""
    lane_case = lock_for_lane_action(lane_case, expected_version)
    perms.require(by, perms.MANAGE, lane_case)
    if lane_case.state != LaneCaseState.SUSPENDED:
        raise _not_allowed(lane_case, "resume")
    rec = LaneRecorder(lane_case, by=by, now=now)
    with driving(lane_case):
        links = _active_links(lane_case, [CaseState.SUSPENDED])
        for link in links:
            case_services.resume_case(link.case, by=by, now=now, source=source)
        lane_case.state = LaneCaseState.IN_PROGRESS
        rec.record(
            LaneEventKind.RESUMED,
            stage=lane_case.current_stage,
            data={"item_cases": [lk.case.number for lk in links]},
        )
        advance(lane_case, rec)
    return rec.finish()
