"""The sweep: find threshold crossings and announce each exactly once, even with several workers.

Lights need no job (they are compared with now at query time). The sweep only sends reminders, issues
the rule cards and escalates. It claims rows by compare-and-swap in bulk:

    UPDATE cases_step SET alert_level = 2
     WHERE id IN (SELECT id … WHERE <crossed> AND alert_level < 2 LIMIT n [FOR UPDATE SKIP LOCKED])
       AND alert_level < 2 AND <crossed>
    RETURNING id

Only the worker whose UPDATE changed a row gets its id back; a concurrent sweep either skips the locked
rows (PostgreSQL) or re-checks `alert_level < 2` after the first commits and finds nothing. The alerts,
inbox and outbox rows and cards of a batch commit in the same transaction as its claim, so a crash loses
nothing and repeats nothing. When the due time moves (extension, pause), lights.stamp_* reset the level
and the new crossings are announced again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils.translation import gettext_noop

from govhall.cases.models import Case, Step
from govhall.supervision import bulk, services
from govhall.supervision.lights import end_of
from govhall.supervision.models import (
    Alert,
    AlertLevel,
    Card,
    CardEvent,
    CardKind,
    CardRule,
    CardState,
    LaneAlert,
    NotificationKind,
    Order,
    OrderEvent,
    OrderState,
)
from govhall.supervision.notify import Message, post
from govhall.supervision.services import Directory, centre_text, local_date
from govhall.workdays import calendar as workdays

BATCH = 10000
# A case whose steps drew this many yellow cards gets a red card (repeated yellow cards).
RED_AFTER_YELLOW_CARDS = 2


@dataclass
class SweepResult:
    step_yellow: int = 0
    step_red: int = 0
    case_yellow: int = 0
    case_red: int = 0
    lane_yellow: int = 0
    lane_red: int = 0
    consultation_yellow: int = 0
    consultation_red: int = 0
    cards: int = 0
    late_card_replies: int = 0
    orders_escalated: int = 0
    messages: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def crossings(self) -> int:
        return (
            self.step_yellow
            + self.step_red
            + self.case_yellow
            + self.case_red
            + self.lane_yellow
            + self.lane_red
            + self.consultation_yellow
            + self.consultation_red
        )


def claim_crossed(table: str, level: int, crossed: str, params: list, limit: int) -> list[int]:
    """Set alert_level = level on at most `limit` crossed rows still below it; the ids this call won. Every
    deadline with lights (steps, cases, lanes, consultations, rating follow-ups) is claimed through it."""
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    where = f"alert_level < %s AND {crossed}"
    sql = (
        f"UPDATE {table} SET alert_level = %s WHERE id IN "
        f"(SELECT id FROM {table} WHERE {where} LIMIT %s{lock}) AND {where} RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [level, level, *params, limit, level, *params])
        return [row[0] for row in cursor.fetchall()]


def db_datetime(value: datetime):
    """A datetime as the database adapter takes it in raw SQL (the conditions of claim_crossed)."""
    return connection.ops.adapt_datetimefield_value(value)


def _step_crossed(level: int, now: datetime) -> tuple[str, list]:
    # The partial indexes step_warn_due / step_red_due serve these conditions.
    if level == 1:
        return "state = %s AND paused = %s AND warn_at <= %s AND due_at > %s", [
            "active",
            False,
            db_datetime(now),
            db_datetime(now),
        ]
    return "state = %s AND paused = %s AND due_at <= %s", ["active", False, db_datetime(now)]


def _case_crossed(level: int, now: datetime) -> tuple[str, list]:
    if level == 1:
        at = db_datetime(now)
        return "state = %s AND warn_at <= %s AND due_at > %s", ["accepted", at, at]
    return "state = %s AND due_at <= %s", ["accepted", db_datetime(now)]


def _step_rows(ids: list[int]) -> list[dict]:
    return list(
        Step.objects.filter(pk__in=ids).values(
            "pk", "name", "due_date", "warn_at", "due_at", "department_id", "case_id", "case__number"
        )
    )


STEP_KEYS = ("pk", "name", "due_date", "warn_at", "due_at", "department_id", "case_id", "case__number")


def _relaxed_commit() -> None:
    """A batch's commit need not wait for its WAL flush: a crash loses the claim together with what it
    wrote (one transaction), and the next sweep finds the crossing again. Saves a flush per batch."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _claim_steps(level: int, now: datetime, batch: int) -> list[dict]:
    """Claim a batch of crossed steps; their details for the messages. On PostgreSQL one statement (the
    claim RETURNING the rows, joined with their case numbers), elsewhere the claim and a read."""
    crossed, params = _step_crossed(level, now)
    if connection.vendor != "postgresql":
        ids = claim_crossed(Step._meta.db_table, level, crossed, params, batch)
        return _step_rows(ids) if ids else []
    where = f"alert_level < %s AND {crossed}"
    sql = (
        f"WITH claimed AS (UPDATE cases_step SET alert_level = %s WHERE id IN "
        f"(SELECT id FROM cases_step WHERE {where} LIMIT %s FOR UPDATE SKIP LOCKED) AND {where} "
        "RETURNING id, name, due_date, warn_at, due_at, department_id, case_id) "
        "SELECT claimed.*, c.number FROM claimed JOIN cases_case c ON c.id = claimed.case_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [level, level, *params, batch, level, *params])
        return [dict(zip(STEP_KEYS, row, strict=True)) for row in cursor.fetchall()]


def _case_url(case_id: int) -> str:
    return f"/cases/{case_id}/"


def _sweep_steps(level: int, *, now: datetime, directory: Directory, result: SweepResult, batch: int) -> None:
    while True:
        with transaction.atomic():
            _relaxed_commit()
            rows = _claim_steps(level, now, batch)
            if not rows:
                return
            ids = [row["pk"] for row in rows]
            alerts, messages, cards = [], [], []
            for row in rows:
                dept = row["department_id"]
                threshold = row["warn_at"] if level == 1 else row["due_at"]
                alerts.append(
                    (
                        row["case_id"],
                        row["pk"],
                        dept,
                        AlertLevel.YELLOW if level == 1 else AlertLevel.RED,
                        threshold,
                        now,
                        "",
                    )
                )
                values = {
                    "number": row["case__number"],
                    "step": row["name"],
                    "due": row["due_date"].isoformat(),
                }
                if level == 1:
                    text = centre_text(
                        gettext_noop("Deadline near: %(number)s, step “%(step)s”, due %(due)s."), **values
                    )
                    tell = tuple(directory.handlers.get(dept, ()))
                    kind = NotificationKind.STEP_YELLOW
                else:
                    text = centre_text(
                        gettext_noop("Overdue: %(number)s, step “%(step)s” was due %(due)s."), **values
                    )
                    tell = (*directory.department(dept), *directory.supervisors)
                    kind = NotificationKind.STEP_RED
                    cards.append(
                        Card(
                            kind=CardKind.YELLOW,
                            rule=CardRule.STEP_OVERDUE,
                            key=f"step_overdue:{row['pk']}:{int(threshold.timestamp())}",
                            department_id=dept,
                            case_id=row["case_id"],
                            step_id=row["pk"],
                            reason=centre_text(
                                gettext_noop("Step “%(step)s” ran over its time limit (due %(due)s)."),
                                **values,
                            ),
                            issued_at=now,
                            reply_due=result.extra["reply_due"],
                        )
                    )
                messages.append(Message(tell, kind, text, _case_url(row["case_id"]), row["case_id"]))
            bulk.insert(Alert, ALERT_FIELDS, alerts)
            result.messages += post(messages, now=now)
            if cards:
                _issue_cards(cards, now=now, directory=directory, result=result)
                _repeated_yellow(cards, now=now, directory=directory, result=result)
            if level == 1:
                result.step_yellow += len(ids)
            else:
                result.step_red += len(ids)
        if len(ids) < batch:
            return


ALERT_FIELDS = ("case", "step", "department", "level", "threshold_at", "at", "note")
CARD_FIELDS = (
    "kind", "rule", "key", "department", "case", "step", "reason", "issued_at", "reply_due", "state", "cause",
    "correction", "appealed", "reply_overdue_noticed", "version",
)  # fmt: skip


def _issue_cards(cards: list[Card], *, now: datetime, directory: Directory, result: SweepResult) -> None:
    """Rule cards in bulk, each with its 'issued' event and a message to the department head."""
    rows = [
        (c.kind, c.rule, c.key, c.department_id, c.case_id, c.step_id, c.reason, c.issued_at, c.reply_due,
         CardState.ISSUED, "", "", False, False, 1)
        for c in cards
    ]  # fmt: skip
    for card, pk in zip(cards, bulk.insert(Card, CARD_FIELDS, rows, returning=True), strict=True):
        card.pk = pk
    made = cards
    bulk.insert(
        CardEvent,
        ("card", "kind", "at", "from_state", "to_state", "text", "data"),
        [(c.pk, "issued", now, "", CardState.ISSUED, c.reason, {"rule": c.rule}) for c in made],
    )
    numbers = dict(Case.objects.filter(pk__in={c.case_id for c in made}).values_list("pk", "number"))
    result.messages += post(
        [
            Message(
                tuple(directory.heads.get(c.department_id, ())),
                NotificationKind.CARD,
                services.card_message(c, numbers.get(c.case_id, "")),
                f"/supervision/cards/{c.pk}/",
                c.case_id,
            )
            for c in made
        ],
        now=now,
    )
    result.cards += len(made)


def _repeated_yellow(new: list[Card], *, now: datetime, directory: Directory, result: SweepResult) -> None:
    cases = {c.case_id for c in new}
    repeated = (
        Card.objects.filter(case_id__in=cases, kind=CardKind.YELLOW)
        .exclude(state=CardState.REVOKED)
        .values("case_id", "department_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=RED_AFTER_YELLOW_CARDS)
    )
    if not repeated:
        return
    taken = set(
        Card.objects.filter(
            key__in=[f"repeated_yellow:{r['case_id']}:{r['department_id']}" for r in repeated]
        ).values_list("key", flat=True)
    )
    reds = []
    for r in repeated:
        key = f"repeated_yellow:{r['case_id']}:{r['department_id']}"
        if key in taken:
            continue
        reds.append(
            Card(
                kind=CardKind.RED,
                rule=CardRule.REPEATED_YELLOW,
                key=key,
                department_id=r["department_id"],
                case_id=r["case_id"],
                reason=centre_text(gettext_noop("%(n)s yellow cards on the same case."), n=r["n"]),
                issued_at=now,
                reply_due=result.extra["reply_due"],
            )
        )
    if reds:
        _issue_cards(reds, now=now, directory=directory, result=result)


def _sweep_cases(level: int, *, now: datetime, directory: Directory, result: SweepResult, batch: int) -> None:
    crossed, params = _case_crossed(level, now)
    while True:
        with transaction.atomic():
            ids = claim_crossed(Case._meta.db_table, level, crossed, params, batch)
            if not ids:
                return
            rows = list(
                Case.objects.filter(pk__in=ids).values(
                    "pk", "number", "promised_due", "warn_at", "due_at", "item__department_id", "item__name"
                )
            )
            alerts, messages, cards = [], [], []
            for row in rows:
                dept = row["item__department_id"]
                threshold = row["warn_at"] if level == 1 else row["due_at"]
                alerts.append(
                    (
                        row["pk"],
                        None,
                        dept,
                        AlertLevel.YELLOW if level == 1 else AlertLevel.RED,
                        threshold,
                        now,
                        "",
                    )
                )
                values = {
                    "number": row["number"],
                    "item": row["item__name"],
                    "due": row["promised_due"].isoformat(),
                }
                if level == 1:
                    text = centre_text(
                        gettext_noop("Case deadline near: %(number)s %(item)s, promised by %(due)s."),
                        **values,
                    )
                    tell = directory.department(dept)
                    kind = NotificationKind.CASE_YELLOW
                else:
                    text = centre_text(
                        gettext_noop("Case overdue: %(number)s %(item)s was promised by %(due)s."), **values
                    )
                    tell = (*directory.department(dept), *directory.supervisors)
                    kind = NotificationKind.CASE_RED
                    cards.append(
                        Card(
                            kind=CardKind.RED,
                            rule=CardRule.CASE_OVERDUE,
                            key=f"case_overdue:{row['pk']}:{int(threshold.timestamp())}",
                            department_id=dept,
                            case_id=row["pk"],
                            reason=centre_text(
                                gettext_noop("The case ran over its promised time limit (%(due)s)."), **values
                            ),
                            issued_at=now,
                            reply_due=result.extra["reply_due"],
                        )
                    )
                messages.append(Message(tell, kind, text, _case_url(row["pk"]), row["pk"]))
            bulk.insert(Alert, ALERT_FIELDS, alerts)
            result.messages += post(messages, now=now)
            if cards:
                _issue_cards(cards, now=now, directory=directory, result=result)
            if level == 1:
                result.case_yellow += len(ids)
            else:
                result.case_red += len(ids)
        if len(ids) < batch:
            return


def _lane_crossed(level: int, now: datetime) -> tuple[str, list]:
    # A lane case's clock runs while it is in progress and not paused (lanes.LaneCase warn_at/due_at).
    if level == 1:
        return "state = %s AND paused = %s AND warn_at <= %s AND due_at > %s", [
            "in_progress",
            False,
            db_datetime(now),
            db_datetime(now),
        ]
    return "state = %s AND paused = %s AND due_at <= %s", ["in_progress", False, db_datetime(now)]


LANE_ALERT_FIELDS = ("lane_case", "department", "level", "threshold_at", "at")


def _sweep_lanes(level: int, *, now: datetime, directory: Directory, result: SweepResult, batch: int) -> None:
    """Fast-lane cases crossing yellow or red: claimed like the steps (compare-and-swap on alert_level),
    one LaneAlert each, the lane's lead department head reminded (and the supervisors on red)."""
    from django.apps import apps

    if not apps.is_installed("govhall.lanes"):
        return
    from govhall.lanes.models import LaneCase

    crossed, params = _lane_crossed(level, now)
    while True:
        with transaction.atomic():
            ids = claim_crossed(LaneCase._meta.db_table, level, crossed, params, batch)
            if not ids:
                return
            rows = LaneCase.objects.filter(pk__in=ids).values(
                "pk", "number", "due_date", "warn_at", "due_at", "lane__name", "lane__lead_department_id"
            )
            alerts, messages = [], []
            for row in rows:
                dept = row["lane__lead_department_id"]
                threshold = row["warn_at"] if level == 1 else row["due_at"]
                alerts.append(
                    (row["pk"], dept, AlertLevel.YELLOW if level == 1 else AlertLevel.RED, threshold, now)
                )
                values = {
                    "number": row["number"],
                    "lane": row["lane__name"],
                    "due": row["due_date"].isoformat(),
                }
                if level == 1:
                    text = centre_text(
                        gettext_noop("Fast lane deadline near: %(number)s %(lane)s, due %(due)s."), **values
                    )
                    tell = tuple(directory.heads.get(dept, ()))
                    kind = NotificationKind.LANE_YELLOW
                else:
                    text = centre_text(
                        gettext_noop("Fast lane overdue: %(number)s %(lane)s was due %(due)s."), **values
                    )
                    tell = (*directory.heads.get(dept, ()), *directory.supervisors)
                    kind = NotificationKind.LANE_RED
                messages.append(Message(tell, kind, text, f"/lanes/{row['pk']}/"))
            bulk.insert(LaneAlert, LANE_ALERT_FIELDS, alerts)
            result.messages += post(messages, now=now)
            if level == 1:
                result.lane_yellow += len(ids)
            else:
                result.lane_red += len(ids)
        if len(ids) < batch:
            return


def _late_card_replies(*, now: datetime, directory: Directory, result: SweepResult) -> None:
    today = local_date(now)
    late = Card.objects.filter(
        state__in=[CardState.ISSUED, CardState.UPHELD], reply_due__lt=today, reply_overdue_noticed=False
    ).values_list("pk", "department_id", "reply_due")
    for pk, dept, due in late:
        with transaction.atomic():
            if not Card.objects.filter(pk=pk, reply_overdue_noticed=False).update(reply_overdue_noticed=True):
                continue  # another sweep reported it
            CardEvent.objects.create(
                card_id=pk, kind="reply_overdue", at=now, data={"reply_due": due.isoformat()}
            )
            text = centre_text(gettext_noop("Card #%(pk)s: no reply by %(due)s."), pk=pk, due=due.isoformat())
            tell = (*directory.heads.get(dept, ()), *directory.supervisors)
            result.messages += post(
                [Message(tell, NotificationKind.CARD_REPLY_OVERDUE, text, f"/supervision/cards/{pk}/")],
                now=now,
            )
            result.late_card_replies += 1


def _overdue_orders(*, now: datetime, directory: Directory, result: SweepResult) -> None:
    late = Order.objects.filter(state=OrderState.OPEN, due_at__lte=now, escalation_level=0).values_list(
        "pk", "department_id", "due_date", "case_id"
    )
    for pk, dept, due, case_id in late:
        with transaction.atomic():
            if not Order.objects.filter(pk=pk, state=OrderState.OPEN, escalation_level=0).update(
                escalation_level=1
            ):
                continue
            OrderEvent.objects.create(
                order_id=pk, kind="escalated", at=now, from_state=OrderState.OPEN, to_state=OrderState.OPEN
            )
            text = centre_text(
                gettext_noop("Supervision order #%(pk)s is overdue (act by %(due)s)."),
                pk=pk,
                due=due.isoformat(),
            )
            tell = (*directory.department(dept), *directory.supervisors, *directory.leaders)
            result.messages += post(
                [Message(tell, NotificationKind.ORDER_OVERDUE, text, f"/supervision/orders/{pk}/", case_id)],
                now=now,
            )
            result.orders_escalated += 1


def sweep(*, now: datetime, batch: int = BATCH) -> SweepResult:
    """One sweep at `now`: reminders for new yellow and red crossings of steps, cases, lane cases and
    unanswered consultations,
    rule cards, late card replies, overdue supervision orders. Safe to run in several workers at once."""
    result = SweepResult()
    result.extra["reply_due"] = workdays.add_workdays(local_date(now), settings.GOVHALL_CARD_REPLY_DAYS)
    directory = Directory()
    # Red first: a row that jumped straight past both thresholds gets the red reminder only.
    _sweep_steps(2, now=now, directory=directory, result=result, batch=batch)
    _sweep_steps(1, now=now, directory=directory, result=result, batch=batch)
    _sweep_cases(2, now=now, directory=directory, result=result, batch=batch)
    _sweep_cases(1, now=now, directory=directory, result=result, batch=batch)
    _sweep_lanes(2, now=now, directory=directory, result=result, batch=batch)
    _sweep_lanes(1, now=now, directory=directory, result=result, batch=batch)
    from govhall.supervision.consultations import sweep_consultations

    result.consultation_red = sweep_consultations(2, now=now, directory=directory, batch=batch)
    result.consultation_yellow = sweep_consultations(1, now=now, directory=directory, batch=batch)
    from govhall.supervision.inspections import sweep_inspections

    result.extra["inspection_red"] = sweep_inspections(2, now=now, batch=batch)
    result.extra["inspection_yellow"] = sweep_inspections(1, now=now, batch=batch)
    _late_card_replies(now=now, directory=directory, result=result)
    from govhall.supervision.flag_retry import retry_due

    result.extra["flags_retried"], result.extra["flags_failed"] = retry_due(now=now)
    _overdue_orders(now=now, directory=directory, result=result)
    return result


__all__ = ["SweepResult", "end_of", "sweep"]
