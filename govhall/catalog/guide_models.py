"""Rows the public guides need beside the implementation list: themes, search synonyms and situations.

Themes and synonyms name items by code, so that a new version of an item stays in its themes without
anyone editing them. Situation questions belong to one item version and are copied by revise_item.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThemeKind(models.TextChoices):
    PERSONAL = "personal", _("For individuals")
    LEGAL_PERSON = "legal_person", _("For companies and organisations")
    LIFE_EVENT = "life_event", _("Life event")


class Theme(models.Model):
    """A way into the catalogue for the public: 个人办事, 法人办事, or a life event such as 开办企业."""

    kind = models.CharField(_("kind"), max_length=20, choices=ThemeKind.choices)
    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class ThemeItem(models.Model):
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("item code"), max_length=80, db_index=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["theme", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["theme", "code"], name="theme_item_code_unique")]
        verbose_name = _("item of the theme")
        verbose_name_plural = _("items of the theme")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        from govhall.catalog.models import ServiceItem

        if self.code and not ServiceItem.objects.filter(code=self.code).exists():
            raise ValidationError(
                {"code": [_("No service item has the code “%(code)s”.") % {"code": self.code}]}
            )


_WORD_SPLIT = re.compile(r"[\s,，、;；]+")


class Synonym(models.Model):
    """A word the public types that the catalogue does not use: 营业执照 → 设立登记, 公司登记."""

    term = models.CharField(_("term"), max_length=60, unique=True)
    words = models.CharField(
        _("expands to"),
        max_length=300,
        help_text=_("Words of item names, separated by commas or spaces"),
    )

    class Meta:
        ordering = ["term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.term

    @property
    def word_list(self) -> list[str]:
        return [w for w in _WORD_SPLIT.split(self.words.strip().lower()) if w]

    def clean(self) -> None:
        self.term = self.term.strip().lower()
        if not self.word_list:
            raise ValidationError({"words": [_("Give at least one word.")]})


_OPTION = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*[:：]\s*(.+?)\s*$")


class SituationQuestion(models.Model):
    """A question of 情形引导 whose answer narrows the item's materials (see catalog.situations)."""

    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item"),
        on_delete=models.CASCADE,
        related_name="situations",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=40)
    text = models.CharField(_("question"), max_length=200)
    options = models.CharField(
        _("options"),
        max_length=500,
        help_text=_("key:label pairs separated by semicolons, e.g. “individual:个人; company:企业”"),
    )

    class Meta:
        ordering = ["item", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="situation_key_unique_in_item")]
        verbose_name = _("situation question")
        verbose_name_plural = _("situation questions")

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[tuple[str, str]]:
        """[(key, label), ...]; ValueError naming the part that is not `key:label`."""
        return parse_options(self.options)

    def clean(self) -> None:
        try:
            parse_options(self.options)
        except ValueError as exc:
            raise ValidationError({"options": [str(exc)]}) from exc


def parse_options(text: str) -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _t

    result: list[tuple[str, str]] = []
    for part in re.split(r"[;；]", text or ""):
        if not part.strip():
            continue
        match = _OPTION.match(part)
        if match is None:
            raise ValueError(
                _t("“%(part)s” is not key:label (a key of letters, digits, _ or -).") % {"part": part.strip()}
            )
        if match.group(1) in {k for k, _label in result}:
            raise ValueError(_t("The option key “%(key)s” appears twice.") % {"key": match.group(1)})
        result.append((match.group(1), match.group(2)))
    if len(result) < 2:
        raise ValueError(_t("A question needs at least two options."))
    return result
