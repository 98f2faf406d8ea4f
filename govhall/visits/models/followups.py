"""The follow-up of a bad rating (差评整改): assigned by "谁办理、谁负责" to the department that handled the
rated service; call back and verify, record a finding, rectify where founded and report back to the rater;
or appeal (申诉) to the centre. The states and moves are one table in govhall.visits.states; every deadline
carries warn_at/due_at and a light, with reminders sent once and escalation through supervision."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpState(models.TextChoices):
    CALLBACK = "callback", _("To call back and verify")
    RECTIFYING = "rectifying", _("Rectifying")
    APPEALED = "appealed", _("Appeal under review")
    CLOSED = "closed", _("Closed")


class FollowUp(models.Model):
    rating = models.OneToOneField(
        "visits.Rating", verbose_name=_("rating"), on_delete=models.PROTECT, related_name="follow_up"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=FollowUpState.choices, default=FollowUpState.CALLBACK
    )
    opened_at = models.DateTimeField(_("opened at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("follow-up of a bad rating")
        verbose_name_plural = _("follow-ups of bad ratings")

    def __str__(self) -> str:
        return f"{self.rating} → {self.department}"
