"""好差评 in the API, under /api/v1/visits/ratings/. Adapters: parse, call one rating service, answer.

- GET  reasons/   the active reasons a bad rating chooses from (public);
- POST cases/     rate a case: by its number and the rating code printed on its notices (anyone), or, for a
                  hotline operator, by number alone as a rating given by phone (rater_phone required);
- POST visits/    a hotline operator records a visit's rating given by phone;
- POST website/   rate the website (public);
- GET  ""         the ratings, for staff (handlers and department heads see their department's).

Errors: 400 {field: [message]} naming the rule; 409 when another rating of the same object was recorded at
the same moment; 404 for an unknown number or a wrong code (one answer, so a code cannot be probed).
"""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from govhall.cases.api import domain_error_response
from govhall.cases.models import Case
from govhall.core.models import Role
from govhall.visits.models import Rating, RatingChannel, RatingLevel, RatingReason, Visit
from govhall.visits.rating_codes import code_matches
from govhall.visits.services import ratings

STAFF_ROLES = frozenset(Role) - {Role.APPLICANT}
# Roles that may record a rating given by phone.
PHONE_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})
DEPARTMENT_ROLES = frozenset({Role.HANDLER, Role.DEPT_HEAD})


class RatingThrottle(AnonRateThrottle):
    """Anonymous rating by number and code: slow enough that codes cannot be guessed."""

    scope = "rating"
    rate = "30/min"


class IsStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        return getattr(request.user, "role", None) in STAFF_ROLES


class IsPhoneOperator(BasePermission):
    message = _("Only a hotline operator records ratings given by phone.")

    def has_permission(self, request, view) -> bool:
        return getattr(request.user, "role", None) in PHONE_ROLES


class ReasonSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingReason
        fields = ["code", "name", "order"]


class RatingSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True, default=None)
    visit_number = serializers.CharField(source="visit.number", read_only=True, default=None)
    reasons = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "id", "rated", "case_number", "visit_number", "level", "level_label", "reasons", "comment",
            "channel", "department", "hall", "window", "clerk", "item", "rated_at", "is_current", "replaces",
            "counts", "follow_up",
        ]  # fmt: skip
        read_only_fields = fields

    def get_follow_up(self, rating: Rating) -> int | None:
        follow_up = getattr(rating, "follow_up", None)
        return follow_up.pk if follow_up is not None else None


class _RateInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=RatingLevel.choices)
    reasons = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class RateCaseInput(_RateInput):
    number = serializers.CharField(max_length=40)
    code = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="The rating code on the notice"
    )
    rater_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class RateVisitInput(_RateInput):
    visit = serializers.IntegerField()
    rater_phone = serializers.CharField(max_length=20)


class RateWebsiteInput(_RateInput):
    pass


class _RatingAPIView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


def _created(rating: Rating) -> Response:
    return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A rule of 好差评 refused it: {field: [message]}"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="Unknown number or wrong code"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Another rating was recorded at the same moment"),
}


class ReasonList(generics.ListAPIView):
    """The active reasons a bad rating (不满意, 非常不满意) must choose at least one of."""

    permission_classes = [AllowAny]
    serializer_class = ReasonSerializer
    pagination_class = None
    queryset = RatingReason.objects.filter(is_active=True)


class RateCase(_RatingAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [RatingThrottle]

    @extend_schema(request=RateCaseInput, responses={201: RatingSerializer, **ERRORS})
    def post(self, request):
        data = RateCaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        case = Case.objects.filter(number=values["number"].strip()).exclude(kind="consultation").first()
        operator = getattr(request.user, "role", None) in PHONE_ROLES
        if case is None or not (operator or code_matches(case, values["code"])):
            raise Http404("unknown case or wrong code")
        rating = ratings.rate_case(
            case,
            level=values["level"],
            reasons=values["reasons"],
            comment=values["comment"],
            channel=RatingChannel.PHONE if operator else RatingChannel.NOTICE,
            rater=None if operator else request.user,
            rater_phone=values["rater_phone"],
            recorded_by=request.user if operator else None,
            now=timezone.now(),
        )
        return _created(rating)


class RateVisit(_RatingAPIView):
    permission_classes = [IsAuthenticated, IsPhoneOperator]

    @extend_schema(request=RateVisitInput, responses={201: RatingSerializer, **ERRORS})
    def post(self, request):
        data = RateVisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        visit = Visit.objects.filter(pk=values["visit"]).first()
        if visit is None:
            raise Http404("unknown visit")
        rating = ratings.rate_visit(
            visit,
            level=values["level"],
            reasons=values["reasons"],
            comment=values["comment"],
            channel=RatingChannel.PHONE,
            rater_phone=values["rater_phone"],
            recorded_by=request.user,
            now=timezone.now(),
        )
        return _created(rating)


class RateWebsite(_RatingAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [RatingThrottle]

    @extend_schema(request=RateWebsiteInput, responses={201: RatingSerializer, **ERRORS})
    def post(self, request):
        data = RateWebsiteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        rating = ratings.rate_website(
            level=values["level"],
            reasons=values["reasons"],
            comment=values["comment"],
            channel=RatingChannel.PORTAL,
            rater=request.user,
            now=timezone.now(),
        )
        return _created(rating)


class RatingFilter(django_filters.FilterSet):
    rated_from = django_filters.IsoDateTimeFilter(field_name="rated_at", lookup_expr="gte")
    rated_to = django_filters.IsoDateTimeFilter(field_name="rated_at", lookup_expr="lt")
    case_number = django_filters.CharFilter(field_name="case__number")

    class Meta:
        model = Rating
        fields = ["rated", "level", "channel", "department", "hall", "window", "is_current", "counts"]


class RatingList(generics.ListAPIView):
    """Every rating, newest first, for staff; handlers and department heads see their department's."""

    permission_classes = [IsAuthenticated, IsStaff]
    serializer_class = RatingSerializer
    filterset_class = RatingFilter

    def get_queryset(self):
        rows = Rating.objects.select_related("case", "visit", "follow_up").prefetch_related("reasons")
        user = self.request.user
        if getattr(user, "role", None) in DEPARTMENT_ROLES:
            rows = rows.filter(department_id=user.department_id)
        return rows.order_by("-rated_at", "-pk")
