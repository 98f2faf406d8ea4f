"""Waiting and service times of hall visits per hall, window group and hour (part visit of issue 16): a
page for leaders, supervisors and administrators at /stats/visits/ and the API /api/v1/stats/visits/.
The figures come from govhall.visits.queries_visit.visit_times (stats stands above visits)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.catalog.models import Hall
from govhall.stats.api import Leaders, StatsView
from govhall.stats.permissions import may_see
from govhall.visits.queries_visit import no_shows, visit_times

MAX_DAYS = 366


def _period(params) -> tuple[date, date, Hall | None, list[str]]:
    today = timezone.localdate()
    errors = []
    try:
        end = date.fromisoformat(params.get("to") or today.isoformat())
        start = date.fromisoformat(params.get("from") or (end - timedelta(days=6)).isoformat())
    except ValueError:
        errors.append(_("Dates are written YYYY-MM-DD."))
        start, end = today - timedelta(days=6), today
    if start > end:
        errors.append(_("The start date is after the end date."))
        start = end
    if (end - start).days >= MAX_DAYS:
        errors.append(_("A period of at most 366 days, please."))
        start = end - timedelta(days=MAX_DAYS - 1)
    hall = Hall.objects.filter(code=params.get("hall")).first() if params.get("hall") else None
    return start, end, hall, errors


@login_required
def visit_times_page(request: HttpRequest) -> HttpResponse:
    if not may_see(request.user):
        raise PermissionDenied(_("Your role has no access to this page."))
    start, end, hall, errors = _period(request.GET)
    rows = visit_times(start=start, end=end, hall=hall)
    missed = no_shows(now=timezone.now(), hall=hall, since=start).filter(slot__day__lte=end).count()
    return render(
        request,
        "stats/visits.html",
        {
            "rows": rows,
            "start": start,
            "end": end,
            "hall": hall,
            "halls": Hall.objects.filter(window_groups__isnull=False).distinct(),
            "errors": errors,
            "no_shows": missed,
            "total": sum(r["visits"] for r in rows),
        },
    )


class VisitTimeRow(serializers.Serializer):
    hall = serializers.CharField()
    group = serializers.CharField()
    group_name = serializers.CharField()
    hour = serializers.IntegerField()
    visits = serializers.IntegerField()
    served = serializers.IntegerField()
    absent = serializers.IntegerField()
    wait_minutes = serializers.FloatField(allow_null=True)
    service_minutes = serializers.FloatField(allow_null=True)


class VisitTimesOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    no_shows = serializers.IntegerField()
    rows = VisitTimeRow(many=True)


class VisitTimesView(StatsView):
    permission_classes = [IsAuthenticated, Leaders]

    @extend_schema(
        summary="Waiting and service times of hall visits per hall, window group and hour",
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD (default: a week before `to`)"),
            OpenApiParameter("to", str, description="YYYY-MM-DD (default: today)"),
            OpenApiParameter("hall", str, description="A hall's code"),
        ],
        responses=VisitTimesOut,
    )
    def get(self, request: Request) -> Response:
        start, end, hall, errors = _period(request.query_params)
        if errors:
            raise serializers.ValidationError({"from": errors})
        missed = no_shows(now=timezone.now(), hall=hall, since=start).filter(slot__day__lte=end).count()
        return Response(
            {
                "start": start,
                "end": end,
                "no_shows": missed,
                "rows": visit_times(start=start, end=end, hall=hall),
            }
        )
