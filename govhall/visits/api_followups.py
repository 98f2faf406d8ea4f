"""The follow-ups API under /api/v1/visits/follow-ups/: adapters that parse, call one service, answer.

Reading: the list (cursor pagination, no COUNT) and a follow-up, each with its light; a follow-up the user
may not see is 404. Writing: each move is a POST with the version the caller read (a `version` field or
the header If-Match: "<version>"; without one 428, stale 409 and nothing changes); a move the table does
not allow from the current state 409, a role or department that may not make it 403, bad input 400 with
the field and the rule.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import domain_error_response, expected_version
from govhall.core.pagination import CursorPagination
from govhall.supervision import lights
from govhall.visits.models.followups import (
    AppealDecision,
    Finding,
    FollowUp,
    FollowUpEvent,
    FollowUpState,
    RaterView,
)
from govhall.visits.queries_followups import light_filter, visible_follow_ups, with_lights
from govhall.visits.services import followups as services

LIGHT_CHOICES = [lights.GREEN, lights.YELLOW, lights.RED]


class FollowUpEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default="", read_only=True)

    class Meta:
        model = FollowUpEvent
        fields = ["move", "from_state", "to_state", "at", "by", "note"]


class FollowUpSerializer(serializers.ModelSerializer):
    light = serializers.SerializerMethodField(help_text="green, yellow or red; null when closed")
    department_name = serializers.CharField(source="department.name", read_only=True)
    rating_level = serializers.IntegerField(source="rating.level", read_only=True)
    rating_counts = serializers.BooleanField(source="rating.counts", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "rating",
            "rating_level",
            "rating_counts",
            "department",
            "department_name",
            "state",
            "opened_at",
            "callback_due",
            "called_back_at",
            "finding",
            "explanation",
            "rectify_due",
            "rectification",
            "rectified_at",
            "rater_view",
            "appeal_reason",
            "appealed_at",
            "appeal_due",
            "appeal_decision",
            "appeal_note",
            "appeal_decided_at",
            "closed_at",
            "warn_at",
            "due_at",
            "light",
            "version",
        ]
        read_only_fields = fields

    def get_light(self, obj: FollowUp) -> str | None:
        if "light" in obj.__dict__:  # annotated in SQL (the list)
            return obj.__dict__["light"]
        return lights.light_of(obj, self.context.get("now") or timezone.now()) if obj.is_lit else None


class FollowUpDetailSerializer(FollowUpSerializer):
    rating_comment = serializers.CharField(source="rating.comment", read_only=True)
    rater_phone = serializers.SerializerMethodField(help_text="Masked: the page shows it to the department")
    events = FollowUpEventSerializer(many=True, read_only=True)

    class Meta(FollowUpSerializer.Meta):
        fields = [*FollowUpSerializer.Meta.fields, "rating_comment", "rater_phone", "events"]
        read_only_fields = fields

    def get_rater_phone(self, obj: FollowUp) -> str:
        from govhall.visits.queries_followups import rater_summary

        return rater_summary(obj)["masked_phone"]


class FollowUpFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FollowUpState.choices, required=False)
    light = serializers.ChoiceField(choices=LIGHT_CHOICES, required=False)


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text='The version you last read; or the header If-Match: "<v>".'
    )


class FollowUpVerifySerializer(_Versioned):
    finding = serializers.ChoiceField(choices=Finding.choices, required=False, allow_blank=True, default="")
    explanation = serializers.CharField(required=False, allow_blank=True, default="")
    called_back_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class FollowUpRectifySerializer(_Versioned):
    rectification = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpReportBackSerializer(_Versioned):
    rater_view = serializers.ChoiceField(
        choices=RaterView.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpAppealSerializer(_Versioned):
    grounds = serializers.CharField(required=False, allow_blank=True, default="")


class DecideFollowUpAppealSerializer(_Versioned):
    appeal_decision = serializers.ChoiceField(
        choices=AppealDecision.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpCursor(CursorPagination):
    ordering = ("-opened_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class FollowUpAPIView(APIView):
    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


class FollowUpListView(FollowUpAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = FollowUpCursor

    @extend_schema(
        parameters=[FollowUpFilterSerializer],
        responses=FollowUpSerializer(many=True),
        summary="Follow-ups of bad ratings the user may see, newest first, with lights",
    )
    def get(self, request: Request) -> Response:
        filters = FollowUpFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        now = timezone.now()
        rows = with_lights(visible_follow_ups(request.user), now)
        if state := filters.validated_data.get("state"):
            rows = rows.filter(state=state)
        if light := filters.validated_data.get("light"):
            rows = rows.filter(light_filter(light, now))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(FollowUpSerializer(page, many=True).data)


def _follow_up(request: Request, pk: int) -> FollowUp:
    return get_object_or_404(visible_follow_ups(request.user), pk=pk)


def _answer(follow_up: FollowUp) -> Response:
    follow_up = FollowUp.objects.select_related("rating", "department").get(pk=follow_up.pk)
    response = Response(FollowUpDetailSerializer(follow_up).data, status=status.HTTP_200_OK)
    response["ETag"] = f'"{follow_up.version}"'
    return response


class FollowUpDetailView(FollowUpAPIView):
    @extend_schema(responses=FollowUpDetailSerializer, summary="A follow-up with its record of moves")
    def get(self, request: Request, pk: int) -> Response:
        return _answer(_follow_up(request, pk))


ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
    428: OpenApiTypes.OBJECT,
}


def _move_view(serializer_class, perform, summary: str):
    class MoveView(FollowUpAPIView):
        @extend_schema(
            request=serializer_class, responses={200: FollowUpDetailSerializer, **ERRORS}, summary=summary
        )
        def post(self, request: Request, pk: int) -> Response:
            follow_up = _follow_up(request, pk)
            data = serializer_class(data=request.data)
            data.is_valid(raise_exception=True)
            d = dict(data.validated_data)
            version = expected_version(request, d)
            d.pop("version", None)
            perform(follow_up, d, by=request.user, now=timezone.now(), expected_version=version)
            return _answer(follow_up)

    MoveView.__name__ = MoveView.__qualname__ = f"{serializer_class.__name__.removesuffix('Serializer')}View"
    return MoveView


VerifyView = _move_view(
    FollowUpVerifySerializer,
    lambda f, d, **c: services.verify(
        f, finding=d["finding"], explanation=d["explanation"], called_back_at=d["called_back_at"], **c
    ),
    "Call back and verify (回访核实): the finding and its explanation",
)
RectifyView = _move_view(
    FollowUpRectifySerializer,
    lambda f, d, **c: services.rectify(f, rectification=d["rectification"], **c),
    "Record the rectification (整改)",
)
ReportBackView = _move_view(
    FollowUpReportBackSerializer,
    lambda f, d, **c: services.report_back(f, rater_view=d["rater_view"], note=d["note"], **c),
    "Report back to the rater: their view of the rectification; closes the follow-up",
)
AppealView = _move_view(
    FollowUpAppealSerializer,
    lambda f, d, **c: services.appeal(f, grounds=d["grounds"], **c),
    "Appeal the rating as false or mistaken (申诉)",
)
DecideAppealView = _move_view(
    DecideFollowUpAppealSerializer,
    lambda f, d, **c: services.decide_appeal(f, decision=d["appeal_decision"], note=d["note"], **c),
    "The centre decides an appeal: upheld takes the rating out of the figures",
)
