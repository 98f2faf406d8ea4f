"""好差评: one rating per case (一事一评), per visit (一次一评) or per remote help session, or of the website.
A rating may be changed within a configured period: the change is a new row and the last one counts
(is_current); the earlier rows stay in the record. An appeal upheld by the centre takes a rating out of
the figures (counts=False) but never out of the record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")  # 非常满意
    SATISFIED = 4, _("Satisfied")  # 满意
    FAIRLY_SATISFIED = 3, _("Fairly satisfied")  # 基本满意
    DISSATISFIED = 2, _("Dissatisfied")  # 不满意
    VERY_DISSATISFIED = 1, _("Very dissatisfied")  # 非常不满意


# 不满意 and 非常不满意: a reason is required and a follow-up opens.
BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class RatedObject(models.TextChoices):
    CASE = "case", _("Case")
    VISIT = "visit", _("Visit")
    WEBSITE = "website", _("Website")
    # A remote help session (远程帮办) of the online service hall: the portal, above the visits, keeps the
    # link (HelpSession.rating), so the rating row names no session itself.
    HELP = "help", _("Remote help session")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Online service hall")
    TABLET = "tablet", _("Window tablet")
    NOTICE = "notice", _("Code on a printed notice")
    PHONE = "phone", _("By phone (hotline)")
    SMS = "sms", _("SMS invitation")


class RatingReason(models.Model):
    """The configured reasons a bad rating must choose from (态度, 效率, 流程, 材料要求, 环境, 其他)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("reason for a bad rating")
        verbose_name_plural = _("reasons for a bad rating")

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    rated = models.CharField(_("rated"), max_length=10, choices=RatedObject.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    visit = models.ForeignKey(
        "visits.Visit",
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=RatingLevel.choices)
    reasons = models.ManyToManyField(
        RatingReason, verbose_name=_("reasons"), blank=True, related_name="ratings"
    )
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by (account)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings_given",
    )
    rater_phone = models.CharField(_("rater's mobile number"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by (operator)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The hotline operator who took a rating given by phone"),
    )
    # Who and what is rated, copied at rating time ("谁办理、谁负责") so that the figures group by them
    # without joining through cases and visits.
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
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
        related_name="ratings_received",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item (version)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"))
    is_current = models.BooleanField(
        _("current"), default=True, help_text=_("The last rating of its object counts")
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    counts = models.BooleanField(
        _("counted in the figures"), default=True, help_text=_("False once an appeal against it is upheld")
    )

    class Meta:
        ordering = ["-rated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="rating_one_current_per_case"
            ),
            models.UniqueConstraint(
                fields=["visit"], condition=Q(is_current=True), name="rating_one_current_per_visit"
            ),
            models.CheckConstraint(
                condition=(Q(rated="case", case__isnull=False, visit__isnull=True))
                | (Q(rated="visit", visit__isnull=False, case__isnull=True))
                | (Q(rated__in=["website", "help"], case__isnull=True, visit__isnull=True)),
                name="rating_object_matches_kind",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [
            models.Index(fields=["department", "rated_at"], name="rating_department_time"),
            # ratingstats: a period's counted ratings, whatever the dimension (docs/benchmarks.md, "Ratings")
            models.Index(
                fields=["rated_at"], condition=Q(is_current=True, counts=True), name="rating_counted_time"
            ),
        ]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.get_rated_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS
