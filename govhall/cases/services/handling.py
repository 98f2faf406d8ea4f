"""The department's work on an accepted case: steps, special procedures, extensions, conclusion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils.translation import gettext as _

from govhall.cases import permissions as perms
from govhall.cases.errors import StaleVersion
from govhall.cases.models import (
    Case,
    CaseState,
    Decision,
    EventKind,
    ExtensionRequest,
    ExtensionState,
    Step,
    StepOutcome,
    StepState,
    Suspension,
    SuspensionKind,
)
from govhall.cases.services.common import (
    Recorder,
    begin_step,
    local_date,
    lock_case,
    not_allowed,
    require,
    require_text,
    shift_active_step,
    start_step,
    step_started,
)
from govhall.cases.services.licences import record_licence
from govhall.cases.states import (
    Action,
    ExtensionAction,
    StepAction,
    extension_transition,
    step_transition,
    transition,
)
from govhall.core.prepared import Prepared
from govhall.workdays import calendar as workdays

# 行政许可法 Art. 42: one extension of at most 10 working days for an item handled by one authority.
# Joint handling (Art. 26, lanes) has its own maximum (15), through EXTENSION_LIMITS.
EXTENSION_MAX_DAYS = 10
# A special procedure (Art. 45: hearing, auction, testing, expert review, …) has no limit in law, but one
# that is expected to take more than a year of working days is a typing error, and a million working days
# would run past the working-day calendar.
SUSPENSION_MAX_DAYS = 250


# Apps that know a case is handled jointly register here a function case -> its maximum (or None): fast
# lanes give their item cases 15 working days (Art. 26). The first answer that is not None wins.
EXTENSION_LIMITS: list[Callable[[Case], int | None]] = []


def extension_rule(case: Case | None = None) -> tuple[int, int]:
    """(most working days of extension in total, article of the Administrative Licensing Law) for `case`:
    Art. 26 for joint handling when a registered limit applies, else Art. 42's single-item maximum."""
    if case is not None:
        for limit in EXTENSION_LIMITS:
            days = limit(case)
            if days is not None:
                return int(days), 26
    return int(getattr(settings, "GOVHALL_EXTENSION_MAX_DAYS", EXTENSION_MAX_DAYS)), 42


def extension_max_days(case: Case | None = None) -> int:
    return extension_rule(case)[0]


# The case's steps, locked: every step action reads them, compiled once (core.prepared).
_LOCKED_STEPS = Prepared(
    lambda case_id: Step.objects.select_for_update().filter(case_id=case_id).order_by("position"), (int,)
)


def _lock_step(step: Step | int, expected_version: int | None) -> tuple[Case, Step, list[Step]]:
    """The case (locked, version checked), the step and all the case's steps in order (locked)."""
    pk = step.pk if isinstance(step, Step) else step
    # A step never moves to another case: the caller's case_id is as good as a fresh one.
    case_id = step.case_id if isinstance(step, Step) and step.case_id else None
    if case_id is None:
        case_id = Step.objects.values_list("case_id", flat=True).get(pk=pk)
    case = lock_case(case_id, expected_version)
    steps = _LOCKED_STEPS.all(case.pk, using=router.db_for_write(Step))
    found = next((s for s in steps if s.pk == pk), None)
    if found is None:
        raise Step.DoesNotExist(f"step {pk} is not a step of case {case.pk}")
    return case, found, steps


FINISH_FIELDS = ["state", "finished_at", "finished_by", "outcome", "comment"]


def _finish_step(step: Step, *, outcome: str, comment: str, rec: Recorder, save: bool = True) -> None:
    step.state = step_transition(
        step, StepAction.APPROVE if outcome == StepOutcome.APPROVE else StepAction.RETURN
    )
    step.finished_at = rec.now
    step.finished_by = rec.by
    step.outcome = outcome
    step.comment = comment
    if save:
        step.save(update_fields=FINISH_FIELDS)


