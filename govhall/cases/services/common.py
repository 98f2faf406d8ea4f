"""Shared plumbing of the case services: locking, versions, events, the stored clock, steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.dispatch import Signal
from django.utils import timezone

from govhall.cases import clock as case_clock
from govhall.cases import permissions as perms
from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.cases.models import Case, CaseEvent, Step
from govhall.cases.signals import case_changed
from govhall.cases.states import StepAction, step_transition
from govhall.core import inputs, inserts
from govhall.core.prepared import Prepared
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
# their stages on it. Arguments: case, events (the kinds recorded), by, now, history (every event of the
# case in order, the new ones last, with at least seq, kind and data: a receiver asks it instead of the
# database whether, say, a notice was issued earlier).
case_recorded = Signal()

# Sent once by a bulk intake (services.bulk.receive_many), and at the end of acting_for, INSIDE the
# transaction instead of case_recorded for each case: `recorded` is a list of (case, events, history), one
# per case; also by, now. Cases received in that call can have no lane link yet, and the other calls come
# from the lanes themselves, so only receivers that count every change (the stats roll-ups) listen to both.
cases_recorded = Signal()

# Set while another app's service that has checked its own permission drives case services on its
# behalf (a lane opening the next stage's item cases, withdrawing or suspending them together).
_acting_for: ContextVar[str] = ContextVar("govhall_cases_acting_for", default="")
# Inside acting_for: the changes of the case services called, announced together when it ends.
_together: ContextVar[list | None] = ContextVar("govhall_cases_recorded_together", default=None)


@contextmanager
def acting_for(what: str) -> Iterator[None]:
    """Case services called inside skip their role checks; `what` names the authority (a lane number).

    Their changes are announced together when the block ends (still inside the transaction): one
    cases_recorded for all of them instead of a case_recorded each, so the roll-ups are written once,
    their rows in key order, and two such blocks over the same departments cannot deadlock on them. The
    app that acts (the lanes) knows what it does to its cases and does not need to hear of each."""
    token = _acting_for.set(what)
    recorded: list = []
    together = _together.set(recorded)
    try:
        yield
    finally:
        _together.reset(together)
        _acting_for.reset(token)
    moments = {}
    for case, kinds, history, by, now in recorded:
        moments.setdefault(now, (by, []))[1].append((case, kinds, history))
    for now, (by, cases) in moments.items():
        cases_recorded.send(sender=Case, recorded=cases, by=by, now=now)


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


# The two reads every case service after receipt makes, compiled once (core.prepared): the locked case
# with its item and department, and the case's events for the Recorder.
_LOCKED_CASE = Prepared(
    lambda pk: (
        Case.objects.select_for_update(of=("self",)).select_related("item", "item__department").filter(pk=pk)
    ),
    (int,),
)
_HISTORY = Prepared(
    lambda case_id: CaseEvent.objects.filter(case_id=case_id).order_by("seq").only("seq", "kind", "data"),
    (int,),
)


def lock_case(case: Case | int, expected_version: int | None) -> Case:
    """The case row, locked until the end of the transaction, checked against the caller's version."""
    pk = case.pk if isinstance(case, Case) else case
    locked = _LOCKED_CASE.first(int(pk), using=router.db_for_write(Case))
    if locked is None:
        raise Case.DoesNotExist(f"no case {pk}")
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=locked.version)
    return locked


def require_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return inputs.check_text(value, field)


