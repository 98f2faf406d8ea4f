"""The lanes API under /api/v1/: lanes and their unified forms, applying, lane cases (detail with the
stage-by-stage board, actions) and the compression report.

The conventions are the cases API's (govhall/cases/api.py): a write on a lane case needs the version read
(If-Match or a `version` field; 428 without, 409 when stale), ValidationError → 400 {field: [messages]},
a state that does not allow the action → 409, a role that may not act → 403. Item cases are worked on
through /api/v1/cases/{id}/…; their changes move the lane.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import CaseAPIView, etag, expected_version, source_of
from govhall.cases.errors import CaseForbidden
from govhall.cases.models import SuspensionKind
from govhall.core.parsers import JSONParser
from govhall.lanes import services
from govhall.lanes.models import Lane, LaneCase, LaneEvent
from govhall.lanes.queries import (
    board,
    compression_report,
    lane_light,
    published_lanes,
    visible_lane_cases,
)
from govhall.lanes.services.config import stage_limit
from govhall.lanes.unified import field_as_json, form_as_json


def lane_json(lane: Lane) -> dict:
    return {
        "id": lane.pk,
        "code": lane.code,
        "version": lane.version,
        "status": lane.status,
        "name": lane.name,
        "description": lane.description,
        "lead_department": lane.lead_department.code,
        "stages": [
            {
                "position": s.position,
                "name": s.name,
                "lead_department": s.lead_department.code,
                "join_rule": s.join_rule,
                "limit_days": stage_limit(s),
                "items": [
                    {
                        "code": si.item.code,
                        "name": si.item.name,
                        "department": si.item.department.code,
                        "in_join": si.in_join,
                    }
                    for si in s.items.select_related("item", "item__department")
                ],
            }
            for s in lane.stages.select_related("lead_department").order_by("position")
        ],
        "form": [field_as_json(f) for f in lane.form_fields.order_by("position", "id")],
        "materials": [
            {"id": m.pk, "name": m.name, "originals": m.originals, "copies": m.copies, "required": m.required}
            for m in lane.materials.order_by("position", "id")
        ],
    }


def lane_case_json(lane_case: LaneCase) -> dict:
    now = timezone.now()
    return {
        "id": lane_case.pk,
        "number": lane_case.number,
        "lane": lane_case.lane.code,
        "lane_version": lane_case.lane.version,
        "state": lane_case.state,
        "state_label": lane_case.get_state_display(),
        "applicant_name": lane_case.applicant_name,
        "received_on": lane_case.received_on,
        "acceptance_date": lane_case.acceptance_date,
        "total_limit": lane_case.total_limit,
        "added_days": lane_case.added_days,
        "due_date": lane_case.due_date,
        "due_provisional": lane_case.due_provisional,
        "current_stage": lane_case.current_stage,
        "stopped_reason": lane_case.stopped_reason,
        "version": lane_case.version,
        "light": lane_light(lane_case, now) or None,
        "warn_at": lane_case.warn_at,
        "due_at": lane_case.due_at,
        "stages": [
            {
                "position": row.run.position,
                "name": row.run.stage.name,
                "state": row.run.state,
                "limit_days": row.run.limit_days,
                "added_days": row.run.added_days,
                "started_on": row.run.started_on,
                "due_date": row.run.due_date,
                "light": row.light or None,
                "warn_at": row.run.warn_at,
                "due_at": row.run.due_at,
                "items": [
                    {
                        "case": r.link.case_id,
                        "number": r.link.case.number,
                        "item": r.link.case.item.name,
                        "department": r.link.case.item.department.code,
                        "state": r.link.case.state,
                        "status": r.status,
                        "needed": r.needed,
                        "holding": r.holding,
                        "overdue": r.overdue,
                        "promised_due": r.link.case.promised_due,
                        "application": r.link.application,
                    }
                    for r in row.items
                ],
            }
            for row in board(lane_case, now=now)
        ],
        "events": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "at": e.at,
                "by": e.by.username if e.by else None,
                "stage": e.stage,
                "case": e.case_id,
                "reason": e.reason,
                "data": e.data,
            }
            for e in LaneEvent.objects.filter(lane_case=lane_case).select_related("by").order_by("seq")
        ],
    }


def lane_case_response(lane_case: LaneCase, *, code: int = status.HTTP_200_OK) -> Response:
    response = Response(lane_case_json(lane_case), status=code)
    response["ETag"] = etag(lane_case.version)
    return response


class LaneListView(CaseAPIView):
    @extend_schema(
        responses={200: {"type": "array", "items": {"type": "object", "additionalProperties": True}}},
        summary="Published fast lanes with stages, form and materials (a list)",
    )
    def get(self, request: Request) -> Response:
        return Response([lane_json(lane) for lane in published_lanes()])


class LaneFormView(CaseAPIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="A lane's unified form as JSON (export)")
    def get(self, request: Request, code: str) -> Response:
        lane = get_object_or_404(published_lanes(), code=code)
        return Response(form_as_json(lane))


class ApplySerializer(serializers.Serializer):
    data = serializers.DictField(help_text="Unified-form values by field key")
    materials = serializers.ListField(
        child=serializers.IntegerField(), help_text="Lane material ids handed in"
    )


class ApplyView(CaseAPIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=ApplySerializer,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="File a lane application with the unified form (一表通)",
    )
    def post(self, request: Request, code: str) -> Response:
        lane = get_object_or_404(published_lanes(), code=code)
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        if not user.hall_id:
            raise CaseForbidden(_("Your account belongs to no hall: you cannot receive applications."))
        lane_case = services.apply_to_lane(
            lane,
            data=body.validated_data["data"],
            files=request.FILES,
            materials=body.validated_data["materials"],
            hall=user.hall,
            by=user,
            now=timezone.now(),
            source=source_of(request),
        )
        response = lane_case_response(lane_case, code=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/lane-cases/{lane_case.pk}/"
        return response


class LaneCaseDetailView(CaseAPIView):
    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="A lane case: stages, item cases, who holds it up, events"
    )
    def get(self, request: Request, pk: int) -> Response:
        lane_case = get_object_or_404(visible_lane_cases(request.user).select_related("lane"), pk=pk)
        return lane_case_response(lane_case)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(allow_blank=True)


class SupplementSerializer(VersionSerializer):
    materials = serializers.ListField(child=serializers.IntegerField())


class SuspendSerializer(VersionSerializer):
    kind = serializers.ChoiceField(SuspensionKind.choices)
    expected_days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(allow_blank=True)


LANE_ACTIONS = {
    "withdraw": (ReasonSerializer, lambda lc, d, **c: services.withdraw_lane(lc, reason=d["reason"], **c)),
    "supplement": (
        SupplementSerializer,
        lambda lc, d, **c: services.supplement_lane(lc, materials=d["materials"], **c),
    ),
    "suspend": (
        SuspendSerializer,
        lambda lc, d, **c: services.suspend_lane(
            lc, kind=d["kind"], expected_days=d["expected_days"], reason=d["reason"], **c
        ),
    ),
    "resume": (VersionSerializer, lambda lc, d, **c: services.resume_lane(lc, **c)),
}


class LaneCaseActionView(CaseAPIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
        summary="An action on a lane case: withdraw, supplement, suspend, resume (If-Match)",
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in LANE_ACTIONS:
            return Response({"detail": _("Unknown action.")}, status=status.HTTP_404_NOT_FOUND)
        lane_case = get_object_or_404(visible_lane_cases(request.user), pk=pk)
        input_class, perform = LANE_ACTIONS[action]
        body = input_class(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        version = expected_version(request, d)
        changed = perform(
            lane_case,
            d,
            by=request.user,
            now=timezone.now(),
            expected_version=version,
            source=source_of(request),
        )
        return lane_case_response(changed)


class CompressionView(APIView):
    """Public: the figures are published (政务公开) like the catalogue itself."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses=OpenApiTypes.OBJECT, summary="Time-limit compression: totals, departments, lanes"
    )
    def get(self, request: Request) -> Response:
        return Response(compression_report())


@extend_schema(exclude=True)
class CompressionNoSlashView(CompressionView):
    pass
