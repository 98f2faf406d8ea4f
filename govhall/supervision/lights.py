"""Lights (红绿灯): thresholds stored on the row, compared with now in SQL.

A step (or case) stores two moments whenever its clock changes (stamp_step / stamp_case, called by the case
services): `warn_at`, the start of the day from which at most N working days remain (yellow), and `due_at`,
the end of the due date (red). At any moment `now`:

    paused  the clock is stopped (a special procedure, 特别程序)
    red     due_at <= now
    yellow  warn_at <= now < due_at
    green   now < warn_at

"Remaining working days" on a day d are the working days after d up to and including the due date (the
project counts from the next working day), so with N = 1 a step due on Monday turns yellow on the Friday
before (or on a make-up Saturday, 调休). N is the larger of the rule's days and its share of the limit
(floor(limit × % / 100)): "whichever comes first". A light never needs a job: the board is always true.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.workdays import calendar as workdays

GREEN, YELLOW, RED, PAUSED = "green", "yellow", "red", "paused"
LIGHTS = (GREEN, YELLOW, RED, PAUSED)
LIGHT_LABELS = {GREEN: _("On time"), YELLOW: _("Deadline near"), RED: _("Overdue"), PAUSED: _("Paused")}
# Case states in which a case carries a light (received cases have no promised due date yet).
LIT_CASE_STATES = ("accepted", "suspended")


@dataclass(frozen=True)
class Threshold:
    warn_days: int | None
    warn_percent: int | None

    def lead(self, limit: int) -> int:
        """Working days before the due date at which yellow starts."""
        by_days = self.warn_days or 0
        by_share = (max(limit, 0) * self.warn_percent) // 100 if self.warn_percent else 0
        return max(by_days, by_share)


def default_threshold() -> Threshold:
    return Threshold(
        int(getattr(settings, "GOVHALL_WARN_DAYS", 1)), int(getattr(settings, "GOVHALL_WARN_PERCENT", 20))
    )


class RuleBook:
    """All threshold rules, read once: the most specific wins (item code, department, global, settings)."""

    def __init__(self) -> None:
        from govhall.supervision.models import ThresholdRule

        self.by_item: dict[str, Threshold] = {}
        self.by_department: dict[int, Threshold] = {}
        self.fallback = default_threshold()
        for rule in ThresholdRule.objects.all():
            threshold = Threshold(rule.warn_days, rule.warn_percent)
            if rule.item_code:
                self.by_item[rule.item_code] = threshold
            elif rule.department_id:
                self.by_department[rule.department_id] = threshold
            else:
                self.fallback = threshold

    def threshold(self, *, item_code: str | None, department_id: int | None) -> Threshold:
        if item_code and item_code in self.by_item:
            return self.by_item[item_code]
        if department_id and department_id in self.by_department:
            return self.by_department[department_id]
        return self.fallback


class RuleCache:
    """This process's RuleBook for the case services' hot path (every acceptance and step start stamps
    lights): read again at most every `GOVHALL_RULES_CHECK_SECONDS` (a few dozen rows), and at once after
    a rule is saved or deleted in this process. Another process's change is used here within that
    interval, as with the working-day calendar. `restamp_open` reads the rules itself."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, interval: float | None = None):
        self.clock = clock
        self.interval = interval
        self._book: RuleBook | None = None
        self._fresh_until = float("-inf")

    def book(self) -> RuleBook:
        book = self._book
        if book is not None and self.clock() < self._fresh_until:
            return book
        checked_at = self.clock()
        book = RuleBook()
        interval = self.interval
        if interval is None:
            interval = float(getattr(settings, "GOVHALL_RULES_CHECK_SECONDS", 2))
        self._book, self._fresh_until = book, checked_at + interval
        return book

    def forget(self) -> None:
        self._book = None
        self._fresh_until = float("-inf")


RULES = RuleCache()


def current_rules() -> RuleBook:
    """The threshold rules as this process last read them (see RuleCache)."""
    return RULES.book()


def forget_rules() -> None:
    """Drop this process's rules now and again after the commit (a rule was written)."""
    from django.db import transaction

    RULES.forget()
    transaction.on_commit(RULES.forget)


def start_of(day: date) -> datetime:
    """Local midnight at the start of `day`, in the centre's time zone."""
    return timezone.make_aware(datetime.combine(day, clock_time.min))


def end_of(day: date) -> datetime:
    """The first moment after `day` (local midnight of the next day): a due date is kept all day."""
    return start_of(day + timedelta(days=1))


def thresholds(due: date, limit: int, threshold: Threshold, *, calendar=None) -> tuple[datetime, datetime]:
    """(warn_at, due_at) for a due date and the limit in working days it was counted with."""
    cal = calendar or workdays.CACHE.snapshot()
    lead = threshold.lead(limit)
    warn_day = cal.add_workdays(due, -lead) if lead else due
    return start_of(warn_day), end_of(due)


