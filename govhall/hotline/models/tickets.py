"""The ticket (工单) and its children: one dispatch per unit (派单), the event log (the clock), callback
attempts (回访), extension requests (延期), the record of revealed contact data, and the alerts.

A ticket's states and moves are one table in govhall.hotline.states, as are a dispatch's. The lights are
on the dispatches (sign-for, then handling deadline): warn_at/due_at compared with now in SQL, reminders
claimed by compare-and-swap on alert_level (supervision.sweep.claim_crossed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govhall.supervision.models import AlertLevel
from govhall.supervision.models.base import AppendOnly


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")  # 电话
    WEB = "web", _("Web message")  # 民生网
    OPEN311 = "open311", _("Open311 app")
    # 主动发现 (未诉先办): registered by the centre from a hot topic, no caller (govhall.hotline.hot).
    PROACTIVE = "proactive", _("Found by the centre")


class RequestType(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")  # 咨询
    HELP = "help", _("Request for help")  # 求助
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    REPORT = "report", _("Report")  # 举报
    SUGGESTION = "suggestion", _("Suggestion")  # 建议
    PRAISE = "praise", _("Praise")  # 表扬


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")  # 一般
    URGENT = "urgent", _("Urgent")  # 紧急
    CRITICAL = "critical", _("Critical")  # 特急


class TicketState(models.TextChoices):
    REGISTERED = "registered", _("Registered")  # 登记, not yet dispatched
    DISPATCHED = "dispatched", _("Dispatched")  # 已派单: some unit has not signed for it
    HANDLING = "handling", _("Being handled")  # 办理中: every unit signed for it
    REPLIED = "replied", _("Replied, callback due")  # 已答复, 待回访
    REVIEW = "review", _("Dissatisfaction under review")  # 不满意, the centre verifies
    CLOSED = "closed", _("Closed")  # 办结
    # 重复件: a duplicate of another caller's open ticket, linked to it (its master) instead of being
    # dispatched; the master's reply reaches it, then its own callback follows.
    MERGED = "merged", _("Linked to a master ticket")


# Open: a repeat call may attach to it, a duplicate may be linked to it (not closed, not itself linked).
OPEN_TICKET_STATES = ("registered", "dispatched", "handling", "replied", "review")


class CallbackOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    FAIRLY = "fairly", _("Fairly satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意
    NO_ANSWER = "no_answer", _("Not reached")  # 未接通


class Closure(models.TextChoices):
    ON_CALL = "on_call", _("Answered during the call")  # 当场解答
    CALLBACK = "callback", _("Closed after the callback")
    UNREACHABLE = "unreachable", _("Caller unreachable at callback")  # 回访无法联系
    NOT_UPHELD = "not_upheld", _("Dissatisfaction not upheld")  # 不满意经核实不成立
    NO_CALLBACK = "no_callback", _("Closed without callback")  # anonymous: nobody to call back


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    request_type = models.CharField(_("request type"), max_length=12, choices=RequestType.choices)
    subject = models.ForeignKey(
        "hotline.Subject",
        verbose_name=pgettext_lazy("hotline", "subject"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("what the caller asks"))
    # Where: address text, the area (township / sub-district) and optional WGS-84 coordinates.
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.ForeignKey(
        "hotline.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    # Open311 attributes answered for the subject's service definition.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    # The caller. Removed (blanked, contact_removed_at set) after the retention period once closed.
    caller_name = models.CharField(_("caller's name"), max_length=60, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True, db_index=True)
    caller_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller's account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)  # 匿名: no callback possible
    # 保密: the units never see the caller (always for a 举报).
    confidential = models.BooleanField(_("confidential"), default=False)
    publish_allowed = models.BooleanField(_("may be published"), default=False)
    contact_removed_at = models.DateTimeField(_("contact data removed at"), null=True, blank=True)

    state = models.CharField(
        _("state"), max_length=12, choices=TicketState.choices, default=TicketState.REGISTERED
    )
    received_at = models.DateTimeField(_("received at"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    open311_key = models.ForeignKey(
        "hotline.Open311Key",
        verbose_name=_("Open311 key"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Dispatch: the catalogue version and limits used; an override of the catalogue needs a reason.
    catalogue = models.ForeignKey(
        "hotline.DispatchCatalogue",
        verbose_name=_("dispatch catalogue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    limit_policy = models.ForeignKey(
        "hotline.LimitPolicy",
        verbose_name=_("time-limit policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_reason = models.CharField(_("reason for overriding the catalogue"), max_length=300, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    # The reply deadline: the lead unit's handling deadline in the current round.
    reply_due_at = models.DateTimeField(_("reply due at"), null=True, blank=True)

    # The reply (答复), written by the lead unit with the co-units' contributions.
    reply = models.TextField(_("reply"), blank=True)
    reply_basis = models.TextField(_("legal basis of the reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Redo (重办) rounds: 0 on first dispatch; a verified dissatisfaction adds one.
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    # The supervision order issued when the redos reached the limit (提级督办).
    escalated_order = models.ForeignKey(
        "supervision.Order",
        verbose_name=_("supervision order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # The callback (回访): only the last round's final attempt counts.
    callback_outcome = models.CharField(
        _("callback outcome"), max_length=12, choices=CallbackOutcome.choices, blank=True
    )
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    failed_callbacks = models.PositiveSmallIntegerField(_("callback attempts not reached"), default=0)
    closure = models.CharField(_("how it closed"), max_length=12, choices=Closure.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Duplicates (重复件): the master ticket this one is linked to (never a chain: a master is not linked).
    master = models.ForeignKey(
        "self",
        verbose_name=_("master ticket"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # Repeat calls (重复来电): the same caller calling again about this open ticket; counted, not dispatched.
    repeat_calls = models.PositiveIntegerField(_("repeat calls"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # The suggestions while the operator types (govhall.hotline.similar): open tickets of a subject,
            # or of a caller, newest first.
            models.Index(
                fields=["subject", "-received_at"],
                condition=Q(state__in=OPEN_TICKET_STATES),
                name="ticket_open_subject",
            ),
            models.Index(
                fields=["caller_phone", "-received_at"],
                condition=Q(state__in=OPEN_TICKET_STATES),
                name="ticket_open_caller",
            ),
            models.Index(fields=["received_at"], name="ticket_received"),
            models.Index(fields=["state", "received_at"], name="ticket_state_received"),
            models.Index(fields=["subject", "received_at"], name="ticket_subject_received"),
            models.Index(fields=["closed_at"], name="ticket_closed"),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return self.number

    @property
    def hides_caller(self) -> bool:
        """Units never see the caller of an anonymous, confidential or 举报 ticket."""
        return self.anonymous or self.confidential or self.request_type == RequestType.REPORT


class DispatchRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")  # 主办
    CO = "co", _("Co-unit")  # 协办


class DispatchState(models.TextChoices):
    PENDING = "pending", _("Waiting to be signed for")  # 待签收
    SIGNED = "signed", _("Being handled")  # 已签收, 办理中
    RETURN_REQUESTED = "returning", _("Return requested")  # 申请退单
    DONE = "done", _("Done")  # 主办: replied; 协办: contributed
    WITHDRAWN = "withdrawn", _("Withdrawn")  # return accepted, or the ticket was re-dispatched


OPEN_DISPATCH_STATES = (DispatchState.PENDING, DispatchState.SIGNED, DispatchState.RETURN_REQUESTED)


class Dispatch(models.Model):
    """One unit's part of a ticket in one round: sign for it, then handle it by the deadline."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="dispatches"
    )
    unit = models.ForeignKey(
        "catalog.Department", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=4, choices=DispatchRole.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=DispatchState.choices, default=DispatchState.PENDING
    )
    dispatched_at = models.DateTimeField(_("dispatched at"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sign_due_at = models.DateTimeField(_("sign for by"))
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The handling deadline: a working-day due date (its end is handle_due_at) or hours from dispatch.
    handle_limit_workdays = models.PositiveIntegerField(_("limit (working days)"), null=True, blank=True)
    handle_limit_hours = models.PositiveIntegerField(_("limit (hours)"), null=True, blank=True)
    handle_due_date = models.DateField(_("handle by"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("handling overdue from"))
    extended_workdays = models.PositiveIntegerField(_("extension granted (working days)"), default=0)
    return_due_date = models.DateField(_("return by"), null=True, blank=True)
    # The return (退单): coded reason and the rule the unit relies on.
    return_reason = models.ForeignKey(
        "hotline.ReturnReason",
        verbose_name=_("return reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_rule = models.CharField(_("rule relied on"), max_length=300, blank=True)
    return_note = models.TextField(_("explanation of the return"), blank=True)
    returned_at = models.DateTimeField(_("return requested at"), null=True, blank=True)
    # The co-unit's contribution to the reply (协办意见), or the lead unit's own handling note.
    contribution = models.TextField(_("contribution"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The light of the current stage: sign for (pending) or handle (signed); alert_level as in supervision.
    warn_at = models.DateTimeField(_("yellow from"), null=True, blank=True)
    due_at = models.DateTimeField(_("red from"), null=True, blank=True)
    alert_level = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["ticket_id", "round", "role", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=["pending", "signed", "returning"]) & Q(alert_level__lt=2),
                name="dispatch_open_due",
            ),
            models.Index(fields=["unit", "state"], name="dispatch_unit_state"),
            models.Index(fields=["unit", "dispatched_at"], name="dispatch_unit_dispatched"),
        ]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.round} {self.role} {self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_DISPATCH_STATES


class TicketEvent(AppendOnly):
    """One move on a ticket or one of its dispatches: who, when, from which state to which, with the note
    and the figures of the move (deadlines, units, outcome). The ticket's clock is read from this log."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="events"
    )
    dispatch = models.ForeignKey(
        Dispatch,
        verbose_name=_("dispatch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    move = models.CharField(_("move"), max_length=24)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12, blank=True)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.move} {self.from_state}→{self.to_state}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Waiting for the centre")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ExtensionRequest(models.Model):
    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="extension_requests"
    )
    workdays = models.PositiveIntegerField(_("working days asked for"))
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("note of the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch"], condition=Q(state="pending"), name="one_pending_extension_per_dispatch"
            )
        ]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")

    def __str__(self) -> str:
        return f"{self.dispatch_id} +{self.workdays}WD {self.state}"


class CallbackAttempt(AppendOnly):
    """One call back to the caller after a reply (回访)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="callbacks"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallbackOutcome.choices)
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.outcome}"


class ContactReveal(AppendOnly):
    """A unit's user revealed the caller's full name or number, with the reason (the centre reads these)."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="reveals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("what was revealed"), max_length=12)  # "name" or "phone"
    reason = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("revealed contact")
        verbose_name_plural = _("revealed contacts")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field} {self.user_id}"


class TicketAlert(AppendOnly):
    """A dispatch crossing its yellow or red time: the proof that the reminder (yellow: the unit) or the
    escalation (red: the unit's head and the centre) went out once."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="alerts"
    )
    unit = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    stage = models.CharField(_("stage"), max_length=10)  # "sign" or "handle"
    level = models.CharField(_("level"), max_length=20, choices=AlertLevel.choices)
    threshold_at = models.DateTimeField(_("threshold"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "level", "threshold_at"], name="ticket_alert_once_per_crossing"
            )
        ]
        verbose_name = _("ticket alert")
        verbose_name_plural = _("ticket alerts")

    def __str__(self) -> str:
        return f"{self.dispatch_id} {self.level}"


class Open311Key(models.Model):
    """An API key of a third-party Open311 client. Only its SHA-256 is kept; the key is shown once."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """The daily sequence of ticket numbers (one row per local date, locked by its UPDATE)."""

    date = models.DateField(_("date"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("ticket counter")
        verbose_name_plural = _("ticket counters")

    def __str__(self) -> str:
        return f"{self.date} {self.last}"
