"""Serializers of the hotline API. Input serializers only shape the request: the services validate the
domain (unknown subject, missing reason, …) and their errors come back as 400 with the field names."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from govhall.core.serializers import FieldsBuiltOnce
from govhall.hotline.models import (
    CallbackOutcome,
    Dispatch,
    ExtensionRequest,
    RequestType,
    Ticket,
    TicketEvent,
    Urgency,
)
from govhall.supervision import lights


class DispatchSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    light = serializers.SerializerMethodField(help_text="green, yellow or red; null once done or withdrawn")

    class Meta:
        model = Dispatch
        fields = [
            "id",
            "ticket",
            "unit",
            "unit_code",
            "unit_name",
            "role",
            "round",
            "state",
            "dispatched_at",
            "sign_due_at",
            "signed_at",
            "handle_due_date",
            "handle_due_at",
            "extended_workdays",
            "return_due_date",
            "return_rule",
            "return_note",
            "returned_at",
            "contribution",
            "done_at",
            "warn_at",
            "due_at",
            "light",
            "version",
        ]
        read_only_fields = fields

    def get_light(self, obj: Dispatch) -> str | None:
        if "light" in obj.__dict__:
            return obj.__dict__["light"]
        return lights.light_of(obj, timezone.now(), paused=False) if obj.is_open else None


class TicketEventSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default="", read_only=True)

    class Meta:
        model = TicketEvent
        fields = ["move", "from_state", "to_state", "at", "by", "dispatch", "note", "data"]


class TicketSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    subject_code = serializers.CharField(source="subject.code", read_only=True)
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    area_code = serializers.CharField(source="area.code", default="", read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "channel",
            "request_type",
            "subject_code",
            "subject_name",
            "urgency",
            "title",
            "area_code",
            "state",
            "received_at",
            "dispatched_at",
            "reply_due_at",
            "replied_at",
            "closure",
            "closed_at",
            "round",
            "master",
            "repeat_calls",
            "version",
        ]
        read_only_fields = fields


class TicketMovedSerializer(TicketSerializer):
    """A ticket after a move: its fields and the dispatches the user may see (the log: GET the ticket)."""

    dispatches = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "dispatches"]
        read_only_fields = fields

    def get_dispatches(self, obj: Ticket) -> list[dict]:
        from govhall.hotline.queries import is_unit_user

        user = self.context["request"].user
        rows = obj.dispatches.all()
        if is_unit_user(user):  # a unit sees its own dispatches only
            rows = [d for d in rows if d.unit_id == user.department_id]
        return DispatchSerializer(rows, many=True).data


class TicketDetailSerializer(TicketSerializer):
    caller = serializers.SerializerMethodField(
        help_text="What the user may see of the caller: name, phone, masked, hidden"
    )
    dispatches = serializers.SerializerMethodField()
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            "content",
            "address",
            "lat",
            "lon",
            "anonymous",
            "confidential",
            "publish_allowed",
            "override_reason",
            "reply",
            "reply_basis",
            "callback_outcome",
            "solved",
            "failed_callbacks",
            "caller",
            "dispatches",
            "events",
        ]
        read_only_fields = fields

    def get_caller(self, obj: Ticket) -> dict:
        from govhall.hotline.queries import caller_for

        return caller_for(obj, self.context["request"].user)

    def get_dispatches(self, obj: Ticket) -> list[dict]:
        from govhall.hotline.queries import is_unit_user

        user = self.context["request"].user
        rows = obj.dispatches.all()
        if is_unit_user(user):  # a unit sees its own dispatches only
            rows = [d for d in rows if d.unit_id == user.department_id]
        return DispatchSerializer(rows, many=True).data


class TicketCreateSerializer(serializers.Serializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    subject = serializers.CharField(max_length=6, help_text="A third-level subject code (six digits)")
    title = serializers.CharField(max_length=120, allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    area = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    caller_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    caller_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    publish_allowed = serializers.BooleanField(required=False, default=False)
    answer = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Answered during the call: closes at once"
    )


class HotlineVersioned(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version you last read (409 if stale)")


class HotlineDispatchTicketSerializer(HotlineVersioned):
    lead_unit = serializers.CharField(required=False, allow_blank=True, default="")
    co_units = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineSignSerializer(HotlineVersioned):
    pass


class HotlineReturnSerializer(HotlineVersioned):
    reason_code = serializers.CharField(required=False, allow_blank=True, default="")
    rule = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineDecideReturnSerializer(HotlineVersioned):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    new_unit = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineExtensionSerializer(HotlineVersioned):
    workdays = serializers.IntegerField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineDecideExtensionSerializer(HotlineVersioned):
    request = serializers.IntegerField(help_text="The extension request's id")
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineContributeSerializer(HotlineVersioned):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineReplySerializer(HotlineVersioned):
    reply = serializers.CharField(required=False, allow_blank=True, default="")
    basis = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineCallbackSerializer(HotlineVersioned):
    outcome = serializers.ChoiceField(
        choices=CallbackOutcome.choices, required=False, allow_blank=True, default=""
    )
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineReviewSerializer(HotlineVersioned):
    uphold = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineRepeatCallSerializer(HotlineVersioned):
    phone = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The caller's number (must be the ticket's)"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="What they said")


class HotlineMergeSerializer(HotlineVersioned):
    master = serializers.CharField(help_text="The master ticket: its id or its number (12345-YYYYMMDD-NNNNN)")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HotlineUnmergeSerializer(HotlineVersioned):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why (required)")


class HotlineSimilarQuerySerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    subject = serializers.CharField(required=False, allow_blank=True, default="", help_text="Subject code")
    area = serializers.CharField(required=False, allow_blank=True, default="", help_text="Area code")
    lat = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-180, max_value=180)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    content = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    exclude = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A ticket id")


class HotlineSimilarSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket_id")
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    subject_code = serializers.CharField()
    received_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(
        choices=["repeat", "duplicate"], help_text="repeat: the same caller; duplicate: another caller"
    )
    same_caller = serializers.BooleanField()
    near = serializers.BooleanField()
    distance_m = serializers.FloatField(allow_null=True, help_text="Null when one of them has no coordinates")
    similarity = serializers.FloatField(help_text="Dice coefficient of the texts' character bigrams, 0–1")
    repeat_calls = serializers.IntegerField()
    duplicates = serializers.IntegerField()


class HotlineExtensionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "dispatch",
            "workdays",
            "reason",
            "requested_at",
            "state",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class HotlineCallerTicketSerializer(serializers.ModelSerializer):
    lead_unit = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = ["id", "number", "received_at", "title", "state", "request_type"]
        read_only_fields = fields

    def get_lead_unit(self, obj: Ticket) -> str:
        unit = getattr(obj, "lead_unit", None)
        return unit.name if unit else ""


HotlineCallerTicketSerializer.Meta.fields = [*HotlineCallerTicketSerializer.Meta.fields, "lead_unit"]


class HotlineIncomingCallSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20, help_text="The caller's number")
    operator = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", help_text="The operator's username"
    )
    extension = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="The operator's extension (seat), if the telephony knows no username",
    )
    call_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
