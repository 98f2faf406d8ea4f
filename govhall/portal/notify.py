"""Tell applicants of each change of their case: a message in the portal inbox of every account that may
see the case (govhall.portal.mine's rules), and an SMS through the SMS interface (GOVHALL_SMS_BACKEND) to
those accounts' phones, or, for a window case no account follows, to the phone on the case.

Triggered by cases' `case_changed` (after the case service's commit; receivers.py). Each event is told once:
the rows are unique per (account, case, event) and (case, event, phone), so a repeated signal or two workers
write nothing twice; a text is sent by whichever worker claims it by compare-and-swap.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from govhall.cases.models import Case, CaseEvent
from govhall.core.models import User
from govhall.portal import plain
from govhall.portal.models import Application, CompanyMember, InboxMessage, Profile, TextMessage, TextState
from govhall.supervision.notify.sms import get_backend

log = logging.getLogger("govhall.portal.notify")

# The changes an applicant is told of (the others are the hall's own work or the applicant's own act).
TOLD = frozenset(
    {
        "accepted",
        "deemed_accepted",
        "supplement_requested",
        "rejected",
        "suspended",
        "resumed",
        "concluded",
        "delivered",
    }
)
# A change recorded longer ago than this is not told: the news would be stale, and a backfill (the demo's
# generated half-year, an import) must not text thousands of people about last spring.
STALE_AFTER = timedelta(days=1)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


def _events_of_call(case: Case, kinds: list[str]) -> list[CaseEvent]:
    """The events one service call recorded: the latest run of the case's events with exactly these kinds
    (the case was locked while they were written, so they are contiguous)."""
    recent = list(CaseEvent.objects.filter(case=case).order_by("-seq")[: len(kinds) + 30])[::-1]
    n = len(kinds)
    for start in range(len(recent) - n, -1, -1):
        if [e.kind for e in recent[start : start + n]] == list(kinds):
            return recent[start : start + n]
    return []


def followers(case: Case) -> list[User]:
    """The accounts that see this case in 我的办件: the online applicant (or the company's active staff),
    the person with the same recorded real-name ID number, the active staff of the company with its code."""
    active = CompanyMember.objects.filter(is_active=True)
    who = Q()
    application = Application.objects.filter(case=case).first()
    if application is not None and application.company_id is None:
        who |= Q(pk=application.owner_id)
    elif application is not None:
        who |= Q(pk__in=active.filter(company_id=application.company_id).values("user_id"))
    if case.id_number and case.applicant_kind == "person":
        real_name = Profile.objects.filter(id_number=case.id_number.upper(), verified_at__isnull=False)
        who |= Q(pk__in=real_name.values("user_id"))
    if case.credit_code:
        who |= Q(pk__in=active.filter(company__credit_code=case.credit_code).values("user_id"))
    if not who:
        return []
    return list(User.objects.filter(who, is_active=True).distinct().order_by("pk"))


def message_text(case: Case, event: CaseEvent) -> str:
    """The message in the centre's language: the case, what happened, what to do next."""
    with translation.override(settings.LANGUAGE_CODE):
        online = case.channel == "online"
        what = plain.timeline([event], online=online)[0].text
        shown = plain.case_state(case.state, online=online)
        return _("%(centre)s: your case %(number)s (%(item)s): %(what)s. %(next)s") % {
            "centre": settings.GOVHALL_CENTRE_NAME,
            "number": case.number,
            "item": case.item.name if case.item_id else "",
            "what": what,
            "next": shown.next_step,
        }


def tell_case_change(case_id: int, kinds: list[str], *, now: datetime) -> int:
    """Write the inbox messages and texts for the events of one case service call; returns the number of
    events told. Idempotent: an event already told is not told again; one older than STALE_AFTER is not
    told at all."""
    if not TOLD.intersection(kinds):
        return 0
    with transaction.atomic():
        case = Case.objects.select_related("item").filter(pk=case_id).first()
        if case is None or case.kind == "consultation":
            return 0
        events = [e for e in _events_of_call(case, kinds) if e.kind in TOLD and e.at >= now - STALE_AFTER]
        if not events:
            return 0
        people = followers(case)
        url = reverse("portal:my-case", args=[case.number])
        inbox, texts = [], []
        phones = [p.phone for p in people if p.phone] if people else ([case.phone] if case.phone else [])
        for event in events:
            text = message_text(case, event)
            inbox += [
                InboxMessage(recipient=p, case=case, event_seq=event.seq, kind=event.kind, text=text, url=url,
                             created_at=now)
                for p in people
            ]  # fmt: skip
            texts += [
                TextMessage(
                    phone=phone, text=text, case=case, event_seq=event.seq, next_try=now, created_at=now
                )
                for phone in dict.fromkeys(phones)
            ]
        InboxMessage.objects.bulk_create(inbox, ignore_conflicts=True)
        TextMessage.objects.bulk_create(texts, ignore_conflicts=True)
        if texts:
            transaction.on_commit(_kick)
    return len(events)


def _kick() -> None:
    from govhall.portal.tasks import send_texts

    send_texts()


def send_due_texts(*, now: datetime, limit: int = 200) -> dict[str, int]:
    """Send the texts whose time has come; each is claimed by compare-and-swap on (attempts, next_try), so
    two workers never send the same one; a failure waits (1, 2, 4 … minutes) and gives up after a while."""
    result = {"sent": 0, "failed": 0}
    due = TextMessage.objects.filter(state=TextState.PENDING, next_try__lte=now).order_by("next_try", "pk")
    for text in list(due[:limit]):
        claimed = TextMessage.objects.filter(
            pk=text.pk, state=TextState.PENDING, attempts=text.attempts, next_try=text.next_try
        ).update(attempts=F("attempts") + 1, next_try=now + LEASE)
        if not claimed:
            continue
        attempts = text.attempts + 1
        try:
            get_backend().send(text.phone, text.text)
        except Exception as exc:  # any failure of the gateway: keep it and try again later
            error = f"{type(exc).__name__}: {exc}"[:2000]
            TextMessage.objects.filter(pk=text.pk).update(
                last_error=error,
                next_try=now + timedelta(minutes=min(2 ** (attempts - 1), 360)),
                state=TextState.FAILED if attempts >= MAX_ATTEMPTS else TextState.PENDING,
            )
            log.warning("text %s to %s failed (attempt %s): %s", text.pk, text.phone, attempts, error)
            result["failed"] += 1
        else:
            TextMessage.objects.filter(pk=text.pk).update(state=TextState.SENT, sent_at=now, last_error="")
            result["sent"] += 1
    return result


def mark_read(user, message_id: int, *, now: datetime) -> int:
    """Mark one of the account's messages read (a no-op for another's: they are not found)."""
    return InboxMessage.objects.filter(pk=message_id, recipient=user, read_at__isnull=True).update(
        read_at=now
    )
