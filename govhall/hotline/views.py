"""The centre's pages of the 12345 hotline: the operator's workbench (the call form, caller lookup, subject
search, the catalogue's suggestion, the incoming call announced by the telephony), the centre's work lists
and a ticket's page with the centre's moves. Adapters: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.forms import add_service_errors
from govhall.cases.views import FORM_ERROR, roles_required
from govhall.core import inputs
from govhall.hotline import forms, moves, queries, similar
from govhall.hotline.knowledge import services as knowledge
from govhall.hotline.models import (
    OPEN_TICKET_STATES,
    Area,
    Channel,
    Dispatch,
    DispatchState,
    ExtensionRequest,
    ExtensionState,
    Subject,
    Ticket,
    TicketState,
)
from govhall.hotline.services.common import CENTRE_ROLES
from govhall.hotline.services.duplicates import merge_ticket, record_repeat_call
from govhall.hotline.services.intake import mask_phone, register_ticket, route
from govhall.hotline.states import MOVE_LABELS

LIST_LABELS = {
    "registered": gettext_lazy("Waiting to be dispatched"),
    "open": gettext_lazy("Being handled"),
    "callback": gettext_lazy("Callback due"),
    "returns": gettext_lazy("Returns to decide"),
    "extensions": gettext_lazy("Extensions to decide"),
    "review": gettext_lazy("Dissatisfaction to review"),
}


# --- the workbench ------------------------------------------------------------------------------------


def _workbench(request: HttpRequest, form: forms.CallForm, *, status: int = 200) -> HttpResponse:
    call = queries.latest_call(request.user)
    context = {
        "form": form,
        "counts": queries.centre_counts(),
        "list_labels": LIST_LABELS,
        "call": call,
        "call_version": call.pk if call else 0,
        "history": queries.caller_history(form["caller_phone"].value() or "") if form.is_bound else [],
        "poll": _poll_seconds(),
        "suggestion": _suggestion(form["subject"].value(), form["area"].value()) if form.is_bound else None,
        # The entries ticked in the knowledge panel come back with a form that has errors.
        "cited": [str(v) for v in inputs.whole_ids(request.POST.getlist("cite"))]
        if request.method == "POST"
        else [],
    }
    return render(request, "hotline/workbench.html", context, status=status)


def _poll_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "GOVHALL_DISPLAY_POLL_SECONDS", 2))


@roles_required(CENTRE_ROLES)
def workbench(request: HttpRequest) -> HttpResponse:
    """GET: the empty call form. POST: register the call; with "answered during the call" it closes at
    once, with "save and dispatch" it goes to the units (the catalogue's, or the operator's with a reason)
    in the same transaction, so an error anywhere leaves nothing written and the form keeps its input."""
    if request.method != "POST":
        return _workbench(request, forms.CallForm())
    form = forms.CallForm(request.POST)
    if not form.is_valid():
        return _workbench(request, form, status=FORM_ERROR)
    d = form.cleaned_data
    action = request.POST.get("action", "dispatch")
    now = timezone.now()
    if action == "answer" and not d["answer"].strip():
        form.add_error("answer", _("Write the answer you gave, or save and dispatch the ticket."))
        return _workbench(request, form, status=FORM_ERROR)
    repeat_of = request.POST.get("repeat_of", "")
    if repeat_of.isdigit():
        return _repeat_call(request, form, int(repeat_of), now)
    duplicate_of = request.POST.get("duplicate_of", "")
    if duplicate_of.isdigit():
        action = "duplicate"
    try:
        # Registering and dispatching are two services; one transaction so that a refused dispatch (an
        # override without a reason) leaves no registered ticket behind and the operator just corrects.
        with transaction.atomic():
            ticket = register_ticket(
                channel=Channel.PHONE,
                request_type=d["request_type"],
                subject=d["subject"],
                title=d["title"],
                content=d["content"],
                urgency=d["urgency"] or "normal",
                address=d["address"],
                area=d["area"],
                lat=d["lat"],
                lon=d["lon"],
                caller_name=d["caller_name"],
                caller_phone=d["caller_phone"],
                anonymous=d["anonymous"],
                confidential=d["confidential"],
                publish_allowed=d["publish_allowed"],
                answer=d["answer"] if action == "answer" else "",
                by=request.user,
                now=now,
            )
            if action == "duplicate":
                # 重复件: linked to the master instead of dispatched (its reply will reach this caller).
                ticket = merge_ticket(ticket, master=int(duplicate_of), by=request.user, now=now)
            elif action != "answer":
                ticket = moves.dispatch(ticket, d, by=request.user, now=now)
            # The entries the operator ticked in the knowledge panel: cited in the same transaction.
            for entry in request.POST.getlist("cite")[: inputs.LIST_MAX]:
                knowledge.cite_entry(ticket, entry=inputs.whole_id(entry) or 0, by=request.user, now=now)
    except ValidationError as error:
        if "entry" in getattr(error, "error_dict", {}):
            form.add_error(None, " ".join(error.message_dict["entry"]))
        else:
            add_service_errors(form, error)
        return _workbench(request, form, status=FORM_ERROR)
    except (TransitionNotAllowed, CaseForbidden) as error:
        form.add_error(None, str(error))
        return _workbench(request, form, status=FORM_ERROR)
    messages.success(
        request,
        _("Ticket %(number)s: %(state)s.") % {"number": ticket.number, "state": ticket.get_state_display()},
    )
    return redirect("hotline:workbench")


def _repeat_call(request: HttpRequest, form: forms.CallForm, pk: int, now) -> HttpResponse:
    """重复来电: nothing is registered; the call is counted on the open ticket (the note: what was said)."""
    d = form.cleaned_data
    ticket = get_object_or_404(Ticket, pk=pk)
    note = "\n".join(x for x in (d["title"].strip(), d["content"].strip()) if x)
    try:
        ticket = record_repeat_call(ticket, phone=d["caller_phone"], note=note, by=request.user, now=now)
    except ValidationError as error:
        form.add_error(None, " ".join(error.messages))
        return _workbench(request, form, status=FORM_ERROR)
    except (TransitionNotAllowed, CaseForbidden) as error:
        form.add_error(None, str(error))
        return _workbench(request, form, status=FORM_ERROR)
    messages.success(
        request,
        _("Repeat call recorded on ticket %(number)s (%(n)s repeat calls); nothing new was dispatched.")
        % {"number": ticket.number, "n": ticket.repeat_calls},
    )
    return redirect("hotline:workbench")


@require_GET
@roles_required(CENTRE_ROLES)
def similar_tickets(request: HttpRequest) -> HttpResponse:
    """The suggestions panel (static/hotline/similar.js asks for it as the operator types): open tickets
    of the same caller, or of the same subject, near and with a similar text, within the period."""
    q = request.GET
    found = similar.suggest(
        now=timezone.now(),
        phone=q.get("caller_phone", ""),
        subject=q.get("subject", ""),
        area=q.get("area", ""),
        lat=q.get("lat") or None,
        lon=q.get("lon") or None,
        title=q.get("title", "")[:120],
        content=q.get("content", "")[:4000],
    )
    asked = any(q.get(k, "").strip() for k in ("caller_phone", "subject", "title", "content"))
    return render(
        request,
        "hotline/_similar.html",
        {"suggestions": found, "asked": asked, "days": similar.period_days()},
    )


@require_GET
@roles_required(CENTRE_ROLES)
def caller_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier tickets as the operator types the number."""
    phone = request.GET.get("caller_phone", "")
    return render(
        request,
        "hotline/_caller_history.html",
        {"history": queries.caller_history(phone), "phone": phone.strip()},
    )


