"""The answer to a consultation reaches the asker: a message in the portal inbox when the question came
from an account, and one text message to the phone given with the question (through the portal's texts
and the SMS interface, GOVHALL_SMS_BACKEND). Triggered by cases' `case_changed` (receivers.py) after the
answering service's commit. Told once: the rows are unique per (account, case, event) and (case, event,
phone), as for the changes of an application (notify.py). An answer given on the spot (registered and
answered in one call) is not sent: the asker heard it."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from govhall.cases.models import Case, CaseKind, EventKind
from govhall.portal.models import InboxMessage, TextMessage
from govhall.portal.notify import STALE_AFTER, _kick

TEXT_ANSWER_CHARS = 300


def answer_texts(case: Case) -> tuple[str, str]:
    """(inbox text, SMS text) in the centre's language; the SMS carries the number and code for the lookup."""
    answer = case.consultation.answer
    short = answer if len(answer) <= TEXT_ANSWER_CHARS else answer[: TEXT_ANSWER_CHARS - 1] + "…"
    with translation.override(settings.LANGUAGE_CODE):
        values = {"centre": settings.GOVHALL_CENTRE_NAME, "number": case.number}
        inbox = _("%(centre)s: your question %(number)s was answered: %(answer)s") % {
            **values,
            "answer": answer,
        }
        text = _(
            "%(centre)s: your question %(number)s was answered: %(answer)s Look it up with the number "
            "and the code %(code)s in the online service hall."
        ) % {**values, "answer": short, "code": case.verification_code}
    return inbox, text


def tell_answer(case_id: int, kinds: list[str], *, now: datetime) -> int:
    """Write the inbox message and the text of a consultation's answer; returns the messages written."""
    if EventKind.CONSULTATION_ANSWERED not in kinds or EventKind.CONSULTATION_REGISTERED in kinds:
        return 0
    with transaction.atomic():
        case = (
            Case.objects.select_related("consultation", "consultation__asker")
            .filter(pk=case_id, kind=CaseKind.CONSULTATION)
            .first()
        )
        if case is None:
            return 0
        event = case.events.filter(kind=EventKind.CONSULTATION_ANSWERED).order_by("-seq").first()
        if event is None or event.at < now - STALE_AFTER:
            return 0
        asker = case.consultation.asker
        asker = asker if asker is not None and asker.is_active else None
        inbox, text = answer_texts(case)
        written = 0
        if asker is not None:
            written += len(
                InboxMessage.objects.bulk_create(
                    [
                        InboxMessage(
                            recipient=asker,
                            case=case,
                            event_seq=event.seq,
                            kind=event.kind,
                            text=inbox,
                            url=reverse("portal:consult-detail", args=[case.pk]),
                            created_at=now,
                        )
                    ],
                    ignore_conflicts=True,
                )
            )
        phone = case.phone or (asker.phone if asker is not None else "")
        if phone:
            TextMessage.objects.bulk_create(
                [
                    TextMessage(
                        phone=phone, text=text, case=case, event_seq=event.seq, next_try=now, created_at=now
                    )
                ],
                ignore_conflicts=True,
            )
            transaction.on_commit(_kick)
            written += 1
    return written


__all__ = ["tell_answer"]
