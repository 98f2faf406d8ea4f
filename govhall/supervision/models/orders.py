"""Supervision orders (督办): a supervisor orders a department to act on a case by a date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.supervision.models.base import AppendOnly


class OrderState(models.TextChoices):
    OPEN = "open", _("Waiting for the department")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


class Order(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(
        _("subject"), max_length=200, blank=True, help_text=_("What the order is about when it is not a case")
    )
    department = models.ForeignKey(
        "catalog.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    instruction = models.TextField(_("instruction"))
    due_date = models.DateField(_("act by"))
    due_at = models.DateTimeField(_("overdue from"), db_index=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=OrderState.choices, default=OrderState.OPEN)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["department", "state"], name="order_department_state")]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")

    def __str__(self) -> str:
        return f"#{self.pk} {self.case.number if self.case_id else self.subject}"


class OrderEvent(AppendOnly):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="events")
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

    class Meta:
        ordering = ["order", "at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"
