"""Crossings of a threshold, and escalations: one row each, the proof that a reminder went out once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.supervision.models.base import AppendOnly


class AlertLevel(models.TextChoices):
    YELLOW = "yellow", _("Deadline near")
    RED = "red", _("Overdue")
    ESCALATED = "escalated", _("Escalated")


class Alert(AppendOnly):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(
        "cases.Step",
        verbose_name=_("step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    level = models.CharField(_("level"), max_length=20, choices=AlertLevel.choices)
    threshold_at = models.DateTimeField(
        _("threshold"), help_text=_("The yellow or red time that was crossed")
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the sweep found the crossing"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # A second sweep that somehow claimed the same crossing fails here instead of reminding twice.
            models.UniqueConstraint(
                fields=["step", "level", "threshold_at"],
                condition=Q(step__isnull=False) & ~Q(level="escalated"),
                name="alert_once_per_step_crossing",
            ),
            models.UniqueConstraint(
                fields=["case", "level", "threshold_at"],
                condition=Q(step__isnull=True) & ~Q(level="escalated"),
                name="alert_once_per_case_crossing",
            ),
        ]
        indexes = [models.Index(fields=["department", "at"], name="alert_department_at")]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.case_id}/{self.step_id} {self.level} {self.threshold_at:%Y-%m-%d}"


class LaneAlert(AppendOnly):
    """A fast-lane case crossing its yellow or red time (lanes.LaneCase warn_at / due_at): the proof that
    the lane's lead department head was reminded once per crossing."""

    lane_case = models.ForeignKey(
        "lanes.LaneCase", verbose_name=_("lane case"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    level = models.CharField(_("level"), max_length=20, choices=AlertLevel.choices)
    threshold_at = models.DateTimeField(
        _("threshold"), help_text=_("The yellow or red time that was crossed")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lane_case", "level", "threshold_at"], name="lane_alert_once_per_crossing"
            )
        ]
        verbose_name = _("lane alert")
        verbose_name_plural = _("lane alerts")

    def __str__(self) -> str:
        return f"{self.lane_case_id} {self.level} {self.threshold_at:%Y-%m-%d}"


class PendingFlag(models.Model):
    """Case events whose flag rules failed (hooks.on_case_changed): kept until a sweep retries them with
    success, so no flag is lost to a passing error. Card keys are unique per event, so a retry never
    issues a card twice."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(_("event kinds"), default=list)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    next_try = models.DateTimeField(_("next try"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["next_try", "id"]
        indexes = [
            models.Index(fields=["next_try"], name="pending_flag_due", condition=Q(done_at__isnull=True))
        ]
        verbose_name = _("pending flag")
        verbose_name_plural = _("pending flags")

    def __str__(self) -> str:
        return f"{self.case_id} {','.join(self.kinds)} ×{self.attempts}"
