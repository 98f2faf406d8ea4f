"""The hotline's reference tables: the coded subject tree, the areas, and the coded reasons of a return."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Subject(models.Model):
    """One node of the three-level subject tree (诉求分类), GB/T 39666-style: two digits per level, so a
    level-1 code has 2 digits, level 2 has 4 and level 3 has 6; a child's code starts with its parent's."""

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    # Offered to the public (the web form and Open311's services list); a leaf is what a ticket carries.
    is_public = models.BooleanField(_("open to the public"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Open311 service definition: [{"code", "description", "datatype", "required", "values": [{key,name}]}]
    attributes = models.JSONField(_("attributes asked for"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = pgettext_lazy("hotline", "subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.level == 3

    def ancestor_codes(self) -> list[str]:
        """The codes from this node up to its level-1 root: '010203' → ['010203', '0102', '01']."""
        return [self.code[:n] for n in range(len(self.code), 0, -2)]


class Area(models.Model):
    """A township or sub-district (乡镇/街道) where a request is located."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name


class ReturnReason(models.Model):
    """A coded reason for returning a ticket (退单), e.g. 'not within our duties'."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("return reason")
        verbose_name_plural = _("return reasons")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
