"""People and roles. A user has one role; clerks belong to a hall, handlers and heads to a department."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


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


class ChangeStamp(models.Model):
    """A counter per kind of kept data (public pages …), raised in the transaction that changes it, so that
    every process sees the change at its next look (govhall.core.stamps)."""

    name = models.CharField(_("name"), max_length=40, primary_key=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("change stamp")
        verbose_name_plural = _("change stamps")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class PeriodClaim(models.Model):
    """One periodic task's run for one period (its minute), claimed by the first consumer to start it:
    with several consumers on one queue, each period's sweep runs once (govhall.core.periodic)."""

    task = models.CharField(_("task"), max_length=120)
    period = models.DateTimeField(_("period"))
    claimed_at = models.DateTimeField(_("claimed at"))
    consumer = models.CharField(_("consumer"), max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "period"], name="one_claim_per_task_period")]
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return f"{self.task} {self.period:%Y-%m-%d %H:%M}"


class TokenScope(models.TextChoices):
    """What an API token may do: read only, or what its user's role may (never more than the user)."""

    READ = "read", _("Read only")
    ROLE = "role", _("Everything the user's role may do")


class ApiToken(AbstractAuthToken):
    """An API client's token (django-rest-knox: only a hash is stored; expiry; revocation by deleting).

    Knox's own AuthToken is swapped for this one (KNOX_TOKEN_MODEL) so that a token carries a scope
    and a name. A token with the scope `role` holds the role its user had when it was made: when the
    role changes the token stops working, so a token never carries rights its user no longer has."""

    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Which client uses it."))
    scope = models.CharField(_("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    role = models.CharField(_("role when made"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.token_key}… {self.user} ({self.get_scope_display()})"


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
