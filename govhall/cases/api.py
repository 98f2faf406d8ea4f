"""The cases API under /api/v1/: adapters that parse a request, call one service and answer.

HTTP semantics (also in docs/workbench.md):
- reading: lists use cursor pagination (no COUNT), identity numbers and phones masked; a case the user
  may not see is 404, whatever the reason, so the API never confirms that a number exists;
- writing an existing case needs the version the caller read: header `If-Match: "<version>"` (the ETag
  of GET /cases/{id}/) or a `version` field. Without one the answer is 428 Precondition Required; with a
  stale one 409 Conflict and nothing changes. A successful write answers the case with its new ETag;
- domain errors: ValidationError → 400 `{field: [messages]}`; a state change not allowed from the current
  state → 409; a role or unit that may not act → 403 (supervisors, leaders, administrators read only).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.fields import get_error_detail
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases import services
from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.inputs import Applicant, Contact, MaterialIn
from govhall.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseState,
    Channel,
    ExtensionRequest,
    Step,
    StepState,
)
from govhall.cases.permissions import SEE_ALL_ROLES
from govhall.cases.queries import extension_requests_for, find_cases, queue_steps, visible_cases
from govhall.cases.serializers import (
    AnswerSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CompleteStepSerializer,
    ConcludeSerializer,
    ConsultationSerializer,
    DecideExtensionSerializer,
    DeliverSerializer,
    ExtensionRequestSerializer,
    ExtensionSerializer,
    NoteSerializer,
    PublishSerializer,
    QueueEntrySerializer,
    ReasonSerializer,
    ReceiveSerializer,
    ReturnStepSerializer,
    SupplementReceivedSerializer,
    SupplementRequestSerializer,
    SuspendSerializer,
    VersionedSerializer,
)
from govhall.catalog.models import Department, Hall, ServiceItem, Window
from govhall.core import inputs
from govhall.core.api_errors import error_body, error_response
from govhall.core.models import Role
from govhall.core.pagination import CursorPagination
from govhall.core.prepared import Prepared
from govhall.core.privacy import record_view
from govhall.workdays import calendar as workdays

READ_ONLY_ROLES = SEE_ALL_ROLES | {Role.OPERATOR, Role.APPLICANT}


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = gettext_lazy(
        'Send the version you read: header If-Match: "<version>" or a "version" field.'
    )
    default_code = "precondition_required"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class WritesForCaseWorkers(BasePermission):
    """Supervisors, leaders and administrators watch and change nothing; operators and applicants have no
    back-office case work. Reads are filtered by visible_cases()."""

    message = gettext_lazy("Your role reads cases and changes nothing.")

    def has_permission(self, request: Request, view) -> bool:
        return request.method in SAFE_METHODS or getattr(request.user, "role", None) not in READ_ONLY_ROLES


def outside_calendar_message() -> str:
    return _("The deadline falls outside the working-day calendar (%(first)s to %(last)s).") % {
        "first": inputs.DATE_MIN.isoformat(),
        "last": inputs.DATE_MAX.isoformat(),
    }


def domain_error_response(exc: Exception) -> Response | None:
    """The HTTP answer to an error raised by a case service, or None for anything else.

    Every answer is in the API's one error format (govhall.core.api_errors)."""
    if isinstance(exc, StaleVersion):
        return error_response(
            str(exc), status_code=status.HTTP_409_CONFLICT, rule="stale_version", current_version=exc.actual
        )
    if isinstance(exc, TransitionNotAllowed):
        return error_response(
            str(exc),
            status_code=status.HTTP_409_CONFLICT,
            rule="transition_not_allowed",
            state=exc.state,
            action=exc.action,
        )
    if isinstance(exc, CaseForbidden):
        return error_response(str(exc), status_code=status.HTTP_403_FORBIDDEN, rule="forbidden")
    if isinstance(exc, workdays.CalendarRangeError):  # a deadline past the working-day calendar's years
        return error_response(
            outside_calendar_message(), status_code=status.HTTP_400_BAD_REQUEST, rule="outside_calendar"
        )
    if isinstance(exc, DjangoValidationError):
        # DRF's conversion keeps each message's code (the rule): {"field": [ErrorDetail(msg, code)]}.
        detail = get_error_detail(exc)
        return Response(error_body(detail, status.HTTP_400_BAD_REQUEST), status=status.HTTP_400_BAD_REQUEST)
    return None


