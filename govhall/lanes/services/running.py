"""Running a lane: one application opens the lane case and the first stage's item cases in one
transaction; the item cases' own conclusions move the lane on (the receiver in receivers.py calls
`item_case_changed` inside the case service's transaction).

The lane clock: the lane limit is the sum of the stage limits, counted in working days from the lane's
acceptance date. A stage's due date is counted from the day it starts. The special procedures and
approved extensions of a stage's item cases push its due date, and the lane's, by the largest of them
(the items run in parallel, so the longest pause is the one the stage waits for).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from govhall.cases import services as case_services
from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.inputs import MaterialIn
from govhall.cases.models import Case, CaseState, Decision
from govhall.cases.numbering import next_case_number
from govhall.cases.services.common import acting_for, local_date
from govhall.lanes import permissions as perms
from govhall.lanes import unified
from govhall.lanes.models import (
    JoinRule,
    Lane,
    LaneCase,
    LaneCaseState,
    LaneEvent,
    LaneEventKind,
    LaneItemCase,
    LaneStageRun,
    LaneStatus,
    StageItem,
    StageRunState,
)
from govhall.lanes.services.config import current_item, stage_limit
from govhall.workdays import calendar as workdays

# Lanes whose own service is running: the receiver leaves their item cases' changes to that service.
_driving: ContextVar[frozenset[int]] = ContextVar("govhall_lanes_driving", default=frozenset())

CLOSED_CASE_STATES = frozenset({CaseState.REJECTED, CaseState.WITHDRAWN})
DECIDED_STATES = frozenset({CaseState.CONCLUDED, CaseState.DELIVERED})
WITHDRAWABLE = frozenset(
    {CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED, CaseState.ACCEPTED, CaseState.SUSPENDED}
)


@contextmanager
def driving(lane_case: LaneCase) -> Iterator[None]:
    token = _driving.set(_driving.get() | {lane_case.pk})
    try:
        with acting_for(lane_case.number):
            yield
    finally:
        _driving.reset(token)


def any_driving() -> bool:
    return bool(_driving.get())


def is_driving(lane_case_id: int) -> bool:
    return lane_case_id in _driving.get()


class LaneRecorder:
    """Appends events of one locked lane case within one service call."""

    def __init__(self, lane_case: LaneCase, *, by, now: datetime) -> None:
        self.lane_case = lane_case
        self.by = by if by is not None and getattr(by, "pk", None) else None
        self.now = now
        self.today = local_date(now)
        self._next = None

    def record(self, kind: str, *, stage: int | None = None, case=None, reason: str = "", data=None) -> None:
        if self._next is None:
            last = LaneEvent.objects.filter(lane_case=self.lane_case).aggregate(m=Max("seq"))["m"]
            self._next = (last or 0) + 1
        LaneEvent(
            lane_case=self.lane_case,
            seq=self._next,
            kind=kind,
            at=self.now,
            by=self.by,
            stage=stage,
            case=case,
            reason=reason,
            data=data or {},
        ).save()
        self._next += 1

    def finish(self) -> LaneCase:
        lane_case = self.lane_case
        lane_case.version += 1
        lane_case.save(update_fields=SAVED_FIELDS)
        return lane_case


SAVED_FIELDS = [
    "state",
    "materials",
    "acceptance_date",
    "added_days",
    "due_date",
    "due_provisional",
    "current_stage",
    "stopped_reason",
    "concluded_at",
    "version",
]


def lock_lane_case(lane_case: LaneCase | int, expected_version: int | None) -> LaneCase:
    pk = lane_case.pk if isinstance(lane_case, LaneCase) else lane_case
    locked = LaneCase.objects.select_for_update(of=("self",)).select_related("lane").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=locked.version, what="lane case")
    return locked


def _not_allowed(lane_case: LaneCase, action: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(machine="lane case", state=lane_case.state, action=action)


# --- the clock -----------------------------------------------------------------------------------------


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


# --- opening item cases ----------------------------------------------------------------------------------


def _item_materials(
    stage_item: StageItem, item, lane_materials: Iterable, given: set[int]
) -> list[MaterialIn]:
    covered = {
        cover.get("material")
        for m in lane_materials
        if m.pk in given
        for cover in m.covers
        if isinstance(cover, dict) and cover.get("item") == item.code
    }
    return [
        MaterialIn(material=m.pk, originals=m.originals, copies=m.copies)
        for m in item.materials.all()
        if m.name in covered
    ]


def _open_stage(
    lane_case: LaneCase, run: LaneStageRun, rec: LaneRecorder, *, start_clock: bool
) -> list[Case]:
    """Open one item case per item of the stage, each accepted at once when its materials are complete
    (otherwise with its own one-time notice). Runs under driving(lane_case)."""
    lane = lane_case.lane
    values = lane_case.form_data
    fields = list(lane.form_fields.all())
    applicant, contact = unified.applicant_from(fields, values)
    lane_materials = list(lane.materials.all())
    given = set(lane_case.materials)
    run.state = StageRunState.ACTIVE
    if start_clock:
        run.started_on = rec.today
    run.save(update_fields=["state", "started_on"])
    rec.record(LaneEventKind.STAGE_STARTED, stage=run.position, data={"name": run.stage.name})
    source = f"lane {lane_case.number}"
    opened = []
    links = []
    stage_items = run.stage.items.select_related("item", "item__department").prefetch_related(
        "item__materials"
    )
    for stage_item in stage_items.order_by("position", "id"):
        item = current_item(stage_item.item)
        if item is None:
            raise ValidationError(
                {
                    "lane": [
                        _("Item %(item)s of this lane is no longer published.")
                        % {"item": stage_item.item.name}
                    ]
                }
            )
        common = {"by": rec.by, "now": rec.now, "source": source}
        try:
            materials = _item_materials(stage_item, item, lane_materials, given)
            case = case_services.receive_case(
                item=item,
                applicant=applicant,
                contact=contact,
                materials=materials,
                hall=lane_case.hall,
                window=lane_case.window,
                **common,
            )
        except ValidationError as error:
            raise _as_form_error(error, fields) from None
        handed_in = {m.material for m in materials}
        missing = [m.pk for m in item.materials.all() if m.required and m.pk not in handed_in]
        if missing:
            case = case_services.request_supplement(
                case,
                missing=missing,
                note=_("Fast lane %(number)s: hand in the missing materials once for all items.")
                % {"number": lane_case.number},
                **common,
            )
        else:
            case = case_services.accept_case(case, **common)
        links.append(
            LaneItemCase(
                lane_case=lane_case,
                run=run,
                stage_item=stage_item,
                case=case,
                application=unified.application_for(stage_item, values),
            )
        )
        opened.append(case)
        rec.record(
            LaneEventKind.ITEM_OPENED,
            stage=run.position,
            case=case,
            data={"item": item.name, "department": item.department.name, "number": case.number},
        )
    LaneItemCase.objects.bulk_create(links)
    return opened


def _as_form_error(error: ValidationError, fields) -> ValidationError:
    """A case service's error on the applicant, told on the unified-form field that filled it."""
    if not hasattr(error, "error_dict"):
        return error
    by_binding = {f.binds: f.key for f in fields if f.binds}
    aliases = {"applicant_name": "applicant_name", "id_number": "id_number", "credit_code": "credit_code"}
    mapped: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        key = by_binding.get(aliases.get(field, field), field)
        mapped.setdefault(key, []).extend(messages)
    return ValidationError(mapped)