@require_GET
@roles_required(CENTRE_ROLES)
def subject_search(request: HttpRequest) -> HttpResponse:
    """htmx: third-level subjects by code prefix or name."""
    return render(
        request,
        "hotline/_subject_options.html",
        {"subjects": queries.search_subjects(request.GET.get("subject_q", ""))},
    )


def _suggestion(code, area_code) -> dict | None:
    subject = Subject.objects.filter(code=(code or "").strip(), level=3).first()
    if subject is None:
        return None
    area = Area.objects.filter(code=area_code).first() if area_code else None
    try:
        answer = route(subject, area, now=timezone.now())
    except ValidationError as error:
        return {"error": " ".join(error.messages)}
    return {"subject": subject, "path": queries.subject_path(subject), "route": answer}


@require_GET
@roles_required(CENTRE_ROLES)
def route_preview(request: HttpRequest) -> HttpResponse:
    """htmx: where the catalogue in force sends this subject × area (lead unit and co-units)."""
    return render(
        request,
        "hotline/_route.html",
        {"suggestion": _suggestion(request.GET.get("subject"), request.GET.get("area"))},
    )


@require_GET
@roles_required(CENTRE_ROLES)
def incoming_call(request: HttpRequest) -> HttpResponse:
    """htmx, polled every few seconds: 204 (nothing to swap) until the telephony announces a new call for
    this operator; then the number and the caller's earlier tickets."""
    call = queries.latest_call(request.user)
    version = call.pk if call else 0
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    return render(
        request,
        "hotline/_incoming_call.html",
        {
            "call": call,
            "call_version": version,
            "poll": _poll_seconds(),
            "masked": mask_phone(call.phone) if call else "",
            "history": queries.caller_history(call.phone) if call else [],
        },
    )


