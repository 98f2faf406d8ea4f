"""The legal clock of a case, replayed from its events. Pure: no database writes, one calendar snapshot.

Rules (行政许可法 Art. 32, 42, 45, 82; docs/cases.md has worked examples):

- Limits are working days; `add_workdays(start, n)` is the n-th working day after the first working day
  on or after `start`, so the day of acceptance itself is never counted (day counting "from the next
  working day", 民法典 Art. 201).
- acceptance date = the day of acceptance; after a one-time notice (补正) it is the day the last missing
  material arrived (the `supplement_completed` event); under the 5-day rule it is the day of receipt.
- promised due = add_workdays(acceptance, promised limit + suspended days + approved extension days);
  legal due likewise with the legal limit.
- suspended days of one suspension = workdays_between(started_on, ended_on): the working days d with
  started_on < d <= ended_on. The day the procedure starts was still a working day of the case; the day
  it ends is given back. A suspension still open counts its expected working days (the applicant was
  told in writing how long it will take), replaced by the actual count on resume.
- an immediate case converted to committed gets the promised limit recorded in the conversion event.
- the one-time notice may be issued up to and including add_workdays(receipt date, 5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from govhall.cases.models.events import EventKind
from govhall.workdays import calendar as workdays

NOTICE_WINDOW_DAYS = 5


class EventLike(Protocol):
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Clock:
    receipt_date: date | None
    notice_deadline: date | None
    acceptance_date: date | None
    promised_due: date | None
    legal_due: date | None
    suspended_days: int
    extension_days: int
    deemed_accepted: bool
    provisional: bool
    calendar_version: int
    # From when an online case waits for pre-review: its receipt, or the day a correction was complete.
    review_from: date | None = None


def _date(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def notice_deadline(receipt_date: date, *, calendar=None) -> date:
    """The last day on which a one-time notice may be issued (5 working days after receipt)."""
    cal = calendar or workdays.CACHE.snapshot()
    return cal.add_workdays(receipt_date, NOTICE_WINDOW_DAYS)


def replay(events: Iterable[EventLike], *, calendar=None) -> Clock:
    """The clock after `events` (in sequence order). `calendar` is a workdays Snapshot (default: current)."""
    cal = calendar or workdays.CACHE.snapshot()
    receipt = acceptance = completed_on = None
    promised_limit = legal_limit = None
    deemed = False
    suspended = extension = 0
    open_suspension: tuple[date, int] | None = None

    for event in events:
        kind, data = event.kind, event.data or {}
        if kind == EventKind.RECEIVED:
            receipt = _date(data["receipt_date"])
            promised_limit = data.get("promised_limit")
            legal_limit = data.get("legal_limit")
        elif kind == EventKind.SUPPLEMENT_COMPLETED:
            completed_on = _date(data["date"])
        elif kind == EventKind.ACCEPTED:
            accepted_on = _date(data["date"])
            acceptance = min(completed_on, accepted_on) if completed_on else accepted_on
        elif kind == EventKind.DEEMED_ACCEPTED:
            acceptance = receipt
            deemed = True
        elif kind == EventKind.SUSPENDED:
            open_suspension = (_date(data["started_on"]), int(data["expected_days"]))
        elif kind == EventKind.RESUMED:
            suspended += cal.workdays_between(_date(data["started_on"]), _date(data["ended_on"]))
            open_suspension = None
        elif kind == EventKind.EXTENSION_DECIDED and data.get("approved"):
            extension += int(data["days"])
        elif kind == EventKind.CONVERTED_TO_COMMITTED:
            promised_limit = int(data["promised_limit"])

    pending = open_suspension[1] if open_suspension else 0
    promised_due = legal_due = None
    provisional = False
    if acceptance is not None:
        if promised_limit is not None:
            promised_due = cal.add_workdays(acceptance, promised_limit + suspended + pending + extension)
        if legal_limit is not None:
            legal_due = cal.add_workdays(acceptance, legal_limit + suspended + pending + extension)
        last = max(d for d in (promised_due, legal_due, acceptance) if d is not None)
        provisional = cal.spans_provisional(acceptance, last)
    return Clock(
        receipt_date=receipt,
        notice_deadline=cal.add_workdays(receipt, NOTICE_WINDOW_DAYS) if receipt else None,
        acceptance_date=acceptance,
        promised_due=promised_due,
        legal_due=legal_due,
        suspended_days=suspended,
        extension_days=extension,
        deemed_accepted=deemed,
        provisional=provisional,
        calendar_version=cal.version,
        review_from=completed_on or receipt,
    )


def step_due_date(started_on: date, limit_days: int, added_days: int = 0, *, calendar=None) -> date:
    """A step's own due date: add_workdays(start date, step limit [+ days added by pauses/extensions])."""
    cal = calendar or workdays.CACHE.snapshot()
    return cal.add_workdays(started_on, limit_days + added_days)
