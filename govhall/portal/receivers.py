"""The portal listens to cases' `case_changed` (sent after each case service's commit) to tell applicants."""

from __future__ import annotations

import logging

from django.dispatch import receiver
from django.utils import timezone

from govhall.cases.signals import case_changed
from govhall.portal.notify import tell_case_change
from govhall.portal.notify_consult import tell_answer

log = logging.getLogger("govhall.portal.notify")


@receiver(case_changed, dispatch_uid="portal.tell_applicants")
def on_case_changed(sender, case_id: int, events: list[str], **kwargs) -> None:
    try:
        tell_case_change(case_id, events, now=timezone.now())
    except Exception:  # the case change stands; a message not written is logged, never a failed request
        log.exception("telling the applicants of case %s failed", case_id)


@receiver(case_changed, dispatch_uid="portal.tell_consultation_answer")
def on_consultation_answered(sender, case_id: int, events: list[str], **kwargs) -> None:
    try:
        tell_answer(case_id, events, now=timezone.now())
    except Exception:  # the answer stands; a message not written is logged, never a failed request
        log.exception("telling the asker of consultation %s failed", case_id)
