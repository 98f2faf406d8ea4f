"""Notifications: the in-app inbox, each user's channels, and the outbox of e-mails and text messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    STEP_YELLOW = "step_yellow", _("Step deadline near")
    STEP_RED = "step_red", _("Step overdue")
    CASE_YELLOW = "case_yellow", _("Case deadline near")
    CASE_RED = "case_red", _("Case overdue")
    LANE_YELLOW = "lane_yellow", _("Fast lane deadline near")
    LANE_RED = "lane_red", _("Fast lane overdue")
    ESCALATED = "escalated", _("Escalated")
    CARD = "card", _("Card")
    CARD_UPDATE = "card_update", _("Card update")
    CARD_REPLY_OVERDUE = "card_reply_overdue", _("Card reply overdue")
    ORDER = "order", _("Supervision order")
    ORDER_UPDATE = "order_update", _("Supervision order update")
    ORDER_OVERDUE = "order_overdue", _("Supervision order overdue")
    CONSULTATION_YELLOW = "consultation_yellow", _("Consultation answer due soon")
    CONSULTATION_RED = "consultation_red", _("Consultation answer overdue")
    # An online application's draft (portal) will be removed soon unless the applicant continues it.
    DRAFT_EXPIRING = "draft_expiring", _("Draft application about to be removed")
    # --- followup (issue 16): the follow-up of a bad rating (visits) near or past its deadline ---
    FOLLOWUP_YELLOW = "followup_yellow", _("Bad-rating follow-up deadline near")
    FOLLOWUP_RED = "followup_red", _("Bad-rating follow-up overdue")
    # --- hotline (issue 17): a 12345 ticket's dispatch near or past its sign-for or handling deadline ---
    HOTLINE_YELLOW = "hotline_yellow", _("12345 ticket deadline near")
    HOTLINE_RED = "hotline_red", _("12345 ticket overdue")
    # --- hotline knowledge base (issue 19): an entry's review date came ---
    KNOWLEDGE_REVIEW = "knowledge_review", _("Knowledge entry due for review")
    # --- on-site inspections (issue 19): a task assigned, near or past its deadline, its verdict ---
    INSPECTION = "inspection", _("On-site inspection assigned")
    INSPECTION_YELLOW = "inspection_yellow", _("On-site inspection due soon")
    INSPECTION_RED = "inspection_red", _("On-site inspection overdue")
    INSPECTION_VERDICT = "inspection_verdict", _("On-site inspection verdict")


class Notification(models.Model):
    """One message in one person's inbox. The text is stored in the centre's language (zh-Hans), as sent."""

    # notification_unread (recipient, read_at) serves the lookups by recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.text[:40]}"


class Preference(models.Model):
    """Which channels a person wants besides the inbox (always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("by e-mail"), default=False)
    sms = models.BooleanField(_("by text message (SMS)"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (gave up)")


class Delivery(models.Model):
    """One message on one channel. Written in the same transaction as the notification, so nothing is lost;
    sent by a Huey task; a failure is kept with its error and tried again later (backoff) until
    GOVHALL_DELIVERY_ATTEMPTS, then left as failed for an administrator to retry."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try = models.DateTimeField(_("next try"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_try"], name="delivery_due")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.address} {self.state}"
