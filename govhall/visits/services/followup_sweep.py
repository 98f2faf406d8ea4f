"""Reminders and escalation of the follow-ups' deadlines, as for every other deadline in supervision.

Lights need no job (warn_at/due_at are compared with now in SQL). The sweep claims the follow-ups that
crossed yellow (alert_level 1) or red (2) by compare-and-swap on alert_level (supervision.sweep.claim_crossed:
only the worker whose UPDATE changed a row gets it), and in the same transaction writes one FollowUpAlert
per crossing and the inbox (and outbox) messages:

    yellow  the department's handlers and head: the deadline of the current stage is near;
    red     escalated to the centre: the department's staff and the centre's supervisors.

A move restamps the deadline; a moved due time resets alert_level, so the new stage's crossings are
announced again. Red first: a follow-up that jumped past both thresholds gets the red message only.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from govhall.supervision import bulk
from govhall.supervision.models import AlertLevel, NotificationKind
from govhall.supervision.notify import Message, post
from govhall.supervision.services import Directory, centre_label, centre_text
from govhall.supervision.sweep import claim_crossed, db_datetime
from govhall.visits.models.followups import FollowUp, FollowUpAlert, FollowUpState

BATCH = 2000
ALERT_FIELDS = ("follow_up", "department", "level", "threshold_at", "at")


def _crossed(level: int, now: datetime) -> tuple[str, list]:
    # The partial index followup_open_due (due_at, open and alert_level < 2) serves these conditions.
    if level == 1:
        at = db_datetime(now)
        return "state <> %s AND warn_at <= %s AND due_at > %s", [FollowUpState.CLOSED, at, at]
    return "state <> %s AND due_at <= %s", [FollowUpState.CLOSED, db_datetime(now)]


def follow_up_url(pk: int) -> str:
    return f"/visits/follow-ups/{pk}/"


def sweep_follow_ups(*, now: datetime, batch: int = BATCH) -> dict[str, int]:
    """One sweep at `now`: the reminders (yellow) and escalations (red) not yet sent. Safe to run in several
    workers at once. Returns the counts of crossings and messages."""
    result = {"yellow": 0, "red": 0, "messages": 0}
    directory = Directory()
    for level in (2, 1):
        while True:
            with transaction.atomic():
                crossed, params = _crossed(level, now)
                ids = claim_crossed(FollowUp._meta.db_table, level, crossed, params, batch)
                if not ids:
                    break
                rows = FollowUp.objects.filter(pk__in=ids).values(
                    "pk",
                    "state",
                    "department_id",
                    "warn_at",
                    "due_at",
                    "callback_due",
                    "rectify_due",
                    "appeal_due",
                )
                alerts, messages = [], []
                for row in rows:
                    dept = row["department_id"]
                    threshold = row["warn_at"] if level == 1 else row["due_at"]
                    alerts.append(
                        (row["pk"], dept, AlertLevel.YELLOW if level == 1 else AlertLevel.RED, threshold, now)
                    )
                    due = {
                        FollowUpState.CALLBACK: row["callback_due"],
                        FollowUpState.RECTIFYING: row["rectify_due"],
                        FollowUpState.APPEALED: row["appeal_due"],
                    }[row["state"]]
                    values = {
                        "pk": row["pk"],
                        "stage": centre_label(FollowUpState(row["state"]).label),
                        "due": due.isoformat(),
                    }
                    if level == 1:
                        text = centre_text(
                            gettext_noop("Bad-rating follow-up #%(pk)s (%(stage)s) is due %(due)s."), **values
                        )
                        tell = directory.department(dept)
                        kind = NotificationKind.FOLLOWUP_YELLOW
                    else:
                        text = centre_text(
                            gettext_noop(
                                "Bad-rating follow-up #%(pk)s (%(stage)s) is overdue: it was due %(due)s."
                            ),
                            **values,
                        )
                        tell = (*directory.department(dept), *directory.supervisors)
                        kind = NotificationKind.FOLLOWUP_RED
                    messages.append(Message(tuple(tell), kind, text, follow_up_url(row["pk"])))
                bulk.insert(FollowUpAlert, ALERT_FIELDS, alerts)
                result["messages"] += post(messages, now=now)
                result["red" if level == 2 else "yellow"] += len(ids)
            if len(ids) < batch:
                break
    return result
