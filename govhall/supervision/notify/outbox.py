"""The inbox and the outbox: write in the caller's transaction, send later, retry with backoff."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q

from govhall.supervision import bulk
from govhall.supervision.models import (
    ChannelKind,
    Delivery,
    DeliveryState,
    Notification,
    Preference,
)
from govhall.supervision.notify.sms import get_backend

log = logging.getLogger("govhall.supervision.outbox")


def lease() -> timedelta:
    """While one worker sends a delivery, others leave it alone for this long: a killed worker's claim
    lapses after it and the delivery is sent by the next run (GOVHALL_DELIVERY_LEASE_SECONDS)."""
    return timedelta(seconds=settings.GOVHALL_DELIVERY_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _subject(text: str) -> str:
    first = text.split("\n", 1)[0]
    return first[:120]


@dataclass(frozen=True)
class Message:
    recipients: tuple[int, ...]  # user ids
    kind: str
    text: str
    url: str = ""
    case_id: int | None = None


def notify(users: Iterable, *, kind: str, text: str, now: datetime, url: str = "", case_id=None) -> int:
    """One inbox message per user, plus an outbox row per channel the user chose. Returns the count."""
    ids = tuple(dict.fromkeys(u.pk for u in users if u is not None))
    return post([Message(ids, kind, text, url, case_id)], now=now)


def post(messages: list[Message], *, now: datetime) -> int:
    """Many messages at once (the sweep): one insert for the inbox rows, one for the outbox rows."""
    from govhall.core.models import User

    wanted = {pk for m in messages for pk in m.recipients}
    if not wanted:
        return 0
    people = {
        u["pk"]: u for u in User.objects.filter(pk__in=wanted, is_active=True).values("pk", "email", "phone")
    }
    rows = [
        (pk, m.kind, m.text, m.url, now, m.case_id)
        for m in messages
        for pk in dict.fromkeys(m.recipients)
        if pk in people
    ]
    fields = ("recipient", "kind", "text", "url", "created_at", "case")
    prefs = {
        p.user_id: p
        for p in Preference.objects.filter(user_id__in=people).filter(Q(email=True) | Q(sms=True))
    }
    ids = bulk.insert(Notification, fields, rows, returning=bool(prefs))
    deliveries = []
    for note_id, (recipient, _kind, text, _url, _at, _case) in zip(ids, rows, strict=False):
        pref = prefs.get(recipient)
        if pref is None:
            continue
        person = people[recipient]
        for chosen, channel, address in (
            (pref.email, ChannelKind.EMAIL, person["email"]),
            (pref.sms, ChannelKind.SMS, person["phone"]),
        ):
            if chosen and address:
                deliveries.append(
                    (note_id, channel, address, _subject(text), text, DeliveryState.PENDING, 0, now, "", now)
                )
    if deliveries:
        bulk.insert(
            Delivery,
            ("notification", "channel", "address", "subject", "text", "state", "attempts", "next_try",
             "last_error", "created_at"),
            deliveries,
        )  # fmt: skip
        transaction.on_commit(_kick)
    return len(rows)


def _kick() -> None:
    from govhall.supervision.tasks import deliver_outbox

    deliver_outbox()


def _send(delivery: Delivery) -> None:
    if delivery.channel == ChannelKind.EMAIL:
        send_mail(delivery.subject, delivery.text, None, [delivery.address], fail_silently=False)
    else:
        get_backend().send(delivery.address, delivery.text, key=f"govhall-delivery-{delivery.pk}")


def deliver_due(*, now: datetime, limit: int = 200) -> dict[str, int]:
    """Send the deliveries whose time has come. Each is claimed by compare-and-swap on (attempts, next_try)
    so that two workers never send the same message; a failure keeps its error and waits (backoff)."""
    result = {"sent": 0, "failed": 0, "gave_up": 0}
    max_attempts = settings.GOVHALL_DELIVERY_ATTEMPTS
    due = Delivery.objects.filter(state=DeliveryState.PENDING, next_try__lte=now).order_by("next_try", "pk")
    for delivery in list(due[:limit]):
        claimed = Delivery.objects.filter(
            pk=delivery.pk,
            state=DeliveryState.PENDING,
            attempts=delivery.attempts,
            next_try=delivery.next_try,
        ).update(attempts=F("attempts") + 1, next_try=now + lease())
        if not claimed:
            continue
        attempts = delivery.attempts + 1
        try:
            _send(delivery)
        except Exception as exc:  # any failure of a channel: keep it, log it, try again
            error = f"{type(exc).__name__}: {exc}"[:2000]
            gave_up = attempts >= max_attempts
            Delivery.objects.filter(pk=delivery.pk).update(
                last_error=error,
                next_try=now + backoff(attempts),
                state=DeliveryState.FAILED if gave_up else DeliveryState.PENDING,
            )
            log.warning(
                "delivery %s (%s to %s) failed, attempt %s%s: %s",
                delivery.pk,
                delivery.channel,
                delivery.address,
                attempts,
                ", giving up" if gave_up else "",
                error,
            )
            result["gave_up" if gave_up else "failed"] += 1
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                state=DeliveryState.SENT, sent_at=now, last_error=""
            )
            result["sent"] += 1
    return result


def retry_failed(deliveries, *, now: datetime) -> int:
    """Put given-up deliveries back in the queue (an administrator's action)."""
    return deliveries.filter(state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_try=now
    )
