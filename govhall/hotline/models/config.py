"""Versioned configuration: the dispatch catalogue (派单目录) and the time limits (办理时限).

Each is a numbered version that is drafted, then put in force from a moment; the version in force at a
ticket's dispatch is recorded on the ticket (and on each dispatch), so a later version never changes the
rules a ticket was handled under."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.hotline.models.tickets import RequestType, Urgency


class DispatchCatalogue(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    # None: a draft, not yet in force. The version in force at t is the highest with in_force_from <= t.
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Who takes a ticket no rule covers (兜底), e.g. the district government's office.
    fallback_unit = models.ForeignKey(
        "catalog.Department", verbose_name=_("fallback unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("dispatch catalogue")
        verbose_name_plural = _("dispatch catalogues")

    def __str__(self) -> str:
        return f"v{self.version}"


class DispatchRule(models.Model):
    """(subject × area) → lead unit, co-units and this rule's fallback unit. The subject may be any level
    (the most specific one wins); no area means every area (an area's own rule wins)."""

    catalogue = models.ForeignKey(
        DispatchCatalogue, verbose_name=_("catalogue"), on_delete=models.CASCADE, related_name="rules"
    )
    subject = models.ForeignKey(
        "hotline.Subject",
        verbose_name=pgettext_lazy("hotline", "subject"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "hotline.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lead_unit = models.ForeignKey(
        "catalog.Department", verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField(
        "catalog.Department", verbose_name=_("co-units"), blank=True, related_name="+"
    )
    fallback_unit = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("fallback unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["subject__code", "area__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "subject", "area"],
                name="dispatch_rule_once",
                condition=Q(area__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["catalogue", "subject"],
                name="dispatch_rule_once_any_area",
                condition=Q(area__isnull=True),
            ),
        ]
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")

    def __str__(self) -> str:
        return f"{self.catalogue} {self.subject.code} {self.area or '*'} → {self.lead_unit}"


class LimitPolicy(models.Model):
    """A version of the time limits per request type × urgency."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")

    def __str__(self) -> str:
        return f"v{self.version}"


class Limit(models.Model):
    """Sign for within `sign_hours` hours; handle and reply within `handle_workdays` working days, or within
    `handle_hours` clock hours (紧急/特急); return a misassigned ticket within `return_workdays`."""

    policy = models.ForeignKey(
        LimitPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="limits"
    )
    request_type = models.CharField(_("request type"), max_length=12, choices=RequestType.choices)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    sign_hours = models.PositiveIntegerField(_("sign for within (hours)"))
    handle_workdays = models.PositiveIntegerField(_("handle within (working days)"), null=True, blank=True)
    handle_hours = models.PositiveIntegerField(_("handle within (hours)"), null=True, blank=True)
    return_workdays = models.PositiveIntegerField(_("return within (working days)"), default=2)

    class Meta:
        ordering = ["request_type", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "request_type", "urgency"], name="limit_once"),
            models.CheckConstraint(
                condition=Q(handle_workdays__isnull=False) | Q(handle_hours__isnull=False),
                name="limit_has_handling_time",
            ),
        ]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")

    def __str__(self) -> str:
        handle = f"{self.handle_workdays}WD" if self.handle_workdays else f"{self.handle_hours}h"
        return f"{self.policy} {self.request_type}/{self.urgency}: {self.sign_hours}h, {handle}"
