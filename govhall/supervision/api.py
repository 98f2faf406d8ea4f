"""The supervision API under /api/v1/supervision/: lights, counts, cards, orders, the inbox.

Same HTTP conventions as the cases API (govhall/cases/api.py): a write on a card or order needs the
version read (`If-Match: "<version>"` or a `version` field; none → 428, stale → 409); a state change not
allowed → 409; a role that may not act → 403; ValidationError → 400 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import IF_MATCH, domain_error_response, etag, expected_version
from govhall.cases.models import Case, Step
from govhall.cases.queries import visible_cases
from govhall.catalog.models import Department
from govhall.core import inputs
from govhall.core.pagination import CursorPagination
from govhall.supervision import lights, queries, services
from govhall.supervision.models import CardKind, Notification
from govhall.supervision.serializers import (
    CardSerializer,
    CountSerializer,
    LaneCaseLightSerializer,
    NotificationSerializer,
    OrderSerializer,
    StepLightSerializer,
)


class SupervisionAPIView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


class StepCursor(CursorPagination):
    ordering = ("due_at", "id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 500


class NewestCursor(CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class FilterSerializer(serializers.Serializer):
    department = serializers.IntegerField(required=False)
    hall = serializers.IntegerField(required=False)
    item_code = serializers.CharField(required=False, allow_blank=True)
    light = serializers.ChoiceField(choices=lights.LIGHTS, required=False)
    lane = serializers.CharField(required=False, allow_blank=True)

    def filters(self) -> queries.Filters:
        d = self.validated_data
        return queries.Filters(
            department=d.get("department"),
            hall=d.get("hall"),
            item_code=d.get("item_code", ""),
            light=d.get("light", ""),
            lane=d.get("lane", ""),
        )


FILTER_PARAMS = [
    OpenApiParameter("department", int, description="Department id"),
    OpenApiParameter("hall", int, description="Hall id (where the case was accepted)"),
    OpenApiParameter("item_code", str, description="Service item code"),
    OpenApiParameter("light", str, enum=list(lights.LIGHTS)),
    OpenApiParameter("lane", str, description="Fast lane code: steps of item cases opened for the lane"),
]


def _steps_for(request: Request) -> tuple:
    f = FilterSerializer(data=request.query_params)
    f.is_valid(raise_exception=True)
    return f.filters()


class StepLightsView(SupervisionAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = StepCursor

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses=StepLightSerializer(many=True),
        summary="Open steps with their light (green, yellow, red, paused), the earliest due first",
    )
    def get(self, request: Request) -> Response:
        now = timezone.now()
        filters = _steps_for(request)
        steps = filters.apply(queries.visible_steps(request.user))
        if filters.light:
            steps = steps.filter(lights.conditions(now)[filters.light])
        steps = lights.annotate_steps(steps, now).select_related("case", "department")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(steps, request, view=self)
        return paginator.get_paginated_response(StepLightSerializer(page, many=True).data)


class LaneCaseLightsView(SupervisionAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = StepCursor

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses=LaneCaseLightSerializer(many=True),
        summary="Open fast-lane cases with the light of the lane clock, the earliest due first",
    )
    def get(self, request: Request) -> Response:
        now = timezone.now()
        filters = _steps_for(request)
        lane_cases = queries.filter_lane_cases(queries.visible_lane_cases(request.user), filters)
        if filters.light:
            lane_cases = lane_cases.filter(lights.conditions(now)[filters.light])
        from govhall.lanes.queries import annotate_lights

        lane_cases = annotate_lights(lane_cases, now).select_related("lane")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(lane_cases, request, view=self)
        return paginator.get_paginated_response(LaneCaseLightSerializer(page, many=True).data)


class CountsView(SupervisionAPIView):
    @extend_schema(
        parameters=[
            *FILTER_PARAMS,
            OpenApiParameter(
                "by", str, enum=list(queries.DIMENSIONS), description="Group by (default department)"
            ),
        ],
        responses=CountSerializer(many=True),
        summary="Counts of green, yellow, red, paused: open steps by department or hall, lane cases by lane",
    )
    def get(self, request: Request) -> Response:
        by = request.query_params.get("by", "department")
        if by not in queries.DIMENSIONS:
            return Response({"by": [inputs.one_of("by", queries.DIMENSIONS)]}, status=400)
        filters = _steps_for(request)
        if by == "lane":  # lane cases by the light of their own clock
            lane_cases = queries.filter_lane_cases(queries.visible_lane_cases(request.user), filters)
            return Response(CountSerializer(queries.lane_counts(lane_cases, timezone.now()), many=True).data)
        steps = filters.apply(queries.visible_steps(request.user))
        rows = queries.board_counts(steps, timezone.now(), by=by)
        return Response(CountSerializer(rows, many=True).data)


# --- cards ---------------------------------------------------------------------------------------------


class CardCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CardKind.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    reason = serializers.CharField()
    case = serializers.IntegerField(required=False)
    step = serializers.IntegerField(required=False)


class CardListView(SupervisionAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = NewestCursor

    @extend_schema(
        parameters=[OpenApiParameter("state", str)], responses=CardSerializer(many=True), summary="Cards"
    )
    def get(self, request: Request) -> Response:
        cards = queries.visible_cards(request.user)
        if request.query_params.get("state"):
            cards = cards.filter(state=request.query_params["state"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cards, request, view=self)
        return paginator.get_paginated_response(CardSerializer(page, many=True).data)

    @extend_schema(
        request=CardCreateSerializer, responses={201: CardSerializer}, summary="Issue a card (supervisor)"
    )
    def post(self, request: Request) -> Response:
        # Who may issue first: anyone else gets 403, not a list of the body's missing fields.
        services.require_supervisor(request.user)
        data = CardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        step = get_object_or_404(Step, pk=d["step"]) if d.get("step") else None
        case = get_object_or_404(Case, pk=d["case"]) if d.get("case") else None
        card = services.issue_card(
            kind=d["kind"],
            department=d["department"],
            reason=d["reason"],
            case=case,
            step=step,
            by=request.user,
            now=timezone.now(),
        )
        return _answer(CardSerializer(card).data, card.version, status.HTTP_201_CREATED)


def _answer(data, version: int, code: int = status.HTTP_200_OK) -> Response:
    response = Response(data, status=code)
    response["ETag"] = etag(version)
    return response


class CardDetailView(SupervisionAPIView):
    @extend_schema(responses=CardSerializer, summary="One card with its record")
    def get(self, request: Request, pk: int) -> Response:
        card = get_object_or_404(queries.visible_cards(request.user), pk=pk)
        return _answer(CardSerializer(card, context={"events": True}).data, card.version)


class CardReplySerializer(serializers.Serializer):
    cause = serializers.CharField()
    correction = serializers.CharField()
    version = serializers.IntegerField(required=False)


class SupervisionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class DecideAppealSerializer(SupervisionReasonSerializer):
    uphold = serializers.BooleanField()


ACTION_RESPONSES = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="{field: [messages]} naming the rule"),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="The role or department may not act"),
    404: OpenApiResponse(description="No such card or order, or not yours to see"),
    409: OpenApiResponse(OpenApiTypes.OBJECT, description="Stale version, or not allowed in this state"),
    428: OpenApiResponse(OpenApiTypes.OBJECT, description="No If-Match header and no version field"),
}

CARD_ACTIONS = {
    "reply": (
        CardReplySerializer,
        lambda c, d, **k: services.reply_to_card(c, cause=d["cause"], correction=d["correction"], **k),
    ),
    "appeal": (
        SupervisionReasonSerializer,
        lambda c, d, **k: services.appeal_card(c, reason=d["reason"], **k),
    ),
    "decide": (
        DecideAppealSerializer,
        lambda c, d, **k: services.decide_appeal(c, uphold=d["uphold"], reason=d["reason"], **k),
    ),
    "revoke": (
        SupervisionReasonSerializer,
        lambda c, d, **k: services.revoke_card(c, reason=d["reason"], **k),
    ),
    "close": (SupervisionReasonSerializer, lambda c, d, **k: services.close_card(c, reason=d["reason"], **k)),
}


def _action(
    noun: str, name: str, summary: str, *, actions: dict, visible: Callable, serializer: type
) -> Callable:
    """POST /supervision/<noun>s/{id}/<name>/: the record the user may see, its input checked, one
    service called with the version the caller read; the answer carries the new ETag. Cards and orders
    share it (CARD_ACTIONS, ORDER_ACTIONS)."""
    input_class, run = actions[name]

    def post(self, request: Request, pk: int) -> Response:
        record = get_object_or_404(visible(request.user), pk=pk)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        changed = run(
            record, d, by=request.user, now=timezone.now(), expected_version=expected_version(request, d)
        )
        return _answer(serializer(changed).data, changed.version)

    view_class = type(f"{noun.title()}{name.title()}View", (SupervisionAPIView,), {"post": post})
    schema = extend_schema(
        request=input_class,
        responses={200: serializer, **ACTION_RESPONSES},
        parameters=[IF_MATCH],
        summary=summary,
    )
    return extend_schema_view(post=schema)(view_class).as_view()


def _card_action(name: str, summary: str) -> Callable:
    return _action(
        "card", name, summary, actions=CARD_ACTIONS, visible=queries.visible_cards, serializer=CardSerializer
    )


# --- orders --------------------------------------------------------------------------------------------


class OrderCreateSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    instruction = serializers.CharField()
    due_date = serializers.DateField()
    case = serializers.IntegerField(required=False)
    subject = serializers.CharField(required=False, allow_blank=True, default="")


class OrderListView(SupervisionAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = NewestCursor

    @extend_schema(
        parameters=[OpenApiParameter("state", str)],
        responses=OrderSerializer(many=True),
        summary="Supervision orders",
    )
    def get(self, request: Request) -> Response:
        orders = queries.visible_orders(request.user)
        if request.query_params.get("state"):
            orders = orders.filter(state=request.query_params["state"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(OrderSerializer(page, many=True).data)

    @extend_schema(
        request=OrderCreateSerializer,
        responses={201: OrderSerializer},
        summary="Issue a supervision order (督办)",
    )
    def post(self, request: Request) -> Response:
        services.require_supervisor(request.user)  # before the body is read, as for cards
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        case = get_object_or_404(visible_cases(request.user), pk=d["case"]) if d.get("case") else None
        order = services.issue_order(
            department=d["department"],
            instruction=d["instruction"],
            due_date=d["due_date"],
            case=case,
            subject=d["subject"],
            by=request.user,
            now=timezone.now(),
        )
        return _answer(OrderSerializer(order).data, order.version, status.HTTP_201_CREATED)


class OrderDetailView(SupervisionAPIView):
    @extend_schema(responses=OrderSerializer, summary="One supervision order with its record")
    def get(self, request: Request, pk: int) -> Response:
        order = get_object_or_404(queries.visible_orders(request.user), pk=pk)
        return _answer(OrderSerializer(order, context={"events": True}).data, order.version)


class OrderReplySerializer(serializers.Serializer):
    reply = serializers.CharField()
    version = serializers.IntegerField(required=False)


class ReopenSerializer(SupervisionReasonSerializer):
    due_date = serializers.DateField()


ORDER_ACTIONS = {
    "reply": (OrderReplySerializer, lambda o, d, **k: services.reply_to_order(o, reply=d["reply"], **k)),
    "close": (
        SupervisionReasonSerializer,
        lambda o, d, **k: services.close_order(o, reason=d["reason"], **k),
    ),
    "reopen": (
        ReopenSerializer,
        lambda o, d, **k: services.reopen_order(o, reason=d["reason"], due_date=d["due_date"], **k),
    ),
}


def _order_action(name: str, summary: str) -> Callable:
    return _action(
        "order",
        name,
        summary,
        actions=ORDER_ACTIONS,
        visible=queries.visible_orders,
        serializer=OrderSerializer,
    )


# --- inbox ---------------------------------------------------------------------------------------------


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class InboxView(SupervisionAPIView):
    # The paginator the view uses, so that the schema describes the page (results, next, previous).
    pagination_class = NewestCursor

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool)],
        responses=NotificationSerializer(many=True),
        summary="My messages, the newest first",
    )
    def get(self, request: Request) -> Response:
        rows = queries.inbox(request.user)
        if request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(
        request=MarkReadSerializer,
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description='{"marked": n}')},
        summary="Mark messages read (the given ids, or all)",
    )
    def post(self, request: Request) -> Response:
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.mark_read(request.user, ids=data.validated_data.get("ids"), now=timezone.now())
        return Response(
            {
                "marked": marked,
                "unread": Notification.objects.filter(recipient=request.user, read_at__isnull=True).count(),
            }
        )
