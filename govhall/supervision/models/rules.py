"""Threshold rules: when a light turns yellow. Set by an administrator globally, per department, per item."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ThresholdRule(models.Model):
    """Yellow when the remaining working days fall to `warn_days` or to `warn_percent` % of the limit,
    whichever comes first. The most specific rule wins: item, then department, then the global one, then
    the settings GOVHALL_WARN_DAYS / GOVHALL_WARN_PERCENT (1 day, 20 %)."""

    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    item_code = models.CharField(
        _("item code"), max_length=80, blank=True, help_text=_("Applies to every version of the item")
    )
    warn_days = models.PositiveSmallIntegerField(
        _("yellow at working days left"), null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("yellow at % of the limit left"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["item_code", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["item_code"], condition=~Q(item_code=""), name="threshold_one_per_item"
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(department__isnull=False, item_code=""),
                name="threshold_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["item_code"],
                condition=Q(department__isnull=True, item_code=""),
                name="threshold_one_global",
                violation_error_message=_("There is already a global rule."),
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=True) | Q(item_code=""),
                name="threshold_item_or_department",
                violation_error_message=_("A rule is for an item or for a department, not both."),
            ),
            models.CheckConstraint(
                condition=Q(warn_days__isnull=False) | Q(warn_percent__isnull=False),
                name="threshold_days_or_percent",
                violation_error_message=_("Give the working days, the percentage, or both."),
            ),
        ]
        verbose_name = _("threshold rule")
        verbose_name_plural = _("threshold rules")

    def __str__(self) -> str:
        scope = self.item_code or (self.department and self.department.name) or _("global")
        return f"{scope}: {self.warn_days} / {self.warn_percent} %"
