"""Statistics API under /api/v1/stats/: indicators for a period and filter, by a dimension; roll-up check."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.core import inputs
from govhall.stats.filters import FilterError, parse_filters
from govhall.stats.management.commands.stats import jsonable
from govhall.stats.permissions import may_see
from govhall.stats.queries import GROUPS, names, summary, table
from govhall.stats.ranking import department_ranking

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="first day"),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="last day"),
    OpenApiParameter("department", str, description="department code"),
    OpenApiParameter("hall", str, description="hall code"),
    OpenApiParameter("level", str, description="hall level: centre, sub_hall, township, point"),
    OpenApiParameter("lane", str, description="lane code"),
    OpenApiParameter("item", str, description="item code"),
]


class Leaders(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_see(request.user)


class StatsView(APIView):
    permission_classes = [IsAuthenticated, Leaders]

    def filters(self, request: Request):
        return parse_filters(request.query_params)


class SummaryView(StatsView):
    @extend_schema(parameters=PARAMETERS, responses=OpenApiTypes.OBJECT, summary="Indicators for a period")
    def get(self, request: Request) -> Response:
        try:
            f = self.filters(request)
        except FilterError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        return Response(jsonable(summary(f)))


# A list of rows (key, name, the indicators), not one object.
ROWS = {200: {"type": "array", "items": {"type": "object", "additionalProperties": True}}}


class TableView(StatsView):
    @extend_schema(
        parameters=[*PARAMETERS, OpenApiParameter("by", str, enum=GROUPS, required=True)],
        responses=ROWS,
        summary="Indicators per department, hall, item, channel, kind or month",
    )
    def get(self, request: Request) -> Response:
        try:
            f = self.filters(request)
        except FilterError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        by = request.query_params.get("by", "")
        if by not in GROUPS:
            return Response({"by": [inputs.one_of("by", GROUPS)]}, status=400)
        rows = table(f, by)
        label = names(by, rows.keys())
        return Response(
            [
                {"key": jsonable({"k": k})["k"], "name": str(label.get(k, k)), **rows[k]}
                for k in sorted(rows, key=str)
            ]
        )


class RankingView(StatsView):
    @extend_schema(
        parameters=PARAMETERS, responses=OpenApiTypes.OBJECT, summary="Department ranking for a period"
    )
    def get(self, request: Request) -> Response:
        try:
            f = self.filters(request)
        except FilterError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        result = department_ranking(f)

        def entry(e) -> dict:
            return {
                "rank": e.rank,
                "code": e.code,
                "name": e.name,
                "assessed": e.assessed,
                "score": None if e.score is None else float(e.score),
                "values": {k: None if v is None else float(v) for k, v in e.values.items()},
                "reason": e.reason,
                # ratingstats: shown next to the score
                **result.ratings_of(e.department),
            }

        return Response(
            {
                "weights": {k: float(w) for k, w in result.weights.items()},
                "min_cases": result.min_cases,
                "ranked": [entry(e) for e in result.ranked],
                "not_ranked": [entry(e) for e in result.unranked],
            }
        )
