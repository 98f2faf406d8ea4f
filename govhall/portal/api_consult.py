"""/api/v1/portal/consultations/: ask (signed in or anonymously with a phone), my questions, one of mine,
the anonymous lookup by number and code, and the published Q&A of an item. The same services and rules
as the pages; an applicant sees only their own questions (404 otherwise)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases import services
from govhall.cases.api import domain_error_response
from govhall.cases.models import Case, Channel
from govhall.cases.services.consultation import QUESTION_MAX
from govhall.core.models import Role
from govhall.portal import consult
from govhall.portal.throttling import ProgressThrottle


class AskSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=QUESTION_MAX)
    item = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Item code; empty for a general question"
    )
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    phone = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=30, help_text="Required when not signed in"
    )


class ConsultationOutSerializer(serializers.Serializer):
    """What the asker sees of their question: no staff names."""

    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    item_code = serializers.CharField(source="item.code", default=None)
    item_name = serializers.CharField(source="item.name", default=None)
    channel = serializers.CharField()
    state = serializers.CharField()
    question = serializers.CharField(source="consultation.question")
    asked_at = serializers.DateTimeField(source="received_at")
    answer_due = serializers.DateField(source="consultation.answer_due")
    answer = serializers.CharField(source="consultation.answer")
    answered_at = serializers.DateTimeField(source="consultation.answered_at")


class AskedSerializer(ConsultationOutSerializer):
    verification_code = serializers.CharField(
        help_text="With the number: looks the answer up without sign-in"
    )


class LookupSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    code = serializers.CharField(max_length=8)


class PublishedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField()
    published_at = serializers.DateTimeField()


class PortalAPIView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


def _applicant(request: Request):
    user = request.user
    return user if user.is_authenticated and user.role == Role.APPLICANT else None


class ConsultationListView(PortalAPIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(responses=ConsultationOutSerializer(many=True), summary="My consultations (signed in)")
    def get(self, request: Request) -> Response:
        rows = consult.mine(request.user)[:200]
        return Response(ConsultationOutSerializer(rows, many=True).data)

    @extend_schema(
        request=AskSerializer,
        responses={201: AskedSerializer, 400: OpenApiResponse(description="Field errors")},
        summary="Ask a question (在线咨询), signed in or anonymously with a phone number",
    )
    def post(self, request: Request) -> Response:
        data = AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        item = consult.published_item(d["item"])
        if d["item"] and item is None:
            raise serializers.ValidationError({"item": [_("No published item with this code.")]})
        case = services.record_consultation(
            question=d["question"],
            by=None,
            now=timezone.now(),
            item=item,
            channel=Channel.ONLINE,
            asker=_applicant(request),
            contact={"name": d["name"], "phone": d["phone"]},
            source=f"api {request.META.get('REMOTE_ADDR', '')}".strip(),
        )
        return Response(AskedSerializer(case).data, status=status.HTTP_201_CREATED)


class ConsultationDetailView(PortalAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConsultationOutSerializer, 404: None}, summary="One of my consultations")
    def get(self, request: Request, pk: int) -> Response:
        case = consult.my_consultation(request.user, pk)
        if case is None:
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(ConsultationOutSerializer(case).data)


class ConsultationLookupView(PortalAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [ProgressThrottle]

    @extend_schema(
        request=LookupSerializer,
        responses={200: ConsultationOutSerializer, 404: None},
        summary="Look an anonymous question up by its number and verification code",
    )
    def post(self, request: Request) -> Response:
        data = LookupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case: Case | None = consult.lookup(data.validated_data["number"], data.validated_data["code"])
        if case is None:
            return Response(
                {"detail": _("No question with this number and code.")}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(ConsultationOutSerializer(case).data)


class PublishedView(PortalAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("item", str, description="Item code", required=True)],
        responses=PublishedSerializer(many=True),
        summary="The published questions and answers of an item (?item=<code>)",
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("item", "")
        if not code:
            raise serializers.ValidationError({"item": [_("Give the item code.")]})
        return Response(PublishedSerializer(consult.published_for(code), many=True).data)