def _step_completed(step: Step, rec: Recorder) -> None:
    rec.record(
        EventKind.STEP_COMPLETED,
        reason=step.comment,
        data={"step": step.pk, "position": step.position, "outcome": StepOutcome.APPROVE},
    )


@transaction.atomic
def complete_step(
    step: Step,
    *,
    outcome: str = StepOutcome.APPROVE,
    comment: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> Step:
    """Finish the active step. Approve starts the next step (after the last one, conclude_case);
    return sends the case back to the previous step (a comment is then required)."""
    if outcome not in StepOutcome.values:
        raise ValidationError({"outcome": [_("The outcome is approve or return.")]})
    if outcome == StepOutcome.RETURN:
        return return_step(
            step, reason=comment, by=by, now=now, expected_version=expected_version, source=source
        )
    case, step, steps = _lock_step(step, expected_version)
    perms.require(by, perms.HANDLE_STEP, case, step=step)
    if case.state != CaseState.ACCEPTED:
        raise not_allowed(case, "complete_step")
    rec = Recorder(case, by=by, now=now, source=source)
    _finish_step(step, outcome=StepOutcome.APPROVE, comment=(comment or "").strip(), rec=rec)
    _step_completed(step, rec)
    following = next(
        (
            s
            for s in steps
            if s.position > step.position and s.state in (StepState.PENDING, StepState.RETURNED)
        ),
        None,
    )
    if following is not None:
        start_step(following, rec)
    rec.finish()
    step.case = case
    return step


@transaction.atomic
def return_step(
    step: Step, *, reason: str, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Step:
    """Send the case back to the previous step, which starts again with a fresh due date."""
    reason = require_text(reason, "comment", _("Say why the step is returned."))
    case, step, steps = _lock_step(step, expected_version)
    perms.require(by, perms.HANDLE_STEP, case, step=step)
    if case.state != CaseState.ACCEPTED:
        raise not_allowed(case, "return_step")
    previous = next(
        (s for s in reversed(steps) if s.position < step.position and s.state == StepState.DONE), None
    )
    if previous is None:
        raise ValidationError({"outcome": [_("The first step has no previous step to return to.")]})
    rec = Recorder(case, by=by, now=now, source=source)
    _finish_step(step, outcome=StepOutcome.RETURN, comment=reason, rec=rec)
    rec.record(
        EventKind.STEP_RETURNED,
        reason=reason,
        data={"step": step.pk, "position": step.position, "to_position": previous.position},
    )
    start_step(previous, rec, reopen=True)
    rec.finish()
    step.case = case
    return step


@transaction.atomic
def conclude_case(
    case: Case,
    *,
    decision: str,
    text: str,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    """办结: approve or deny, with the decision text, once every step is done."""
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("The decision is approved or denied.")]})
    text = require_text(text, "text", _("The decision text is required."))
    case = lock_case(case, expected_version)
    perms.require(by, perms.CONCLUDE, case)
    new_state = transition(case, Action.CONCLUDE)
    open_steps = list(case.steps.exclude(state=StepState.DONE).order_by("position"))
    if open_steps:
        raise ValidationError(
            {
                "steps": [
                    _("Steps not finished yet: %(names)s.") % {"names": "、".join(s.name for s in open_steps)}
                ]
            }
        )
    rec = Recorder(case, by=by, now=now, source=source)
    _record_conclusion(case, rec, new_state=new_state, decision=decision, text=text)
    return rec.finish(*CONCLUSION_FIELDS)


CONCLUSION_FIELDS = ("state", "decision", "decision_text", "concluded_at")


def _record_conclusion(case: Case, rec: Recorder, *, new_state: str, decision: str, text: str) -> None:
    old = case.state
    case.state = new_state
    case.decision = decision
    case.decision_text = text
    case.concluded_at = rec.now
    rec.record(
        EventKind.CONCLUDED,
        from_state=old,
        to_state=new_state,
        reason=text,
        data={
            "decision": decision,
            "date": local_date(rec.now).isoformat(),
            "on_time": case.promised_due is None or local_date(rec.now) <= case.promised_due,
        },
    )
    record_licence(case, today=local_date(rec.now))


