"""/api/v1/portal/progress/: the public progress query (办件查询), the same query as the page
(govhall.portal.progress) and one budget with it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.portal.progress import find_progress
from govhall.portal.throttling import NumberThrottle, ProgressThrottle


class ProgressQuerySerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="Case number or fast-lane number")
    code = serializers.CharField(
        max_length=8,
        help_text="The verification code printed on every notice, or the last six characters of the "
        "applicant's ID number (credit code for a company)",
    )


class ProgressSerializer(serializers.Serializer):
    """What the public progress query shows: the plain state and dates, the name masked, no staff."""

    kind = serializers.ChoiceField(choices=["case", "lane"])
    number = serializers.CharField()
    applicant = serializers.CharField(help_text="The applicant's name, masked (a company's in full)")
    state = serializers.CharField(help_text="The case's (or lane case's) own state")
    state_label = serializers.CharField()
    plain_state = serializers.CharField(help_text="The applicant's plain state (portal.plain)")
    plain_label = serializers.CharField()
    next_step = serializers.CharField()
    received_on = serializers.DateField()
    acceptance_date = serializers.DateField(allow_null=True)
    due_provisional = serializers.BooleanField()
    concluded_on = serializers.DateField(allow_null=True)
    item_name = serializers.CharField(required=False, allow_null=True, help_text="Cases only")
    promised_due = serializers.DateField(required=False, allow_null=True, help_text="Cases only")
    current_step = serializers.CharField(required=False, allow_null=True, help_text="Cases only")
    delivered_on = serializers.DateField(required=False, allow_null=True, help_text="Cases only")
    lane = serializers.CharField(required=False, help_text="Fast lanes only")
    due_date = serializers.DateField(required=False, allow_null=True, help_text="Fast lanes only")
    stopped_reason = serializers.CharField(required=False, help_text="Fast lanes only")
    stages = serializers.ListField(child=serializers.DictField(), required=False, help_text="Fast lanes only")


class ProgressView(APIView):
    """办件查询 without sign-in. A wrong pair and an unknown number look the same (404). Budgets of
    queries per address and per case number, shared with the page (429 with Retry-After over it)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ProgressThrottle, NumberThrottle]

    @extend_schema(
        parameters=[ProgressQuerySerializer],
        responses={200: ProgressSerializer, 404: OpenApiResponse(description="No such number and code")},
        summary="Public progress query",
    )
    def get(self, request: Request) -> Response:
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = find_progress(query.validated_data["number"], query.validated_data["code"])
        if result is None:
            return Response({"detail": _("No case with this number and verification code.")}, status=404)
        return Response(ProgressSerializer(result).data)
