"""Read-only, public API over the working-day calendar. Adapters: parse the query, ask calendar.py, render."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay, CalendarYear

MAX_N = 5000


# Dates outside the calendar's years are refused by every DateField (govhall/core/inputs.py), naming them.
class AddQuery(serializers.Serializer):
    date = serializers.DateField(input_formats=["iso-8601"])
    n = serializers.IntegerField(min_value=-MAX_N, max_value=MAX_N)


class BetweenQuery(serializers.Serializer):
    a = serializers.DateField(input_formats=["iso-8601"])
    b = serializers.DateField(input_formats=["iso-8601"])


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=calendar.FIRST_YEAR, max_value=calendar.LAST_YEAR)


class AddResult(serializers.Serializer):
    start = serializers.DateField()
    n = serializers.IntegerField()
    date = serializers.DateField()
    provisional = serializers.BooleanField(
        help_text="True if a counted day lies in a year without official data"
    )
    calendar_version = serializers.IntegerField(
        help_text="The calendar revision the answer was computed with"
    )


class BetweenResult(serializers.Serializer):
    a = serializers.DateField()
    b = serializers.DateField()
    workdays = serializers.IntegerField(help_text="Working days d with a < d ≤ b; negative when b < a")
    provisional = serializers.BooleanField()
    calendar_version = serializers.IntegerField()


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "name", "source", "scope"]


class CalendarYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarYear
        fields = ["year", "title", "source", "loaded_at"]


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _range_error(exc: calendar.CalendarRangeError, field: str) -> ValidationError:
    return ValidationError({field: [str(exc)]})


def _date_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, required=True, description=description)


class AddWorkdaysView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Add working days",
        description=(
            "The n-th working day after the first working day on or after `date` (n = 0: that first "
            "working day); for n < 0 the |n|-th working day before `date`. Same rule as "
            "chinese_calendar.find_workday(n, date)."
        ),
        parameters=[
            _date_param("date", "Start date, YYYY-MM-DD"),
            OpenApiParameter("n", OpenApiTypes.INT, required=True, description=f"-{MAX_N} … {MAX_N}"),
        ],
        responses=AddResult,
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        query = _query(AddQuery, request)
        try:
            result = calendar.deadline(query["date"], query["n"])
        except calendar.CalendarRangeError as exc:
            raise _range_error(exc, "n") from None
        return Response(
            AddResult(
                {
                    "start": query["date"],
                    "n": query["n"],
                    "date": result.date,
                    "provisional": result.provisional,
                    "calendar_version": result.calendar_version,
                }
            ).data
        )


class WorkdaysBetweenView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Count working days",
        description="Working days d with a < d ≤ b; negative (and symmetric) when b < a.",
        parameters=[
            _date_param("a", "From (excluded), YYYY-MM-DD"),
            _date_param("b", "To (included), YYYY-MM-DD"),
        ],
        responses=BetweenResult,
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        query = _query(BetweenQuery, request)
        snapshot = calendar.CACHE.snapshot()
        a, b = query["a"], query["b"]
        return Response(
            BetweenResult(
                {
                    "a": a,
                    "b": b,
                    "workdays": snapshot.workdays_between(a, b),
                    "provisional": snapshot.spans_provisional(a, b),
                    "calendar_version": snapshot.version,
                }
            ).data
        )


class CalendarDaysView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Special days of a year",
        description="Holidays, make-up working days (调休上班) and local rest days; every other day is "
        "Monday–Friday working, Saturday–Sunday rest.",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True)],
        responses=CalendarDaySerializer(many=True),
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        year = _query(YearQuery, request)["year"]
        days = CalendarDay.objects.filter(date__year=year).order_by("date")
        return Response(CalendarDaySerializer(days, many=True).data)


class CalendarYearsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Years with official data",
        description="A date in any other year is counted Monday–Friday and marked provisional.",
        responses=CalendarYearSerializer(many=True),
        tags=["workdays"],
    )
    def get(self, request: Request) -> Response:
        return Response(CalendarYearSerializer(CalendarYear.objects.order_by("year"), many=True).data)
