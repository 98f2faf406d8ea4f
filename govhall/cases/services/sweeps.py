"""Rules that act by themselves: the 5-day acceptance rule and the end of the day for immediate cases.

Each case is handled in its own transaction, so one bad row never blocks the others; the sweeps are
safe to run twice (a case already handled no longer matches).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from govhall.cases import clock as case_clock
from govhall.cases.models import Case, CaseKind, CaseState, EventKind, Step, StepState
from govhall.cases.models.case import OPEN_STATES
from govhall.cases.services.common import Recorder, local_date, lock_case
from govhall.cases.services.intake import accept_locked, is_past_notice_window
from govhall.supervision import lights

# An immediate item may promise 0 days (decided on the spot). When such a case is not concluded the
# same day it becomes committed with at least this many working days.
CONVERTED_MIN_PROMISED_DAYS = 1


@transaction.atomic
def deem_accepted_if_late(case: Case, *, now: datetime) -> bool:
    """5-day rule (Art. 32): no one-time notice within 5 working days of receipt → accepted from the day of
    receipt, flagged `deemed_accepted`. Returns whether the case was accepted now."""
    case = lock_case(case, None)
    if case.state != CaseState.RECEIVED or not is_past_notice_window(case, now=now):
        return False
    rec = Recorder(case, by=None, now=now, source="system: 5-day rule")
    accept_locked(case, rec, deemed=True)
    return True


def deem_overdue_receipts(*, now: datetime) -> int:
    """Sweep (daily, Huey periodic task): apply the 5-day rule to every case still waiting at intake."""
    # 5 working days after receipt are at least 5 calendar days, so older receipts are the only candidates.
    cutoff = local_date(now) - timedelta(days=5)
    candidates = Case.objects.filter(state=CaseState.RECEIVED, received_on__lt=cutoff).values_list(
        "pk", flat=True
    )
    return sum(1 for pk in list(candidates) if deem_accepted_if_late(pk_case(pk), now=now))


def pk_case(pk: int) -> Case:
    return Case(pk=pk)


@transaction.atomic
def convert_to_committed(case: Case, *, now: datetime) -> bool:
    """An immediate case not concluded on its day of acceptance becomes committed, with the item's
    promised limit (at least 1 working day) counted from its acceptance date."""
    case = lock_case(case, None)
    if case.kind != CaseKind.IMMEDIATE or case.state not in (CaseState.ACCEPTED, CaseState.SUSPENDED):
        return False
    if case.acceptance_date is None or case.acceptance_date >= local_date(now):
        return False
    promised = max(case.item.promised_limit, CONVERTED_MIN_PROMISED_DAYS)
    case.kind = CaseKind.COMMITTED
    rec = Recorder(case, by=None, now=now, source="system: end of day")
    rec.record(
        EventKind.CONVERTED_TO_COMMITTED,
        reason=_("Not concluded on the day of acceptance."),
        data={"promised_limit": promised, "from_kind": CaseKind.IMMEDIATE},
    )
    rec.finish("kind")
    return True


def convert_unfinished_immediate(*, now: datetime) -> int:
    """Sweep (run after midnight): immediate cases accepted before today and not concluded."""
    today = local_date(now)
    candidates = Case.objects.filter(
        kind=CaseKind.IMMEDIATE,
        state__in=[CaseState.ACCEPTED, CaseState.SUSPENDED],
        acceptance_date__lt=today,
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(candidates) if convert_to_committed(pk_case(pk), now=now))


# --- a calendar change: stored due dates counted again ------------------------------------------------


def _active_step(case: Case) -> Step | None:
    return Step.objects.select_for_update().filter(case=case, state=StepState.ACTIVE).first()


@transaction.atomic
def recompute_clock(case: Case | int, *, now: datetime) -> bool:
    """Count an open case's due dates (and its active step's) again with the calendar as it is now, after a
    yearly notice replaced provisional Monday–Friday dates or a local rest day was added or removed. The
    change is an event (`clock_recomputed`, old and new dates) and a new version; nothing happens, and no
    event is written, when the dates stay the same. Returns whether anything moved."""
    case = lock_case(case, None)
    if case.state not in OPEN_STATES:
        return False
    rec = Recorder(case, by=None, now=now, source="system: calendar revision")
    clock = case_clock.replay(rec.events)
    step = _active_step(case) if case.state in (CaseState.ACCEPTED, CaseState.SUSPENDED) else None
    step_due = (
        case_clock.step_due_date(step.started_on, step.limit_days, step.paused_days)
        if step is not None and step.started_on is not None
        else None
    )
    before = (case.promised_due, case.legal_due, case.due_provisional)
    after = (clock.promised_due, clock.legal_due, clock.provisional)
    step_moved = step is not None and step_due is not None and step_due != step.due_date
    if before == after and not step_moved:
        return False
    data = {
        "promised_due": [_iso(before[0]), _iso(after[0])],
        "legal_due": [_iso(before[1]), _iso(after[1])],
        "provisional": [before[2], after[2]],
        "calendar_version": clock.calendar_version,
    }
    if step_moved:
        data["step"] = step.pk
        data["step_due"] = [_iso(step.due_date), _iso(step_due)]
        step.due_date = step_due
        step.save(update_fields=["due_date", *lights.stamp_step(step, case=case, rules=rec.rules)])
    rec.record(EventKind.CLOCK_RECOMPUTED, reason=_("The working-day calendar changed."), data=data)
    rec.finish()
    return True


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def recompute_clocks(*, since: date, now: datetime) -> int:
    """Sweep after a calendar change from `since` on: every open case whose stored due dates (or active
    step's) fall on or after `since`, or are still provisional. One transaction per case."""
    due_after = (
        Q(promised_due__gte=since)
        | Q(legal_due__gte=since)
        | Q(due_provisional=True)
        | Q(steps__state=StepState.ACTIVE, steps__due_date__gte=since)
    )
    candidates = (
        Case.objects.filter(state__in=OPEN_STATES).filter(due_after).values_list("pk", flat=True).distinct()
    )
    return sum(recompute_clock(pk, now=now) for pk in list(candidates))