class CaseAPIView(APIView):
    permission_classes = [IsAuthenticated, WritesForCaseWorkers]

    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


def parse_if_match(header: str) -> int | None:
    """`"3"`, `W/"3"` or `3` → 3; `*` → None (any version)."""
    value = header.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip().strip('"')
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError({"If-Match": [_('Expected If-Match: "<version>".')]}) from None


def expected_version(request: Request, data: dict) -> int | None:
    header = request.headers.get("If-Match")
    if header:
        return parse_if_match(header)
    if data.get("version") is not None:
        return data["version"]
    raise PreconditionRequired()


def source_of(request: Request) -> str:
    return f"api {request.META.get('REMOTE_ADDR', '')}".strip()


def etag(version: int) -> str:
    return f'"{version}"'


def case_for(request: Request, pk: int) -> Case:
    return get_object_or_404(visible_cases(request.user).select_related("item", "hall"), pk=pk)


def case_response(case: Case, *, code: int = status.HTTP_200_OK, request: Request | None = None) -> Response:
    response = Response(CaseListSerializer(case, context={"request": request}).data, status=code)
    response["ETag"] = etag(case.version)
    return response


class CaseCursor(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class QueueCursor(CursorPagination):
    ordering = ("due_date", "id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class ExtensionCursor(CursorPagination):
    ordering = ("-requested_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


# --- reading ---------------------------------------------------------------------------------------


class CaseFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="Case number (prefix), applicant name (prefix), ID number or credit code, or phone",
    )
    item = serializers.CharField(required=False, default="", allow_blank=True, help_text="Item code")
    state = serializers.ChoiceField(CaseState.choices, required=False, allow_blank=True, default="")
    date_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Received on or after"
    )
    date_to = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Received on or before"
    )


def _detail_queryset(user) -> QuerySet[Case]:
    return (
        visible_cases(user)
        .select_related("item", "hall", "consultation")
        .prefetch_related(
            Prefetch("materials", queryset=CaseMaterial.objects.select_related("material")),
            Prefetch("steps", queryset=Step.objects.select_related("department", "finished_by")),
            Prefetch("events", queryset=CaseEvent.objects.select_related("by").order_by("seq")),
            "suspensions",
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by", "case"),
            ),
            "handovers",
        )
    )


# The item of every intake, read by a statement compiled once (core.prepared).
_ITEM = Prepared(lambda pk: ServiceItem.objects.filter(pk=pk), (int,))


