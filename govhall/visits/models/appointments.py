"""Appointments (预约): weekly slot templates per window group, the concrete slots generated from them on
working days only, and the bookings residents make of those slots. A slot's `booked` counter is claimed by
compare-and-swap (`booked < capacity`), so concurrent bookings never exceed its capacity."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SlotKind(models.TextChoices):
    REGULAR = "regular", _("Regular hours")
    OFF_PEAK = "off_peak", _("Off-peak hours (错时)")
    EXTENDED = "extended", _("Extended hours (延时)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SlotTemplate(models.Model):
    """Every <weekday> from <start> to <end>, <capacity> bookings for <group> (and, optionally, one item).
    A Saturday template only yields slots on Saturdays that the calendar makes working days (调休)."""

    group = models.ForeignKey(
        "visits.WindowGroup",
        verbose_name=_("window group"),
        on_delete=models.CASCADE,
        related_name="slot_templates",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: any item the group serves"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("starts at"))
    end = models.TimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=4)
    kind = models.CharField(
        _("kind of hours"), max_length=10, choices=SlotKind.choices, default=SlotKind.REGULAR
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["group", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="slot_template_ends_after_start"
            )
        ]
        verbose_name = _("slot template")
        verbose_name_plural = _("slot templates")

    def __str__(self) -> str:
        return f"{self.group} {self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Slot(models.Model):
    group = models.ForeignKey(
        "visits.WindowGroup", verbose_name=_("window group"), on_delete=models.PROTECT, related_name="slots"
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    template = models.ForeignKey(
        SlotTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
    )
    day = models.DateField(_("day"))
    start_at = models.DateTimeField(_("starts at"))
    end_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    kind = models.CharField(
        _("kind of hours"), max_length=10, choices=SlotKind.choices, default=SlotKind.REGULAR
    )

    class Meta:
        ordering = ["start_at", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "start_at", "template"], name="slot_unique_per_template_start"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_booked_within_capacity"
            ),
        ]
        indexes = [models.Index(fields=["group", "day"], name="slot_group_day")]
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")

    def __str__(self) -> str:
        return f"{self.group.code} {self.day} {self.start_at:%H:%M}"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    def has_started(self, now: datetime) -> bool:
        return now >= self.start_at


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Number taken")
    CANCELLED = "cancelled", _("Cancelled")


class Booking(models.Model):
    """A resident's appointment. A no-show is a booking still `booked` when its slot has ended."""

    slot = models.ForeignKey(Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings")
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
        related_name="bookings",
    )
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=BookingState.choices, default=BookingState.BOOKED
    )
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    visit = models.OneToOneField(
        "visits.Visit",
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booking",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-booked_at"]
        indexes = [models.Index(fields=["person", "state"], name="booking_person_state")]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return self.code

    def is_no_show(self, now: datetime) -> bool:
        return self.state == BookingState.BOOKED and now >= self.slot.end_at


class QueueCounter(models.Model):
    """The last queue number of a window group on a day; taken by UPDATE … RETURNING under its row lock."""

    group = models.ForeignKey("visits.WindowGroup", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="queue_counter_unique")]
        verbose_name = _("queue counter")
        verbose_name_plural = _("queue counters")

    def __str__(self) -> str:
        return f"{self.group_id} {self.day} {self.last}"
