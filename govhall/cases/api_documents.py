"""/api/v1/cases/{id}/documents/: list and attach a case's documents, download one.

Attaching is a write like any other on the case: it needs the version (If-Match or `version`), answers
409 on a stale one, and the answer carries the case's new ETag.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.cases import services
from govhall.cases.api import (
    ACTION_RESPONSES,
    IF_MATCH,
    CaseAPIView,
    case_for,
    etag,
    expected_version,
    source_of,
)
from govhall.cases.models import CaseDocument
from govhall.cases.views_documents import download


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    note = serializers.CharField()
    material = serializers.SerializerMethodField(help_text="Catalogue material id, or null")
    uploaded_by = serializers.CharField(source="uploaded_by.display_name")
    uploaded_at = serializers.DateTimeField()
    download = serializers.SerializerMethodField()

    def get_material(self, document: CaseDocument) -> int | None:
        return document.material.material_id if document.material_id else None

    def get_download(self, document: CaseDocument) -> str:
        return reverse("case-document-download", args=[document.case_id, document.pk])


class AttachSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, allow_null=True, help_text="PDF, JPEG, PNG or OFD")
    material = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Id of the case's material row"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    result = serializers.BooleanField(
        required=False, default=False, help_text="The electronic result the applicant downloads online"
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class DocumentListView(CaseAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=DocumentSerializer(many=True), summary="The case's documents, oldest first")
    def get(self, request: Request, pk: int) -> Response:
        case = case_for(request, pk)
        documents = case.documents.select_related("uploaded_by", "material").order_by("uploaded_at", "id")
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachSerializer},
        responses={**ACTION_RESPONSES, 201: DocumentSerializer, 200: None},
        parameters=[IF_MATCH],
        summary="Attach a document (multipart upload)",
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_for(request, pk)
        data = AttachSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        document = services.add_document(
            case,
            file=d.get("file"),
            material=d["material"],
            note=d["note"],
            result=d["result"],
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, d),
            source=source_of(request),
        )
        document.case.refresh_from_db(fields=["version"])
        response = Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(document.case.version)
        return response


class DocumentDownloadView(CaseAPIView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file"),
            404: OpenApiResponse(description="No such document, or not yours to see"),
        },
        summary="Download a document",
    )
    def get(self, request: Request, pk: int, document: int):
        case = case_for(request, pk)
        return download(get_object_or_404(CaseDocument, case=case, pk=document))
