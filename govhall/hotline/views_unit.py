"""The units' pages (承办单位): the unit's dispatches with their lights, most urgent first; one dispatch
with the moves the unit may make (sign for, return, ask for an extension, contribute, reply) and the
caller as privacy allows (masked, revealed with a reason, hidden for confidential and anonymous requests);
the list as CSV or XLSX, carrying the name of who exported it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.forms import add_service_errors
from govhall.cases.views import FORM_ERROR, roles_required
from govhall.hotline import forms, moves, queries
from govhall.hotline.models import Dispatch, DispatchRole, DispatchState, ExtensionState, Ticket
from govhall.hotline.services.common import UNIT_ROLES
from govhall.hotline.views import _events
from govhall.stats.export import CSV_TYPE, XLSX_TYPE, Column, Table, to_csv, to_xlsx

TAB_LABELS = {
    "pending": gettext_lazy("To sign for"),
    "signed": gettext_lazy("In hand"),
    "returning": gettext_lazy("Returned"),
    "done": gettext_lazy("Done"),
}

# name → (form, acts on the ticket (the reply) or the dispatch, the move, heading, button)
UNIT_MOVES = {
    "sign": (forms.SignForm, "dispatch", moves.sign, gettext_lazy("Sign for"), gettext_lazy("Sign for")),
    "return": (
        forms.ReturnForm,
        "dispatch",
        moves.request_return,
        gettext_lazy("Return the ticket"),
        gettext_lazy("Send the return to the centre"),
    ),
    "extension": (
        forms.ExtensionForm,
        "dispatch",
        moves.request_extension,
        gettext_lazy("Ask for an extension"),
        gettext_lazy("Send the request to the centre"),
    ),
    "contribute": (
        forms.ContributeForm,
        "dispatch",
        moves.contribute,
        gettext_lazy("Contribute to the reply"),
        gettext_lazy("Send the contribution"),
    ),
    "reply": (forms.ReplyForm, "ticket", moves.reply, gettext_lazy("Reply"), gettext_lazy("Send the reply")),
}


def _unit_user(request: HttpRequest) -> None:
    if not request.user.department_id:
        raise Http404(_("Your account belongs to no unit."))


@require_GET
@roles_required(UNIT_ROLES)
def unit_list(request: HttpRequest) -> HttpResponse:
    _unit_user(request)
    tab = request.GET.get("tab", "pending")
    if tab not in queries.UNIT_LISTS:
        raise Http404(_("No such list."))
    now = timezone.now()
    context = {
        "tab": tab,
        "tabs": list(TAB_LABELS.items()),
        "counts": queries.unit_counts(request.user),
        "rows": queries.unit_dispatches(request.user, now, tab=tab),
    }
    return render(request, "hotline/unit_list.html", context)


def _sections(request: HttpRequest, d: Dispatch, bound) -> list[dict]:
    if not moves.handling_available():
        return []
    names = []
    if d.state == DispatchState.PENDING:
        names = ["sign", "return"]
    elif d.state == DispatchState.SIGNED:
        pending = d.extension_requests.filter(state=ExtensionState.PENDING).exists()
        names = ["reply" if d.role == DispatchRole.LEAD else "contribute", "return"]
        if not pending:
            names.insert(1, "extension")
    sections = []
    for name in names:
        form_class, target, _perform, heading, button = UNIT_MOVES[name]
        version = d.ticket.version if target == "ticket" else d.version
        form = (
            bound[1] if bound is not None and bound[0] == name else form_class(initial={"version": version})
        )
        sections.append({"name": name, "form": form, "heading": heading, "button": button})
    return sections


def render_dispatch(
    request: HttpRequest, d: Dispatch, *, bound=None, revealed: dict | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    d = queries.with_lights(queries.visible_dispatches(request.user), now).get(pk=d.pk)
    ticket = d.ticket
    others = queries.with_lights(
        Dispatch.objects.filter(ticket=ticket, round=d.round).exclude(pk=d.pk).select_related("unit"), now
    )
    caller = queries.caller_for(ticket, request.user)
    context = {
        "d": d,
        "t": ticket,
        "caller": caller,
        "revealed": revealed or {},
        "reveal_form": bound[1] if bound is not None and bound[0] == "reveal" else forms.RevealForm(),
        "may_reveal": moves.handling_available() and not caller.get("hidden") and caller.get("masked"),
        "others": others,
        "extensions": d.extension_requests.select_related("requested_by", "decided_by"),
        "sections": _sections(request, d, bound),
        "events": [e for e in _events(ticket) if e.dispatch_id in (None, d.pk)],
        "subject_path": queries.subject_path(ticket.subject),
    }
    return render(request, "hotline/dispatch.html", context, status=status)


def _visible(request: HttpRequest, pk: int) -> Dispatch:
    """A dispatch of the user's unit; another unit's is 404, as if it did not exist."""
    return get_object_or_404(queries.visible_dispatches(request.user), pk=pk)


@require_GET
@roles_required(UNIT_ROLES)
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_dispatch(request, _visible(request, pk))


@require_POST
@roles_required(UNIT_ROLES)
def dispatch_move(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in UNIT_MOVES:
        raise Http404(_("Unknown move."))
    d = _visible(request, pk)
    form_class, target, perform, _heading, _button = UNIT_MOVES[name]
    form = form_class(request.POST)
    if not form.is_valid():
        return render_dispatch(request, d, bound=(name, form), status=FORM_ERROR)
    data = form.cleaned_data
    row: Dispatch | Ticket = d.ticket if target == "ticket" else d
    try:
        perform(row, data, by=request.user, now=timezone.now(), expected_version=data["version"])
    except ValidationError as error:
        add_service_errors(form, error)
        return render_dispatch(request, d, bound=(name, form), status=FORM_ERROR)
    except (StaleVersion, TransitionNotAllowed, CaseForbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("hotline:dispatch", pk=d.pk)


@require_POST
@roles_required(UNIT_ROLES)
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the caller's full number or name: with a reason, recorded for the centre; shown on this page
    once (not kept in the session)."""
    from govhall.hotline.services.privacy import reveal_contact

    d = _visible(request, pk)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return render_dispatch(request, d, bound=("reveal", form), status=FORM_ERROR)
    field = form.cleaned_data["field"]
    try:
        value = reveal_contact(
            d.ticket, field=field, reason=form.cleaned_data["reason"], by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return render_dispatch(request, d, bound=("reveal", form), status=FORM_ERROR)
    except CaseForbidden as error:
        messages.error(request, str(error))
        return redirect("hotline:dispatch", pk=d.pk)
    return render_dispatch(request, d, revealed={field: value})


@require_GET
@roles_required(UNIT_ROLES)
def unit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The unit's open and recent dispatches, with masked callers; the file names who exported it, when."""
    _unit_user(request)
    now = timezone.now()
    rows = []
    for tab in queries.UNIT_LISTS:
        for d in queries.unit_dispatches(request.user, now, tab=tab, limit=2000):
            caller = queries.caller_for(d.ticket, request.user)
            rows.append(
                {
                    "number": d.ticket.number,
                    "title": d.ticket.title,
                    "role": d.get_role_display(),
                    "state": d.get_state_display(),
                    "dispatched_at": timezone.localtime(d.dispatched_at).strftime("%Y-%m-%d %H:%M"),
                    "due": timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M") if d.due_at else "",
                    "caller": "" if caller.get("hidden") else f"{caller['name']} {caller['phone']}".strip(),
                }
            )
    viewer = request.user.display_name
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    note = _("Exported by %(name)s at %(at)s.") % {"name": viewer, "at": stamp}
    table = Table(
        key="dispatches",
        title=str(_("Dispatches of %(unit)s") % {"unit": request.user.department.name}),
        columns=[
            Column("number", str(_("Ticket"))),
            Column("title", str(_("Title"))),
            Column("role", str(_("Role"))),
            Column("state", str(_("State"))),
            Column("dispatched_at", str(_("Dispatched at"))),
            Column("due", str(_("Due"))),
            Column("caller", str(_("Caller"))),
            Column("exported_by", str(_("Exported by"))),
        ],
        rows=[{**r, "exported_by": viewer} for r in rows],
        note=note,
    )
    stem = f"hotline-{request.user.department.code}-{timezone.localdate(now):%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx([table], title=table.title), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(table), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
