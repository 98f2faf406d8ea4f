"""/api/v1/portal/help/<id>/rating/: 好差评 of an ended remote help session (一次一评), with the service of
govhall.portal.services.help_rating and nothing else.

GET: the session's rating (404 while it has none). POST {level, reasons, comment}: 201 with the rating; 400
bad input on the field (a bad level without a reason, an unknown reason); 403 someone other than the asker
or the draft's account (the department's clerk sees the session but does not rate it); 404 a session the
account cannot see; 409 `already_rated` (rated once, nothing written) or `transition_not_allowed` (not
ended: cancelled, no-show, waiting or running)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.portal.api_help import ERRORS, HelpAPIView
from govhall.portal.services.help_rating import AlreadyRated, rate_help
from govhall.visits.models import Rating, RatingLevel


class HelpRatingInSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=RatingLevel.choices, help_text="5 非常满意 … 1 非常不满意, as the hall's 好差评"
    )
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        max_length=10,
        help_text="Reason codes (attitude, efficiency, …): at least one for level 1 or 2",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class HelpRatingSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="help_session.pk")
    level_name = serializers.CharField(source="get_level_display")
    reasons = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    department = serializers.CharField(source="department.name", default=None)
    clerk = serializers.CharField(source="clerk.username", default=None)
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "id", "session", "rated", "level", "level_name", "reasons", "comment", "channel", "department",
            "clerk", "rated_at", "follow_up",
        ]  # fmt: skip

    def get_follow_up(self, rating) -> int | None:
        """The follow-up a bad rating opened (its number), or None."""
        follow_up = getattr(rating, "follow_up", None)
        return follow_up.pk if follow_up is not None else None


class HelpRatingView(HelpAPIView):
    def handle_exception(self, exc):
        if isinstance(exc, AlreadyRated):
            return Response({"detail": str(exc), "code": "already_rated"}, status=status.HTTP_409_CONFLICT)
        return super().handle_exception(exc)

    @extend_schema(
        responses={
            200: HelpRatingSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such session, or not rated yet"),
        },
        description="The rating of the remote help session, once given.",
    )
    def get(self, request: Request, pk: int) -> Response:
        session = self.visible(pk)
        if session.rating_id is None:
            raise Http404
        return Response(HelpRatingSerializer(session.rating).data)

    @extend_schema(
        request=HelpRatingInSerializer,
        responses={201: HelpRatingSerializer, **ERRORS},
        description="一次一评: the asker (or the draft's account) rates the ended session once, with the "
        "hall's levels and reasons; it counts in the department's and the clerk's 好差评 figures.",
    )
    def post(self, request: Request, pk: int) -> Response:
        session = self.visible(pk)
        d = HelpRatingInSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        rating = rate_help(session, by=request.user, now=timezone.now(), **d.validated_data)
        return Response(HelpRatingSerializer(rating).data, status=status.HTTP_201_CREATED)
