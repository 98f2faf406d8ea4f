"""Shared plumbing of the case services: locking, versions, events, the stored clock, steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from govhall.cases import clock as case_clock
from govhall.cases import permissions as perms
from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.cases.models import Case, CaseEvent, Step
from govhall.cases.signals import case_changed
from govhall.cases.states import StepAction, step_transition
from govhall.supervision import lights

CLOCK_FIELDS = [
    "acceptance_date",
    "promised_due",
    "legal_due",
    "due_provisional",
    "suspended_days",
    "extension_days",
    "calendar_version",
    "deemed_accepted",
]


# Sent by Recorder.finish INSIDE the service's transaction (case_changed waits for the commit): a receiver
# may write in the same transaction, and an error it raises undoes the case change. Fast lanes advance
# their stages on it. Arguments: case, events (the kinds recorded), by, now.
case_recorded = Signal()

# Set while another app's service that has checked its own permission drives case services on its
# behalf (a lane opening the next stage's item cases, withdrawing or suspending them together).
_acting_for: ContextVar[str] = ContextVar("govhall_cases_acting_for", default="")


@contextmanager
def acting_for(what: str) -> Iterator[None]:
    """Case services called inside skip their role checks; `what` names the authority (a lane number)."""
    token = _acting_for.set(what)
    try:
        yield
    finally:
        _acting_for.reset(token)


def delegated() -> bool:
    return bool(_acting_for.get())


def require(by, action: str, case: Case, **kwargs) -> None:
    """permissions.require, unless a caller acts under acting_for()."""
    if not delegated():
        perms.require(by, action, case, **kwargs)


def local_date(now: datetime) -> date:
    if timezone.is_naive(now):
        raise ValueError("`now` must be an aware datetime")
    return timezone.localdate(now)


def lock_case(case: Case | int, expected_version: int | None) -> Case:
    """The case row, locked until the end of the transaction, checked against the caller's version."""
    pk = case.pk if isinstance(case, Case) else case
    locked = (
        Case.objects.select_for_update(of=("self",)).select_related("item", "item__department").get(pk=pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=locked.version)
    return locked


def require_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


class Recorder:
    """Appends events for one locked case within one service call, and announces them after commit."""

    def __init__(self, case: Case, *, by, now: datetime, source: str = "") -> None:
        self.case = case
        self.by = by if by is not None and getattr(by, "pk", None) else None
        self.now = now
        self.source = source[:200]
        self.kinds: list[str] = []
        self._next = (CaseEvent.objects.filter(case=case).aggregate(m=Max("seq"))["m"] or 0) + 1

    def record(
        self,
        kind: str,
        *,
        from_state: str = "",
        to_state: str = "",
        reason: str = "",
        data: dict | None = None,
    ) -> CaseEvent:
        event = CaseEvent(
            case=self.case,
            seq=self._next,
            kind=kind,
            at=self.now,
            by=self.by,
            source=self.source,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
        )
        event.save()
        self._next += 1
        self.kinds.append(kind)
        return event

    def finish(self, *fields: str) -> Case:
        """Store the replayed clock and the given fields, bump the version, announce after commit."""
        case = self.case
        store_clock(case)
        light_fields = lights.stamp_case(case)
        case.version += 1
        case.save(update_fields=[*dict.fromkeys([*fields, *CLOCK_FIELDS, *light_fields, "version"])])
        case_id, kinds = case.pk, list(self.kinds)
        case_recorded.send(sender=Case, case=case, events=kinds, by=self.by, now=self.now)
        transaction.on_commit(lambda: case_changed.send(sender=Case, case_id=case_id, events=kinds))
        return case


def store_clock(case: Case) -> case_clock.Clock:
    events = list(CaseEvent.objects.filter(case=case).order_by("seq").only("kind", "data"))
    result = case_clock.replay(events)
    case.acceptance_date = result.acceptance_date
    case.promised_due = result.promised_due
    case.legal_due = result.legal_due
    case.due_provisional = result.provisional
    case.suspended_days = result.suspended_days
    case.extension_days = result.extension_days
    case.calendar_version = result.calendar_version
    case.deemed_accepted = result.deemed_accepted
    return result


def not_allowed(case: Case, action: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(machine="case", state=case.state, action=action)


def start_step(step: Step, rec: Recorder, *, reopen: bool = False) -> None:
    step.state = step_transition(step, StepAction.REOPEN if reopen else StepAction.START)
    step.started_at = rec.now
    step.started_on = local_date(rec.now)
    step.paused_days = 0
    step.due_date = case_clock.step_due_date(step.started_on, step.limit_days)
    step.finished_at = None
    step.finished_by = None
    step.outcome = ""
    step.rounds += 1
    lights.stamp_step(step, case=rec.case, restart=True)
    step.save()
    rec.record(
        "step_started",
        data={
            "step": step.pk,
            "position": step.position,
            "name": step.name,
            "due_date": step.due_date.isoformat(),
        },
    )


def shift_active_step(case: Case, days: int) -> None:
    """Add (or take back) working days on the active step's own due date: pauses and extensions."""
    step = Step.objects.select_for_update().filter(case=case, state="active").first()
    if step is None:
        return
    step.paused_days = max(0, step.paused_days + days)
    step.due_date = case_clock.step_due_date(step.started_on, step.limit_days, step.paused_days)
    # Also with days == 0: a resume after exactly the expected days still restarts the step's light.
    step.save(update_fields=["paused_days", "due_date", *lights.stamp_step(step, case=case)])


def missing_required(case: Case) -> list:
    return list(
        case.materials.filter(received=False)
        .filter(material__required=True)
        .select_related("material")
        .order_by("material__position", "material_id")
    )


def outstanding_names(rows) -> str:
    return "、".join(r.material.name for r in rows)