def _reset_alerts(row, warn_at: datetime | None, due_at: datetime | None) -> None:
    # A moved due time (extension, pause, restart) starts the reminders afresh: each crossing of the new
    # thresholds is announced again. A rule change that only moves yellow does not re-remind.
    if row.due_at != due_at:
        row.alert_level = 0
    row.warn_at, row.due_at = warn_at, due_at


STEP_FIELDS = ("warn_at", "due_at", "paused", "alert_level")
CASE_FIELDS = ("warn_at", "due_at", "alert_level")


def stamp_step(step, *, case, restart: bool = False, rules: RuleBook | None = None) -> list[str]:
    """Set the step's warn_at/due_at/paused from its due date and the rules; returns the fields changed.
    The one place that decides a step's thresholds: the case services call it whenever the step starts or
    its clock moves (pause, resume, extension)."""
    if step.state != "active" or step.due_date is None:
        _reset_alerts(step, None, None)
        step.paused = False
        return list(STEP_FIELDS)
    rules = rules or current_rules()
    threshold = rules.threshold(
        item_code=case.item.code if case.item_id else None, department_id=step.department_id
    )
    warn_at, due_at = thresholds(step.due_date, step.limit_days + step.paused_days, threshold)
    _reset_alerts(step, warn_at, due_at)
    if restart:
        step.alert_level = 0
    step.paused = case.state == "suspended"
    return list(STEP_FIELDS)


def prereview_due(received_on: date, *, calendar=None) -> date:
    """The day by which an online case must be pre-reviewed (预审): GOVHALL_PREREVIEW_DAYS working days."""
    cal = calendar or workdays.CACHE.snapshot()
    return cal.add_workdays(received_on, int(getattr(settings, "GOVHALL_PREREVIEW_DAYS", 1)))


def _stamp_prereview(case) -> list[str]:
    """An online case waiting for pre-review carries the pre-review step's light: yellow on its due day
    (with a short limit, whichever comes first: the rule's lead or the whole limit less a day), red after."""
    cal = workdays.CACHE.snapshot()
    due = prereview_due(getattr(case, "review_from", None) or case.received_on, calendar=cal)
    limit = int(getattr(settings, "GOVHALL_PREREVIEW_DAYS", 1))
    lead = min(default_threshold().lead(limit), max(limit - 1, 0))
    warn_day = cal.add_workdays(due, -lead) if lead else due
    _reset_alerts(case, start_of(warn_day), end_of(due))
    return list(CASE_FIELDS)


def stamp_case(case, *, rules: RuleBook | None = None) -> list[str]:
    """Set the case's warn_at/due_at from the promised due date; a withdrawn case's steps go dark."""
    if case.state == "received" and getattr(case, "channel", "") == "online" and case.received_on:
        return _stamp_prereview(case)
    if case.state not in LIT_CASE_STATES or case.promised_due is None or case.acceptance_date is None:
        _reset_alerts(case, None, None)
        if case.state == "withdrawn":
            from govhall.cases.models import Step

            Step.objects.filter(case=case, state="active").update(
                warn_at=None, due_at=None, paused=False, alert_level=0
            )
        return list(CASE_FIELDS)
    cal = workdays.CACHE.snapshot()
    rules = rules or current_rules()
    item = case.item
    threshold = rules.threshold(item_code=item.code, department_id=item.department_id)
    limit = cal.workdays_between(case.acceptance_date, case.promised_due)
    warn_at, due_at = thresholds(case.promised_due, limit, threshold, calendar=cal)
    _reset_alerts(case, warn_at, due_at)
    return list(CASE_FIELDS)


CONSULTATION_FIELDS = ("warn_at", "due_at", "alert_level")


def stamp_consultation(consultation, *, limit: int, item_code: str | None, rules: RuleBook | None = None):
    """Set a consultation's warn_at/due_at from its answer due date (`limit`: the working days it was
    counted with); dark once answered. Returns the fields changed."""
    if consultation.answered_at is not None or consultation.answer_due is None:
        _reset_alerts(consultation, None, None)
        return list(CONSULTATION_FIELDS)
    rules = rules or current_rules()
    threshold = rules.threshold(item_code=item_code, department_id=consultation.department_id)
    warn_at, due_at = thresholds(consultation.answer_due, limit, threshold)
    _reset_alerts(consultation, warn_at, due_at)
    return list(CONSULTATION_FIELDS)


# Consultations waiting for an answer carry a light (prefix "consultation__" from the case).
CONSULTATION_LIT = Q(answered_at__isnull=True)
NEVER_PAUSED = Q(pk__isnull=True)


def annotate_consultations(rows: QuerySet, now: datetime, *, prefix: str = "") -> QuerySet:
    """Consultations (or, with prefix "consultation__", their cases) with `.light` against the answer due."""
    lit = Q(**{f"{prefix}answered_at__isnull": True})
    return rows.annotate(light=light_expression(now, prefix=prefix, paused=NEVER_PAUSED, lit=lit))


# --- SQL ------------------------------------------------------------------------------------------------