class Recorder:
    """Appends events for one locked case within one service call, and announces them after commit.

    The case's events are read once, up front (the next sequence number, whether a notice was issued, and
    the clock): finish() replays them with the new ones in memory and writes the new ones in one INSERT.
    `history` passes events already in hand (a case created in this transaction), saving that read.
    """

    def __init__(self, case: Case, *, by, now: datetime, source: str = "", history=None) -> None:
        self.case = case
        self.by = by if by is not None and getattr(by, "pk", None) else None
        self.now = now
        self.source = source[:200]
        self.kinds: list[str] = []
        if history is None:
            history = _HISTORY.all(case.pk, using=router.db_for_write(CaseEvent))
        self.events: list[CaseEvent] = list(history)
        self._next = (self.events[-1].seq if self.events else 0) + 1
        self._pending: list[CaseEvent] = []
        self._rules: lights.RuleBook | None = None

    @property
    def rules(self) -> lights.RuleBook:
        """The supervision threshold rules: this process's copy (lights.current_rules), the same for the
        whole service call."""
        if self._rules is None:
            self._rules = lights.current_rules()
        return self._rules

    def has(self, kind: str) -> bool:
        return any(e.kind == kind for e in self.events)

    def record(
        self,
        kind: str,
        *,
        from_state: str = "",
        to_state: str = "",
        reason: str = "",
        data: dict | None = None,
    ) -> CaseEvent:
        """Append an event (written by finish(), together with the case). The append-only trail keeps
        no reason longer than the shared limit (core.inputs.TEXT_MAX), whichever adapter let it in."""
        inputs.check_text(reason, "reason")
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
        self._next += 1
        self.events.append(event)
        self._pending.append(event)
        self.kinds.append(kind)
        return event

    def write(self, *fields: str) -> Case:
        """save_case() and save_events()."""
        self.save_case(*fields)
        self.save_events()
        return self.case

    def save_case(self, *fields: str) -> Case:
        """Store the replayed clock, the lights and the given fields, bump the version. A case not saved
        yet is inserted whole (receipt)."""
        case = self.case
        light_fields = self.settle_case()
        if case._state.adding:
            inserts.insert([case])
        else:
            case.save(update_fields=[*dict.fromkeys([*fields, *CLOCK_FIELDS, *light_fields, "version"])])
        return case

    def settle_case(self) -> list[str]:
        """save_case() without the save (a bulk intake inserts many cases at once): the replayed clock,
        the lights, the version. Returns the light fields set."""
        case = self.case
        store_clock(case, self.events)
        light_fields = lights.stamp_case(
            case, rules=self.rules if case.state in lights.LIT_CASE_STATES else None
        )
        case.version += 1
        return light_fields

    def pending_events(self) -> list[CaseEvent]:
        """The events recorded since the last save, handed over to a caller that inserts them."""
        pending, self._pending = self._pending, []
        return pending

    def save_events(self) -> None:
        """Insert the events recorded since the last call, in one statement."""
        if self._pending:
            inserts.insert(self._pending)
            self._pending = []

    def announce(self) -> Case:
        """case_recorded now (inside the transaction; inside acting_for, with the others when it ends),
        case_changed after commit."""
        case = self.case
        case_id, kinds = case.pk, list(self.kinds)
        collected = _together.get()
        if collected is not None:  # inside acting_for: announced with the others when it ends
            collected.append((case, kinds, tuple(self.events), self.by, self.now))
        else:
            case_recorded.send(
                sender=Case, case=case, events=kinds, by=self.by, now=self.now, history=tuple(self.events)
            )
        transaction.on_commit(lambda: case_changed.send(sender=Case, case_id=case_id, events=kinds))
        return case

    def finish(self, *fields: str) -> Case:
        """write() and announce(): the end of every case service."""
        self.write(*fields)
        return self.announce()


def store_clock(case: Case, events=None) -> case_clock.Clock:
    """Replay the clock over `events` (default: the case's stored events) onto the case's fields."""
    if events is None:
        events = CaseEvent.objects.filter(case=case).order_by("seq").only("kind", "data")
    result = case_clock.replay(events)
    case.acceptance_date = result.acceptance_date
    case.promised_due = result.promised_due
    case.legal_due = result.legal_due
    case.due_provisional = result.provisional
    case.suspended_days = result.suspended_days
    case.extension_days = result.extension_days
    case.calendar_version = result.calendar_version
    case.deemed_accepted = result.deemed_accepted
    case.review_from = result.review_from  # not a column: the pre-review light's start (lights.stamp_case)
    return result


def not_allowed(case: Case, action: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(machine="case", state=case.state, action=action)


def begin_step(step: Step, rec: Recorder, *, reopen: bool = False) -> list[str]:
    """Start (or restart) a step in memory; returns the fields changed. The caller saves the step, then
    calls step_started() (which needs the step's id)."""
    step.state = step_transition(step, StepAction.REOPEN if reopen else StepAction.START)
    step.started_at = rec.now
    step.started_on = local_date(rec.now)
    step.paused_days = 0
    step.due_date = case_clock.step_due_date(step.started_on, step.limit_days)
    step.finished_at = None
    step.finished_by = None
    step.outcome = ""
    step.rounds += 1
    light_fields = lights.stamp_step(step, case=rec.case, restart=True, rules=rec.rules)
    return [*STEP_START_FIELDS, *light_fields]


STEP_START_FIELDS = [
    "state",
    "started_at",
    "started_on",
    "paused_days",
    "due_date",
    "finished_at",
    "finished_by",
    "outcome",
    "rounds",
]


def step_started(step: Step, rec: Recorder) -> None:
    rec.record(
        "step_started",
        data={
            "step": step.pk,
            "position": step.position,
            "name": step.name,
            "due_date": step.due_date.isoformat(),
        },
    )


def start_step(step: Step, rec: Recorder, *, reopen: bool = False) -> None:
    step.save(update_fields=begin_step(step, rec, reopen=reopen))
    step_started(step, rec)


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
