"""Supervision pages: the board (and its htmx fragment), the drill-down, cards, orders and the inbox.

Views parse a form, call one service and render; the permissions are the services' (403) and the
queries' (what a user sees). Times come from the clock here, at the edge.
"""

from __future__ import annotations

import dataclasses
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
from govhall.cases.forms import add_service_errors
from govhall.cases.models import Case, Step
from govhall.cases.queries import visible_cases
from govhall.core import inputs
from govhall.core.models import Role
from govhall.core.replica import reads_from_replica
from govhall.supervision import lights, queries, services
from govhall.supervision.forms import (
    BoardFilterForm,
    CardForm,
    DecideAppealForm,
    EscalateForm,
    OptionalReasonForm,
    OrderForm,
    PreferenceForm,
    ReasonForm,
    ReopenOrderForm,
    ReplyCardForm,
    ReplyOrderForm,
)
from govhall.supervision.models import CardState, OrderState, Preference

FORM_ERROR = 200  # as the workbench: a page re-shown with its form's errors answers 200
POLL_SECONDS = 30


def _require(request: HttpRequest, allowed: Callable[[object], bool]) -> None:
    if not allowed(request.user):
        raise PermissionDenied(_("Your role has no access to this page."))


def _may_board(user) -> bool:
    return queries.sees_all(user) or (user.role == Role.DEPT_HEAD and bool(user.department_id))


def _filters(request: HttpRequest) -> tuple[BoardFilterForm, queries.Filters]:
    form = BoardFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    department = data.get("department")
    hall = data.get("hall")
    filters = queries.Filters(
        department=department.pk if department else None,
        hall=hall.pk if hall else None,
        item_code=(data.get("item_code") or "").strip(),
        light=data.get("light") or "",
        lane=(data.get("lane") or "").strip(),
    )
    if not queries.sees_all(request.user):
        filters = dataclasses.replace(filters, department=request.user.department_id)
    return form, filters


def _board_context(request: HttpRequest) -> dict:
    now = timezone.now()
    form, filters = _filters(request)
    steps = filters.apply(queries.visible_steps(request.user))
    by_department = queries.board_counts(steps, now, by="department")
    by_hall = queries.board_counts(steps, now, by="hall")
    lane_cases = queries.filter_lane_cases(queries.visible_lane_cases(request.user), filters)
    by_lane = queries.lane_counts(lane_cases, now) if queries.lanes_installed() else []
    total = queries.totals(by_department)
    waiting = queries.visible_prereview_cases(request.user, filters)
    prereview_by_department = queries.prereview_rows(waiting, now, by="department")
    chart = {
        "labels": [r.name for r in by_department],
        "series": {light: [getattr(r, light) for r in by_department] for light in lights.LIGHTS},
        "names": {light: str(label) for light, label in lights.LIGHT_LABELS.items()},
    }
    return {
        "form": form,
        "filters": filters,
        "query": request.GET.urlencode(),
        "by_department": by_department,
        "by_hall": by_hall,
        "by_lane": by_lane,
        "prereview_by_department": prereview_by_department,
        "prereview_by_hall": queries.prereview_rows(waiting, now, by="hall"),
        "prereview_total": queries.totals(prereview_by_department),
        "lanes": queries.lanes_installed(),
        "total": total,
        "chart": chart,
        "now": now,
        "poll_seconds": POLL_SECONDS,
        "own_department": None if queries.sees_all(request.user) else request.user.department,
    }


@login_required
@require_GET
@reads_from_replica
def board(request: HttpRequest) -> HttpResponse:
    """The live board: counts by department and hall, a chart, drill-down links; refreshes itself."""
    _require(request, _may_board)
    return render(request, "supervision/board.html", _board_context(request))


@login_required
@require_GET
@reads_from_replica
def board_counts(request: HttpRequest) -> HttpResponse:
    """The htmx fragment the board polls."""
    _require(request, _may_board)
    return render(request, "supervision/_counts.html", _board_context(request))


@login_required
@require_GET
def steps(request: HttpRequest) -> HttpResponse:
    """Drill-down: the steps behind a count, the most overdue first, each linked to its case."""
    _require(request, _may_board)
    now = timezone.now()
    form, filters = _filters(request)
    rows = queries.step_list(filters.apply(queries.visible_steps(request.user)), now, light=filters.light)
    return render(
        request,
        "supervision/steps.html",
        {"form": form, "rows": rows, "now": now, "filters": filters, "limit": 200},
    )


