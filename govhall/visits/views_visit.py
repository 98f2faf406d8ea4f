"""Pages of the visit (part visit): booking (citizens, signed in), the kiosk (signed device link) and the
phone page to take a number, the clerk's window, the hall display (no sign-in), and the staff index with
each hall's kiosk and display links. Adapters: parse, call one service, render."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from govhall.cases.errors import TransitionNotAllowed
from govhall.catalog.models import Hall, ServiceItem, Window
from govhall.visits.devices import is_window_staff, kiosk_token, kiosk_token_valid, windows_of
from govhall.visits.models import BookingState, Slot, Visit, WindowGroup
from govhall.visits.queries_visit import (
    bookable_slots,
    bookings_of,
    display_rows,
    display_version,
    groups_for_item,
    no_shows,
    queue_info,
    waiting_by_group,
)
from govhall.visits.services import visit as services
from govhall.visits.visit_states import AT_WINDOW


def errors_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [m for msgs in getattr(exc, "message_dict", {"": exc.messages}).values() for m in msgs]
    return [str(exc)]


def citizen_required(view):
    """Signed in, or to the portal's sign-in and back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(reverse("portal:login") + "?" + urlencode({"next": request.get_full_path()}))
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(reverse("login") + "?" + urlencode({"next": request.get_full_path()}))
        if not is_window_staff(request.user):
            raise PermissionDenied(_("Only window clerks and administrators work a window."))
        return view(request, *args, **kwargs)

    return wrapper


# --- booking -----------------------------------------------------------------------------------------


def _item(code: str) -> ServiceItem:
    item = ServiceItem.objects.filter(code=code, status="published").order_by("-version").first()
    if item is None:
        raise Http404("No such item")
    return item


@citizen_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, code: str) -> HttpResponse:
    item = _item(code)
    now = timezone.now()
    errors: list[str] = []
    if request.method == "POST":
        slot = Slot.objects.filter(pk=request.POST.get("slot") or 0).select_related("group").first()
        if slot is None:
            errors = [_("Choose a time slot.")]
        else:
            try:
                booking = services.book_slot(slot=slot, person=request.user, item=item, now=now)
            except ValidationError as exc:
                errors = errors_of(exc)
            else:
                return redirect("visits:booking", code=booking.code)
    slots = bookable_slots(groups_for_item(item), item=item, now=now)
    return render(
        request,
        "visits/visit/book.html",
        {"item": item, "days": _by_day(slots), "errors": errors},
        status=400 if errors else 200,
    )


def _by_day(slots: list[Slot]) -> list[dict]:
    days: dict = {}
    for s in slots:
        days.setdefault((s.day, s.group.hall.name), []).append(s)
    return [{"day": day, "hall": hall, "slots": rows} for (day, hall), rows in days.items()]


@citizen_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = list(bookings_of(request.user)[:50])
    for b in rows:
        b.no_show = b.is_no_show(now)
        b.changeable = b.state == BookingState.BOOKED and not b.slot.has_started(now)
    halls = Hall.objects.filter(window_groups__is_active=True).distinct().order_by("code")
    return render(request, "visits/visit/my_bookings.html", {"bookings": rows, "halls": halls})


