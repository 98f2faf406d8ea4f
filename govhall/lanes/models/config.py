"""A lane's configuration: one row per version (like ServiceItem), its stages, their items, the unified
form (一表通) and the shared set of materials (一套材料).

A published version is never edited: its stages, items, fields and materials refuse to be saved or
deleted. To change a lane, `services.revise_lane` copies it to a new draft version.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LaneStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    LaneStatus.DRAFT: frozenset({LaneStatus.PUBLISHED, LaneStatus.WITHDRAWN}),
    LaneStatus.PUBLISHED: frozenset({LaneStatus.SUPERSEDED, LaneStatus.WITHDRAWN}),
    LaneStatus.SUPERSEDED: frozenset(),
    LaneStatus.WITHDRAWN: frozenset(),
}


class PublishedLaneIsImmutable(ValidationError):
    """Someone tried to change a published (or superseded) lane version in place."""


class Lane(models.Model):
    """One version of a fast lane."""

    code = models.SlugField(_("lane code"), max_length=40, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=LaneStatus.choices, default=LaneStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    lead_department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="led_lanes",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="lane_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="published"), name="lane_one_published_version"
            ),
        ]
        verbose_name = _("fast lane")
        verbose_name_plural = _("fast lanes")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == LaneStatus.DRAFT


class DraftOnly(models.Model):
    """A part of a lane version: written only while the version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def owning_lane(self) -> Lane:
        raise NotImplementedError

    def _refuse_unless_draft(self) -> None:
        lane = self.owning_lane()
        if lane.pk and Lane.objects.filter(pk=lane.pk).exclude(status=LaneStatus.DRAFT).exists():
            raise PublishedLaneIsImmutable(
                _("Lane %(lane)s version %(version)s is published: revise it to change it.")
                % {"lane": lane.name, "version": lane.version},
                code="immutable",
            )


class JoinRule(models.TextChoices):
    ALL = "all", _("All items approved")
    SUBSET = "subset", _("The marked items approved")


class Stage(DraftOnly):
    """A stage: a parallel set of items (BPMN: a parallel gateway and its join) under a lead department."""

    lane = models.ForeignKey(
        Lane, verbose_name=_("fast lane"), on_delete=models.CASCADE, related_name="stages"
    )
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    lead_department = models.ForeignKey(
        "catalog.Department", verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="+"
    )
    join_rule = models.CharField(
        _("join rule"), max_length=10, choices=JoinRule.choices, default=JoinRule.ALL
    )
    limit_days = models.PositiveIntegerField(
        _("stage limit (working days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the longest promised limit of the stage's items. Never above their legal sum."),
    )

    class Meta:
        ordering = ["lane", "position"]
        constraints = [models.UniqueConstraint(fields=["lane", "position"], name="stage_position_unique")]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def owning_lane(self) -> Lane:
        return self.lane


class StageItem(DraftOnly):
    """A service item handled in a stage, and how its own application fields come from the unified form."""

    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    item = models.ForeignKey(
        "catalog.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT, related_name="+"
    )
    in_join = models.BooleanField(
        _("needed to pass the stage"),
        default=True,
        help_text=_("Under the join rule “the marked items approved”: this item must be approved"),
    )
    field_map = models.JSONField(
        _("field mapping"),
        default=dict,
        blank=True,
        help_text=_("The item's application fields and the unified-form field each comes from"),
    )

    class Meta:
        ordering = ["stage", "position", "id"]
        verbose_name = _("stage item")
        verbose_name_plural = _("stage items")

    def __str__(self) -> str:
        return str(self.item)

    def owning_lane(self) -> Lane:
        return self.stage.lane


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    ID_NUMBER = "id_number", _("Resident ID number")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    ADDRESS = "address", _("Address")
    FILE = "file", _("File")


# What a field may fill on every item case besides the item's application (the case's applicant).
APPLICANT_BINDINGS = (
    ("", _("—")),
    ("applicant_name", _("Applicant's name")),
    ("id_number", _("Applicant's resident ID number")),
    ("credit_code", _("Applicant's credit code")),
    ("legal_representative", _("Legal representative")),
    ("contact_name", _("Contact person")),
    ("phone", _("Contact phone")),
    ("address", _("Address")),
)


class FormField(DraftOnly):
    """One field of the lane's unified form (一表通)."""

    lane = models.ForeignKey(
        Lane, verbose_name=_("fast lane"), on_delete=models.CASCADE, related_name="form_fields"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    required = models.BooleanField(_("required"), default=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For a choice: the options")
    )
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=18, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=18, decimal_places=2, null=True, blank=True)
    pattern = models.CharField(_("pattern (regular expression)"), max_length=200, blank=True)
    pattern_message = models.CharField(
        _("message when the pattern does not match"), max_length=200, blank=True
    )
    binds = models.CharField(
        _("fills the applicant's"), max_length=30, choices=APPLICANT_BINDINGS, blank=True, default=""
    )

    class Meta:
        ordering = ["lane", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["lane", "key"], name="form_field_key_unique")]
        verbose_name = _("unified-form field")
        verbose_name_plural = _("unified-form fields")

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    def owning_lane(self) -> Lane:
        return self.lane


class LaneMaterial(DraftOnly):
    """One material of the lane's set (一套材料): handed in once, it counts for every item it covers."""

    lane = models.ForeignKey(
        Lane, verbose_name=_("fast lane"), on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    originals = models.PositiveIntegerField(_("originals"), default=0)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    required = models.BooleanField(_("required"), default=True)
    covers = models.JSONField(
        _("covers"),
        default=list,
        blank=True,
        help_text=_('The item materials it stands for: [{"item": item code, "material": material name}, …]'),
    )

    class Meta:
        ordering = ["lane", "position", "id"]
        verbose_name = _("lane material")
        verbose_name_plural = _("lane materials")

    def __str__(self) -> str:
        return self.name

    def owning_lane(self) -> Lane:
        return self.lane