@login_required
@require_GET
def lane_cases(request: HttpRequest) -> HttpResponse:
    """Drill-down of the lane counts: the lane cases behind a count, the most overdue first."""
    _require(request, _may_board)
    now = timezone.now()
    form, filters = _filters(request)
    rows = queries.lane_case_list(
        queries.filter_lane_cases(queries.visible_lane_cases(request.user), filters), now, light=filters.light
    )
    return render(
        request,
        "supervision/lane_cases.html",
        {"form": form, "rows": rows, "now": now, "filters": filters, "limit": 200},
    )


def _step_for_supervisor(request: HttpRequest, pk: int) -> Step:
    _require(request, lambda u: u.role == Role.SUPERVISOR)
    return get_object_or_404(Step.objects.select_related("case", "case__item", "department"), pk=pk)


def _target(request: HttpRequest) -> tuple[Case | None, Step | None]:
    step = case = None
    step_id, case_id = inputs.whole_id(request.GET.get("step")), inputs.whole_id(request.GET.get("case"))
    if step_id is not None:
        step = get_object_or_404(Step.objects.select_related("case", "department"), pk=step_id)
        case = step.case
    elif case_id is not None:
        case = get_object_or_404(visible_cases(request.user).select_related("item"), pk=case_id)
    return case, step


def _default_department(case: Case | None, step: Step | None):
    if step is not None:
        return step.department_id
    if case is not None and case.item_id:
        return case.item.department_id
    return None


@login_required
@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    step = _step_for_supervisor(request, pk)
    form = EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalate(step=step, note=form.cleaned_data["note"], by=request.user, now=timezone.now())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Escalated to the leaders and the department head."))
            return redirect("supervision:steps")
    status = FORM_ERROR if form.errors else 200
    return render(request, "supervision/escalate.html", {"form": form, "step": step}, status=status)


