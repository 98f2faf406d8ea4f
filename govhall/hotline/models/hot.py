"""The proactive task (未诉先办): a hot topic (area × subject × week, govhall.hotline.hot) turned into a
ticket of the channel "found by the centre", dispatched to a unit with a deadline. One task per topic and
week: the unique constraint is what answers a second, concurrent creation with 409."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProactiveTask(models.Model):
    area = models.ForeignKey(
        "hotline.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    # The topic's subject at the level hot topics are counted on (GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS).
    subject = models.ForeignKey(
        "hotline.Subject",
        verbose_name=pgettext_lazy("hotline", "subject"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    week = models.DateField(_("week (Monday)"))
    # The figures the task was made from, kept as they were.
    count = models.PositiveIntegerField(_("tickets in the week"))
    baseline = models.DecimalField(_("baseline (tickets a week)"), max_digits=9, decimal_places=2)
    ticket = models.OneToOneField(
        "hotline.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="proactive_task"
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-week", "area__code", "subject__code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "subject", "week"], name="proactive_task_once_per_topic")
        ]
        verbose_name = _("proactive task")
        verbose_name_plural = _("proactive tasks")

    def __str__(self) -> str:
        return f"{self.week} {self.area_id}/{self.subject_id} → {self.ticket_id}"
