"""The catalogue (事项目录): departments, the three-level hall network, windows and versioned service items.

A service item is stored as one row per version. Its `code` is the identity across versions; a case keeps
the version (row) it was opened under, so editing a published item never changes an open case.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.catalog.pinyin import pinyin_full, pinyin_initials


class Department(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    is_resident = models.BooleanField(
        _("resident in the centre"),
        default=True,
        help_text=_("A resident department has windows in the centre's hall"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class HallLevel(models.TextChoices):
    CENTRE = "centre", _("City centre")
    SUB_HALL = "sub_hall", _("Sub-hall")
    TOWNSHIP = "township", _("Township hall")
    POINT = "point", _("Village/community service point")


# Which level a hall's parent must have (None: no parent).
PARENT_LEVEL = {
    HallLevel.CENTRE: None,
    HallLevel.SUB_HALL: HallLevel.CENTRE,
    HallLevel.TOWNSHIP: HallLevel.CENTRE,
    HallLevel.POINT: HallLevel.TOWNSHIP,
}


class Hall(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=HallLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent hall"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_halls",
        help_text=_("For a sub-hall: the department that runs it"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    region_code = models.CharField(_("division code"), max_length=12, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from govhall.catalog.rules import hall_errors

        parent = self.parent if self.parent_id else None
        errors = hall_errors(
            level=self.level,
            parent_level=parent.level if parent else None,
            has_parent=parent is not None,
            has_department=self.department_id is not None,
        )
        if errors:
            raise ValidationError(errors)


class Window(models.Model):
    hall = models.ForeignKey(Hall, verbose_name=_("hall"), on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("window number"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments served"), blank=True, related_name="windows"
    )
    items = models.ManyToManyField(
        "ServiceItem",
        verbose_name=_("items served"),
        blank=True,
        related_name="windows",
        help_text=_("Leave empty to serve every item of the departments above"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hall__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_unique_in_hall")
        ]
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number} {self.name}"


class LicenceType(models.Model):
    """A kind of licence or certificate (证照) that items issue as their result and other items ask for as a
    material. With it, a concluded case records an electronic licence (电子证照) of the holder, and an item
    that needs such a licence takes it from the applicant's valid licences instead of an upload (免提交)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    validity_years = models.PositiveIntegerField(
        _("valid for (years)"), default=0, help_text=_("0: valid until revoked")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self) -> str:
        return self.name


class ItemType(models.TextChoices):
    LICENCE = "licence", _("Administrative licence")
    CONFIRMATION = "confirmation", _("Administrative confirmation")
    ADJUDICATION = "adjudication", _("Administrative adjudication")
    BENEFIT = "benefit", _("Administrative benefit")
    AWARD = "award", _("Administrative award")
    FILING = "filing", _("Administrative filing")
    OTHER_POWER = "other_power", _("Other administrative power")
    PUBLIC_SERVICE = "public_service", _("Public service")


class CaseKind(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    COMMITTED = "committed", _("Committed")


# An immediate item (即办件) is decided on the spot (0) or by the next working day (1).
IMMEDIATE_MAX_PROMISED_LIMIT = 1


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The only status changes a version may make. A published version is never edited: a change is a new
# version (revise), and publishing it supersedes the old one.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.DRAFT: frozenset({ItemStatus.PUBLISHED, ItemStatus.WITHDRAWN}),
    ItemStatus.PUBLISHED: frozenset({ItemStatus.SUPERSEDED, ItemStatus.WITHDRAWN}),
    ItemStatus.SUPERSEDED: frozenset(),
    ItemStatus.WITHDRAWN: frozenset(),
}


class DeliveryOption(models.TextChoices):
    WINDOW = "window", _("Pick-up at a window")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic result document")