@citizen_required
@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest, code: str) -> HttpResponse:
    b = get_object_or_404(bookings_of(request.user), code=code.upper())
    now = timezone.now()
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                services.cancel_booking(b, by=request.user, now=now)
                messages.success(request, _("Your appointment is cancelled."))
            else:
                slot = get_object_or_404(Slot, pk=request.POST.get("slot") or 0)
                services.change_booking(b, slot=slot, by=request.user, now=now)
                messages.success(request, _("Your appointment is moved."))
            return redirect("visits:booking", code=b.code)
        except ValidationError as exc:
            errors = errors_of(exc)
    changeable = b.state == BookingState.BOOKED and not b.slot.has_started(now)
    others = []
    if changeable:
        groups = WindowGroup.objects.filter(pk=b.slot.group_id)
        others = [s for s in bookable_slots(groups, item=b.item, now=now) if s.pk != b.slot_id]
    return render(
        request,
        "visits/visit/booking.html",
        {
            "booking": b,
            "changeable": changeable,
            "no_show": b.is_no_show(now),
            "others": others,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# --- numbers: kiosk and phone ------------------------------------------------------------------------


def _kiosk(request: HttpRequest, hall_code: str) -> tuple[Hall, str]:
    hall = get_object_or_404(Hall, code=hall_code)
    token = request.GET.get("device") or request.POST.get("device") or ""
    if not kiosk_token_valid(token, hall):
        raise PermissionDenied(
            _("This kiosk link is not valid: ask the hall's administrator for the device link.")
        )
    return hall, token


def _take(request: HttpRequest, hall: Hall, *, person) -> tuple[Visit | None, list[str]]:
    now = timezone.now()
    try:
        if request.POST.get("code"):
            return services.take_number_by_code(hall=hall, code=request.POST["code"], now=now), []
        group = WindowGroup.objects.filter(
            hall=hall, is_active=True, pk=request.POST.get("group") or 0
        ).first()
        if group is None:
            return None, [_("Choose a window group, or enter your booking code.")]
        return services.take_number(group=group, person=person, now=now), []
    except ValidationError as exc:
        return None, errors_of(exc)


def _groups(hall: Hall) -> list[dict]:
    now = timezone.now()
    rows = []
    for row in waiting_by_group(hall, now=now):
        info = queue_info(row["group"], now=now)
        row["wait_minutes"] = info.wait_minutes
        row["items"] = list(row["group"].items.filter(status="published").values_list("name", flat=True)[:4])
        rows.append(row)
    return rows


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall, token = _kiosk(request, hall_code)
    errors: list[str] = []
    if request.method == "POST":
        visit, errors = _take(request, hall, person=None)
        if visit is not None:
            return redirect(
                reverse("visits:kiosk-ticket", args=[hall.code, visit.pk])
                + "?"
                + urlencode({"device": token})
            )
    return render(
        request,
        "visits/visit/kiosk.html",
        {"hall": hall, "groups": _groups(hall), "device": token, "errors": errors},
        status=400 if errors else 200,
    )


def _ticket_context(visit: Visit) -> dict:
    info = queue_info(visit.group, now=timezone.now(), visit=visit)
    return {"visit": visit, "info": info}


def kiosk_ticket(request: HttpRequest, hall_code: str, pk: int) -> HttpResponse:
    hall, token = _kiosk(request, hall_code)
    visit = get_object_or_404(
        Visit.objects.select_related("group"), pk=pk, hall=hall, day=timezone.localdate()
    )
    return render(
        request, "visits/visit/kiosk_ticket.html", {"hall": hall, "device": token, **_ticket_context(visit)}
    )


@citizen_required
@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, hall_code: str) -> HttpResponse:
    """The phone page: a signed-in resident takes a number on the way to the hall."""
    hall = get_object_or_404(Hall, code=hall_code)
    errors: list[str] = []
    if request.method == "POST":
        visit, errors = _take(request, hall, person=request.user)
        if visit is not None:
            return redirect("visits:my-number", pk=visit.pk)
    return render(
        request,
        "visits/visit/take.html",
        {"hall": hall, "groups": _groups(hall), "errors": errors},
        status=400 if errors else 200,
    )


@citizen_required
def my_number(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        Visit.objects.select_related("group", "hall", "window"), pk=pk, person=request.user
    )
    return render(request, "visits/visit/my_number.html", _ticket_context(visit))


# --- the hall display --------------------------------------------------------------------------------


def display(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = get_object_or_404(Hall, code=hall_code)
    return render(request, "visits/visit/display.html", {"hall": hall, **_display_context(hall)})


def _display_context(hall: Hall) -> dict:
    from django.conf import settings

    now = timezone.now()
    rows = display_rows(hall, now=now)
    queues = waiting_by_group(hall, now=now)
    return {
        "rows": rows,
        "version": display_version(rows, queues),
        "poll": getattr(settings, "GOVHALL_DISPLAY_POLL_SECONDS", 2),
        "queues": queues,
    }


def display_calls(request: HttpRequest, hall_code: str) -> HttpResponse:
    """The display's fragment, polled by htmx: 204 (htmx leaves the page alone) while nothing changed."""
    hall = get_object_or_404(Hall, code=hall_code)
    context = _display_context(hall)
    if request.GET.get("v") == context["version"]:
        return HttpResponse(status=204)
    return render(request, "visits/visit/_display_calls.html", {"hall": hall, **context})


# --- staff: index and the window ---------------------------------------------------------------------


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    halls = []
    for hall in Hall.objects.filter(window_groups__is_active=True).distinct().order_by("code"):
        windows = Window.objects.filter(groups__hall=hall, is_active=True).distinct().order_by("number")
        halls.append(
            {
                "hall": hall,
                "queues": waiting_by_group(hall, now=now),
                "windows": windows,
                "kiosk_url": (
                    reverse("visits:kiosk", args=[hall.code]) + "?" + urlencode({"device": kiosk_token(hall)})
                    if request.user.role == "admin" or request.user.is_superuser
                    else None
                ),
                "no_shows": no_shows(now=now, hall=hall, since=timezone.localdate(now)).count(),
            }
        )
    return render(request, "visits/visit/index.html", {"halls": halls})


WINDOW_ACTIONS = {
    "recall": services.recall,
    "skip": services.skip,
    "start": services.start_service,
    "finish": services.finish_service,
}


@staff_required
def window(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(windows_of(request.user).select_related("hall"), pk=pk)
    now = timezone.now()
    current = services.current_at_window(w)
    groups = list(WindowGroup.objects.filter(windows=w, is_active=True))
    queues = [{"group": g, "info": queue_info(g, now=now)} for g in groups]
    targets = WindowGroup.objects.filter(hall=w.hall, is_active=True).exclude(
        pk=current.group_id if current else 0
    )
    served = Visit.objects.filter(window=w, day=timezone.localdate(now), state="done").count()
    return render(
        request,
        "visits/visit/window.html",
        {"window": w, "current": current, "queues": queues, "targets": targets, "served": served},
    )


@staff_required
@require_POST
def window_act(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_object_or_404(windows_of(request.user), pk=pk)
    action = request.POST.get("action", "")
    now = timezone.now()
    try:
        if action == "call":
            visit = services.call_next(window=w, clerk=request.user, now=now)
            if visit is None:
                messages.info(request, _("Nobody is waiting."))
        else:
            visit = get_object_or_404(Visit, pk=request.POST.get("visit") or 0, window=w, state__in=AT_WINDOW)
            if action in WINDOW_ACTIONS:
                WINDOW_ACTIONS[action](visit, window=w, now=now)
            elif action == "transfer":
                to = get_object_or_404(WindowGroup, pk=request.POST.get("group") or 0)
                services.transfer(visit, to_group=to, window=w, now=now)
            elif action == "case":
                services.link_case(visit, case_number=request.POST.get("case", ""), now=now)
                messages.success(request, _("The case is linked to the visit."))
            else:
                raise Http404("No such action")
    except (ValidationError, TransitionNotAllowed) as exc:
        for message in errors_of(exc):
            messages.error(request, message)
    return redirect("visits:window", pk=w.pk)
