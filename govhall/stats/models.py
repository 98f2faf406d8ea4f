"""Roll-ups of the case events (kept up to date inside every case service), ranking weights, stored reports.

The roll-up tables key their rows by plain integers (0 = none) rather than foreign keys: a consultation
has no item, and a unique key over nullable columns would not be unique on every database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from govhall.stats.indicators import RANKED_LABELS

# The additive measures of DailyFigure and MonthlyFigure, in the order of docs/indicators.md.
MEASURES = (
    "received",
    "accepted",
    "consultations",
    "first_time",
    "rejected",
    "notices",
    "suspensions",
    "extensions",
    "withdrawn",
    "concluded",
    "timed",
    "on_time",
    "early",
    "used_days",
    "promised_days",
    "online_decided",
    "online_first_time",
)
KEYS = ("day", "department", "hall", "item", "channel", "kind")
# The monthly roll-ups' key: no day and no item.
MONTH_KEYS = ("month", "department", "hall", "channel", "kind")


class Keyed(models.Model):
    day = models.DateField(_("day"))
    department = models.PositiveIntegerField(_("department id"), default=0)
    hall = models.PositiveIntegerField(_("hall id"), default=0)
    item = models.PositiveIntegerField(_("item id"), default=0)
    channel = models.CharField(_("channel"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)

    class Meta:
        abstract = True


class Measures(models.Model):
    """The additive measures (MEASURES) of a roll-up row."""

    received = models.IntegerField(default=0, db_default=0)
    accepted = models.IntegerField(default=0, db_default=0)
    consultations = models.IntegerField(default=0, db_default=0)
    first_time = models.IntegerField(default=0, db_default=0)
    rejected = models.IntegerField(default=0, db_default=0)
    notices = models.IntegerField(default=0, db_default=0)
    suspensions = models.IntegerField(default=0, db_default=0)
    extensions = models.IntegerField(default=0, db_default=0)
    withdrawn = models.IntegerField(default=0, db_default=0)
    concluded = models.IntegerField(default=0, db_default=0)
    timed = models.IntegerField(default=0, db_default=0)
    on_time = models.IntegerField(default=0, db_default=0)
    early = models.IntegerField(default=0, db_default=0)
    used_days = models.IntegerField(default=0, db_default=0)
    promised_days = models.IntegerField(default=0, db_default=0)
    # Online applications decided at intake (accepted, deemed accepted or not accepted), and those accepted
    # without any return for correction: the first-time success rate (一次性提交成功率).
    online_decided = models.IntegerField(default=0, db_default=0)
    online_first_time = models.IntegerField(default=0, db_default=0)

    class Meta:
        abstract = True


class DailyFigure(Keyed, Measures):
    """Counts of one day for one department, hall, item, channel and kind (as received)."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(KEYS), name="stats_daily_key")]
        indexes = [models.Index(fields=["day", "department"], name="stats_daily_day_dept")]
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")

    def __str__(self) -> str:
        return f"{self.day} {self.department}/{self.hall}/{self.item} {self.channel} {self.kind}"


class DailyDuration(Keyed):
    """How many cases concluded that day used exactly `used` working days: the percentiles' histogram."""

    used = models.IntegerField(_("working days used"))
    count = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=[*KEYS, "used"], name="stats_duration_key")]
        verbose_name = _("daily duration")
        verbose_name_plural = _("daily durations")

    def __str__(self) -> str:
        return f"{self.day} used {self.used}: {self.count}"


class LateClosure(Keyed):
    """Cases closed (concluded or withdrawn) after their promised due date `due`, by closing `day`.

    A period ending on E counts such a case as open and overdue when due < E < day: with the cases still
    open now, this gives the honest on-time rate's denominator for any past period.
    """

    due = models.DateField(_("promised due date"))
    count = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=[*KEYS, "due"], name="stats_late_key")]
        verbose_name = _("late closure")
        verbose_name_plural = _("late closures")

    def __str__(self) -> str:
        return f"{self.day} due {self.due}: {self.count}"


class MonthKeyed(models.Model):
    """The key of the monthly roll-ups: the daily key summed over the month's days and over the items."""

    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    department = models.PositiveIntegerField(_("department id"), default=0)
    hall = models.PositiveIntegerField(_("hall id"), default=0)
    channel = models.CharField(_("channel"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20)

    class Meta:
        abstract = True


class MonthlyFigure(MonthKeyed, Measures):
    """DailyFigure summed by month, department, hall, channel and kind: what a period of whole months
    reads when it is not filtered by item (a year is 12 reads of a few thousand rows each instead of
    hundreds of thousands of daily rows). Kept by the same upsert as the daily rows."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(MONTH_KEYS), name="stats_monthly_key")]
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department}/{self.hall} {self.channel} {self.kind}"


class MonthlyDuration(MonthKeyed):
    """DailyDuration summed like MonthlyFigure."""

    used = models.IntegerField(_("working days used"))
    count = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=[*MONTH_KEYS, "used"], name="stats_monthly_duration_key")
        ]
        verbose_name = _("monthly duration")
        verbose_name_plural = _("monthly durations")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} used {self.used}: {self.count}"


RANKED_CHOICES = [(k, label) for k, label in RANKED_LABELS.items()]


class Weight(models.Model):
    """One indicator's weight in the department ranking (a singleton set edited in the admin)."""

    indicator = models.CharField(_("indicator"), max_length=40, unique=True, choices=RANKED_CHOICES)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("ranking weight")
        verbose_name_plural = _("ranking weights")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.weight}"


class RankingSettings(models.Model):
    """The minimum number of concluded cases a department needs in the month to be ranked."""

    min_cases = models.PositiveIntegerField(_("minimum cases to be ranked"), default=20)

    class Meta:
        verbose_name = _("ranking settings")
        verbose_name_plural = _("ranking settings")

    def __str__(self) -> str:
        return str(_("minimum cases to be ranked: %(n)s") % {"n": self.min_cases})


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishedReportIsFrozen(Exception):
    """A published assessment report never changes."""

    def __init__(self, report: Report) -> None:
        super().__init__(
            gettext("The report for %(month)s is published: a published report never changes.")
            % {"month": f"{report.month:%Y-%m}"}
        )


class Report(models.Model):
    """A monthly assessment report (考核通报): its figures as computed, stored, frozen once published."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    data = models.JSONField(_("figures"), default=dict)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the command generated it"),
    )
    # Each regeneration of a draft adds one: publishing names the version the leader read (else 409).
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("assessment report")
        verbose_name_plural = _("assessment reports")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    def save(self, *args, **kwargs) -> None:
        if self.pk and Report.objects.filter(pk=self.pk, state=ReportState.PUBLISHED).exists():
            raise PublishedReportIsFrozen(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state == ReportState.PUBLISHED:
            raise PublishedReportIsFrozen(self)
        return super().delete(*args, **kwargs)
