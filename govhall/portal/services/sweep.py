"""Old drafts: a reminder some days before removal, then removal after the days of keeping without
activity (settings GOVHALL_DRAFT_KEEP_DAYS, GOVHALL_DRAFT_REMINDER_DAYS). Exact to the second: a draft
last saved at t is reminded from t + keep − reminder days and removed from t + keep days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.portal.models import Application, ApplicationDocument, ApplicationState
from govhall.supervision.models import NotificationKind
from govhall.supervision.notify import Message, post

REMINDER_KIND = NotificationKind.DRAFT_EXPIRING


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    removed: int


def keep_for() -> timedelta:
    return timedelta(days=settings.GOVHALL_DRAFT_KEEP_DAYS)


def remind_from() -> timedelta:
    return keep_for() - timedelta(days=settings.GOVHALL_DRAFT_REMINDER_DAYS)


@transaction.atomic
def sweep_drafts(*, now: datetime) -> SweepResult:
    drafts = Application.objects.filter(state=ApplicationState.DRAFT)
    expired = list(drafts.filter(updated_at__lte=now - keep_for()).select_for_update(skip_locked=True))
    names = list(ApplicationDocument.objects.filter(application__in=expired).values_list("file", flat=True))
    ApplicationDocument.objects.filter(application__in=expired).delete()
    Application.objects.filter(pk__in=[a.pk for a in expired]).delete()
    transaction.on_commit(lambda: [default_storage.delete(n) for n in names])

    due = list(
        drafts.filter(
            updated_at__lte=now - remind_from(), updated_at__gt=now - keep_for(), reminded_at__isnull=True
        )
        .select_related("item", "lane")
        .select_for_update(of=("self",), skip_locked=True)
    )
    messages = []
    for app in due:
        removal = app.updated_at + keep_for()
        subject = app.item.name if app.item_id else app.lane.name
        text = _(
            "Your draft application for %(subject)s will be removed on %(date)s unless you continue it."
        ) % {"subject": subject, "date": removal.date().isoformat()}
        messages.append(Message((app.owner_id,), REMINDER_KIND, text, f"/portal/applications/{app.pk}/"))
    post(messages, now=now)
    Application.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
    return SweepResult(reminded=len(due), removed=len(expired))
