"""What the hall tells an applicant about their case: the portal inbox of an account, and the text messages
(SMS) to applicants, one row per message and channel so that each change of a case is told once.

Each row names the case event it tells of (case, event_seq): a unique constraint makes a second attempt to
tell the same event to the same account (or phone) a no-op, whichever worker gets there first."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InboxMessage(models.Model):
    """One message in an applicant's inbox (站内信), in the centre's language (zh-Hans), as sent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="portal_messages",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    event_seq = models.PositiveIntegerField(_("case event"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "case", "event_seq"],
                condition=Q(case__isnull=False, event_seq__isnull=False),
                name="inbox_message_once_per_event",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_message_unread")]
        verbose_name = _("applicant message")
        verbose_name_plural = _("applicant messages")

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.text[:40]}"


class TextState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class TextMessage(models.Model):
    """One SMS to an applicant's phone, written in the transaction that decided to send it and sent after
    the commit through the SMS interface (GOVHALL_SMS_BACKEND); a failure waits and is tried again."""

    phone = models.CharField(_("mobile phone"), max_length=30)
    text = models.TextField(_("text"))
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    event_seq = models.PositiveIntegerField(_("case event"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=TextState.choices, default=TextState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try = models.DateTimeField(_("next try"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "event_seq", "phone"],
                condition=Q(case__isnull=False, event_seq__isnull=False),
                name="text_message_once_per_event",
            )
        ]
        indexes = [models.Index(fields=["state", "next_try"], name="text_message_due")]
        verbose_name = _("text message to an applicant")
        verbose_name_plural = _("text messages to applicants")

    def __str__(self) -> str:
        return f"{self.phone} {self.state}"
