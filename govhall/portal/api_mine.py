"""/api/v1/portal/my/... (signed in): the same queries as the pages (govhall.portal.mine), the same 404 for
anything not the account's own."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases import notices
from govhall.cases.notice_pdf import PDF_TYPE, notice_pdf
from govhall.cases.queries import mask_id
from govhall.lanes.progress import lane_progress
from govhall.portal import inbox, mine, notify, plain
from govhall.visits.templatetags.rating_links import rating_line

NOT_FOUND = OpenApiResponse(description="No such case of this account (also: another's)")


# --- 我的办件 -------------------------------------------------------------------------------------------


class MyRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["draft", "case", "lane"])
    number = serializers.CharField(help_text="Empty for a draft")
    subject = serializers.CharField(help_text="The service item or fast lane")
    state = serializers.CharField(help_text="The plain state (portal.plain), or draft")
    state_label = serializers.CharField()
    next_step = serializers.CharField()
    date = serializers.DateField(help_text="Receipt date; for a draft, the day it was last saved")
    application_id = serializers.IntegerField(allow_null=True)

    def to_representation(self, row):
        # A draft's date is the moment it was last saved: the list gives the day.
        day = row.date.date() if hasattr(row.date, "date") else row.date
        return super().to_representation({**row.__dict__, "date": day})


class NoticeLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    date = serializers.DateField()
    pdf = serializers.CharField(help_text="API address of the notice as PDF")


class MyTimelineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    text = serializers.CharField()
    detail = serializers.CharField()


class MyMaterialSerializer(serializers.Serializer):
    name = serializers.CharField(source="material.name")
    received = serializers.BooleanField()
    requested = serializers.BooleanField(help_text="Listed in the one-time notice")


class MyCaseSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number")
    verification_code = serializers.CharField(source="case.verification_code")
    item = serializers.CharField(source="case.item.name")
    state = serializers.CharField(source="state.key")
    state_label = serializers.CharField(source="state.label")
    next_step = serializers.CharField(source="state.next_step")
    received_on = serializers.DateField(source="case.received_on")
    promised_due = serializers.DateField(source="case.promised_due", allow_null=True)
    delivery_method = serializers.CharField()
    delivery_label = serializers.CharField()
    delivery_address = serializers.CharField()
    result_document = serializers.SerializerMethodField(help_text="API address of the electronic result")
    timeline = MyTimelineSerializer(many=True)
    materials = MyMaterialSerializer(many=True)
    notices = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_result_document(self, view) -> str | None:
        if view.result_document is None:
            return None
        return reverse("portal-api:my-result", args=[view.case.number])

    @extend_schema_field(NoticeLinkSerializer(many=True))
    def get_notices(self, view) -> list[dict]:
        return [
            {
                "kind": n.kind,
                "title": str(n.title),
                "date": n.date,
                "pdf": reverse("portal-api:my-notice", args=[view.case.number, n.kind]),
            }
            for n in view.notices
        ]


class MyInboxSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number", allow_null=True, default=None)
    kind = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MyListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyRowSerializer(many=True), summary="My applications: drafts, cases, fast lanes")
    def get(self, request: Request) -> Response:
        return Response(MyRowSerializer(mine.my_rows(request.user), many=True).data)


class MyLaneCaseSerializer(serializers.Serializer):
    kind = serializers.CharField(default="lane")
    number = serializers.CharField()
    lane = serializers.CharField()
    state = serializers.CharField(help_text="The plain state (portal.plain)")
    state_label = serializers.CharField()
    next_step = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    stages = serializers.ListField(child=serializers.DictField(), help_text="As in the progress query")


class MyCaseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: PolymorphicProxySerializer(
                component_name="MyCaseOrLane",
                serializers=[MyCaseSerializer, MyLaneCaseSerializer],
                resource_type_field_name=None,
            ),
            404: NOT_FOUND,
        },
        summary="One of my cases (or fast-lane cases)",
    )
    def get(self, request: Request, number: str) -> Response:
        try:
            return Response(MyCaseSerializer(mine.case_view(request.user, number)).data)
        except Http404:
            lane_case = mine.find_lane_case(request.user, number)
        shown = plain.lane_state(lane_case.state)
        progress = lane_progress(lane_case)
        data = {
            "number": lane_case.number,
            "lane": lane_case.lane.name,
            "state": shown.key,
            "state_label": str(shown.label),
            "next_step": str(shown.next_step),
            "due_date": lane_case.due_date,
            "stages": progress["stages"],
        }
        return Response(MyLaneCaseSerializer(data).data)


class MyNoticeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, PDF_TYPE): OpenApiResponse(OpenApiTypes.BINARY), 404: NOT_FOUND},
        summary="A notice of my case as PDF (with its verification code)",
    )
    def get(self, request: Request, number: str, kind: str) -> HttpResponse:
        case = mine.find_case(request.user, number)
        context = notices.notice_context(case, kind)
        context["rating_line"] = rating_line(case, kind, request)  # rating (issue 16)
        masked = mask_id(case.id_number)
        addressee = case.applicant_name + (f"（{masked}）" if masked else "")
        progress_url = request.build_absolute_uri(reverse("portal:progress"))
        response = HttpResponse(notice_pdf(context, addressee=addressee, progress_url=progress_url))
        response["Content-Type"] = PDF_TYPE
        response["Content-Disposition"] = f'inline; filename="{case.number}-{kind}.pdf"'
        return response


class MyResultView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY), 404: NOT_FOUND},
        summary="The electronic result document of my concluded case",
    )
    def get(self, request: Request, number: str) -> FileResponse:
        from govhall.cases.views_documents import download

        view = mine.case_view(request.user, number)
        if view.result_document is None:
            raise Http404("no electronic result")
        return download(view.result_document)


class InboxView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyInboxSerializer(many=True), summary="My messages, newest first (at most 200)")
    def get(self, request: Request) -> Response:
        return Response(MyInboxSerializer(inbox.messages_of(request.user)[:200], many=True).data)


class InboxReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 404: NOT_FOUND}, summary="Mark a message read")
    def post(self, request: Request, pk: int) -> Response:
        if not inbox.messages_of(request.user).filter(pk=pk).exists():
            raise Http404("no such message")
        notify.mark_read(request.user, pk, now=timezone.now())
        return Response(status=204)
