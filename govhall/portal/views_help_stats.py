"""The statistics of remote help (远程帮办) for leaders, supervisors and administrators: a page at
/portal/help/stats/ (a tab of the statistics pages) and the API /api/v1/portal/help/stats/. Adapters over
govhall.portal.queries_help_stats; who may see them is the statistics' rule (govhall.stats.permissions)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.portal import queries_help_stats as figures
from govhall.portal.models import HelpOutcome
from govhall.stats.api import StatsView
from govhall.stats.filters import FilterError, parse_filters
from govhall.stats.permissions import may_see

MAX_DAYS = 366


def period(params) -> tuple[date, date]:
    """from / to (YYYY-MM-DD); by default the last six months to today. FilterError names the field."""
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
    f = parse_filters(params, default_from=start, default_to=today)
    if (f.date_to - f.date_from).days >= MAX_DAYS:
        raise FilterError("from", _("A period of at most 366 days, please."))
    return f.date_from, f.date_to


def compute(date_from: date, date_to: date) -> dict:
    at_home = _("Residents at home")
    return {
        "from": date_from,
        "to": date_to,
        **{
            f"by_{by}": figures.sessions_by(by, date_from=date_from, date_to=date_to, at_home=at_home)
            for by in figures.DIMENSIONS
        },
        "first_time_success": figures.first_time_success(date_from=date_from, date_to=date_to),
    }


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    if not may_see(request.user):
        raise PermissionDenied(_("Your role has no access to this page."))
    errors = []
    try:
        date_from, date_to = period(request.GET)
    except FilterError as exc:
        errors.append(exc.message)
        date_to = timezone.localdate()
        date_from = (date_to.replace(day=1) - timedelta(days=150)).replace(day=1)
    data = compute(date_from, date_to)
    titles = {"hall": _("By township hall"), "department": _("By department"), "month": _("By month")}
    context = {
        "tab": "help",
        "errors": errors,
        "outcomes": HelpOutcome.choices,
        "tables": [(by, titles[by], data[f"by_{by}"]) for by in figures.DIMENSIONS],
        **data,
    }
    return render(request, "portal/help/stats.html", context, status=400 if errors else 200)


class HelpGroupSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="hall or department id, or the month's first day")
    label = serializers.CharField(allow_blank=True)
    asked = serializers.IntegerField()
    waiting = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    ended = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    no_show = serializers.IntegerField()
    outcomes = serializers.DictField(child=serializers.IntegerField())
    wait_minutes = serializers.FloatField(allow_null=True, help_text="mean, in the queue → started")
    duration_minutes = serializers.FloatField(allow_null=True, help_text="mean, started → ended")
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    bad = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)


class HelpGroupsSerializer(serializers.Serializer):
    rows = HelpGroupSerializer(many=True)
    total = HelpGroupSerializer()


class FirstTimeRowSerializer(serializers.Serializer):
    month = serializers.CharField(allow_null=True)
    helped_decided = serializers.IntegerField()
    helped_first_time = serializers.IntegerField()
    helped_rate = serializers.FloatField(allow_null=True)
    unhelped_decided = serializers.IntegerField()
    unhelped_first_time = serializers.IntegerField()
    unhelped_rate = serializers.FloatField(allow_null=True)


class FirstTimeSerializer(serializers.Serializer):
    rows = FirstTimeRowSerializer(many=True)
    total = FirstTimeRowSerializer()


class HelpStatsSerializer(serializers.Serializer):
    by_hall = HelpGroupsSerializer()
    by_department = HelpGroupsSerializer()
    by_month = HelpGroupsSerializer()
    first_time_success = FirstTimeSerializer()


class HelpStatsView(StatsView):
    @extend_schema(
        summary="Remote help: sessions by township hall, department and month; first-time success",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: six months back)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (default: today)"),
        ],
        responses=HelpStatsSerializer,
    )
    def get(self, request: Request) -> Response:
        try:
            date_from, date_to = period(request.query_params)
        except FilterError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        data = compute(date_from, date_to)
        body = HelpStatsSerializer(data).data
        return Response({"from": date_from, "to": date_to, **body})
