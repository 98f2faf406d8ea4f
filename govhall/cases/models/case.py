"""The case (办件) row, the materials it came with, consultations and the daily number counter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    COMMITTED = "committed", _("Committed")
    CONSULTATION = "consultation", _("Consultation")


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    ACCEPTED = "accepted", _("Accepted, in progress")
    SUSPENDED = "suspended", _("Suspended (special procedure)")
    REJECTED = "rejected", _("Not accepted")
    CONCLUDED = "concluded", _("Concluded")
    DELIVERED = "delivered", _("Result delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Consultations (咨询件) have their own two states.
    REGISTERED = "registered", _("Registered")
    ANSWERED = "answered", _("Answered")


# States in which the legal clock may still change; used by queues and sweeps.
OPEN_STATES = frozenset(
    {CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED, CaseState.ACCEPTED, CaseState.SUSPENDED}
)


class Channel(models.TextChoices):
    WINDOW = "window", _("Window")
    AGENCY = "agency", _("Agency (township)")
    ONLINE = "online", _("Online")
    # Consultations only (咨询件): a question taken by telephone, or at an outreach event (服务事项咨询赶大集,
    # a stall on a market day) and entered afterwards by a clerk.
    PHONE = "phone", _("Telephone")
    OUTREACH = "outreach", _("Outreach event")


# The channels through which a consultation may come; applications come only through the first three.
CONSULTATION_CHANNELS = (Channel.ONLINE, Channel.PHONE, Channel.WINDOW, Channel.OUTREACH)
APPLICATION_CHANNELS = (Channel.WINDOW, Channel.AGENCY, Channel.ONLINE)


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident", _("Foreign permanent resident ID card")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Collected at the window")
    MAIL = "mail", _("By post")
    ELECTRONIC = "electronic", _("Electronic licence")
    AGENCY = "agency", _("Through the township hall")


class Case(models.Model):
    """One application. Deadline fields are the stored result of clock.replay() over the case's events."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("service item (version)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text=_("The item version the case was opened under; empty only for a general consultation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=30, choices=CaseState.choices, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WINDOW)
    hall = models.ForeignKey(
        "catalog.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="cases"
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("window"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_cases",
    )
    agency_hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("accepted on behalf by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_cases",
        help_text=_("The township hall that took the application in on behalf of the centre (代理代办)"),
    )

    applicant_kind = models.CharField(
        _("applicant kind"), max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("applicant"), max_length=200, db_index=True)
    id_type = models.CharField(_("ID document type"), max_length=30, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("ID document number"), max_length=40, blank=True, db_index=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("receipt date"), db_index=True)
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True)
    promised_due = models.DateField(_("promised due date"), null=True, blank=True, db_index=True)
    legal_due = models.DateField(_("legal due date"), null=True, blank=True)
    due_provisional = models.BooleanField(
        _("due dates provisional"),
        default=False,
        help_text=_("A due date falls in a year whose official holiday notice is not loaded yet"),
    )
    suspended_days = models.PositiveIntegerField(_("suspended working days"), default=0)
    extension_days = models.PositiveIntegerField(_("extension working days"), default=0)
    calendar_version = models.PositiveIntegerField(_("calendar version"), null=True, blank=True)
    deemed_accepted = models.BooleanField(
        _("deemed accepted"),
        default=False,
        help_text=_("No one-time notice within 5 working days: accepted from the day of receipt"),
    )

    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_text = models.TextField(_("decision text"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivery method"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    verification_code = models.CharField(_("verification code"), max_length=8)
    supplement_note = models.TextField(_("one-time notice"), blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    rejection_reason = models.TextField(_("reason for non-acceptance"), blank=True)

    version = models.PositiveIntegerField(_("version"), default=1)

    # Supervision: the case's own light against the promised due date (govhall.supervision.lights).
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True, db_index=True)
    alert_level = models.PositiveSmallIntegerField(
        _("reminders sent"),
        default=0,
        help_text=_("For the current thresholds: 0 none, 1 yellow, 2 red; reset when the due time moves"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=["accepted", "suspended"], alert_level__lt=2),
                name="case_red_due",
            ),
            models.Index(fields=["hall", "received_on"], name="case_hall_received"),
            models.Index(fields=["item", "received_on"], name="case_item_received"),
            models.Index(fields=["agency_hall", "received_by"], name="case_agency_receiver"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="consultation") | Q(item__isnull=False), name="case_item_unless_consultation"
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseMaterial(models.Model):
    """One catalogue material of the item and whether the applicant has handed it in."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        "catalog.Material", verbose_name=_("material"), on_delete=models.PROTECT, related_name="+"
    )
    received = models.BooleanField(_("received"), default=False)
    originals = models.PositiveIntegerField(_("originals received"), default=0)
    copies = models.PositiveIntegerField(_("copies received"), default=0)
    requested = models.BooleanField(
        _("listed in the one-time notice"), default=False, help_text=_("Asked for in the one-time notice")
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    licence = models.ForeignKey(
        "cases.Licence",
        verbose_name=_("electronic licence given"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The applicant's electronic licence that stands in for this material (免提交)"),
    )

    class Meta:
        ordering = ["case", "material__position", "material_id"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="case_material_once")]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.material.name}"


class Consultation(models.Model):
    """The question and answer of a consultation case (咨询件), its answer deadline and light, and the
    edited question and answer the department may publish on the item's guide page."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consultation"
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by (portal account)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations_asked",
        help_text=_("Empty for an anonymous question or one taken by a clerk"),
    )
    # An outreach event (服务事项咨询赶大集): where and when the stall stood.
    event_place = models.CharField(_("event place"), max_length=200, blank=True)
    event_date = models.DateField(_("event date"), null=True, blank=True)

    # The answer deadline in working days (GOVHALL_CONSULTATION_ANSWER_DAYS) and its light, stamped by
    # govhall.supervision.lights.stamp_consultation; the sweep reminds the department on each crossing.
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True)
    alert_level = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    # Published on the item's guide page: the department's edited text, without the asker's details.
    public_question = models.TextField(_("published question"), blank=True)
    public_answer = models.TextField(_("published answer"), blank=True)
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
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(answered_at__isnull=True, alert_level__lt=2),
                name="consultation_open_due",
            ),
            models.Index(
                fields=["published_at"],
                condition=Q(published_at__isnull=False),
                name="consultation_published",
            ),
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.case.number

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CaseCounter(models.Model):
    """The last sequence number handed out per hall and day; locked while a number is taken."""

    hall = models.ForeignKey(
        "catalog.Hall", verbose_name=_("hall"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "date"], name="case_counter_hall_date")]
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.hall_id} {self.date}: {self.last}"
