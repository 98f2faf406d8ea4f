"""The lane pages: the list of lanes and lane cases, the clerk's unified-form application (htmx), the
lane case page (stage by stage, department by department) and the compression figures. Adapters: parse,
call one service, render."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.cases.queries import mask_id, mask_phone
from govhall.cases.serializers import sees_personal_data
from govhall.cases.views import FORM_ERROR, SEARCH_ROLES, is_htmx, roles_required, source_of
from govhall.core.models import Role
from govhall.lanes import permissions as perms
from govhall.lanes import services
from govhall.lanes.forms import ReasonForm, SupplementForm, SuspendForm, VersionForm
from govhall.lanes.models import FieldType, LaneCaseState, LaneEvent
from govhall.lanes.queries import (
    board,
    compression_report,
    lane_light,
    published_lanes,
    visible_lane_cases,
)

APPLY_ROLES = frozenset({Role.CLERK})


@require_GET
@roles_required(SEARCH_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    lane_cases = visible_lane_cases(request.user).select_related("lane")[:50]
    return render(
        request,
        "lanes/index.html",
        {"lanes": published_lanes(), "lane_cases": lane_cases, "may_apply": request.user.role in APPLY_ROLES},
    )


def _fields_context(lane, values: dict, errors: dict, *, masked: bool = False) -> list[dict]:
    def shown(f):
        value = values.get(f.key, "")
        if masked and f.field_type == FieldType.ID_NUMBER:
            return mask_id(value)
        if masked and f.binds == "phone":
            return mask_phone(value)
        return value

    return [
        {"field": f, "value": shown(f), "errors": errors.get(f.key, [])}
        for f in lane.form_fields.order_by("position", "id")
    ]


def _lane_for(code: str | None):
    return (
        published_lanes().filter(code=code).prefetch_related("stages__items__item__department").first()
        if code
        else None
    )


def _panel_context(lane, *, values=None, errors=None, materials=None) -> dict:
    errors = errors or {}
    return {
        "lane": lane,
        "fields": _fields_context(lane, values or {}, errors),
        "materials": lane.materials.order_by("position", "id"),
        "ticked": {int(m) for m in (materials or [])},
        "material_errors": errors.get("materials", []),
        "other_errors": [
            m for k, ms in errors.items() if k == "unknown_fields" or k == "__all__" for m in ms
        ],
        "errors": errors,
        "FILE": FieldType.FILE,
    }


@require_http_methods(["GET", "POST"])
@roles_required(APPLY_ROLES)
def apply(request: HttpRequest) -> HttpResponse:
    lane = _lane_for(request.POST.get("lane") or request.GET.get("lane"))
    context = {"lanes": published_lanes(), "lane": lane, "hall": request.user.hall}
    if request.method == "GET" or lane is None:
        if lane is not None:
            context.update(_panel_context(lane))
        return render(request, "lanes/apply.html", context)
    data = {k: v for k, v in request.POST.items() if k not in {"csrfmiddlewaretoken", "lane", "materials"}}
    materials = request.POST.getlist("materials")
    try:
        lane_case = services.apply_to_lane(
            lane,
            data=data,
            files=request.FILES,
            materials=materials,
            hall=request.user.hall,
            by=request.user,
            now=timezone.now(),
            source=source_of(request),
        )
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        context.update(_panel_context(lane, values=data, errors=errors, materials=materials))
        context["error_list"] = [(k, m) for k, ms in errors.items() for m in ms]
        return render(request, "lanes/apply.html", context, status=FORM_ERROR)
    messages.success(
        request,
        _("Lane case %(number)s: %(state)s.")
        % {"number": lane_case.number, "state": lane_case.get_state_display()},
    )
    return redirect("lanes:detail", pk=lane_case.pk)


@require_GET
@roles_required(APPLY_ROLES)
def form_panel(request: HttpRequest) -> HttpResponse:
    """htmx: the chosen lane's stages, unified form and set of materials."""
    lane = _lane_for(request.GET.get("lane"))
    if lane is None:
        return render(request, "lanes/_no_lane.html")
    return render(request, "lanes/_form_panel.html", _panel_context(lane))


