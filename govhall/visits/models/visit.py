"""The visit (一次办事): one queue number from the moment it is taken to the end of its service, with the
who, what, where and when that waiting and service times and the visit's rating (一次一评) are counted
from. The allowed moves between its states are one table in govhall.visits.visit_states."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VisitState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    ABSENT = "absent", _("Absent (skipped)")
    CANCELLED = "cancelled", _("Cancelled")


class VisitSource(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    BOOKING = "booking", _("Appointment")


class Visit(models.Model):
    hall = models.ForeignKey(
        "catalog.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "visits.WindowGroup", verbose_name=_("window group"), on_delete=models.PROTECT, related_name="visits"
    )
    day = models.DateField(_("day"))
    sequence = models.PositiveIntegerField(_("sequence of the day in the group"))
    number = models.CharField(_("queue number"), max_length=12)
    source = models.CharField(
        _("source"), max_length=10, choices=VisitSource.choices, default=VisitSource.WALK_IN
    )
    state = models.CharField(
        _("state"), max_length=12, choices=VisitState.choices, default=VisitState.WAITING
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident (account)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        help_text=_("Known when the number was taken signed in or by a booking code"),
    )
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_served",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case opened during the visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    ticket_at = models.DateTimeField(_("number taken at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("service ended at"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("times called"), default=0)
    # part visit: the order of the queue. A booked number queues from its slot's start and before a
    # walk-in of the same moment (priority 0); a walk-in queues from its ticket (priority 1).
    queue_at = models.DateTimeField(_("queues from"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    transfers = models.PositiveSmallIntegerField(_("times transferred"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-day", "group", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "day", "sequence"], name="visit_sequence_unique_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "day", "state"], name="visit_hall_day_state"),
            models.Index(fields=["window", "ended_at"], condition=Q(state="done"), name="visit_window_done"),
            # ratingstats: the visits done in a period (rateable), whatever the window
            models.Index(fields=["ended_at"], condition=Q(state="done"), name="visit_done_end"),
            # part visit: call next
            models.Index(
                fields=["group", "day", "state", "queue_at", "priority", "sequence"], name="visit_queue_order"
            ),
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.day} {self.number}"
