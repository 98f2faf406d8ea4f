"""Rules that act by themselves: the 5-day acceptance rule and the end of the day for immediate cases.

Each case is handled in its own transaction, so one bad row never blocks the others; the sweeps are
safe to run twice (a case already handled no longer matches).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.models import Case, CaseKind, CaseState, EventKind
from govhall.cases.services.common import Recorder, local_date, lock_case
from govhall.cases.services.intake import accept_locked, is_past_notice_window

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
