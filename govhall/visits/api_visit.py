"""The visit's API under /api/v1/visits/ (part visit): slots and bookings for signed-in residents, numbers
from a kiosk (signed device token) or a signed-in phone, the window's calling for clerks, and the hall
display's state for anyone. Errors: a refused rule → 400 {field: [message]}; a state change the table does
not allow, or a stale `version` → 409 (the shapes of govhall.cases.api)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.cases.api import domain_error_response
from govhall.cases.errors import StaleVersion
from govhall.catalog.models import Hall, ServiceItem
from govhall.visits.devices import is_window_staff, kiosk_token_valid, visits_of, windows_of
from govhall.visits.models import Booking, Slot, Visit, WindowGroup
from govhall.visits.queries_visit import (
    bookable_slots,
    bookings_of,
    display_rows,
    display_version,
    queue_info,
    waiting_by_group,
)
from govhall.visits.services import visit as services


class WindowStaff(BasePermission):
    message = gettext_lazy("Only window clerks and administrators work a window.")

    def has_permission(self, request: Request, view) -> bool:
        return is_window_staff(request.user)


class VisitAPIView(APIView):
    def handle_exception(self, exc: Exception) -> Response:
        response = domain_error_response(exc)
        return response if response is not None else super().handle_exception(exc)


# --- serializers -------------------------------------------------------------------------------------


class AppointmentSlotSerializer(serializers.ModelSerializer):
    hall = serializers.CharField(source="group.hall.code", read_only=True)
    group = serializers.CharField(source="group.code", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = Slot
        fields = [
            "id",
            "hall",
            "group",
            "group_name",
            "day",
            "start_at",
            "end_at",
            "kind",
            "capacity",
            "free",
        ]


class AppointmentSerializer(serializers.ModelSerializer):
    slot = AppointmentSlotSerializer(read_only=True)
    item = serializers.CharField(source="item.code", read_only=True, allow_null=True, default=None)
    visit = serializers.IntegerField(source="visit_id", read_only=True, allow_null=True)

    class Meta:
        model = Booking
        fields = ["id", "code", "state", "slot", "item", "booked_at", "cancelled_at", "visit", "version"]


class BookSlotInput(serializers.Serializer):
    slot = serializers.IntegerField()
    item = serializers.CharField(required=False, allow_blank=True, help_text="The item's code")


class ChangeBookingInput(serializers.Serializer):
    slot = serializers.IntegerField()
    version = serializers.IntegerField(required=False)


class VisitVersionInput(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class HallVisitSerializer(serializers.ModelSerializer):
    hall = serializers.CharField(source="hall.code", read_only=True)
    group = serializers.CharField(source="group.code", read_only=True)
    item = serializers.CharField(source="item.code", read_only=True, allow_null=True, default=None)
    window = serializers.CharField(source="window.number", read_only=True, allow_null=True, default=None)
    clerk = serializers.CharField(source="clerk.username", read_only=True, allow_null=True, default=None)
    case = serializers.CharField(source="case.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Visit
        fields = [
            "id", "number", "state", "source", "hall", "group", "item", "window", "clerk", "case", "day",
            "ticket_at", "called_at", "started_at", "ended_at", "calls", "version",
        ]  # fmt: skip


class QueueTicketSerializer(HallVisitSerializer):
    waiting_ahead = serializers.IntegerField(read_only=True)
    estimated_wait_minutes = serializers.IntegerField(read_only=True)

    class Meta(HallVisitSerializer.Meta):
        fields = [*HallVisitSerializer.Meta.fields, "waiting_ahead", "estimated_wait_minutes"]


class TakeNumberInput(serializers.Serializer):
    hall = serializers.CharField(help_text="The hall's code")
    group = serializers.CharField(
        required=False, allow_blank=True, help_text="The window group's prefix, e.g. A"
    )
    item = serializers.CharField(required=False, allow_blank=True, help_text="Or the item's code")
    code = serializers.CharField(required=False, allow_blank=True, help_text="Or a booking code")
    device = serializers.CharField(
        required=False, allow_blank=True, help_text="The kiosk's signed device token"
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class TransferVisitInput(VisitVersionInput):
    group = serializers.CharField(help_text="The target window group's prefix in the same hall")


class LinkCaseInput(VisitVersionInput):
    case = serializers.CharField(help_text="The case number")


class GroupQueueSerializer(serializers.Serializer):
    group = serializers.CharField()
    name = serializers.CharField()
    waiting = serializers.IntegerField()
    estimated_wait_minutes = serializers.IntegerField()
    service_minutes = serializers.FloatField()


class DisplayCallSerializer(serializers.Serializer):
    number = serializers.CharField()
    window = serializers.CharField()
    window_name = serializers.CharField()
    state = serializers.CharField()
    calls = serializers.IntegerField()
    called_at = serializers.DateTimeField()


class DisplayQueueSerializer(serializers.Serializer):
    group = serializers.CharField()
    name = serializers.CharField()
    waiting = serializers.IntegerField()


class HallDisplaySerializer(serializers.Serializer):
    hall = serializers.CharField()
    version = serializers.CharField()
    called = DisplayCallSerializer(many=True)
    queues = DisplayQueueSerializer(many=True)


# --- appointments ------------------------------------------------------------------------------------


class SlotListView(VisitAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Bookable slots (预约时段) of an item or a hall",
        parameters=[
            OpenApiParameter("item", str, description="An item's code"),
            OpenApiParameter("hall", str, description="A hall's code"),
        ],
        responses=AppointmentSlotSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        groups = WindowGroup.objects.filter(is_active=True)
        item = None
        if code := request.query_params.get("item"):
            item = ServiceItem.objects.filter(code=code).order_by("-version").first()
            groups = groups.filter(items__code=code)
        if hall := request.query_params.get("hall"):
            groups = groups.filter(hall__code=hall)
        slots = bookable_slots(groups.distinct(), item=item, now=timezone.now())
        return Response(AppointmentSlotSerializer(slots, many=True).data)


class BookingListView(VisitAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="My appointments", responses=AppointmentSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(AppointmentSerializer(bookings_of(request.user)[:100], many=True).data)

    @extend_schema(
        summary="Book a slot (预约)", request=BookSlotInput, responses={201: AppointmentSerializer}
    )
    def post(self, request: Request) -> Response:
        data = _valid(BookSlotInput, request)
        slot = get_object_or_404(Slot.objects.select_related("group"), pk=data["slot"])
        item = None
        if data.get("item"):
            item = ServiceItem.objects.filter(code=data["item"]).order_by("-version").first()
            if item is None:
                raise serializers.ValidationError({"item": [_("Unknown item.")]})
        booking = services.book_slot(slot=slot, person=request.user, item=item, now=timezone.now())
        return Response(AppointmentSerializer(booking).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, request: Request) -> dict:
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _my_booking(request: Request, code: str) -> Booking:
    return get_object_or_404(Booking.objects.select_related("slot"), code=code.upper(), person=request.user)


class BookingCancelView(VisitAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Cancel my appointment (until its slot starts)",
        request=VisitVersionInput,
        responses=AppointmentSerializer,
    )
    def post(self, request: Request, code: str) -> Response:
        data = _valid(VisitVersionInput, request)
        booking = services.cancel_booking(
            _my_booking(request, code), by=request.user, now=timezone.now(), version=data.get("version")
        )
        return Response(AppointmentSerializer(booking).data)


class BookingChangeView(VisitAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Move my appointment to another slot",
        request=ChangeBookingInput,
        responses=AppointmentSerializer,
    )
    def post(self, request: Request, code: str) -> Response:
        data = _valid(ChangeBookingInput, request)
        slot = get_object_or_404(Slot, pk=data["slot"])
        booking = services.change_booking(
            _my_booking(request, code),
            slot=slot,
            by=request.user,
            now=timezone.now(),
            version=data.get("version"),
        )
        return Response(AppointmentSerializer(booking).data)


# --- numbers -----------------------------------------------------------------------------------------


def ticket_data(visit: Visit, *, now) -> dict:
    info = queue_info(visit.group, now=now, visit=visit)
    visit.waiting_ahead = info.ahead
    visit.estimated_wait_minutes = info.wait_minutes
    return QueueTicketSerializer(visit).data


class TicketView(VisitAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Take a number (取号): walk-in for a group or item, or by booking code",
        description="From a kiosk (its signed `device` token) or signed in (a phone).",
        request=TakeNumberInput,
        responses={201: QueueTicketSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _valid(TakeNumberInput, request)
        hall = get_object_or_404(Hall, code=data["hall"])
        if not request.user.is_authenticated and not kiosk_token_valid(data.get("device"), hall):
            return Response(
                {
                    "detail": _("Sign in, or use the hall's kiosk, to take a number."),
                    "code": "not_authenticated",
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        now = timezone.now()
        if data.get("code"):
            visit = services.take_number_by_code(hall=hall, code=data["code"], now=now)
        else:
            group, item = _group_for(hall, data)
            person = request.user if request.user.is_authenticated else None
            visit = services.take_number(
                group=group, item=item, person=person, phone=data.get("phone", ""), now=now
            )
        return Response(ticket_data(visit, now=now), status=status.HTTP_201_CREATED)


def _group_for(hall: Hall, data: dict) -> tuple[WindowGroup, ServiceItem | None]:
    groups = WindowGroup.objects.filter(hall=hall, is_active=True)
    if data.get("group"):
        group = groups.filter(code=data["group"]).first()
        if group is None:
            raise serializers.ValidationError({"group": [_("This hall has no such window group.")]})
        return group, None
    if data.get("item"):
        item = ServiceItem.objects.filter(code=data["item"]).order_by("-version").first()
        group = groups.filter(items__code=data["item"]).first()
        if item is None or group is None:
            raise serializers.ValidationError({"item": [_("No window group of this hall serves this item.")]})
        return group, item
    raise serializers.ValidationError(
        {"group": [_("Choose a window group, an item or give a booking code.")]}
    )


class QueueView(VisitAPIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="How many wait in a group, and the estimated wait", responses=GroupQueueSerializer)
    def get(self, request: Request, hall: str, group: str) -> Response:
        g = get_object_or_404(WindowGroup, hall__code=hall, code=group)
        info = queue_info(g, now=timezone.now())
        return Response(
            {
                "group": g.code,
                "name": g.name,
                "waiting": info.waiting,
                "estimated_wait_minutes": info.wait_minutes,
                "service_minutes": info.service_minutes,
            }
        )


class DisplayView(VisitAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The hall display's state: numbers being called and where to go",
        responses=HallDisplaySerializer,
    )
    def get(self, request: Request, hall: str) -> Response:
        h = get_object_or_404(Hall, code=hall)
        now = timezone.now()
        rows = display_rows(h, now=now)
        queues = [
            {"group": q["code"], "name": q["name"], "waiting": q["waiting"]}
            for q in waiting_by_group(h, now=now)
        ]
        version = display_version(rows, [{"code": q["group"], "waiting": q["waiting"]} for q in queues])
        return Response({"hall": h.code, "version": version, "called": rows, "queues": queues})


# --- the window --------------------------------------------------------------------------------------


class CallNextView(VisitAPIView):
    permission_classes = [IsAuthenticated, WindowStaff]

    @extend_schema(
        summary="Call the next number (叫号) at a window",
        request=None,
        responses={200: HallVisitSerializer, 204: None},
    )
    def post(self, request: Request, window: int) -> Response:
        w = get_object_or_404(windows_of(request.user), pk=window)
        visit = services.call_next(window=w, clerk=request.user, now=timezone.now())
        if visit is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(HallVisitSerializer(visit).data)


def _visit_for_action(request: Request, pk: int, data: dict) -> Visit:
    visit = get_object_or_404(visits_of(request.user).select_related("group", "window"), pk=pk)
    if data.get("version") is not None and data["version"] != visit.version:
        raise StaleVersion(expected=data["version"], actual=visit.version, what="visit")
    return visit


class VisitActionView(VisitAPIView):
    permission_classes = [IsAuthenticated, WindowStaff]
    action = ""

    @extend_schema(request=VisitVersionInput, responses=HallVisitSerializer)
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(VisitVersionInput, request)
        visit = _visit_for_action(request, pk, data)
        now = timezone.now()
        fn = {
            "recall": services.recall,
            "skip": services.skip,
            "start": services.start_service,
            "finish": services.finish_service,
        }[self.action]
        return Response(HallVisitSerializer(fn(visit, now=now)).data)


class RequeueView(VisitAPIView):
    permission_classes = [IsAuthenticated, WindowStaff]

    @extend_schema(
        summary="A skipped resident came back: wait again",
        request=VisitVersionInput,
        responses=HallVisitSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = _visit_for_action(request, pk, _valid(VisitVersionInput, request))
        return Response(HallVisitSerializer(services.requeue(visit, now=timezone.now())).data)


class TransferView(VisitAPIView):
    permission_classes = [IsAuthenticated, WindowStaff]

    @extend_schema(
        summary="Transfer a number to another window group (转移)",
        request=TransferVisitInput,
        responses=HallVisitSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(TransferVisitInput, request)
        visit = _visit_for_action(request, pk, data)
        to = WindowGroup.objects.filter(hall_id=visit.hall_id, code=data["group"]).first()
        if to is None:
            raise serializers.ValidationError({"group": [_("This hall has no such window group.")]})
        return Response(HallVisitSerializer(services.transfer(visit, to_group=to, now=timezone.now())).data)


class LinkCaseView(VisitAPIView):
    permission_classes = [IsAuthenticated, WindowStaff]

    @extend_schema(
        summary="Link the case opened during the visit", request=LinkCaseInput, responses=HallVisitSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _valid(LinkCaseInput, request)
        visit = _visit_for_action(request, pk, data)
        return Response(
            HallVisitSerializer(services.link_case(visit, case_number=data["case"], now=timezone.now())).data
        )


class VisitDetailView(VisitAPIView):
    permission_classes = [IsAuthenticated, WindowStaff]

    @extend_schema(summary="A visit", responses=HallVisitSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(HallVisitSerializer(get_object_or_404(visits_of(request.user), pk=pk)).data)


def action_view(name: str):
    """recall (重呼), skip (过号: absent), start and finish the service: one view class each."""
    return type(f"{name.title()}VisitView", (VisitActionView,), {"action": name}).as_view()
