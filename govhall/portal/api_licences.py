"""/api/v1/portal/licences/: the account's electronic licences and each one's PDF (its holder only)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.views import APIView

from govhall.cases.licence_pdf import render_licence
from govhall.cases.models import Licence
from govhall.portal.licences import licences_of


class LicenceSerializer(serializers.ModelSerializer):
    licence_type = serializers.CharField(source="licence_type.name")
    department = serializers.CharField(source="department.name")
    case_number = serializers.CharField(source="case.number")
    valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "number",
            "licence_type",
            "holder_kind",
            "holder_name",
            "department",
            "case_number",
            "issued_on",
            "valid_until",
            "valid_today",
            "id",
        ]

    def get_valid_today(self, licence: Licence) -> bool:
        return licence.is_valid_on(timezone.localdate())


@extend_schema(tags=["portal"], summary="My electronic licences (电子证照)")
class LicenceListView(generics.ListAPIView):
    """Licences issued to the account's recorded ID number or its companies' credit codes. `id` is what an
    application gives for a material that accepts the licence instead of a copy (免提交)."""

    serializer_class = LicenceSerializer

    def get_queryset(self):
        return licences_of(self.request.user)


class LicencePdfView(APIView):
    @extend_schema(
        tags=["portal"],
        summary="One of my electronic licences as PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request, number: str):
        licence = licences_of(request.user).filter(number=number).first()
        if licence is None:
            raise Http404
        pdf = render_licence(licence, centre_name=settings.GOVHALL_CENTRE_NAME)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{licence.number}.pdf"'
        return response