# --- applying ------------------------------------------------------------------------------------------


@transaction.atomic
def apply_to_lane(
    lane: Lane,
    *,
    data: Mapping,
    files: Mapping | None = None,
    materials: Iterable[int],
    hall,
    window=None,
    by,
    now: datetime,
    source: str = "",
) -> LaneCase:
    """File one application to a lane: the unified form and the set of materials, once.

    Opens the lane case (its number from the hall's daily sequence) and an item case for every item of
    the first stage, all in this one transaction. With every required material in, each item case is
    accepted and the lane clock starts today; otherwise every item case gets its one-time notice and the
    lane waits for the supplement (supplement_lane)."""
    if not perms.may_apply(by, hall=hall):
        raise CaseForbidden(
            _("%(user)s may not file lane applications at %(hall)s.")
            % {"user": getattr(by, "username", "?"), "hall": hall.name}
        )
    today = local_date(now)
    if lane.status != LaneStatus.PUBLISHED:
        raise ValidationError({"lane": [_("Lane %(lane)s is not published.") % {"lane": lane}]})
    fields = list(lane.form_fields.all())
    submission = unified.validate(fields, data, files, today=today)
    errors = dict(submission.errors)
    lane_materials = {m.pk: m for m in lane.materials.all()}
    try:
        given = {int(m) for m in materials}
    except (TypeError, ValueError):
        given = set()
        errors["materials"] = [_("Materials are given by their ids.")]
    unknown = sorted(given - set(lane_materials))
    if unknown:
        errors["materials"] = [
            _("Material(s) %(ids)s are not in this lane's set.") % {"ids": ", ".join(map(str, unknown))}
        ]
    if window is not None and window.hall_id != hall.pk:
        errors["window"] = [_("The window does not belong to hall %(hall)s.") % {"hall": hall.name}]
    if errors:
        raise ValidationError(errors)
    stages = list(lane.stages.prefetch_related("items__item").order_by("position"))
    limits = [stage_limit(s, [si.item for si in s.items.all()]) for s in stages]
    number = next_case_number(hall=hall, day=today, kind="committed", channel="window")
    values = unified.store_files(submission.values, prefix=number)
    missing = [m for m in lane_materials.values() if m.required and m.pk not in given]
    applicant, _contact = unified.applicant_from(fields, values)
    lane_case = LaneCase.objects.create(
        number=number,
        lane=lane,
        state=LaneCaseState.SUPPLEMENT_REQUESTED if missing else LaneCaseState.IN_PROGRESS,
        hall=hall,
        window=window,
        received_by=by,
        applicant_name=applicant["name"],
        form_data=values,
        materials=sorted(given),
        received_at=now,
        received_on=today,
        acceptance_date=None if missing else today,
        total_limit=sum(limits),
        current_stage=stages[0].position,
    )
    runs = LaneStageRun.objects.bulk_create(
        LaneStageRun(lane_case=lane_case, stage=s, position=s.position, limit_days=limit)
        for s, limit in zip(stages, limits, strict=True)
    )
    rec = LaneRecorder(lane_case, by=by, now=now)
    rec.record(
        LaneEventKind.APPLIED,
        stage=runs[0].position,
        data={
            "lane": lane.code,
            "version": lane.version,
            "materials": sorted(given),
            "total_limit": lane_case.total_limit,
            "source": source[:200],
        },
    )
    with driving(lane_case):
        _open_stage(lane_case, runs[0], rec, start_clock=not missing)
    if missing:
        names = [m.name for m in sorted(missing, key=lambda m: m.position)]
        rec.record(
            LaneEventKind.SUPPLEMENT_REQUESTED,
            reason="、".join(names),
            data={"missing": [m.pk for m in missing], "names": names},
        )
    else:
        rec.record(LaneEventKind.ACCEPTED, data={"date": today.isoformat()})
    store_clock(lane_case, runs)
    return rec.finish()


# --- what the item cases' changes do to the lane ---------------------------------------------------------


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
    if lane_case.state == LaneCaseState.SUPPLEMENT_REQUESTED:
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
    lane_case = lock_lane_case(lane_case, expected_version)
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
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Record why the applicant withdraws.")]})
    lane_case = lock_lane_case(lane_case, expected_version)
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
    lane_case = lock_lane_case(lane_case, expected_version)
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
    lane_case = lock_lane_case(lane_case, expected_version)
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
