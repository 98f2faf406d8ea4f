"""/api/v1/portal/applications/...: the online application in the API, with the same services and rules
as the pages. Writes carry the version read (header If-Match: "<version>" or a "version" field); a
stale one answers 409 with what changed since, field by field. Another account's application: 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import domain_error_response, expected_version
from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.core.parsers import JSONParser
from govhall.lanes.models import Lane
from govhall.portal import access, services
from govhall.portal.models import Application, ApplicationDocument
from govhall.portal.queries_apply import plain_state, slot_rows


class ApplicationDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationDocument
        fields = ["id", "material", "name", "size", "content_type", "sha256", "uploaded_at", "sent_to_case"]


class LicenceChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    licence_type = serializers.CharField(source="licence_type.name")
    holder_name = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)


class SlotSerializer(serializers.Serializer):
    """A material slot of the draft: its files, or the electronic licence standing in for it (免提交)."""

    material = serializers.IntegerField(source="material.pk")
    name = serializers.CharField(source="material.name")
    required = serializers.BooleanField(source="material.required")
    licence_type = serializers.CharField(source="material.licence_type.name", default=None)
    documents = serializers.SerializerMethodField()
    licence = LicenceChoiceSerializer(allow_null=True, help_text="The electronic licence chosen for it")
    offered_licences = LicenceChoiceSerializer(
        source="offered", many=True, help_text="The applicant's licences valid today that may stand in"
    )

    def get_documents(self, slot) -> list[int]:
        return [d.pk for d in slot["documents"]]


class ApplicationSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", default=None, read_only=True)
    item_version = serializers.IntegerField(source="item.version", default=None, read_only=True)
    lane_code = serializers.CharField(source="lane.code", default=None, read_only=True)
    documents = ApplicationDocumentSerializer(many=True, read_only=True)
    checklist = serializers.SerializerMethodField()
    newer_item_version = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    slots = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "state", "version", "item_code", "item_version", "lane_code", "company", "answers",
            "data", "documents", "slots", "checklist", "newer_item_version", "case", "created_at",
            "updated_at", "submitted_at", "help_summary",
        ]  # fmt: skip

    @extend_schema_field(SlotSerializer(many=True))
    def get_slots(self, app) -> list[dict]:
        return SlotSerializer(slot_rows(app), many=True).data

    def get_checklist(self, app) -> list[dict]:
        if app.state != "draft":  # a submitted application's rules are the case's
            return []
        return [{"key": m.key, "label": m.label, "rule": m.rule} for m in services.checklist(app)]

    def get_newer_item_version(self, app) -> int | None:
        newer = services.newer_version(app) if app.state == "draft" else None
        return newer.version if newer else None

    def get_case(self, app) -> dict | None:
        return case_summary(app)


def case_summary(app: Application) -> dict | None:
    if app.case_id is None:
        return None
    case = app.case
    return {
        "number": case.number,
        "verification_code": case.verification_code,
        "state": case.state,
        "state_in_plain_words": plain_state(case.state),
        "received_at": case.received_at,
        "hall": case.hall.name,
    }


class CaseSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    verification_code = serializers.CharField()
    state = serializers.CharField()
    state_in_plain_words = serializers.CharField()
    received_at = serializers.DateTimeField()
    hall = serializers.CharField()


class SubmittedSerializer(serializers.ModelSerializer):
    """The answer to a submission: the application's new state and version, and the case it became (a
    fast lane's is in my applications). The whole application is at GET applications/<id>/."""

    case = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "state", "version", "submitted_at", "case"]

    @extend_schema_field(CaseSummarySerializer(allow_null=True))
    def get_case(self, app) -> dict | None:
        return case_summary(app)


class StartSerializer(serializers.Serializer):
    item = serializers.CharField(required=False, help_text="The item code (the version in force is used)")
    lane = serializers.CharField(required=False, help_text="The fast lane's code")
    company = serializers.IntegerField(required=False, allow_null=True)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Situation answers {question key: option key}, as on the guide",
    )


class SaveSerializer(serializers.Serializer):
    data = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    answers = serializers.DictField(required=False)
    version = serializers.IntegerField(required=False)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class WithdrawReasonSerializer(VersionSerializer):
    reason = serializers.CharField()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input: messages per field"),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="Not this account's application"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale version: `changes` per field"),
}


class PortalAPIView(APIView):
    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc):
        if isinstance(exc, services.NotYours):
            exc = Http404()
        if isinstance(exc, services.DraftConflict):
            return Response(
                {"detail": str(exc), "code": "stale_version", "current_version": exc.actual,
                 "changes": exc.changes},
                status=status.HTTP_409_CONFLICT,
            )  # fmt: skip
        response = domain_error_response(exc) if isinstance(exc, DjangoValidationError) else None
        return response if response is not None else super().handle_exception(exc)

    def mine(self, pk: int) -> Application:
        return get_object_or_404(access.applications_of(self.request.user), pk=pk)

    def answer(self, app: Application, code: int = 200) -> Response:
        app = Application.objects.select_related("item", "lane", "case", "case__hall").get(pk=app.pk)
        return Response(ApplicationSerializer(app).data, status=code, headers={"ETag": f'"{app.version}"'})


