"""Consultations (咨询件) under supervision: the answer reaches the asker, and the department is reminded
when an answer is due soon or overdue.

- The answer: on the case's `consultation_answered` event (case_recorded, inside the answering
  transaction) the asker gets an inbox message when the question came from an account, and one text
  message to the phone given with the question, through the outbox. The event happens once per case (the
  state machine allows one answer), so the asker hears once.
- Reminders: consultations store warn_at/due_at (lights.stamp_consultation); the sweep claims the crossed
  ones by compare-and-swap on alert_level, writes one Alert per crossing and tells the department's staff
  (and the supervisors when overdue).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from govhall.cases.models import Case, Consultation, EventKind
from govhall.cases.services.common import case_recorded
from govhall.supervision import bulk
from govhall.supervision.models import Alert, AlertLevel, Notification, NotificationKind
from govhall.supervision.notify import Message, post, text_phone
from govhall.supervision.services import Directory, centre_text
from govhall.supervision.sweep import ALERT_FIELDS, _dt
from govhall.supervision.sweep import _claim as claim

SMS_ANSWER_CHARS = 300
# The portal's page of one consultation (the portal is above supervision: linked by URL, not imported).
PORTAL_URL = "/portal/consult/{pk}/"
LOOKUP_URL = "/portal/consult/lookup/"


def deliver_answer(case: Case, *, now: datetime) -> int:
    """Tell the asker the answer: inbox (account) and one text message (the phone given). Returns the
    number of messages written."""
    consultation = Consultation.objects.select_related("asker").get(case=case)
    answer = consultation.answer
    short = answer if len(answer) <= SMS_ANSWER_CHARS else answer[: SMS_ANSWER_CHARS - 1] + "…"
    written = 0
    notification_id = None
    if consultation.asker_id and consultation.asker.is_active:
        text = centre_text(
            gettext_noop("Your question %(number)s was answered: %(answer)s"),
            number=case.number,
            answer=answer,
        )
        note = Notification.objects.create(
            recipient=consultation.asker,
            kind=NotificationKind.CONSULTATION_ANSWERED,
            text=text,
            url=PORTAL_URL.format(pk=case.pk),
            created_at=now,
            case=case,
        )
        notification_id = note.pk
        written += 1
    phone = case.phone or (consultation.asker.phone if consultation.asker_id else "")
    if phone:
        sms = centre_text(
            gettext_noop(
                "Your question %(number)s was answered: %(answer)s Look it up with the number and code "
                "%(code)s on the online service hall."
            ),
            number=case.number,
            answer=short,
            code=case.verification_code,
        )
        text_phone(phone, sms, now=now, notification_id=notification_id)
        written += 1
    return written


@receiver(case_recorded, dispatch_uid="supervision.consultation_answered")
def on_consultation_answered(sender, case, events, now, **kwargs) -> None:
    # Answered on the spot (window, telephone, stall: registered and answered in one call): the asker
    # heard the answer already.
    if EventKind.CONSULTATION_ANSWERED in events and EventKind.CONSULTATION_REGISTERED not in events:
        deliver_answer(case, now=now)


# --- reminders ---------------------------------------------------------------------------------------


def _claim(level: int, now: datetime, batch: int) -> list[int]:
    """Set alert_level = level on crossed, unanswered consultations still below it; the ids this call won
    (the same compare-and-swap as the case sweep)."""
    if level == 1:
        crossed = "answered_at IS NULL AND warn_at <= %s AND due_at > %s"
        params = [_dt(now), _dt(now)]
    else:
        crossed = "answered_at IS NULL AND due_at <= %s"
        params = [_dt(now)]
    return claim(Consultation._meta.db_table, level, crossed, params, batch)


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
