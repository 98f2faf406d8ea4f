"""The hotline API under /api/v1/hotline/: adapters that parse, call one service, answer.

Reading: tickets (keyset pagination by cursor, no COUNT) and a ticket with its dispatches and event log;
a unit sees the tickets dispatched to it and, of those, only its own dispatches; a ticket or dispatch the
user may not see is 404. Writing: every move is a POST with the `version` the caller read (stale: 409,
nothing changes); a move the table does not allow now 409; a role or unit that may not make it 403; bad
input 400 with the field names (govhall.cases.api.domain_error_response). The CTI hook takes a shared
bearer token instead of a user."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import domain_error_response
from govhall.core.pagination import CursorPagination
from govhall.hotline import moves, queries
from govhall.hotline import serializers as s
from govhall.hotline.models import Channel, Dispatch, ExtensionRequest, IncomingCall, Ticket, TicketState
from govhall.hotline.services.common import CENTRE_ROLES, is_centre
from govhall.hotline.services.intake import normalise_phone, register_ticket

ERRORS = {
    400: OpenApiTypes.OBJECT,
    403: OpenApiTypes.OBJECT,
    404: OpenApiTypes.OBJECT,
    409: OpenApiTypes.OBJECT,
}


class HotlineAPIView(APIView):
    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


def require_centre_api(request: Request) -> None:
    if not is_centre(request.user):
        raise PermissionDenied(_("Only the hotline centre (operators and supervisors) may do this."))


class TicketCursor(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class TicketFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TicketState.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)


def _moved_answer(request: Request, ticket: Ticket) -> Response:
    """After a move: the ticket and its dispatches (two queries; the event log is in GET tickets/{id}/)."""
    ticket = (
        Ticket.objects.select_related("subject", "area")
        .prefetch_related(queries.dispatches_prefetch(timezone.now()))
        .get(pk=ticket.pk)
    )
    response = Response(s.TicketMovedSerializer(ticket, context={"request": request}).data)
    response["ETag"] = f'"{ticket.version}"'
    return response


def _ticket_answer(request: Request, ticket: Ticket, *, code: int = status.HTTP_200_OK) -> Response:
    ticket = queries.ticket_with_children(ticket.pk, timezone.now())
    response = Response(s.TicketDetailSerializer(ticket, context={"request": request}).data, status=code)
    response["ETag"] = f'"{ticket.version}"'
    return response


class TicketListView(HotlineAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = TicketCursor

    @extend_schema(
        parameters=[TicketFilterSerializer],
        responses=s.TicketSerializer(many=True),
        summary="Tickets the user may see, newest first (cursor pagination)",
    )
    def get(self, request: Request) -> Response:
        filters = TicketFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = queries.visible_tickets(request.user)
        if value := filters.validated_data.get("state"):
            rows = rows.filter(state=value)
        if value := filters.validated_data.get("channel"):
            rows = rows.filter(channel=value)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(s.TicketSerializer(page, many=True).data)

    @extend_schema(
        request=s.TicketCreateSerializer,
        responses={201: s.TicketDetailSerializer, **ERRORS},
        summary="Register a phone call as a ticket (登记); with `answer` it is closed at once (当场解答)",
    )
    def post(self, request: Request) -> Response:
        require_centre_api(request)
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        ticket = register_ticket(channel=Channel.PHONE, by=request.user, now=now, **data.validated_data)
        # Just registered (or closed at once): no dispatch yet, so only the events are read back.
        ticket = queries.ticket_with_children(ticket.pk, now, dispatches=False)
        answer = s.TicketDetailSerializer(ticket, context={"request": request}).data
        response = Response(answer, status=status.HTTP_201_CREATED)
        response["ETag"] = f'"{ticket.version}"'
        return response


class TicketDetailView(HotlineAPIView):
    @extend_schema(responses=s.TicketDetailSerializer, summary="A ticket with its dispatches and event log")
    def get(self, request: Request, pk: int) -> Response:
        return _ticket_answer(request, get_object_or_404(queries.visible_tickets(request.user), pk=pk))


def _ticket_move(serializer_class, perform, summary: str, *, centre: bool):
    """A move on a ticket: the centre's (dispatch, callback, review) or the lead unit's reply."""

    class MoveView(HotlineAPIView):
        @extend_schema(
            request=serializer_class, responses={200: s.TicketDetailSerializer, **ERRORS}, summary=summary
        )
        def post(self, request: Request, pk: int) -> Response:
            if centre:
                require_centre_api(request)
            ticket = get_object_or_404(queries.visible_tickets(request.user), pk=pk)
            data = serializer_class(data=request.data)
            data.is_valid(raise_exception=True)
            d = dict(data.validated_data)
            version = d.pop("version")
            perform(ticket, d, by=request.user, now=timezone.now(), expected_version=version)
            return _moved_answer(request, ticket)

    MoveView.__name__ = MoveView.__qualname__ = (
        f"Ticket{serializer_class.__name__.removeprefix('Hotline').removesuffix('Serializer')}View"
    )
    return MoveView


def _dispatch_move(serializer_class, perform, summary: str, *, centre: bool = False):
    """A move on one dispatch: the unit's (sign, return, extension, contribute) or the centre's decisions."""

    class MoveView(HotlineAPIView):
        @extend_schema(
            request=serializer_class, responses={200: s.DispatchSerializer, **ERRORS}, summary=summary
        )
        def post(self, request: Request, pk: int) -> Response:
            if centre:
                require_centre_api(request)
            dispatch = get_object_or_404(queries.visible_dispatches(request.user), pk=pk)
            data = serializer_class(data=request.data)
            data.is_valid(raise_exception=True)
            d = dict(data.validated_data)
            version = d.pop("version")
            row = dispatch
            if "request" in d:
                row = get_object_or_404(ExtensionRequest, pk=d.pop("request"), dispatch=dispatch)
            perform(row, d, by=request.user, now=timezone.now(), expected_version=version)
            dispatch = queries.with_lights(Dispatch.objects.select_related("unit"), timezone.now()).get(pk=pk)
            response = Response(s.DispatchSerializer(dispatch).data)
            response["ETag"] = f'"{dispatch.version}"'
            return response

    MoveView.__name__ = MoveView.__qualname__ = (
        f"Dispatch{serializer_class.__name__.removeprefix('Hotline').removesuffix('Serializer')}View"
    )
    return MoveView


DispatchTicketView = _ticket_move(
    s.HotlineDispatchTicketSerializer,
    moves.dispatch,
    "Dispatch (派单) to the catalogue's units, or to others with a reason",
    centre=True,
)
ReplyView = _ticket_move(
    s.HotlineReplySerializer, moves.reply, "The lead unit's reply (答复) with its legal basis", centre=False
)
CallbackView = _ticket_move(
    s.HotlineCallbackSerializer, moves.record_callback, "Record a callback attempt (回访)", centre=True
)
ReviewView = _ticket_move(
    s.HotlineReviewSerializer, moves.review, "Review a dissatisfaction: uphold (重办) or close", centre=True
)
RepeatCallView = _ticket_move(
    s.HotlineRepeatCallSerializer,
    moves.repeat_call,
    "Record a repeat call (重复来电) of the same caller on this open ticket: counted, not dispatched",
    centre=True,
)
MergeView = _ticket_move(
    s.HotlineMergeSerializer,
    moves.merge,
    "Link this registered ticket as a duplicate (重复件) of an open master ticket of another caller",
    centre=True,
)
UnmergeView = _ticket_move(
    s.HotlineUnmergeSerializer,
    moves.unmerge,
    "Undo a duplicate link (before the master's reply reached the caller): registered again",
    centre=True,
)
SignView = _dispatch_move(s.HotlineSignSerializer, moves.sign, "Sign for a dispatch (签收)")
ReturnView = _dispatch_move(
    s.HotlineReturnSerializer, moves.request_return, "Return a dispatch (退单) with a coded reason"
)
DecideReturnView = _dispatch_move(
    s.HotlineDecideReturnSerializer,
    moves.decide_return,
    "The centre accepts or rejects a return",
    centre=True,
)
ExtensionView = _dispatch_move(
    s.HotlineExtensionSerializer, moves.request_extension, "Ask for an extension (延期)"
)
DecideExtensionView = _dispatch_move(
    s.HotlineDecideExtensionSerializer,
    moves.decide_extension,
    "The centre approves or refuses an extension request (version: the dispatch's)",
    centre=True,
)
ContributeView = _dispatch_move(
    s.HotlineContributeSerializer, moves.contribute, "A co-unit's contribution (协办意见)"
)


class DispatchDetailView(HotlineAPIView):
    @extend_schema(responses=s.DispatchSerializer, summary="One dispatch (a unit's part of a ticket)")
    def get(self, request: Request, pk: int) -> Response:
        rows = queries.with_lights(queries.visible_dispatches(request.user), timezone.now())
        return Response(s.DispatchSerializer(get_object_or_404(rows, pk=pk)).data)


class CallerLookupView(HotlineAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("phone", str, required=True, description="The caller's number")],
        responses=s.HotlineCallerTicketSerializer(many=True),
        summary="The caller's earlier tickets by phone number (the centre only)",
    )
    def get(self, request: Request) -> Response:
        require_centre_api(request)
        phone = request.query_params.get("phone", "")
        if len(normalise_phone(phone)) < 7:
            return Response({"phone": [_("At least 7 digits.")]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.HotlineCallerTicketSerializer(queries.caller_history(phone), many=True).data)


class SimilarView(HotlineAPIView):
    @extend_schema(
        parameters=[s.HotlineSimilarQuerySerializer],
        responses={
            200: s.HotlineSimilarSerializer(many=True),
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
        summary="Open tickets that look like the call being registered (重复件): same caller, or same "
        "subject, near and similar text, within the configured period (the centre only)",
    )
    def get(self, request: Request) -> Response:
        from govhall.hotline import similar

        require_centre_api(request)
        data = s.HotlineSimilarQuerySerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        found = similar.suggest(now=timezone.now(), **data.validated_data)
        return Response(s.HotlineSimilarSerializer(found, many=True).data)


# --- the CTI hook ---------------------------------------------------------------------------------------


def _token_ok(request: Request) -> bool:
    expected = getattr(settings, "GOVHALL_HOTLINE_CTI_TOKEN", "") or ""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _operator_for(username: str, extension: str):
    User = get_user_model()
    if not username and extension:
        username = dict(getattr(settings, "GOVHALL_HOTLINE_CTI_EXTENSIONS", {})).get(extension, "")
    return User.objects.filter(username=username, role__in=CENTRE_ROLES, is_active=True).first()


class IncomingCallView(APIView):
    """Telephony announces a call ringing at an operator's seat. Authenticated by the shared token in
    GOVHALL_HOTLINE_CTI_TOKEN (header `Authorization: Bearer <token>`, compared in constant time): 403
    otherwise, and always when no token is configured."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=s.HotlineIncomingCallSerializer,
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        summary="CTI hook: an incoming call for an operator (shows the caller's history on the workbench)",
        auth=[],
    )
    def post(self, request: Request) -> Response:
        if not _token_ok(request):
            return Response({"detail": _("A valid CTI token is required.")}, status=status.HTTP_403_FORBIDDEN)
        data = s.HotlineIncomingCallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        phone = normalise_phone(d["phone"])
        if not phone or len(phone) > 20:
            return Response(
                {"phone": [_("The caller's number is missing.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        operator = _operator_for(d["operator"], d["extension"])
        if operator is None:
            return Response(
                {"operator": [_("No active operator with this username or extension.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        call = IncomingCall.objects.create(
            operator=operator,
            phone=phone,
            extension=d["extension"],
            call_id=d["call_id"],
            rang_at=timezone.now(),
        )
        return Response({"id": call.pk, "operator": operator.username}, status=status.HTTP_201_CREATED)