class ApplicationList(PortalAPIView):
    @extend_schema(responses={200: ApplicationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        apps = access.applications_of(request.user).select_related("item", "lane", "case", "case__hall")
        return Response(ApplicationSerializer(apps.exclude(state="discarded")[:100], many=True).data)

    @extend_schema(request=StartSerializer, responses={201: ApplicationSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        d = StartSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        item = lane = company = None
        if d.validated_data.get("item"):
            item = get_object_or_404(ServiceItem, code=d.validated_data["item"], status=ItemStatus.PUBLISHED)
        if d.validated_data.get("lane"):
            lane = Lane.objects.filter(code=d.validated_data["lane"], status="published").first()
            if lane is None:
                raise Http404()
        if d.validated_data.get("company"):
            company = get_object_or_404(access.companies_of(request.user), pk=d.validated_data["company"])
        app = services.start_application(
            by=request.user,
            now=timezone.now(),
            item=item,
            lane=lane,
            company=company,
            answers=d.validated_data.get("answers"),
        )
        return self.answer(app, 201)


class ApplicationDetail(PortalAPIView):
    @extend_schema(responses={200: ApplicationSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return self.answer(self.mine(pk))

    @extend_schema(request=SaveSerializer, responses={200: ApplicationSerializer, **ERRORS})
    def patch(self, request: Request, pk: int) -> Response:
        app = self.mine(pk)
        d = SaveSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        app = services.save_draft(
            app,
            data=d.validated_data.get("data"),
            answers=d.validated_data.get("answers"),
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, d.validated_data),
        )
        return self.answer(app)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        services.discard_application(self.mine(pk), by=request.user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MaterialUpload(PortalAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: ApplicationDocumentSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int, material: int) -> Response:
        document = services.upload_material(
            self.mine(pk),
            material=material,
            file=request.FILES.get("file"),
            by=request.user,
            now=timezone.now(),
        )
        return Response(ApplicationDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class LicenceChoiceSerializer(VersionSerializer):
    licence = serializers.IntegerField(help_text="One of the slot's offered_licences")


class MaterialLicence(PortalAPIView):
    """免提交: fill a material with one of the applicant's valid electronic licences, or drop it."""

    parser_classes = [JSONParser, FormParser]

    @extend_schema(request=LicenceChoiceSerializer, responses={200: ApplicationSerializer, **ERRORS})
    def put(self, request: Request, pk: int, material: int) -> Response:
        app = self.mine(pk)
        d = LicenceChoiceSerializer(data=request.data)
        d.is_valid(raise_exception=True)
        services.choose_licence(
            app,
            material=material,
            licence=d.validated_data["licence"],
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, d.validated_data),
        )
        return self.answer(app)

    @extend_schema(request=None, responses={200: ApplicationSerializer, **ERRORS})
    def delete(self, request: Request, pk: int, material: int) -> Response:
        app = services.drop_licence(
            self.mine(pk),
            material=material,
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, {}),
        )
        return self.answer(app)


class DocumentRemove(PortalAPIView):
    @extend_schema(responses={200: ApplicationSerializer, **ERRORS})
    def delete(self, request: Request, pk: int, document: int) -> Response:
        app = self.mine(pk)
        row = get_object_or_404(app.documents, pk=document)
        return self.answer(services.remove_document(row, by=request.user, now=timezone.now()))


def _action(service, serializer=VersionSerializer, *, doc: str, answer=ApplicationSerializer):
    class Action(PortalAPIView):
        parser_classes = [JSONParser, FormParser]

        @extend_schema(request=serializer, responses={200: answer, **ERRORS}, description=doc)
        def post(self, request: Request, pk: int) -> Response:
            d = serializer(data=request.data)
            try:
                d.is_valid(raise_exception=True)
                version = expected_version(request, d.validated_data)
            except Exception:
                self.mine(pk)  # another account's application is not there (404), whatever was sent
                raise
            extra = {"reason": d.validated_data["reason"]} if "reason" in d.validated_data else {}
            # The service locks the application and refuses another account's (NotYours: 404 here).
            app = service(pk, by=request.user, now=timezone.now(), expected_version=version, **extra)
            if answer is ApplicationSerializer:
                return self.answer(app)
            return Response(answer(app).data, headers={"ETag": f'"{app.version}"'})

    Action.__name__ = Action.__qualname__ = service.__name__.title().replace("_", "") + "View"
    return Action.as_view()


submit = _action(
    services.submit_application,
    doc="Submit: the case is received (number, verification code).",
    answer=SubmittedSerializer,
)
correct = _action(services.resubmit_correction, doc="Send the correction after a return (补正).")
withdraw = _action(services.withdraw_application, WithdrawReasonSerializer, doc="Withdraw before acceptance.")
move = _action(services.move_to_version, doc="Move a draft to the item version in force.")