# --- cards ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def cards(request: HttpRequest) -> HttpResponse:
    _require(request, _may_board)
    state = request.GET.get("state", "")
    rows = queries.visible_cards(request.user)
    if state == "open":
        rows = rows.filter(queries.open_cards_filter())
    elif state in CardState.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "supervision/cards.html",
        {"rows": rows[:200], "state": state, "states": CardState.choices, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def card_new(request: HttpRequest) -> HttpResponse:
    _require(request, lambda u: u.role == Role.SUPERVISOR)
    case, step = _target(request)
    form = CardForm(
        request.POST or None, initial={"department": _default_department(case, step), "kind": "yellow"}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            card = services.issue_card(
                kind=d["kind"],
                department=d["department"],
                reason=d["reason"],
                case=case,
                step=step,
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Card issued."))
            return redirect("supervision:card", card.pk)
    status = FORM_ERROR if form.errors else 200
    return render(
        request, "supervision/card_new.html", {"form": form, "case": case, "step": step}, status=status
    )


CARD_ACTIONS: dict[str, tuple[type, Callable]] = {
    "reply": (
        ReplyCardForm,
        lambda card, d, **c: services.reply_to_card(card, cause=d["cause"], correction=d["correction"], **c),
    ),
    "appeal": (ReasonForm, lambda card, d, **c: services.appeal_card(card, reason=d["reason"], **c)),
    "decide": (
        DecideAppealForm,
        lambda card, d, **c: services.decide_appeal(
            card, uphold=d["decision"] == "uphold", reason=d["reason"], **c
        ),
    ),
    "revoke": (ReasonForm, lambda card, d, **c: services.revoke_card(card, reason=d["reason"], **c)),
    "close": (OptionalReasonForm, lambda card, d, **c: services.close_card(card, reason=d["reason"], **c)),
}


def _card_forms(card, user) -> dict:
    """The actions the user may take on the card now, each with its form."""
    is_head = user.role == Role.DEPT_HEAD and user.department_id == card.department_id
    is_supervisor = user.role == Role.SUPERVISOR
    state = card.state
    shown = {
        "reply": is_head and state in (CardState.ISSUED, CardState.UPHELD),
        "appeal": is_head and state in (CardState.ISSUED, CardState.REPLIED) and not card.appealed,
        "decide": is_supervisor and state == CardState.APPEALED,
        "revoke": is_supervisor and state == CardState.ISSUED,
        "close": is_supervisor and state in (CardState.REPLIED, CardState.UPHELD),
    }
    return {
        name: CARD_ACTIONS[name][0](initial={"version": card.version}) for name, ok in shown.items() if ok
    }


def _render_card(request: HttpRequest, card, forms: dict | None = None, status: int = 200) -> HttpResponse:
    action_forms = _card_forms(card, request.user)
    action_forms.update(forms or {})
    events = card.events.select_related("by").order_by("at", "pk")
    return render(
        request,
        "supervision/card.html",
        {"card": card, "events": events, "forms": action_forms},
        status=status,
    )


@login_required
@require_GET
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    card = get_object_or_404(queries.visible_cards(request.user), pk=pk)
    return _render_card(request, card)


def _run_action(request: HttpRequest, obj, actions: dict, action: str, render_page, url_name: str):
    """One POSTed action on a card or an order: the action's form, then its service; on a refusal the page
    again with the errors next to the fields."""
    if action not in actions:
        raise PermissionDenied
    form_class, run = actions[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(
                obj,
                form.cleaned_data,
                by=request.user,
                now=timezone.now(),
                expected_version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleVersion, TransitionNotAllowed) as exc:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(url_name, obj.pk)
    obj.refresh_from_db()
    return render_page(request, obj, {action: form}, status=FORM_ERROR)


@login_required
@require_POST
def card_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    card = get_object_or_404(queries.visible_cards(request.user), pk=pk)
    return _run_action(request, card, CARD_ACTIONS, action, _render_card, "supervision:card")


# --- orders --------------------------------------------------------------------------------------------


@login_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    _require(request, lambda u: queries.sees_all(u) or queries.sees_department(u))
    state = request.GET.get("state", "")
    rows = queries.visible_orders(request.user)
    if state in OrderState.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "supervision/orders.html",
        {"rows": rows[:200], "state": state, "states": OrderState.choices, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    _require(request, lambda u: u.role == Role.SUPERVISOR)
    case, step = _target(request)
    initial = {"department": _default_department(case, step)}
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.issue_order(
                department=d["department"],
                instruction=d["instruction"],
                due_date=d["due_date"],
                subject=d["subject"],
                case=case,
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Supervision order issued."))
            return redirect("supervision:order", order.pk)
    status = FORM_ERROR if form.errors else 200
    return render(
        request, "supervision/order_new.html", {"form": form, "case": case, "step": step}, status=status
    )


ORDER_ACTIONS: dict[str, tuple[type, Callable]] = {
    "reply": (ReplyOrderForm, lambda o, d, **c: services.reply_to_order(o, reply=d["reply"], **c)),
    "close": (OptionalReasonForm, lambda o, d, **c: services.close_order(o, reason=d["reason"], **c)),
    "reopen": (
        ReopenOrderForm,
        lambda o, d, **c: services.reopen_order(o, reason=d["reason"], due_date=d["due_date"], **c),
    ),
}


def _order_forms(order, user) -> dict:
    is_head = user.role == Role.DEPT_HEAD and user.department_id == order.department_id
    is_supervisor = user.role == Role.SUPERVISOR
    shown = {
        "reply": is_head and order.state == OrderState.OPEN,
        "close": is_supervisor and order.state in (OrderState.OPEN, OrderState.REPLIED),
        "reopen": is_supervisor and order.state == OrderState.REPLIED,
    }
    return {
        name: ORDER_ACTIONS[name][0](initial={"version": order.version}) for name, ok in shown.items() if ok
    }


def _render_order(request: HttpRequest, order, forms: dict | None = None, status: int = 200) -> HttpResponse:
    action_forms = _order_forms(order, request.user)
    action_forms.update(forms or {})
    events = order.events.select_related("by").order_by("at", "pk")
    now = timezone.now()
    return render(
        request,
        "supervision/order.html",
        {
            "order": order,
            "events": events,
            "forms": action_forms,
            "overdue": order.state == "open" and order.due_at <= now,
        },
        status=status,
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(queries.visible_orders(request.user), pk=pk)
    return _render_order(request, order)


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = get_object_or_404(queries.visible_orders(request.user), pk=pk)
    return _run_action(request, order, ORDER_ACTIONS, action, _render_order, "supervision:order")


# --- inbox ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = inputs.whole_ids(request.POST.getlist("id"))
        services.mark_read(request.user, ids=ids or None, now=timezone.now())
        return redirect("supervision:inbox")
    pref = Preference.objects.filter(user=request.user).first()
    form = PreferenceForm(initial={"email": bool(pref and pref.email), "sms": bool(pref and pref.sms)})
    rows = queries.inbox(request.user).select_related("case")[:100]
    return render(request, "supervision/inbox.html", {"rows": rows, "form": form})


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.set_preferences(
                request.user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your channels are saved."))
    return redirect("supervision:inbox")