def conditions(now: datetime, *, prefix: str = "", paused: Q | None = None) -> dict[str, Q]:
    """The four lights as filters on rows with `warn_at`/`due_at` (under `prefix`, e.g. "case__").
    `paused` says when the clock is stopped; by default a `paused` column."""
    p = prefix
    stopped = paused if paused is not None else Q(**{f"{p}paused": True})
    lit = Q(**{f"{p}due_at__isnull": False})
    return {
        PAUSED: lit & stopped,
        RED: lit & ~stopped & Q(**{f"{p}due_at__lte": now}),
        YELLOW: lit & ~stopped & Q(**{f"{p}due_at__gt": now, f"{p}warn_at__lte": now}),
        GREEN: lit & ~stopped & Q(**{f"{p}warn_at__gt": now}),
    }


def light_expression(now: datetime, *, prefix: str = "", paused: Q | None = None, lit: Q | None = None):
    """A Case/When expression giving 'green' / 'yellow' / 'red' / 'paused' (or NULL) for any number of
    rows. Usable on steps, cases and (later) lane cases: pass their own `paused` and `lit` conditions."""
    conds = conditions(now, prefix=prefix, paused=paused)
    whens = [When(conds[light], then=Value(light)) for light in (PAUSED, RED, YELLOW, GREEN)]
    expression = CaseWhen(*whens, default=None, output_field=CharField())
    if lit is not None:
        expression = CaseWhen(When(lit, then=expression), default=None, output_field=CharField())
    return expression


STEP_LIT = Q(state="active")
CASE_PAUSED = Q(state="suspended")
CASE_LIT = Q(state__in=LIT_CASE_STATES)
# Online cases waiting for pre-review (预审) carry the pre-review step's light (stamp_case).
PREREVIEW_LIT = Q(state="received", channel="online")


def annotate_steps(steps: QuerySet, now: datetime) -> QuerySet:
    """Steps with `.light`."""
    return steps.annotate(light=light_expression(now, lit=STEP_LIT))


def annotate_cases(cases: QuerySet, now: datetime) -> QuerySet:
    """Cases with `.light` (against the promised due date)."""
    return cases.annotate(light=light_expression(now, paused=CASE_PAUSED, lit=CASE_LIT | PREREVIEW_LIT))


def prereview_counts(cases: QuerySet, now: datetime, *, by: str | None = None):
    """The lights of online cases waiting for pre-review, grouped by `by` (e.g. "item__department")."""
    return counts(cases.filter(PREREVIEW_LIT), now, by=by, paused=CASE_PAUSED)


def lit_steps(steps: QuerySet) -> QuerySet:
    """The open steps that carry a light."""
    return steps.filter(STEP_LIT, due_at__isnull=False)


def counts(rows: QuerySet, now: datetime, *, by: str | None, prefix: str = "", paused: Q | None = None):
    """Counts of each light grouped by the field `by` (None: one total), as COUNT(*) FILTER (WHERE …):
    one pass over the rows in the database."""
    conds = conditions(now, prefix=prefix, paused=paused)
    aggregates = {light: Count("pk", filter=conds[light]) for light in LIGHTS}
    if by is None:
        return rows.aggregate(**aggregates)
    return rows.order_by().values(by).annotate(**aggregates).order_by(by)


def light_of(row, now: datetime, *, paused: bool | None = None) -> str | None:
    """The same rule in Python, for one row already in memory (a model's own light, Step.light(now))."""
    if row.due_at is None:
        return None
    if paused if paused is not None else getattr(row, "paused", False):
        return PAUSED
    if row.due_at <= now:
        return RED
    if row.warn_at is not None and row.warn_at <= now:
        return YELLOW
    return GREEN


def restamp_open(*, batch: int = 2000) -> int:
    """Recompute the thresholds of every open step and case (after a threshold rule changed).

    Each batch is one transaction that locks its rows (by id: the order in which the case services lock a
    case's steps) and reads them afresh. A step that a service completes, pauses or moves meanwhile is
    either read here as that service left it, or written by that service after this batch: never given
    thresholds computed from an older read (a light on a step already done, say)."""
    from govhall.cases.models import Case, Step

    rules = RuleBook()
    steps = Step.objects.filter(state="active", due_at__isnull=False)
    cases = Case.objects.filter(state__in=LIT_CASE_STATES, due_at__isnull=False)
    return _restamp(
        steps.select_related("case", "case__item"),
        lambda step: stamp_step(step, case=step.case, rules=rules),
        STEP_FIELDS,
        batch,
    ) + _restamp(cases.select_related("item"), lambda case: stamp_case(case, rules=rules), CASE_FIELDS, batch)


def _restamp(rows, stamp, fields, batch: int) -> int:
    """stamp() every row of the queryset and save `fields`: a locked transaction per batch of ids."""
    from django.db import transaction

    ids = list(rows.order_by("pk").values_list("pk", flat=True))
    count = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            locked = list(
                rows.select_for_update(of=("self",)).filter(pk__in=ids[start : start + batch]).order_by("pk")
            )
            for row in locked:
                stamp(row)
            count += rows.model.objects.bulk_update(locked, list(fields)) if locked else 0
    return count
