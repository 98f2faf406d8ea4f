"""/api/v1/portal/items/ and /themes/: the public guides as JSON for anyone (政务公开)."""

from __future__ import annotations

from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.catalog.models import Theme
from govhall.core import inputs
from govhall.portal import queries


class GuideHitSerializer(serializers.Serializer):
    code = serializers.CharField(source="entry.code")
    name = serializers.CharField(source="entry.name")
    use = serializers.IntegerField()


class GuideSearchPageSerializer(serializers.Serializer):
    page = serializers.IntegerField(source="number")
    total = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = GuideHitSerializer(source="hits", many=True)


class GuideFormSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    material = serializers.CharField(source="material.name", allow_null=True, default=None)
    url = serializers.SerializerMethodField()

    def get_url(self, form) -> str:
        from django.urls import reverse

        return reverse("portal:form_file", args=[form.pk])


class GuideMaterialSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    required = serializers.BooleanField()
    medium = serializers.CharField()
    applies_when = serializers.CharField()
    notes = serializers.CharField()


class GuideOptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class GuideQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    options = serializers.SerializerMethodField()

    @extend_schema_field(GuideOptionSerializer(many=True))
    def get_options(self, question) -> list[dict[str, str]]:
        return [{"key": k, "label": label} for k, label in question.option_list]


class GuideHallSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    opening_hours = serializers.CharField()
    phone = serializers.CharField()


class GuideWindowSerializer(serializers.Serializer):
    hall = serializers.CharField(source="hall.code")
    number = serializers.CharField()
    name = serializers.CharField()


class GuideStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    limit_days = serializers.IntegerField()


class PortalGuideSerializer(serializers.Serializer):
    code = serializers.CharField(source="item.code")
    version = serializers.IntegerField(source="item.version")
    name = serializers.CharField(source="item.name")
    in_force = serializers.BooleanField()
    published_at = serializers.DateTimeField(source="item.published_at")
    department = serializers.CharField(source="item.department.name")
    item_type = serializers.CharField(source="item.item_type")
    case_kind = serializers.CharField(source="item.case_kind")
    legal_basis = serializers.CharField(source="item.legal_basis")
    conditions = serializers.CharField(source="item.conditions")
    legal_limit = serializers.IntegerField(source="item.legal_limit")
    promised_limit = serializers.IntegerField(source="item.promised_limit")
    fees = serializers.CharField(source="item.fees")
    online = serializers.BooleanField(source="item.online")
    delivery = serializers.ListField(child=serializers.CharField())
    consult_phone = serializers.CharField()
    complaint_phone = serializers.CharField()
    questions = GuideQuestionSerializer(many=True)
    materials = GuideMaterialSerializer(many=True)
    materials_for_answers = GuideMaterialSerializer(source="chosen", many=True, allow_null=True)
    forms = GuideFormSerializer(many=True)
    steps = GuideStepSerializer(many=True)
    halls = GuideHallSerializer(many=True)
    windows = GuideWindowSerializer(many=True)


class GuideThemeSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Theme
        fields = ["id", "kind", "name", "position", "description", "items"]

    def get_items(self, theme) -> list[str]:
        return [ti.code for ti in theme.items.all()]


def _int(value: str | None) -> int | None:
    return inputs.whole_id(value)


@extend_schema(
    operation_id="portal_items_search",
    summary="Search the published service items (words, pinyin, initials, synonyms), most used first",
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR),
        OpenApiParameter("department", OpenApiTypes.INT),
        OpenApiParameter("theme", OpenApiTypes.INT),
        OpenApiParameter("hall", OpenApiTypes.INT),
        OpenApiParameter("page", OpenApiTypes.INT),
    ],
    responses=GuideSearchPageSerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def item_search(request: Request) -> Response:
    params = request.query_params
    page = queries.search_items(
        params.get("q", "").strip()[:100],
        department=_int(params.get("department")),
        theme=_int(params.get("theme")),
        hall=_int(params.get("hall")),
        page=_int(params.get("page")) or 1,
    )
    return Response(GuideSearchPageSerializer(page).data)


@extend_schema(
    operation_id="portal_item_guide",
    summary="The service guide of an item: the version in force, or `version`; with `answers`, its materials",
    parameters=[
        OpenApiParameter("version", OpenApiTypes.INT),
        OpenApiParameter(
            "answers",
            OpenApiTypes.STR,
            description="Situation answers as question=option pairs separated by semicolons, "
            "e.g. applicant_type=company;agent=no. A wrong answer gives 400 naming the question.",
        ),
    ],
    responses=PortalGuideSerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def item_guide(request: Request, code: str) -> Response:
    raw = request.query_params.get("answers")
    answers = None
    if raw is not None:
        answers = {}
        for part in raw.split(";"):
            key, _sep, value = part.partition("=")
            if key.strip():
                answers[key.strip()] = value.strip()
    guide = queries.guide(code, version=_int(request.query_params.get("version")), answers=answers)
    if guide["answer_errors"]:
        return Response(guide["answer_errors"], status=400)
    return Response(PortalGuideSerializer(guide).data)


@extend_schema(
    summary="Themes of the public guides with their item codes", responses=GuideThemeSerializer(many=True)
)
@api_view(["GET"])
@permission_classes([AllowAny])
def themes(request: HttpRequest) -> Response:
    return Response(GuideThemeSerializer(Theme.objects.prefetch_related("items"), many=True).data)
