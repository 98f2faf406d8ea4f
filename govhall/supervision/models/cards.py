"""Warning cards (黄牌 / 红牌 / flags): issued by rules or by a supervisor, answered by the department."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.supervision.models.base import AppendOnly


class CardKind(models.TextChoices):
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")
    FLAG = "flag", _("Flag")


class CardRule(models.TextChoices):
    STEP_OVERDUE = "step_overdue", _("A step ran over its time limit")
    CASE_OVERDUE = "case_overdue", _("A case ran over its promised time limit")
    REPEATED_YELLOW = "repeated_yellow", _("Repeated yellow cards on one case")
    REJECTION_WITHOUT_REASON = "rejection_without_reason", _("Not accepted without a reason")
    DEEMED_ACCEPTANCE = "deemed_acceptance", _("No one-time notice within 5 working days")
    IMMEDIATE_CONVERTED = "immediate_converted", _("An immediate case was not finished on the spot")
    MANUAL = "manual", _("Issued by a supervisor")


class CardState(models.TextChoices):
    ISSUED = "issued", _("Waiting for the reply")
    REPLIED = "replied", _("Replied")
    APPEALED = "appealed", _("Appealed")
    UPHELD = "upheld", _("Upheld after appeal")
    REVOKED = "revoked", _("Revoked")
    CLOSED = "closed", _("Closed")


class Card(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=CardKind.choices)
    rule = models.CharField(_("rule"), max_length=30, choices=CardRule.choices)
    # Rules issue a card at most once per occasion (step and due time, case, event); manual cards have none.
    key = models.CharField(_("key"), max_length=100, null=True, blank=True, unique=True, editable=False)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    step = models.ForeignKey(
        "cases.Step",
        verbose_name=_("step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    reason = models.TextField(_("reason"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when a rule issued the card"),
    )
    reply_due = models.DateField(_("reply due"))
    state = models.CharField(_("state"), max_length=10, choices=CardState.choices, default=CardState.ISSUED)
    cause = models.TextField(_("cause"), blank=True)
    correction = models.TextField(_("correction"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    appealed = models.BooleanField(_("appealed"), default=False)
    reply_overdue_noticed = models.BooleanField(_("late reply reported"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state"], name="card_department_state"),
            models.Index(fields=["state", "reply_due"], name="card_reply_due"),
        ]
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class CardEvent(AppendOnly):
    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=20)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_state = models.CharField(_("from state"), max_length=10, blank=True)
    to_state = models.CharField(_("to state"), max_length=10, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["card", "at", "id"]
        verbose_name = _("card event")
        verbose_name_plural = _("card events")

    def __str__(self) -> str:
        return f"{self.card_id} {self.kind}"
