"""Citizen and company accounts. A citizen signs in as a `core.User` with the applicant role; the real-name
profile and the companies they act for live here, so that the staff side never needs the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import IdType


class Profile(models.Model):
    """The real-name profile (实名信息) of a citizen account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="profile"
    )
    real_name = models.CharField(_("real name"), max_length=100, blank=True)
    id_type = models.CharField(
        _("ID document type"), max_length=30, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("ID document number"), max_length=40, blank=True, db_index=True)
    verified_at = models.DateTimeField(
        _("real name recorded at"),
        null=True,
        blank=True,
        help_text=_("When the name and a valid ID number were recorded (or confirmed by the unified login)"),
    )
    created_at = models.DateTimeField(_("created at"))
    # Raised by every change, so that a write from a stale page or client answers 409 instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return self.real_name or self.user.username

    @property
    def has_real_name(self) -> bool:
        return self.verified_at is not None


class Company(models.Model):
    """A company or other organisation (法人) that applies through the portal."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Legal representative")
    AGENT = "agent", _("Authorised staff (经办人)")


class CompanyMember(models.Model):
    """An account that may act for a company: its legal representative, or staff they authorised."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="company_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authorised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    authorised_at = models.DateTimeField(_("authorised at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="company_member_once"),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(role="representative", is_active=True),
                name="company_one_representative",
            ),
        ]
        verbose_name = _("company member")
        verbose_name_plural = _("company members")

    def __str__(self) -> str:
        return f"{self.company}: {self.user}"
