"""Serializers of the supervision API, and LightField: the light of a step or case in any serializer."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govhall.supervision import lights
from govhall.supervision.models import Card, CardEvent, Notification, Order, OrderEvent


@extend_schema_field({"type": "string", "enum": [*lights.LIGHTS], "nullable": True})
class LightField(serializers.Field):
    """Read-only: 'green' / 'yellow' / 'red' / 'paused' for an open step or case, else null.

    Use on a Step or Case serializer: `light = LightField()`. An annotated `light` (lights.annotate_*)
    is used as it is; otherwise it is computed from the stored warn_at/due_at at the request's now.
    """

    def __init__(self, **kwargs) -> None:
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, row):
        from govhall.supervision.templatetags.supervision import light_for

        return light_for(row, self.context.get("now") or timezone.now())


class StepLightSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_number = serializers.CharField(source="case.number")
    name = serializers.CharField()
    department_id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    due_date = serializers.DateField()
    warn_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    light = LightField()


class LaneCaseLightSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    lane = serializers.CharField(source="lane.code")
    lane_name = serializers.CharField(source="lane.name")
    lead_department_id = serializers.IntegerField(source="lane.lead_department_id")
    hall_id = serializers.IntegerField()
    state = serializers.CharField()
    applicant_name = serializers.CharField()
    current_stage = serializers.IntegerField()
    due_date = serializers.DateField()
    warn_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    light = LightField()


class CountSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="Department or hall id, or lane code")
    name = serializers.CharField()
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    paused = serializers.IntegerField()
    total = serializers.IntegerField()


class RecordEntrySerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField(source="by.username", allow_null=True, default=None)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    text = serializers.CharField()


class CardSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None)
    events = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = [
            "id", "kind", "rule", "department", "case", "case_number", "step", "reason", "issued_at",
            "issued_by", "reply_due", "state", "cause", "correction", "replied_at", "appealed", "version",
            "events",
        ]  # fmt: skip

    @extend_schema_field(RecordEntrySerializer(many=True, allow_null=True))
    def get_events(self, card: Card):
        if not self.context.get("events"):
            return None
        return RecordEntrySerializer(
            CardEvent.objects.filter(card=card).select_related("by").order_by("at", "pk"), many=True
        ).data


class OrderSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", default=None)
    events = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id", "case", "case_number", "subject", "department", "instruction", "due_date", "issued_at",
            "issued_by", "state", "reply", "replied_at", "replied_by", "closed_at", "escalation_level",
            "version", "events",
        ]  # fmt: skip

    @extend_schema_field(RecordEntrySerializer(many=True, allow_null=True))
    def get_events(self, order: Order):
        if not self.context.get("events"):
            return None
        rows = OrderEvent.objects.filter(order=order).select_related("by").order_by("at", "pk")
        return RecordEntrySerializer(rows, many=True).data


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "case", "created_at", "read_at"]
