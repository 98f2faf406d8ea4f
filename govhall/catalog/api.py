"""Read-only catalogue API under /api/v1/: public information (政务公开), so anyone may read it.

Filters take codes, not database ids, because codes are what other systems and spreadsheets know.
Drafts are work in progress: only staff users see them.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.catalog.models import (
    CaseKind,
    Department,
    FormTemplate,
    Hall,
    HallLevel,
    ItemStatus,
    ItemType,
    Material,
    ProcessStep,
    ServiceItem,
    Window,
)


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "is_resident", "phone", "sort_order"]


class HallSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)
    department_code = serializers.CharField(
        source="department.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Hall
        fields = [
            "id",
            "code",
            "name",
            "level",
            "parent",
            "parent_code",
            "department",
            "department_code",
            "address",
            "opening_hours",
            "phone",
            "region_code",
        ]


class WindowSerializer(serializers.ModelSerializer):
    hall_code = serializers.CharField(source="hall.code", read_only=True)
    department_codes = serializers.SerializerMethodField()
    item_codes = serializers.SerializerMethodField()

    class Meta:
        model = Window
        fields = [
            "id",
            "hall",
            "hall_code",
            "number",
            "name",
            "is_active",
            "departments",
            "department_codes",
            "items",
            "item_codes",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_department_codes(self, window: Window) -> list[str]:
        return [d.code for d in window.departments.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_item_codes(self, window: Window) -> list[str]:
        return sorted({i.code for i in window.items.all()})


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = ["position", "name", "originals", "copies", "required", "notes"]


class ProcessStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessStep
        fields = ["position", "name", "limit_days"]


class FormTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormTemplate
        fields = ["name", "file"]


class ItemDepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name"]


class ServiceItemSerializer(serializers.ModelSerializer):
    department = ItemDepartmentSerializer(read_only=True)
    item_type_label = serializers.CharField(source="get_item_type_display", read_only=True)
    case_kind_label = serializers.CharField(source="get_case_kind_display", read_only=True)
    hall_codes = serializers.SerializerMethodField()
    materials = MaterialSerializer(many=True, read_only=True)
    steps = ProcessStepSerializer(many=True, read_only=True)
    forms = FormTemplateSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItem
        fields = [
            "id",
            "code",
            "version",
            "status",
            "name",
            "pinyin_initials",
            "item_type",
            "item_type_label",
            "is_approval",
            "department",
            "legal_limit",
            "promised_limit",
            "case_kind",
            "case_kind_label",
            "legal_basis",
            "conditions",
            "fees",
            "online",
            "hall_codes",
            "contact_phone",
            "published_at",
            "materials",
            "steps",
            "forms",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_hall_codes(self, item: ServiceItem) -> list[str]:
        return [h.code for h in item.halls.all()]


class HallFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=HallLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", help_text="Code of the parent hall")
    department = django_filters.CharFilter(field_name="department__code", help_text="Code of the department")

    class Meta:
        model = Hall
        fields = ["level", "parent", "department"]


class WindowFilter(django_filters.FilterSet):
    hall = django_filters.CharFilter(field_name="hall__code", help_text="Code of the hall")
    department = django_filters.CharFilter(
        field_name="departments__code", distinct=True, help_text="Code of a department served"
    )

    class Meta:
        model = Window
        fields = ["hall", "department", "is_active"]


STATUS_ALL = "all"


class ServiceItemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[*ItemStatus.choices, (STATUS_ALL, "all")],
        method="filter_status",
        help_text="Versions in this status; default: published (the current versions); `all`: every version",
    )
    code = django_filters.CharFilter(field_name="code")
    department = django_filters.CharFilter(field_name="department__code", help_text="Code of the department")
    item_type = django_filters.ChoiceFilter(choices=ItemType.choices)
    is_approval = django_filters.BooleanFilter()
    case_kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    online = django_filters.BooleanFilter()
    hall = django_filters.CharFilter(field_name="halls__code", distinct=True, help_text="Code of a hall")
    q = django_filters.CharFilter(method="filter_q", help_text="Search in name, code and pinyin initials")

    class Meta:
        model = ServiceItem
        fields = [
            "status",
            "code",
            "department",
            "item_type",
            "is_approval",
            "case_kind",
            "online",
            "hall",
            "q",
        ]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset if value == STATUS_ALL else queryset.filter(status=value)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(pinyin_initials__startswith=value.lower())
        )


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # The filters are for lists: on a detail view django-filter would still build and validate its
        # form on every request (a few ms of a catalogue item's GET) to filter one row by id.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)


class DepartmentViewSet(PublicReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_fields = ["is_resident"]


class HallViewSet(PublicReadOnlyViewSet):
    queryset = Hall.objects.select_related("parent", "department")
    serializer_class = HallSerializer
    filterset_class = HallFilter


class WindowViewSet(PublicReadOnlyViewSet):
    queryset = Window.objects.select_related("hall").prefetch_related(
        Prefetch("departments", queryset=Department.objects.only("id", "code")),
        Prefetch("items", queryset=ServiceItem.objects.only("id", "code")),
    )
    serializer_class = WindowSerializer
    filterset_class = WindowFilter


def _items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.select_related("department").prefetch_related(
        "materials", "steps", "forms", Prefetch("halls", queryset=Hall.objects.only("id", "code"))
    )


class ServiceItemViewSet(PublicReadOnlyViewSet):
    """Service items: by default the current (published) version of each item."""

    serializer_class = ServiceItemSerializer
    filterset_class = ServiceItemFilter

    def get_queryset(self) -> QuerySet[ServiceItem]:
        queryset = _items()
        if not (self.request.user.is_authenticated and self.request.user.is_staff):
            queryset = queryset.exclude(status=ItemStatus.DRAFT)
        if self.action == "list" and not self.request.query_params.get("status"):
            queryset = queryset.filter(status=ItemStatus.PUBLISHED)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Item code")
        ],
        responses=ServiceItemSerializer(many=True),
        filters=False,
    )
    @action(detail=False, url_path=r"versions/(?P<code>[^/]+)", pagination_class=None, filterset_class=None)
    def versions(self, request: Request, code: str) -> Response:
        """Every version of one item, oldest first."""
        queryset = self.get_queryset().filter(code=code).order_by("version")
        return Response(self.get_serializer(queryset, many=True).data)
