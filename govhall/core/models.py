"""People and roles. A user has one role; clerks belong to a hall, handlers and heads to a department."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("Window clerk")
    AGENCY_CLERK = "agency_clerk", _("Agency clerk (township)")
    HANDLER = "handler", _("Department handler")
    DEPT_HEAD = "dept_head", _("Department head")
    SUPERVISOR = "supervisor", _("Supervisor")
    OPERATOR = "operator", _("Hotline operator")
    LEADER = "leader", _("Leader / analyst")
    ADMIN = "admin", _("Administrator")
    APPLICANT = "applicant", _("Applicant")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """The name as people write it: a Chinese name family name first and without a space."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= char <= "\u9fff" for char in first + last):
            return f"{last}{first}"
        return self.get_full_name() or self.username


class PersonalDataView(models.Model):
    """A staff member saw an applicant's full identity number or phone (who, when, which case or ticket).
    Written by govhall.core.privacy.record_view, never changed; read by supervisors and administrators
    (/audit/personal-data/). Lists and exports show the numbers masked and write nothing."""

    at = models.DateTimeField(_("viewed at"), db_index=True)
    user = models.ForeignKey(
        "core.User", verbose_name=_("viewed by"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("kind of record"), max_length=20)  # "case", "lane_case", "ticket"
    object_id = models.PositiveBigIntegerField(_("record id"))
    number = models.CharField(_("case or ticket number"), max_length=40, blank=True)
    fields = models.CharField(_("fields shown in full"), max_length=100)
    channel = models.CharField(_("page or API"), max_length=10, default="page")  # "page" or "api"

    class Meta:
        verbose_name = _("view of personal data")
        verbose_name_plural = _("views of personal data")
        indexes = [models.Index(fields=["subject", "object_id"], name="core_pdview_subject")]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.subject} {self.number or self.object_id} {self.at:%Y-%m-%d %H:%M}"