# --- the centre's lists and a ticket ----------------------------------------------------------------


@require_GET
@roles_required(CENTRE_ROLES)
def centre_lists(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("list", "registered")
    if tab not in queries.CENTRE_LISTS:
        raise Http404(_("No such list."))
    now = timezone.now()
    context = {
        "tab": tab,
        "tabs": [(name, LIST_LABELS[name]) for name in queries.CENTRE_LISTS],
        "list_labels": LIST_LABELS,
        "counts": queries.centre_counts(),
        "rows": queries.centre_list(tab, now),
        "now": now,
    }
    return render(request, "hotline/centre_lists.html", context)


def _events(ticket: Ticket) -> list:
    events = list(ticket.events.select_related("by", "dispatch__unit"))
    states = dict(TicketState.choices) | dict(DispatchState.choices)
    for e in events:
        e.move_label = MOVE_LABELS.get(e.move, e.move)
        e.from_label = states.get(e.from_state, e.from_state)
        e.to_label = states.get(e.to_state, e.to_state)
    return events


# name → (form class, the row the move acts on, the move, heading, button)
CENTRE_MOVES = {
    "dispatch": (
        forms.DispatchForm,
        "ticket",
        moves.dispatch,
        gettext_lazy("Dispatch"),
        gettext_lazy("Dispatch"),
    ),
    "decide_return": (
        forms.DecideReturnForm,
        "dispatch",
        moves.decide_return,
        gettext_lazy("Decide the return"),
        gettext_lazy("Record the decision"),
    ),
    "decide_extension": (
        forms.DecideExtensionForm,
        "request",
        moves.decide_extension,
        gettext_lazy("Decide the extension"),
        gettext_lazy("Record the decision"),
    ),
    "callback": (
        forms.CallbackForm,
        "ticket",
        moves.record_callback,
        gettext_lazy("Record a callback"),
        gettext_lazy("Record the callback"),
    ),
    "review": (
        forms.ReviewForm,
        "ticket",
        moves.review,
        gettext_lazy("Review the dissatisfaction"),
        gettext_lazy("Record the finding"),
    ),
    "repeat_call": (
        forms.RepeatCallForm,
        "ticket",
        moves.repeat_call,
        gettext_lazy("Repeat call of the same caller"),
        gettext_lazy("Record the repeat call"),
    ),
    "merge": (
        forms.MergeForm,
        "ticket",
        moves.merge,
        gettext_lazy("Link as a duplicate of another caller's ticket"),
        gettext_lazy("Link as a duplicate"),
    ),
    "unmerge": (
        forms.UnmergeForm,
        "ticket",
        moves.unmerge,
        gettext_lazy("Undo the duplicate link"),
        gettext_lazy("Undo the link"),
    ),
}


def _centre_sections(ticket: Ticket, bound) -> list[dict]:
    """The forms of the centre's moves that the ticket's state allows now."""
    sections = []

    def add(name, initial, *, key="", caption=""):
        form_class, _target, _perform, heading, button = CENTRE_MOVES[name]
        form = bound[1] if bound is not None and bound[0] == (name, key) else form_class(initial=initial)
        sections.append(
            {"name": name, "form": form, "heading": heading, "button": button, "key": key, "caption": caption}
        )

    v = {"version": ticket.version}
    if ticket.state == TicketState.REGISTERED:
        add("dispatch", v)
        if not ticket.duplicates.exists():
            add("merge", v)
    if ticket.state == TicketState.MERGED:
        add("unmerge", v)
    if ticket.state in OPEN_TICKET_STATES or ticket.state == TicketState.MERGED:
        add("repeat_call", v)
    if not moves.handling_available():
        return sections
    for d in ticket.dispatches.all():
        if d.state == DispatchState.RETURN_REQUESTED:
            add("decide_return", {"version": d.version, "dispatch": d.pk}, key=str(d.pk), caption=d.unit.name)
    pending = ExtensionRequest.objects.filter(dispatch__ticket=ticket, state=ExtensionState.PENDING)
    for r in pending.select_related("dispatch__unit"):
        add(
            "decide_extension",
            {"version": r.dispatch.version, "request": r.pk},
            key=str(r.pk),
            caption=f"{r.dispatch.unit.name} +{r.workdays}",
        )
    if ticket.state == TicketState.REPLIED:
        add("callback", v)
    if ticket.state == TicketState.REVIEW:
        add("review", v)
    return sections


def render_ticket(request: HttpRequest, ticket: Ticket, *, bound=None, status: int = 200) -> HttpResponse:
    now = timezone.now()
    ticket = queries.ticket_with_children(ticket.pk, now)
    suggestion = None
    if ticket.state == TicketState.REGISTERED:
        suggestion = _suggestion(ticket.subject.code, ticket.area.code if ticket.area else "")
    context = {
        "t": ticket,
        "caller": queries.caller_for(ticket, request.user),
        "dispatches": list(ticket.dispatches.all()),
        "extensions": ExtensionRequest.objects.filter(dispatch__ticket=ticket).select_related(
            "dispatch__unit", "requested_by", "decided_by"
        ),
        "callbacks": ticket.callbacks.select_related("by"),
        "reveals": ticket.reveals.select_related("user"),
        "events": _events(ticket),
        "sections": _centre_sections(ticket, bound),
        "suggestion": suggestion,
        "master": ticket.master,
        "duplicates": list(ticket.duplicates.order_by("received_at")),
        "subject_path": queries.subject_path(ticket.subject),
        "now": now,
        **_inspections(ticket, request.user),
    }
    return render(request, "hotline/ticket.html", context, status=status)


def _inspections(ticket: Ticket, user) -> dict:
    """The on-site inspections of the ticket's reply the user may see; the centre may send one."""
    from govhall.hotline.inspection import INSPECTABLE
    from govhall.supervision import inspections

    rows = inspections.visible_inspections(user).filter(kind="ticket", target_id=ticket.pk)
    return {
        "inspections": list(rows.order_by("-created_at")),
        "may_inspect": inspections.is_assigner(user) and ticket.state in INSPECTABLE,
    }


@require_GET
@roles_required(CENTRE_ROLES)
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_ticket(request, get_object_or_404(Ticket, pk=pk))


@require_POST
@roles_required(CENTRE_ROLES)
def ticket_move(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in CENTRE_MOVES:
        raise Http404(_("Unknown move."))
    ticket = get_object_or_404(Ticket, pk=pk)
    form_class, target, perform, _heading, _button = CENTRE_MOVES[name]
    form = form_class(request.POST)
    key = request.POST.get(target, "") if target != "ticket" else ""
    if not form.is_valid():
        return render_ticket(request, ticket, bound=((name, key), form), status=FORM_ERROR)
    d = form.cleaned_data
    if target == "dispatch":
        row = get_object_or_404(Dispatch, pk=d["dispatch"], ticket=ticket)
    elif target == "request":
        row = get_object_or_404(ExtensionRequest, pk=d["request"], dispatch__ticket=ticket)
    else:
        row = ticket
    try:
        perform(row, d, by=request.user, now=timezone.now(), expected_version=d["version"])
    except ValidationError as error:
        add_service_errors(form, error)
        return render_ticket(request, ticket, bound=((name, key), form), status=FORM_ERROR)
    except (StaleVersion, TransitionNotAllowed, CaseForbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("hotline:ticket", pk=ticket.pk)
