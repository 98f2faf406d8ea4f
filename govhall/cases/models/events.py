"""The append-only audit trail of a case. The clock is replayed from these rows.

The application never updates or deletes an event: save() refuses updates, delete() is refused, the
queryset refuses bulk update/delete, and database triggers (migration 0002) reject UPDATE and DELETE
for anything that bypasses the ORM.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from govhall.cases.models.case import Case


class EventsAreAppendOnly(Exception):
    """Someone tried to change or remove a case event."""


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("One-time notice issued")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplementary materials received")
    SUPPLEMENT_COMPLETED = "supplement_completed", _("Materials complete")
    ACCEPTED = "accepted", _("Accepted")
    DEEMED_ACCEPTED = "deemed_accepted", _("Deemed accepted (5-day rule)")
    REJECTED = "rejected", _("Not accepted")
    STEP_STARTED = "step_started", _("Step started")
    STEP_COMPLETED = "step_completed", _("Step completed")
    STEP_RETURNED = "step_returned", _("Step returned")
    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    CONCLUDED = "concluded", _("Concluded")
    DELIVERED = "delivered", _("Result delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONVERTED_TO_COMMITTED = "converted_to_committed", _("Immediate case became committed")
    CONSULTATION_REGISTERED = "consultation_registered", _("Consultation registered")
    CONSULTATION_ANSWERED = "consultation_answered", _("Consultation answered")
    CONSULTATION_PUBLISHED = "consultation_published", _("Consultation published")
    CONSULTATION_UNPUBLISHED = "consultation_unpublished", _("Consultation withdrawn from publication")
    MATERIALS_SENT = "materials_sent", _("Materials sent to the centre")
    MATERIALS_RECEIVED = "materials_received", _("Materials received at the centre")
    DOCUMENT_ADDED = "document_added", _("Document added")
    CLOCK_RECOMPUTED = "clock_recomputed", _("Due dates counted again (calendar changed)")


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise EventsAreAppendOnly("case events are append-only: update refused")

    def delete(self):
        raise EventsAreAppendOnly("case events are append-only: delete refused")


class CaseEvent(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted (a sweep or a rule)"),
    )
    source = models.CharField(
        _("from where"), max_length=200, blank=True, help_text=_("Channel, IP address or terminal")
    )
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        # The statistics' drill-down lists select events by kind and time (govhall.stats.drilldown).
        indexes = [models.Index(fields=["kind", "at"], name="case_event_kind_at")]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise EventsAreAppendOnly("case events are append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise EventsAreAppendOnly("case events are append-only: delete refused")
