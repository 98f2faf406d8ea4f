"""A window group (窗口组): the windows of one hall that call from one queue, with the items they serve.
Numbers are taken, and appointment slots offered, per group: 'A012' is the twelfth number of group A."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowGroup(models.Model):
    hall = models.ForeignKey(
        "catalog.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="window_groups"
    )
    code = models.CharField(
        _("number prefix"), max_length=4, help_text=_("Letters put before the queue numbers, e.g. A")
    )
    name = models.CharField(_("name"), max_length=100)
    windows = models.ManyToManyField(
        "catalog.Window", verbose_name=_("windows"), blank=True, related_name="groups"
    )
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        verbose_name=_("items served"),
        blank=True,
        related_name="window_groups",
        help_text=_("The items a resident may take a number or book a slot for in this group"),
    )
    service_minutes = models.PositiveSmallIntegerField(
        _("average service time (minutes)"),
        default=10,
        help_text=_("Used for the estimated wait until enough visits have been served today"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hall__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "code"], name="window_group_code_unique_in_hall")
        ]
        verbose_name = _("window group")
        verbose_name_plural = _("window groups")

    def __str__(self) -> str:
        return f"{self.hall.name} {self.code} {self.name}"
