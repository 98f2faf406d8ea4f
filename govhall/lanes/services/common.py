"""What every lane service shares: the lane case lock, the recorder of lane events, the driving flag
(the receiver in receivers.py leaves item-case changes alone while a lane service drives them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db.models import Max

from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.cases.models import CaseState
from govhall.cases.services.common import acting_for, local_date
from govhall.lanes.models import LaneCase, LaneEvent, LaneStageRun

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

    def __init__(self, lane_case: LaneCase, *, by, now: datetime, new: bool = False) -> None:
        """`new`: the lane case was created in this transaction (apply_to_lane): its events start at 1
        and are inserted together by finish(), in one statement."""
        self.lane_case = lane_case
        self.by = by if by is not None and getattr(by, "pk", None) else None
        self.now = now
        self.today = local_date(now)
        self._next = 1 if new else None
        self._held: list[LaneEvent] | None = [] if new else None

    def record(self, kind: str, *, stage: int | None = None, case=None, reason: str = "", data=None) -> None:
        if self._next is None:
            last = LaneEvent.objects.filter(lane_case=self.lane_case).aggregate(m=Max("seq"))["m"]
            self._next = (last or 0) + 1
        event = LaneEvent(
            lane_case=self.lane_case,
            seq=self._next,
            kind=kind,
            at=self.now,
            by=self.by,
            stage=stage,
            case=case,
            reason=reason,
            data=data or {},
        )
        if self._held is None:
            event.save()
        else:
            self._held.append(event)
        self._next += 1

    def finish(self) -> LaneCase:
        """Stamp the lights of the lane case and its stage runs (whatever the service changed: a stage
        opened or passed, a pause, an extension, a withdrawal, the conclusion), bump the version, save."""
        from govhall.lanes.services.clock import RUN_LIGHT_FIELDS, stamp_lights

        lane_case = self.lane_case
        if self._held:
            LaneEvent.objects.bulk_create(self._held)
            self._held = []
        runs = list(lane_case.runs.select_related("stage").order_by("position"))
        changed = stamp_lights(lane_case, runs)
        if changed:
            LaneStageRun.objects.bulk_update(changed, list(RUN_LIGHT_FIELDS))
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
    "warn_at",
    "due_at",
    "paused",
    "alert_level",
]


def lock_lane_case(lane_case: LaneCase | int, expected_version: int | None) -> LaneCase:
    pk = lane_case.pk if isinstance(lane_case, LaneCase) else lane_case
    locked = LaneCase.objects.select_for_update(of=("self",)).select_related("lane").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=locked.version, what="lane case")
    return locked


def lock_for_lane_action(lane_case: LaneCase | int, expected_version: int | None) -> LaneCase:
    """Lock a lane case for an action on the whole lane, in the one lock order of the project: the item
    cases first (by id), then the lane case row.

    An item case's own service locks the item case and then, through the receiver, the lane case
    (stages.item_case_changed). A lane action that locked the lane first and then its item cases could
    deadlock with it on PostgreSQL; taking the item cases first makes both wait in the same order. Item
    cases opened after this read (by a stage that passed meanwhile) are new rows that no one else holds."""
    from govhall.cases.models import Case
    from govhall.lanes.models import LaneItemCase

    pk = lane_case.pk if isinstance(lane_case, LaneCase) else lane_case
    ids = list(LaneItemCase.objects.filter(lane_case_id=pk).values_list("case_id", flat=True))
    if ids:
        list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    return lock_lane_case(pk, expected_version)


def _not_allowed(lane_case: LaneCase, action: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(machine="lane case", state=lane_case.state, action=action)


# 行政许可法 Art. 26: joint handling (统一办理/联合办理) may be extended by 15 working days.
LANE_EXTENSION_MAX_DAYS = 15


def lane_extension_limit(case) -> int | None:
    """The cases app's extension maximum for an item case of a lane (registered in LanesConfig.ready)."""
    from django.conf import settings

    from govhall.lanes.models import LaneItemCase

    if LaneItemCase.objects.filter(case_id=case.pk).exists():
        return int(getattr(settings, "GOVHALL_LANE_EXTENSION_MAX_DAYS", LANE_EXTENSION_MAX_DAYS))
    return None