@transaction.atomic
def conclude_on_the_spot(
    case: Case,
    *,
    decision: str = Decision.APPROVED,
    text: str,
    comment: str = "",
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    """即办件当场办结: approve every step still open, in order, then conclude, in one call.

    The steps, events, clock and roll-ups are those of complete_step for each open step followed by
    conclude_case at the same moment (the same checks too: each step by its department, the conclusion by
    the item's), but the case is locked, read and written once, so its version goes up by one. For an
    immediate case (即办件) decided at the window while the applicant waits."""
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("The decision is approved or denied.")]})
    text = require_text(text, "text", _("The decision text is required."))
    case = lock_case(case, expected_version)
    steps = _LOCKED_STEPS.all(case.pk, using=router.db_for_write(Step))
    if case.state != CaseState.ACCEPTED:
        raise not_allowed(case, "conclude_on_the_spot")
    open_steps = [s for s in steps if s.state != StepState.DONE]
    for step in open_steps:
        perms.require(by, perms.HANDLE_STEP, case, step=step)
    perms.require(by, perms.CONCLUDE, case)
    new_state = transition(case, Action.CONCLUDE)
    rec = Recorder(case, by=by, now=now, source=source)
    comment = (comment or "").strip()
    for step in open_steps:
        fields = [] if step.state == StepState.ACTIVE else begin_step(step, rec)
        if fields:
            step_started(step, rec)
        _finish_step(step, outcome=StepOutcome.APPROVE, comment=comment, rec=rec, save=False)
        step.save(update_fields=list(dict.fromkeys([*fields, *FINISH_FIELDS])))
        _step_completed(step, rec)
    _record_conclusion(case, rec, new_state=new_state, decision=decision, text=text)
    return rec.finish(*CONCLUSION_FIELDS)


@transaction.atomic
def suspend_case(
    case: Case,
    *,
    kind: str,
    expected_days: int,
    reason: str,
    by,
    now: datetime,
    expected_version: int | None = None,
    source: str = "",
) -> Case:
    """Start a special procedure (特别程序, Art. 45): its working days do not count toward the limit."""
    if kind not in SuspensionKind.values:
        raise ValidationError({"kind": [_("Unknown special procedure %(k)s.") % {"k": kind}]})
    if int(expected_days) < 1:
        raise ValidationError(
            {"expected_days": [_("Tell the applicant how many working days it will take (≥ 1).")]}
        )
    if int(expected_days) > SUSPENSION_MAX_DAYS:
        raise ValidationError(
            {
                "expected_days": [
                    _("A special procedure is expected to take at most %(max)s working days (about a year).")
                    % {"max": SUSPENSION_MAX_DAYS}
                ]
            }
        )
    reason = require_text(reason, "reason", _("A reason is required."))
    case = lock_case(case, expected_version)
    require(by, perms.MANAGE, case)
    old = case.state
    case.state = transition(case, Action.SUSPEND)
    today = local_date(now)
    suspension = Suspension.objects.create(
        case=case, kind=kind, reason=reason, started_on=today, expected_days=int(expected_days), started_by=by
    )
    shift_active_step(case, int(expected_days))
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(
        EventKind.SUSPENDED,
        from_state=old,
        to_state=case.state,
        reason=reason,
        data={
            "suspension": suspension.pk,
            "kind": kind,
            "started_on": today.isoformat(),
            "expected_days": int(expected_days),
        },
    )
    return rec.finish("state")


@transaction.atomic
def resume_case(
    case: Case, *, by, now: datetime, expected_version: int | None = None, source: str = ""
) -> Case:
    """End the special procedure; its working days (start < d ≤ end) are added to the deadlines."""
    case = lock_case(case, expected_version)
    require(by, perms.MANAGE, case)
    old = case.state
    case.state = transition(case, Action.RESUME)
    suspension = Suspension.objects.select_for_update().get(case=case, ended_on__isnull=True)
    today = local_date(now)
    counted = max(0, workdays.workdays_between(suspension.started_on, today))
    suspension.ended_on = today
    suspension.counted_days = counted
    suspension.ended_by = by
    suspension.save(update_fields=["ended_on", "counted_days", "ended_by"])
    shift_active_step(case, counted - suspension.expected_days)
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(
        EventKind.RESUMED,
        from_state=old,
        to_state=case.state,
        data={
            "suspension": suspension.pk,
            "started_on": suspension.started_on.isoformat(),
            "ended_on": today.isoformat(),
            "counted_days": counted,
        },
    )
    return rec.finish("state")