class CaseListView(CaseAPIView):
    """Cases the user may see, newest first; `POST` receives a new application (窗口收件)."""

    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = CaseCursor

    @extend_schema(
        parameters=[CaseFilterSerializer],
        responses=CaseListSerializer(many=True),
        summary="Search cases",
    )
    def get(self, request: Request) -> Response:
        filters = CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        cases = find_cases(
            request.user,
            q=f["q"],
            item=ServiceItem(code=f["item"]) if f["item"] else None,
            state=f["state"] or None,
            date_from=f["date_from"],
            date_to=f["date_to"],
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response(CaseListSerializer(page, many=True).data)

    @extend_schema(
        request=ReceiveSerializer,
        responses={201: CaseListSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        summary="Receive an application (收件); with `decision`, also accept, reject or notify at once",
    )
    def post(self, request: Request) -> Response:
        data = ReceiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = request.user
        item = _ITEM.first(d["item"])
        if item is None:
            raise serializers.ValidationError(
                {"item": [_("No service item with id %(id)s.") % {"id": d["item"]}]}
            )
        channel = d["channel"] or (Channel.AGENCY if user.role == Role.AGENCY_CLERK else Channel.WINDOW)
        agency_hall = user.hall if channel == Channel.AGENCY else None
        if d["hall"]:
            hall = Hall.objects.filter(code=d["hall"]).first()
            if hall is None:
                raise serializers.ValidationError(
                    {"hall": [_("No hall with code %(code)s.") % {"code": d["hall"]}]}
                )
        elif agency_hall is not None:
            hall = agency_hall.parent or agency_hall
        elif user.hall_id:
            hall = user.hall
        else:
            raise CaseForbidden(_("Your account belongs to no hall: you cannot receive applications."))
        window = None
        if d["window"] is not None:
            window = Window.objects.filter(pk=d["window"]).first()
            if window is None:
                raise serializers.ValidationError(
                    {"window": [_("No window with id %(id)s.") % {"id": d["window"]}]}
                )
        intake = {
            "item": item,
            "applicant": Applicant(
                kind=d["applicant_kind"],
                name=d["applicant_name"],
                id_type=d["id_type"],
                id_number=d["id_number"],
                credit_code=d["credit_code"],
                legal_representative=d["legal_representative"],
            ),
            "contact": Contact(name=d["contact_name"], phone=d["phone"], address=d["address"]),
            "materials": [MaterialIn(**m) for m in d["materials"]],
            "hall": hall,
            "window": window,
            "by": user,
            "now": timezone.now(),
            "channel": channel,
            "agency_hall": agency_hall,
            "source": source_of(request),
        }
        if d["decision"]:
            case = services.receive_and_decide(
                **intake, decision=d["decision"], reason=d["reason"], missing=d["missing"], note=d["note"]
            )
        else:
            case = services.receive_case(**intake)
        response = case_response(case, code=status.HTTP_201_CREATED, request=request)
        response["Location"] = f"{request.path.rstrip('/')}/{case.pk}/"
        return response


class CaseDetailView(CaseAPIView):
    @extend_schema(
        responses={
            200: CaseDetailSerializer,
            404: OpenApiResponse(description="Not found or not yours to see"),
        },
        summary="A case with materials, steps, timeline, suspensions and extensions",
    )
    def get(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(_detail_queryset(request.user), pk=pk)
        serializer = CaseDetailSerializer(case, context={"request": request})
        response = Response(serializer.data)
        if serializer.unmasked():  # the numbers went out whole: recorded like a reveal on the page
            record_view(
                user=request.user,
                subject="case",
                object_id=case.pk,
                number=case.number,
                fields=["id_number" if case.id_number else "", "phone" if case.phone else ""],
                now=timezone.now(),
                channel="api",
            )
        response["ETag"] = etag(case.version)
        return response


class QueueView(CaseAPIView):
    """The handler's queue: active steps of the user's department, earliest due first."""

    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = QueueCursor

    @extend_schema(responses=QueueEntrySerializer(many=True), summary="My queue (handlers, heads)")
    def get(self, request: Request) -> Response:
        steps = queue_steps(request.user).select_related("case__hall", "department")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(steps, request, view=self)
        today = timezone.localdate()
        entries = [
            {
                "step": s,
                "case": s.case,
                "due_date": s.due_date,
                "remaining_workdays": workdays.workdays_between(today, s.due_date),
            }
            for s in page
        ]
        return paginator.get_paginated_response(QueueEntrySerializer(entries, many=True).data)


class ExtensionFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        [("requested", "requested"), ("approved", "approved"), ("refused", "refused"), ("all", "all")],
        required=False,
        default="requested",
    )


class ExtensionListView(CaseAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = ExtensionCursor

    @extend_schema(
        parameters=[ExtensionFilterSerializer],
        responses=ExtensionSerializer(many=True),
        summary="Extension requests for the department head to decide",
    )
    def get(self, request: Request) -> Response:
        f = ExtensionFilterSerializer(data=request.query_params)
        f.is_valid(raise_exception=True)
        state = f.validated_data["state"]
        requests = extension_requests_for(request.user, state=None if state == "all" else state)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(requests, request, view=self)
        return paginator.get_paginated_response(ExtensionSerializer(page, many=True).data)


class DecideExtensionView(CaseAPIView):
    @extend_schema(
        request=DecideExtensionSerializer,
        responses={200: ExtensionSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT},
        summary="Approve or refuse an extension (department head)",
    )
    def post(self, request: Request, pk: int) -> Response:
        extension = get_object_or_404(
            ExtensionRequest.objects.filter(case__in=visible_cases(request.user)), pk=pk
        )
        data = DecideExtensionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        decided = services.decide_extension(
            extension,
            approve=d["approve"],
            reason=d["reason"],
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, d),
            source=source_of(request),
        )
        response = Response(ExtensionSerializer(decided).data)
        response["ETag"] = etag(decided.version)
        return response


@extend_schema(exclude=True)
class ProgressMovedView(APIView):
    """The public progress query moved to /api/v1/portal/progress/: a permanent redirect, query and all
    (clients and printed links of the old address keep working)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request: Request) -> HttpResponsePermanentRedirect:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(reverse("portal-api:progress") + (f"?{query}" if query else ""))


# --- actions on a case -------------------------------------------------------------------------------

ACTION_RESPONSES = {
    200: CaseListSerializer,
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="{field: [messages]} naming the rule"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="The role or unit may not act"),
    404: OpenApiResponse(description="No such case, or not yours to see"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale version, or not allowed in this state"),
    428: OpenApiResponse(OpenApiTypes.OBJECT, description="No If-Match header and no version field"),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='"<version>" from the ETag of GET /cases/{id}/ (or send a `version` field)',
)


class CaseActionView(CaseAPIView):
    """POST /cases/{id}/<action>/: validate the body, check the version, call one service."""

    input_class: type[serializers.Serializer]

    def post(self, request: Request, pk: int) -> Response:
        case = case_for(request, pk)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        changed = self.perform(
            case,
            d,
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, d),
            source=source_of(request),
        )
        if changed.hall_id == case.hall_id:
            changed.hall = case.hall  # already read: saves a query for the answer's hall_code
        return case_response(changed, request=request)

    def perform(self, case: Case, d: dict, **common) -> Case:
        raise NotImplementedError


def action_schema(input_class, summary: str):
    def decorate(view_class):
        view_class.input_class = input_class
        return extend_schema_view(
            post=extend_schema(
                request=input_class, responses=ACTION_RESPONSES, parameters=[IF_MATCH], summary=summary
            )
        )(view_class)

    return decorate


def _step_of(case: Case, step_id: int | None) -> Step:
    steps = Step.objects.filter(case=case)
    step = steps.filter(pk=step_id).first() if step_id else steps.filter(state=StepState.ACTIVE).first()
    if step is None:
        field_message = _("No such step on this case.") if step_id else _("The case has no active step.")
        raise serializers.ValidationError({"step": [field_message]})
    return step


@action_schema(SupplementRequestSerializer, "Issue the one-time notice (一次性告知)")
class RequestSupplementView(CaseActionView):
    def perform(self, case, d, **common):
        return services.request_supplement(case, missing=d["missing"], note=d["note"], **common)


@action_schema(SupplementReceivedSerializer, "Record supplementary materials (补正)")
class SupplementReceivedView(CaseActionView):
    def perform(self, case, d, **common):
        return services.supplement_received(
            case, materials=[MaterialIn(**m) for m in d["materials"]], **common
        )


@action_schema(VersionedSerializer, "Accept (受理): starts the first step and the legal clock")
class AcceptView(CaseActionView):
    def perform(self, case, d, **common):
        return services.accept_case(case, **common)


@action_schema(ReasonSerializer, "Do not accept (不予受理), with the reason")
class RejectView(CaseActionView):
    def perform(self, case, d, **common):
        return services.reject_case(case, reason=d["reason"], **common)


@action_schema(ReasonSerializer, "The applicant withdraws (撤回)")
class WithdrawView(CaseActionView):
    def perform(self, case, d, **common):
        return services.withdraw_case(case, reason=d["reason"], **common)


@action_schema(DeliverSerializer, "Hand the result over (出件)")
class DeliverView(CaseActionView):
    def perform(self, case, d, **common):
        return services.deliver_result(case, method=d["method"], **common)


@action_schema(CompleteStepSerializer, "Finish a step: approve (next step starts) or return")
class CompleteStepView(CaseActionView):
    def perform(self, case, d, **common):
        step = services.complete_step(
            _step_of(case, d.get("step")), outcome=d["outcome"], comment=d["comment"], **common
        )
        return step.case


@action_schema(ReturnStepSerializer, "Return the case to the previous step, with the reason")
class ReturnStepView(CaseActionView):
    def perform(self, case, d, **common):
        return services.return_step(_step_of(case, d.get("step")), reason=d["reason"], **common).case


@action_schema(ConcludeSerializer, "Conclude (办结) with the decision and its text")
class ConcludeView(CaseActionView):
    def perform(self, case, d, **common):
        return services.conclude_case(case, decision=d["decision"], text=d["text"], **common)


@action_schema(SuspendSerializer, "Start a special procedure (特别程序): the clock stops")
class SuspendView(CaseActionView):
    def perform(self, case, d, **common):
        return services.suspend_case(
            case, kind=d["kind"], expected_days=d["expected_days"], reason=d["reason"], **common
        )


@action_schema(VersionedSerializer, "End the special procedure: the clock runs again")
class ResumeView(CaseActionView):
    def perform(self, case, d, **common):
        return services.resume_case(case, **common)


@extend_schema_view(
    post=extend_schema(
        request=ExtensionRequestSerializer,
        responses={**ACTION_RESPONSES, 201: ExtensionSerializer, 200: None},
        parameters=[IF_MATCH],
        summary="Ask the department head for an extension (延期)",
    )
)
class RequestExtensionView(CaseActionView):
    input_class = ExtensionRequestSerializer

    def post(self, request: Request, pk: int) -> Response:
        case = case_for(request, pk)
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        extension = services.request_extension(
            case,
            days=d["days"],
            reason=d["reason"],
            by=request.user,
            now=timezone.now(),
            expected_version=expected_version(request, d),
            source=source_of(request),
        )
        response = Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(extension.version)
        return response


@action_schema(NoteSerializer, "Agency case: the township hall sends the paper materials")
class SendMaterialsView(CaseActionView):
    def perform(self, case, d, **common):
        return services.send_materials(case, note=d["note"], **common).case


@action_schema(NoteSerializer, "Agency case: the centre signs for the materials")
class ReceiveMaterialsView(CaseActionView):
    def perform(self, case, d, **common):
        return services.receive_materials(case, note=d["note"], **common).case


@action_schema(AnswerSerializer, "Answer a consultation (咨询件)")
class AnswerView(CaseActionView):
    def perform(self, case, d, **common):
        return services.answer_consultation(case, answer=d["answer"], **common)


@action_schema(
    PublishSerializer, "Publish a consultation's edited question and answer on the item's guide page"
)
class PublishView(CaseActionView):
    def perform(self, case, d, **common):
        return services.publish_consultation(case, question=d["question"], answer=d["answer"], **common)


@action_schema(VersionedSerializer, "Take a published consultation off the item's guide page")
class UnpublishView(CaseActionView):
    def perform(self, case, d, **common):
        return services.unpublish_consultation(case, **common)


class ConsultationView(CaseAPIView):
    @extend_schema(
        request=ConsultationSerializer,
        responses={201: CaseListSerializer, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        summary="Register a consultation (咨询件); answered on the spot when an answer is given",
    )
    def post(self, request: Request) -> Response:
        data = ConsultationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = request.user
        department = Department.objects.filter(code=d["department"]).first() if d["department"] else None
        if d["department"] and department is None:
            raise serializers.ValidationError(
                {"department": [_("No department with code %(code)s.") % {"code": d["department"]}]}
            )
        if user.hall_id is None:
            raise CaseForbidden(_("Only the hall's clerks register consultations."))
        try:
            item = ServiceItem.objects.get(pk=d["item"]) if d["item"] else None
            window = Window.objects.get(pk=d["window"]) if d["window"] else None
        except ObjectDoesNotExist:
            raise serializers.ValidationError({"item": [_("Unknown item or window.")]}) from None
        case = services.record_consultation(
            question=d["question"],
            department=department,
            by=user,
            now=timezone.now(),
            hall=user.hall,
            answer=d["answer"],
            applicant={"name": d["applicant_name"]},
            contact={"name": d["contact_name"], "phone": d["phone"]},
            item=item,
            window=window,
            channel=d["channel"] or (Channel.AGENCY if user.role == Role.AGENCY_CLERK else Channel.WINDOW),
            event_place=d["event_place"],
            event_date=d["event_date"],
            source=source_of(request),
        )
        return case_response(case, code=status.HTTP_201_CREATED, request=request)
