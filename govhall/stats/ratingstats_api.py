"""好差评 figures in the API under /api/v1/stats/ratings/: the indicators by a dimension and the ratings
behind a figure (leaders, supervisors, administrators), and the public monthly figures of each
department (anyone, no personal data)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from govhall.core import inputs
from govhall.stats import ratingstats
from govhall.stats.api import StatsView
from govhall.stats.filters import FilterError, parse_filters
from govhall.stats.reports import ReportError, parse_month

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="first day"),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="last day"),
    OpenApiParameter("department", str, description="department code"),
    OpenApiParameter("hall", str, description="hall code"),
    OpenApiParameter("level", str, description="hall level: centre, sub_hall, township, point"),
    OpenApiParameter("item", str, description="item code"),
]
BY = OpenApiParameter("by", str, enum=ratingstats.DIMENSIONS, description="dimension (none: the totals)")


class RatingFiguresView(StatsView):
    @extend_schema(
        parameters=[*PARAMETERS, BY],
        responses=OpenApiTypes.OBJECT,
        summary="Rating indicators (好差评) for a period, totals or by a dimension",
    )
    def get(self, request: Request) -> Response:
        try:
            f = parse_filters(request.query_params)
        except FilterError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        by = request.query_params.get("by") or None
        if by is not None and by not in ratingstats.DIMENSIONS:
            return Response({"by": [inputs.one_of("by", ratingstats.DIMENSIONS)]}, status=400)
        today = timezone.localdate()
        period = {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()}
        if by is None:
            return Response({"period": period, "totals": ratingstats.summary(f, today=today)})
        rows = ratingstats.table(f, by, today=today)
        label = ratingstats.names(by, rows.keys())
        return Response(
            {
                "period": period,
                "by": by,
                "rows": [
                    {"key": ratingstats.format_key(by, k), "name": str(label.get(k, k)), **rows[k]}
                    for k in sorted(rows, key=lambda k: (k is None, str(k)))
                ],
            }
        )


class RatingListView(StatsView):
    @extend_schema(
        parameters=[
            *PARAMETERS,
            OpenApiParameter("measure", str, enum=ratingstats.LISTS, required=True),
            BY,
            OpenApiParameter(
                "key", str, description="the group value: an id, 'none', or YYYY-MM for a month"
            ),
        ],
        responses=OpenApiTypes.OBJECT,
        summary="The ratings behind a rating figure (the first 200 by time, and how many)",
    )
    def get(self, request: Request) -> Response:
        try:
            f = parse_filters(request.query_params)
        except FilterError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        params = request.query_params
        measure, by = params.get("measure", ""), params.get("by") or None
        if measure not in ratingstats.LISTS:
            return Response({"measure": [inputs.one_of("measure", ratingstats.LISTS)]}, status=400)
        if by is not None and by not in ratingstats.DIMENSIONS:
            return Response({"by": [inputs.one_of("by", ratingstats.DIMENSIONS)]}, status=400)
        try:
            key = ratingstats.parse_key(by, params.get("key", "")) if by else None
        except ValueError:
            return Response({"key": [_("key is an id, “none”, or YYYY-MM for a month.")]}, status=400)
        found = ratingstats.first_ratings(f, measure, today=timezone.localdate(), by=by, key=key)
        return Response(
            {
                "measure": measure,
                "total": found.total,
                "results": [
                    {
                        "id": r.pk,
                        "rated": r.rated,
                        "case": r.case.number if r.case else None,
                        "visit": r.visit_id,
                        "level": r.level,
                        "channel": r.channel,
                        "rated_at": r.rated_at.isoformat(),
                        "department": r.department.code if r.department else None,
                        "hall": r.hall.code if r.hall else None,
                        "window": r.window_id,
                        "clerk": r.clerk_id,
                        "item": r.item.code if r.item else None,
                        "comment": r.comment,
                    }
                    for r in found.rows
                ],
            }
        )


PUBLIC_ROW = {
    "code": serializers.CharField(),
    "name": serializers.CharField(),
    "rated": serializers.IntegerField(),
    "satisfaction_rate": serializers.FloatField(allow_null=True),
    "bad": serializers.IntegerField(),
    "callback_rate": serializers.FloatField(allow_null=True),
    "rectified_on_time_rate": serializers.FloatField(allow_null=True),
}


class PublicMonthThrottle(AnonRateThrottle):
    rate = "120/min"


def resolve_month(raw: str | None, today: date) -> date:
    """The month asked for ('YYYY-MM'), the current one when empty; ReportError: bad or in the future."""
    if not raw:
        return today.replace(day=1)
    month = parse_month(raw)
    if month > today:
        raise ReportError("month", f"{raw} has not begun")
    return month


class PublicSatisfactionView(APIView):
    """Each department's monthly figures, as on /portal/satisfaction/."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [PublicMonthThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM; the current month when empty")],
        responses=inline_serializer(
            "PublicSatisfaction",
            {
                "month": serializers.CharField(),
                "from": serializers.DateField(),
                "to": serializers.DateField(),
                "complete": serializers.BooleanField(),
                "departments": inline_serializer("PublicSatisfactionDepartment", PUBLIC_ROW, many=True),
                "total": inline_serializer("PublicSatisfactionTotal", PUBLIC_ROW),
            },
        ),
        summary="Each department's monthly rating figures (public, no personal data)",
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        try:
            month = resolve_month(request.query_params.get("month"), today)
        except ReportError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        return Response(ratingstats.public_month(month, today=today))