class ServiceItem(models.Model):
    """One version of a service item, with the fields of an implementation list (实施清单)."""

    code = models.CharField(_("item code"), max_length=80, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=200)
    pinyin_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, db_index=True)
    # Filled on save like the initials, so search never runs pypinyin over the catalogue.
    pinyin = models.CharField(_("pinyin"), max_length=1000, blank=True)
    item_type = models.CharField(_("item type"), max_length=20, choices=ItemType.choices)
    is_approval = models.BooleanField(_("administrative approval item"), default=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="items"
    )
    legal_limit = models.PositiveIntegerField(_("legal time limit (working days)"))
    promised_limit = models.PositiveIntegerField(_("promised time limit (working days)"))
    case_kind = models.CharField(_("case kind"), max_length=20, choices=CaseKind.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    fees = models.CharField(_("fees"), max_length=300, blank=True, default="不收费")
    online = models.BooleanField(_("can be applied for online"), default=False)
    halls = models.ManyToManyField(
        Hall, verbose_name=_("halls where handled"), blank=True, related_name="items"
    )
    contact_phone = models.CharField(_("enquiry phone"), max_length=30, blank=True)
    issues_licence = models.ForeignKey(
        LicenceType,
        verbose_name=_("licence issued"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issuing_items",
        help_text=_("An approved case of this item records the holder's electronic licence of this type"),
    )
    delivery_window = models.BooleanField(_("result picked up at the window"), default=True)
    delivery_post = models.BooleanField(_("result sent by post"), default=False)
    delivery_electronic = models.BooleanField(_("electronic result"), default=False)
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="item_code_version_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status="published"),
                name="item_one_published_version",
                violation_error_message=_("Another version of this item is already published."),
            ),
            models.CheckConstraint(
                condition=Q(promised_limit__lte=F("legal_limit")), name="item_promised_within_legal"
            ),
            models.CheckConstraint(
                condition=~Q(case_kind="immediate") | Q(promised_limit__lte=IMMEDIATE_MAX_PROMISED_LIMIT),
                name="item_immediate_promises_at_most_one_day",
            ),
        ]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def save(self, *args, **kwargs) -> None:
        self.pinyin_initials = pinyin_initials(self.name)
        self.pinyin = pinyin_full(self.name)
        if (
            "update_fields" in kwargs
            and kwargs["update_fields"] is not None
            and "name" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "pinyin_initials", "pinyin"}
        super().save(*args, **kwargs)

    def get_constraints(self):
        # clean() states the check-constraint rules on their field, with the numbers; the database
        # constraints stay as the backstop, so form validation skips them to avoid a second, vaguer error.
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]

    @property
    def delivery_options(self) -> list[str]:
        """The ways the result reaches the applicant, as DeliveryOption values."""
        flags = (
            (self.delivery_window, DeliveryOption.WINDOW),
            (self.delivery_post, DeliveryOption.POST),
            (self.delivery_electronic, DeliveryOption.ELECTRONIC),
        )
        return [option for on, option in flags if on]

    @property
    def is_editable(self) -> bool:
        """Only a draft is edited in place; a published version changes by a new version."""
        return self.status == ItemStatus.DRAFT

    def clean(self) -> None:
        from govhall.catalog.rules import item_limit_errors

        errors = item_limit_errors(
            legal_limit=self.legal_limit, promised_limit=self.promised_limit, case_kind=self.case_kind
        )
        if errors:
            raise ValidationError(errors)


class MaterialMedium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    BOTH = "both", _("Paper or electronic")


class Material(models.Model):
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE, related_name="materials"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    originals = models.PositiveIntegerField(_("originals"), default=0)
    copies = models.PositiveIntegerField(_("copies"), default=1)
    required = models.BooleanField(_("required"), default=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    licence_type = models.ForeignKey(
        LicenceType,
        verbose_name=_("electronic licence accepted"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The applicant's valid electronic licence of this type stands in for the paper (免提交)"),
    )
    medium = models.CharField(
        _("paper or electronic"), max_length=20, choices=MaterialMedium.choices, default=MaterialMedium.PAPER
    )
    applies_when = models.CharField(
        _("applies when"),
        max_length=300,
        blank=True,
        help_text=_(
            "Empty: always. Otherwise the situation answers that need it, e.g. "
            "“applicant_type=company; agent=yes” (several options of one question: “a,b”)."
        ),
    )

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    limit_days = models.PositiveIntegerField(_("limit (working days)"), default=0)

    class Meta:
        ordering = ["item", "position", "id"]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")

    def __str__(self) -> str:
        return self.name


class FormKind(models.TextChoices):
    BLANK = "blank", _("Blank form")
    SAMPLE = "sample", _("Filled sample")


def validate_form_file(value) -> None:
    """A newly uploaded form is checked by type and size like a case document; stored files are not reread."""
    from govhall.core.files import FORM_FILE_TYPES, check_file

    if getattr(value, "_committed", True):
        return
    try:
        check_file(value.file, FORM_FILE_TYPES)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict["file"]) from exc


class FormTemplate(models.Model):
    """A blank form or a filled sample (表格下载), of the item or of one of its materials."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE, related_name="forms"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="forms/%Y/", validators=[validate_form_file])
    kind = models.CharField(_("kind"), max_length=10, choices=FormKind.choices, default=FormKind.BLANK)
    material = models.ForeignKey(
        Material,
        verbose_name=_("material"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forms",
        help_text=_("The material this form or sample is for; empty: the whole item"),
    )

    class Meta:
        ordering = ["item", "name"]
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")

    def __str__(self) -> str:
        return self.name


# Themes, synonyms and situations: what the public guides need beside the implementation list.
from govhall.catalog.guide_models import (  # noqa: E402, F401
    SituationQuestion,
    Synonym,
    Theme,
    ThemeItem,
    ThemeKind,
)