def _approved_days(case: Case) -> int:
    return sum(case.extension_requests.filter(state=ExtensionState.APPROVED).values_list("days", flat=True))


@transaction.atomic
def request_extension(
    case: Case,
    *,
    days: int,
    reason: str,
    by,
    now: datetime,
    max_days: int | None = None,
    expected_version: int | None = None,
    source: str = "",
) -> ExtensionRequest:
    """Ask the department head for more working days (延期). The case state does not change."""
    reason = require_text(reason, "reason", _("The applicant must be told why: a reason is required."))
    case = lock_case(case, expected_version)
    rule_days, article = extension_rule(case)
    max_days = rule_days if max_days is None else max_days
    perms.require(by, perms.MANAGE, case)
    if case.state not in (CaseState.ACCEPTED, CaseState.SUSPENDED):
        raise not_allowed(case, "request_extension")
    if case.extension_requests.filter(state=ExtensionState.REQUESTED).exists():
        raise ValidationError(
            {"days": [_("An extension request of this case is still waiting for a decision.")]}
        )
    days = int(days)
    approved = _approved_days(case)
    if days < 1:
        raise ValidationError({"days": [_("An extension is at least 1 working day.")]})
    if approved + days > max_days:
        raise ValidationError(
            {
                "days": [
                    _(
                        "An extension is at most %(max)s working days in total (Administrative Licensing Law "
                        "Art. %(article)s); %(used)s already approved."
                    )
                    % {"max": max_days, "used": approved, "article": article}
                ]
            }
        )
    request = ExtensionRequest.objects.create(
        case=case, days=days, reason=reason, requested_by=by, requested_at=now
    )
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(EventKind.EXTENSION_REQUESTED, reason=reason, data={"request": request.pk, "days": days})
    rec.finish()
    request.case = case
    return request


@transaction.atomic
def decide_extension(
    request: ExtensionRequest,
    *,
    approve: bool,
    reason: str,
    by,
    now: datetime,
    max_days: int | None = None,
    expected_version: int | None = None,
    source: str = "",
) -> ExtensionRequest:
    """The head of the item's department approves or refuses; approved days extend both due dates and
    the active step. `expected_version` is the request's version."""
    reason = require_text(reason, "decision_reason", _("The decision needs a reason."))
    case_id = ExtensionRequest.objects.values_list("case_id", flat=True).get(pk=request.pk)
    case = lock_case(case_id, None)
    max_days = extension_max_days(case) if max_days is None else max_days
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and request.version != expected_version:
        raise StaleVersion(expected=expected_version, actual=request.version, what="extension request")
    perms.require(by, perms.DECIDE_EXTENSION, case)
    request.state = extension_transition(
        request, ExtensionAction.APPROVE if approve else ExtensionAction.REFUSE
    )
    if case.state not in (CaseState.ACCEPTED, CaseState.SUSPENDED):
        raise not_allowed(case, "decide_extension")
    if approve and _approved_days(case) + request.days > max_days:
        raise ValidationError(
            {"days": [_("An extension is at most %(max)s working days in total.") % {"max": max_days}]}
        )
    request.decided_by = by
    request.decided_at = now
    request.decision_reason = reason
    request.version += 1
    request.save()
    if approve:
        shift_active_step(case, request.days)
    rec = Recorder(case, by=by, now=now, source=source)
    rec.record(
        EventKind.EXTENSION_DECIDED,
        reason=reason,
        data={"request": request.pk, "approved": bool(approve), "days": request.days},
    )
    rec.finish()
    request.case = case
    return request
