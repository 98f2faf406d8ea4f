"""The hotline's knowledge base (知识库): entries owned by a unit, each change a new version.

An entry is the identity (owner unit, category, the title it is known by, a version counter for 409s); its
text lives in versions. A change is a new version row that goes draft → review (the owning unit's head) →
approval (the centre) → published; publishing supersedes the previous published version, which stays
readable and citable by its id. A ticket cites a version (KnowledgeCitation, and a "cite" event in its log),
so an expired or superseded entry stays linked from the tickets that used it. The states and moves are one
table in govhall.hotline.knowledge.states."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.catalog.pinyin import pinyin_full, pinyin_initials


class KnowledgeCategory(models.Model):
    """One node of the configured category tree; an entry sits on a leaf. Two digits per level, as the
    subject tree: a child's code starts with its parent's."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The names from the root, "政策法规/社会保障/养老保险": what a person reads and an import names.
    path = models.CharField(_("category path"), max_length=200, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")

    def __str__(self) -> str:
        return self.path


class EntryKind(models.TextChoices):
    GUIDE = "guide", _("Service guide")  # 办事指南
    LAW = "law", _("Laws and regulations")  # 法律法规
    HOT = "hot", _("Hot question")  # 热点问答
    DAILY = "daily", _("Everyday enquiry")  # 日常咨询
    NOTICE = "notice", _("Notice")  # 通知公告
    PRACTICE = "practice", _("Working instruction")  # 业务指引


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    REVIEW = "review", _("Under review by the unit")  # 待本单位审核
    APPROVAL = "approval", _("Waiting for the centre's approval")  # 待中心审批
    PUBLISHED = "published", _("Published")  # 已发布
    SUPERSEDED = "superseded", _("Superseded")  # 已被新版本替代


class KnowledgeEntry(models.Model):
    owner = models.ForeignKey(
        "catalog.Department", verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        KnowledgeCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="entries"
    )
    # The title of the newest version; unique across the knowledge base (the database says so too).
    title = models.CharField(_("title"), max_length=128, unique=True)
    published = models.ForeignKey(
        "hotline.KnowledgeVersion",
        verbose_name=_("published version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The change in progress (draft, review or approval), if any: one at a time.
    pending = models.ForeignKey(
        "hotline.KnowledgeVersion",
        verbose_name=_("change in progress"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The review reminder went out for this due date (compare-and-swap: once per due date).
    reminded_for = models.DateField(_("review reminder sent for"), null=True, blank=True)
    # The closed enquiry ticket that asked for this entry (the unit's to-do), if any.
    source_ticket = models.ForeignKey(
        "hotline.Ticket",
        verbose_name=_("asked for by ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    changed_at = models.DateTimeField(_("changed at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["owner", "changed_at"], name="knowledge_owner_changed"),
            models.Index(fields=["source_ticket"], name="knowledge_source_ticket"),
        ]
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")

    def __str__(self) -> str:
        return self.title


class KnowledgeVersion(models.Model):
    entry = models.ForeignKey(
        KnowledgeEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    state = models.CharField(
        _("state"), max_length=10, choices=VersionState.choices, default=VersionState.DRAFT
    )
    title = models.CharField(_("title"), max_length=128)
    content = models.TextField(_("content"))
    issuing_unit = models.CharField(_("issuing unit"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    review_due = models.DateField(_("review due"))
    expires_at = models.DateField(_("expires at"), null=True, blank=True)
    # Kept at save, so a search never runs pypinyin (as the catalogue's items).
    pinyin_initials = models.CharField(_("pinyin initials"), max_length=128, blank=True)
    pinyin = models.CharField(_("pinyin"), max_length=600, blank=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_note = models.CharField(_("why it was sent back"), max_length=300, blank=True)

    class Meta:
        ordering = ["entry_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="knowledge_version_once"),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(state="published"), name="knowledge_one_published"
            ),
        ]
        indexes = [models.Index(fields=["state", "review_due"], name="knowledge_version_due")]
        verbose_name = _("knowledge version")
        verbose_name_plural = _("knowledge versions")

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        self.fill_pinyin()
        super().save(*args, **kwargs)

    def fill_pinyin(self) -> None:
        self.pinyin_initials = pinyin_initials(self.title)[:128]
        self.pinyin = pinyin_full(self.title)[:600]

    def is_expired(self, today) -> bool:
        return self.expires_at is not None and self.expires_at <= today

    @property
    def keyword_list(self) -> list[str]:
        return [w for w in self.keywords.replace("，", ",").replace("、", ",").split(",") if w.strip()]


class KnowledgeCitation(models.Model):
    """A ticket's answer relied on this version of an entry (also a "cite" event in the ticket's log)."""

    ticket = models.ForeignKey(
        "hotline.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="citations"
    )
    version = models.ForeignKey(
        KnowledgeVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="citations"
    )
    entry = models.ForeignKey(
        KnowledgeEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="citations"
    )
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "version"], name="knowledge_cited_once")]
        verbose_name = _("knowledge citation")
        verbose_name_plural = _("knowledge citations")

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.version_id}"
