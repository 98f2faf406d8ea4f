"""/api/v1/hotline/hot-topics/: the hot topics of a week (热点), the monthly hot list (热点清单) and turning a
topic into a proactive task (未诉先办). Reading: the centre and the statistics roles (leaders, supervisors,
administrators); creating a task: the centre and the leaders. Errors as the neighbours: 400 naming the
field, 403, 409 when the topic's week already has its task (also when two creations race)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.hotline import hot
from govhall.hotline.api import ERRORS, HotlineAPIView
from govhall.hotline.errors import TaskExists
from govhall.hotline.services.common import is_centre, may_dispatch_proactive
from govhall.hotline.services.proactive import create_proactive_task
from govhall.stats.permissions import may_see
from govhall.stats.queries import month_range
from govhall.stats.reports import ReportError, parse_month


def may_read_hot(user) -> bool:
    return is_centre(user) or may_see(user)


def _require_reader(request: Request) -> None:
    if not may_read_hot(request.user):
        raise PermissionDenied(_("Only the hotline centre and the statistics roles see the hot topics."))


TOPIC_FIELDS = {
    "area": serializers.CharField(),
    "area_name": serializers.CharField(),
    "subject": serializers.CharField(),
    "subject_name": serializers.CharField(),
    "week": serializers.DateField(),
    "week_end": serializers.DateField(),
    "count": serializers.IntegerField(help_text="Tickets of the topic in the week (so far)"),
    "baseline": serializers.DecimalField(max_digits=9, decimal_places=2, help_text="Mean a week before"),
    "threshold": serializers.IntegerField(help_text="The fewest tickets that make the week hot"),
    "ratio": serializers.FloatField(allow_null=True, help_text="count ÷ baseline (null: zero baseline)"),
    "history": serializers.ListField(child=serializers.IntegerField(), help_text="Baseline weeks"),
    "task": serializers.DictField(allow_null=True, help_text="The proactive task, if made"),
}
RULE = inline_serializer(
    "HotRule",
    {
        "multiple": serializers.DecimalField(max_digits=6, decimal_places=2),
        "min_count": serializers.IntegerField(),
        "baseline_weeks": serializers.IntegerField(),
        "subject_digits": serializers.IntegerField(),
    },
)


class HotWeekView(HotlineAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "week", OpenApiTypes.DATE, description="Any day of the week (default: this week)"
            )
        ],
        responses={
            200: inline_serializer(
                "HotWeek",
                {
                    "week": serializers.DateField(),
                    "week_end": serializers.DateField(),
                    "as_of": serializers.DateTimeField(),
                    "complete": serializers.BooleanField(),
                    "rule": RULE,
                    "topics": inline_serializer("HotTopic", TOPIC_FIELDS, many=True),
                },
            ),
            **ERRORS,
        },
        summary="The hot topics (热点) of a week, counted up to now: area × subject against its baseline",
    )
    def get(self, request: Request) -> Response:
        _require_reader(request)
        now = timezone.now()
        try:
            monday = hot.parse_week(request.query_params.get("week", ""), today=timezone.localdate(now))
        except ValueError as exc:
            raise serializers.ValidationError({"week": [str(exc)]}) from None
        return Response(hot.week_data(monday, now=now))


class HotListView(HotlineAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: this month)")],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        summary="The monthly hot list (热点清单): topics hot in a week of the month, counts, change",
    )
    def get(self, request: Request) -> Response:
        _require_reader(request)
        now = timezone.now()
        text = request.query_params.get("month") or f"{timezone.localdate(now):%Y-%m}"
        try:
            first, last = month_range(parse_month(text))
        except ReportError as exc:
            raise serializers.ValidationError({"month": [str(exc)]}) from None
        return Response(hot.month_list(first, last, now=now))


class TaskCreateSerializer(serializers.Serializer):
    area = serializers.CharField(max_length=12, help_text="The topic's area code")
    subject = serializers.CharField(max_length=6, help_text="The topic's subject code (the rule's level)")
    week = serializers.DateField(help_text="Any day of the hot week")
    unit = serializers.CharField(max_length=32, help_text="The department code of the unit to act")
    due_date = serializers.DateField(help_text="Handled by the end of this working day")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class HotTaskView(HotlineAPIView):
    @extend_schema(
        request=TaskCreateSerializer,
        responses={
            201: inline_serializer(
                "ProactiveTaskCreated",
                {
                    "ticket": serializers.IntegerField(),
                    "number": serializers.CharField(),
                    "state": serializers.CharField(),
                    "area": serializers.CharField(),
                    "subject": serializers.CharField(),
                    "week": serializers.DateField(),
                    "unit": serializers.CharField(),
                    "due_date": serializers.DateField(),
                },
            ),
            **ERRORS,
        },
        summary="Turn a hot topic into a proactive task (未诉先办): a ticket dispatched with a deadline",
    )
    def post(self, request: Request) -> Response:
        if not may_dispatch_proactive(request.user):  # the role first: a wrong caller learns nothing more
            raise PermissionDenied(_("Only the centre and leaders turn hot topics into proactive tasks."))
        data = TaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task = create_proactive_task(**data.validated_data, by=request.user, now=timezone.now())
        except TaskExists as exc:
            return Response(
                {"detail": str(exc), "code": "task_exists", "ticket": exc.ticket, "number": exc.number},
                status=status.HTTP_409_CONFLICT,
            )
        lead = task.ticket.dispatches.select_related("unit").get()
        return Response(
            {
                "ticket": task.ticket_id,
                "number": task.ticket.number,
                "state": task.ticket.state,
                "area": task.area.code,
                "subject": task.subject.code,
                "week": task.week,
                "unit": lead.unit.code,
                "due_date": lead.handle_due_date,
            },
            status=status.HTTP_201_CREATED,
        )
