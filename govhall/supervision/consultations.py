"""Consultations (咨询件) under supervision: the department is reminded when an answer is due soon or
overdue. Consultations store warn_at/due_at (lights.stamp_consultation); the sweep claims the crossed ones
by compare-and-swap on alert_level, writes one Alert per crossing and tells the department's staff (and
the supervisors when overdue). The answer reaches the asker through the portal (portal/notify_consult.py).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from govhall.cases.models import Consultation
from govhall.supervision import bulk
from govhall.supervision.models import Alert, AlertLevel, NotificationKind
from govhall.supervision.notify import Message, post
from govhall.supervision.services import Directory, centre_text
from govhall.supervision.sweep import ALERT_FIELDS, claim_crossed, db_datetime


def _claim(level: int, now: datetime, batch: int) -> list[int]:
    """Set alert_level = level on crossed, unanswered consultations still below it; the ids this call won
    (the same compare-and-swap as the case sweep)."""
    if level == 1:
        crossed = "answered_at IS NULL AND warn_at <= %s AND due_at > %s"
        params = [db_datetime(now), db_datetime(now)]
    else:
        crossed = "answered_at IS NULL AND due_at <= %s"
        params = [db_datetime(now)]
    return claim_crossed(Consultation._meta.db_table, level, crossed, params, batch)


def sweep_consultations(level: int, *, now: datetime, directory: Directory, batch: int = 10000) -> int:
    """Remind the departments of the consultations that crossed yellow (1) or red (2). Returns the count."""
    count = 0
    while True:
        with transaction.atomic():
            ids = _claim(level, now, batch)
            if not ids:
                return count
            rows = Consultation.objects.filter(pk__in=ids).values(
                "case_id", "case__number", "department_id", "answer_due", "warn_at", "due_at"
            )
            alerts, messages = [], []
            for row in rows:
                dept = row["department_id"]
                threshold = row["warn_at"] if level == 1 else row["due_at"]
                level_name = AlertLevel.YELLOW if level == 1 else AlertLevel.RED
                alerts.append((row["case_id"], None, dept, level_name, threshold, now, ""))
                values = {"number": row["case__number"], "due": row["answer_due"].isoformat()}
                if level == 1:
                    text = centre_text(
                        gettext_noop("Consultation answer due soon: %(number)s, answer by %(due)s."), **values
                    )
                    tell = directory.department(dept)
                    kind = NotificationKind.CONSULTATION_YELLOW
                else:
                    text = centre_text(
                        gettext_noop(
                            "Consultation answer overdue: %(number)s was to be answered by %(due)s."
                        ),
                        **values,
                    )
                    tell = (*directory.department(dept), *directory.supervisors)
                    kind = NotificationKind.CONSULTATION_RED
                url = f"/cases/consultations/{row['case_id']}/"
                messages.append(Message(tuple(tell), kind, text, url, row["case_id"]))
            bulk.insert(Alert, ALERT_FIELDS, alerts)
            post(messages, now=now)
            count += len(ids)
        if len(ids) < batch:
            return count
