"""An online application (网上申报): a draft kept on the server while the applicant fills it in, then the
submitted application, which points at the case it became. The case is the one record of the legal clock:
the application holds no state of its own after submission (no "pre-case" state machine)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    DISCARDED = "discarded", _("Discarded")


class Application(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    company = models.ForeignKey(
        "portal.Company",
        verbose_name=_("on behalf of company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("Empty: the account holder applies in their own name"),
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item (version started on)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lane = models.ForeignKey(
        "lanes.Lane",
        verbose_name=_("fast lane"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    answers = models.JSONField(_("answers to the situation questions"), default=dict, blank=True)
    data = models.JSONField(_("form data"), default=dict, blank=True)
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )
    lane_case = models.OneToOneField(
        "lanes.LaneCase",
        verbose_name=_("fast-lane case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("last saved at"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # For the 409 answer "what changed since your version": the version at which each form field (and
    # "answers", "materials") was last changed.
    stamps = models.JSONField(_("versions of the last change per field"), default=dict, blank=True)
    reminded_at = models.DateTimeField(_("removal reminder sent at"), null=True, blank=True)
    # The summary of the last remote help session (what was corrected, what is still missing).
    help_summary = models.TextField(_("summary of the remote help"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("online application")
        verbose_name_plural = _("online applications")

    def __str__(self) -> str:
        subject = self.item.name if self.item_id else (self.lane.name if self.lane_id else "?")
        return f"{subject} ({self.get_state_display()})"
