"""The working-day calendar as data.

Only the days that differ from plain Monday–Friday, or carry a holiday name, are stored: statutory
holidays (with the weekend days inside a holiday), weekend make-up working days (调休上班) and local rest
days. Every change adds a `CalendarRevision`; its id is the calendar version stored beside deadlines.
The arithmetic lives in `calendar.py`; writes go through `services.py`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


class CalendarDay(models.Model):
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, help_text=_("For example 春节, 国庆节, 春节调休上班"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the entry comes from: a package version, the notice URL, or “local”"),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.NATIONAL)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

    def clean(self) -> None:
        from govhall.workdays.calendar import FIRST_YEAR, LAST_YEAR

        if self.date is not None and not FIRST_YEAR <= self.date.year <= LAST_YEAR:
            raise ValidationError(
                {
                    "date": _("must be between %(first)s and %(last)s")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                }
            )


class CalendarYear(models.Model):
    """A year for which the official notice (or the seed data) is loaded. Other years are provisional."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=300)
    title = models.CharField(_("notice title"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarRevision(models.Model):
    """Append-only: one row per change to the calendar; the id is the calendar version."""

    created_at = models.DateTimeField(_("created at"))
    summary = models.CharField(_("summary"), max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The id alone is not enough to notice a change: after a rolled-back write SQLite hands the same id
    # to the next revision, so processes compare (id, nonce).
    nonce = models.UUIDField(_("nonce"), default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")

    def __str__(self) -> str:
        return f"v{self.pk} {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("calendar revisions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("calendar revisions are append-only")
