"""Reminders and escalations of the dispatches' deadlines (sign for, then handle), as for every other
deadline in supervision.

Lights need no job (a dispatch's warn_at/due_at are compared with now in SQL). The sweep claims the open
dispatches that crossed yellow (alert_level 1) or red (2) by compare-and-swap on alert_level
(supervision.sweep.claim_crossed: only the worker whose UPDATE changed a row gets it), and in the same
transaction writes one TicketAlert per crossing and the inbox (and outbox) messages:

    yellow  the unit's handlers and head: the sign-for or handling deadline is near;
    red     escalated: the unit's head(s) and the centre's supervisors.

A move restamps the light (services.common.stamp_dispatch): signing for moves it to the handling deadline
and an approved extension moves the due moment; a moved due moment resets alert_level, so the new
crossings are announced again. Red first: a dispatch that jumped past both thresholds gets the red only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from govhall.hotline.models import OPEN_DISPATCH_STATES, Dispatch, DispatchState, TicketAlert
from govhall.supervision import bulk
from govhall.supervision.models import AlertLevel, NotificationKind
from govhall.supervision.notify import Message, post
from govhall.supervision.services import Directory, centre_text
from govhall.supervision.sweep import claim_crossed, db_datetime

BATCH = 2000
ALERT_FIELDS = ("dispatch", "unit", "stage", "level", "threshold_at", "at")
OPEN = ", ".join(["%s"] * len(OPEN_DISPATCH_STATES))


def _crossed(level: int, now: datetime) -> tuple[str, list]:
    # The partial index dispatch_open_due (due_at, open states and alert_level < 2) serves these.
    at = db_datetime(now)
    if level == 1:
        return f"state IN ({OPEN}) AND warn_at <= %s AND due_at > %s", [*OPEN_DISPATCH_STATES, at, at]
    return f"state IN ({OPEN}) AND due_at <= %s", [*OPEN_DISPATCH_STATES, at]


def ticket_url(ticket_id: int) -> str:
    return f"/hotline/tickets/{ticket_id}/"


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


MESSAGES = {
    (1, "sign"): gettext_noop("12345 ticket %(number)s: sign for it by %(due)s."),
    (1, "handle"): gettext_noop("12345 ticket %(number)s: the handling deadline is near (%(due)s)."),
    (2, "sign"): gettext_noop("12345 ticket %(number)s is overdue for sign-for at %(unit)s (due %(due)s)."),
    (2, "handle"): gettext_noop("12345 ticket %(number)s is overdue at %(unit)s: it was due %(due)s."),
}


def sweep_tickets(*, now: datetime, batch: int = BATCH) -> dict[str, int]:
    """One sweep at `now`: the reminders (yellow) and escalations (red) not yet sent. Safe to run in several
    workers at once. Returns the counts of crossings and messages."""
    result = {"yellow": 0, "red": 0, "messages": 0}
    directory = Directory()
    for level in (2, 1):
        crossed, params = _crossed(level, now)
        while True:
            with transaction.atomic():
                ids = claim_crossed(Dispatch._meta.db_table, level, crossed, params, batch)
                if not ids:
                    break
                rows = Dispatch.objects.filter(pk__in=ids).values(
                    "pk", "state", "unit_id", "unit__name", "warn_at", "due_at", "ticket_id", "ticket__number"
                )
                alerts, messages = [], []
                for row in rows:
                    unit = row["unit_id"]
                    stage = "sign" if row["state"] == DispatchState.PENDING else "handle"
                    threshold = row["warn_at"] if level == 1 else row["due_at"]
                    alerts.append(
                        (
                            row["pk"],
                            unit,
                            stage,
                            AlertLevel.YELLOW if level == 1 else AlertLevel.RED,
                            threshold,
                            now,
                        )
                    )
                    text = centre_text(
                        MESSAGES[level, stage],
                        number=row["ticket__number"],
                        unit=row["unit__name"],
                        due=_local(row["due_at"]),
                    )
                    if level == 1:
                        tell, kind = directory.department(unit), NotificationKind.HOTLINE_YELLOW
                    else:
                        tell = (*directory.heads.get(unit, ()), *directory.supervisors)
                        kind = NotificationKind.HOTLINE_RED
                    messages.append(Message(tuple(tell), kind, text, ticket_url(row["ticket_id"])))
                bulk.insert(TicketAlert, ALERT_FIELDS, alerts)
                result["messages"] += post(messages, now=now)
                result["red" if level == 2 else "yellow"] += len(ids)
            if len(ids) < batch:
                break
    return result


__all__ = ["sweep_tickets", "ticket_url"]