def available_actions(lane_case, user) -> dict[str, object]:
    v = {"version": lane_case.version}
    actions: dict[str, object] = {}
    if perms.can(user, perms.INTAKE, lane_case):
        if lane_case.state == LaneCaseState.SUPPLEMENT_REQUESTED:
            actions["supplement"] = SupplementForm(initial=v, lane_case=lane_case)
        if lane_case.is_open:
            actions["withdraw"] = ReasonForm(initial=v)
    if perms.can(user, perms.MANAGE, lane_case):
        if lane_case.state == LaneCaseState.IN_PROGRESS:
            actions["suspend"] = SuspendForm(initial=v)
        if lane_case.state == LaneCaseState.SUSPENDED:
            actions["resume"] = VersionForm(initial=v)
    return actions


def render_lane_case(request, lane_case, *, bound=None, status: int = 200) -> HttpResponse:
    actions = available_actions(lane_case, request.user)
    if bound is not None and bound[0] in actions:
        actions[bound[0]] = bound[1]
    now = timezone.now()
    today = timezone.localdate(now)
    stages = board(lane_case, now=now)
    context = {
        "lane_case": lane_case,
        "stages": stages,
        "actions": actions,
        "events": LaneEvent.objects.filter(lane_case=lane_case).select_related("by", "case").order_by("seq"),
        "materials": lane_case.lane.materials.order_by("position"),
        "received": set(lane_case.materials),
        "fields": _fields_context(
            lane_case.lane, lane_case.form_data, {}, masked=not sees_personal_data(request.user)
        ),
        "today": today,
        "now": now,
        "lane_light": lane_light(lane_case, now),
        "personal": sees_personal_data(request.user),
    }
    template = "lanes/_board.html" if is_htmx(request) else "lanes/lane_case.html"
    return render(request, template, context, status=status)


@require_GET
@roles_required(SEARCH_ROLES)
def lane_case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lane_case = get_object_or_404(visible_lane_cases(request.user).select_related("lane", "hall"), pk=pk)
    return render_lane_case(request, lane_case)


ACTIONS: dict[str, tuple[type, Callable]] = {
    "withdraw": (ReasonForm, lambda lc, d, **c: services.withdraw_lane(lc, reason=d["reason"], **c)),
    "supplement": (
        SupplementForm,
        lambda lc, d, **c: services.supplement_lane(lc, materials=d["materials"], **c),
    ),
    "suspend": (
        SuspendForm,
        lambda lc, d, **c: services.suspend_lane(
            lc, kind=d["kind"], expected_days=d["expected_days"], reason=d["reason"], **c
        ),
    ),
    "resume": (VersionForm, lambda lc, d, **c: services.resume_lane(lc, **c)),
}


@require_POST
@roles_required(SEARCH_ROLES)
def lane_case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise PermissionDenied(_("Unknown action."))
    lane_case = get_object_or_404(visible_lane_cases(request.user).select_related("lane", "hall"), pk=pk)
    form_class, perform = ACTIONS[action]
    extra = {"lane_case": lane_case} if action == "supplement" else {}
    form = form_class(request.POST, **extra)
    if not form.is_valid():
        return render_lane_case(request, lane_case, bound=(action, form), status=FORM_ERROR)
    d = form.cleaned_data
    try:
        perform(
            lane_case,
            d,
            by=request.user,
            now=timezone.now(),
            expected_version=d["version"],
            source=source_of(request),
        )
    except ValidationError as error:
        for field, msgs in (
            error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        ).items():
            for message in msgs:
                form.add_error(field if field in form.fields else None, message)
        return render_lane_case(request, lane_case, bound=(action, form), status=FORM_ERROR)
    except (StaleVersion, TransitionNotAllowed) as error:
        messages.error(request, str(error))
        return redirect("lanes:detail", pk=lane_case.pk)
    messages.success(request, _("Saved."))
    return redirect("lanes:detail", pk=lane_case.pk)


@require_GET
@login_required
def compression(request: HttpRequest) -> HttpResponse:
    return render(request, "lanes/compression.html", {"report": compression_report()})
