"""The invitation to rate (好差评邀请): a concluded case still unrated GOVHALL_RATING_INVITE_DAYS days
after its conclusion gets one message in the inbox of every account that follows it
(govhall.portal.notify.followers) and one text through the SMS interface (to those accounts' phones, or
the phone on the case).

Sent once per case: the sweep writes one RatingInvitation per case (unique), and whichever worker claims
its sent_at by compare-and-swap writes the messages in the same transaction. Cases concluded more than
HORIZON before the invitation was due are left alone, so that a backfill (the demo's generated history, an
import) does not text thousands of people about last spring."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from govhall.cases.models import Case, CaseKind, CaseState
from govhall.portal.models import InboxMessage, TextMessage
from govhall.portal.notify import _kick, followers
from govhall.visits.models import RatingInvitation
from govhall.visits.rating_codes import rating_code

KIND = "rating_invitation"
HORIZON = timedelta(days=14)
INVITED_STATES = (CaseState.CONCLUDED, CaseState.DELIVERED)


def invite_days() -> int:
    return int(getattr(settings, "GOVHALL_RATING_INVITE_DAYS", 3))


def invitation_text(case: Case) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "%(centre)s: your case %(number)s (%(item)s) is concluded. Please rate how it was handled: "
            "in the online service hall under My applications, or on the rating page with the case number "
            "and the rating code %(code)s."
        ) % {
            "centre": settings.GOVHALL_CENTRE_NAME,
            "number": case.number,
            "item": case.item.name if case.item_id else "",
            "code": rating_code(case),
        }


def due_cases(*, now: datetime, limit: int):
    cutoff = now - timedelta(days=invite_days())
    return (
        Case.objects.filter(
            state__in=INVITED_STATES,
            concluded_at__lte=cutoff,
            concluded_at__gt=cutoff - HORIZON,
            ratings__isnull=True,
            rating_invitation__isnull=True,
        )
        .exclude(kind=CaseKind.CONSULTATION)
        .order_by("concluded_at", "pk")[:limit]
    )


def send_invitation(invitation: RatingInvitation, *, now: datetime) -> bool:
    """Claim the invitation and write its messages; False if another worker had claimed it, or the case was
    rated meanwhile (then it is marked sent with nobody told)."""
    with transaction.atomic():
        if not RatingInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(sent_at=now):
            return False
        case = Case.objects.select_related("item").get(pk=invitation.case_id)
        if case.ratings.exists():
            return False
        text = invitation_text(case)
        url = reverse("portal:my-case", args=[case.number]) + "#rating"
        people = followers(case)
        InboxMessage.objects.bulk_create(
            [
                InboxMessage(recipient=p, case=case, kind=KIND, text=text, url=url, created_at=now)
                for p in people
            ]
        )
        phones = [p.phone for p in people if p.phone] if people else ([case.phone] if case.phone else [])
        phones = list(dict.fromkeys(phones))
        TextMessage.objects.bulk_create(
            [TextMessage(phone=phone, text=text, case=case, next_try=now, created_at=now) for phone in phones]
        )
        RatingInvitation.objects.filter(pk=invitation.pk).update(recipients=len(people), texts=len(phones))
        if phones:
            transaction.on_commit(_kick)
    return True


def invite_unrated(*, now: datetime, limit: int = 500) -> int:
    """The sweep: write the invitations now due and send the unsent ones; returns the number sent."""
    cases = list(due_cases(now=now, limit=limit).values_list("pk", flat=True))
    RatingInvitation.objects.bulk_create(
        [RatingInvitation(case_id=pk, created_at=now) for pk in cases], ignore_conflicts=True
    )
    sent = 0
    for invitation in RatingInvitation.objects.filter(sent_at__isnull=True).order_by("pk")[:limit]:
        sent += send_invitation(invitation, now=now)
    return sent
