"""The on-site inspection pages (现场督查) under /supervision/inspections/: the centre assigns tasks; the
inspector, on a phone, sees their own tasks, records findings and photos, and gives the verdict.
Adapters only: parse a form, call one service of govhall.supervision.inspections, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases.errors import CaseForbidden, StaleVersion, TransitionNotAllowed
from govhall.cases.forms import add_service_errors
from govhall.supervision import inspections
from govhall.supervision.inspection_forms import AssignForm, CancelForm, FindingsForm, PhotoForm, VerdictForm
from govhall.supervision.models import InspectionPhoto, InspectionState

FORMS = {
    "record": ("f", FindingsForm),
    "photo": ("p", PhotoForm),
    "verdict": ("v", VerdictForm),
    "cancel": ("c", CancelForm),
}
FORM_ERROR = 200  # as the other supervision pages: a page re-shown with its form's errors


def _may_see_list(user) -> bool:
    return inspections.is_assigner(user) or getattr(user, "role", None) in inspections.INSPECTORS


@require_GET
@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    if not _may_see_list(request.user):
        raise PermissionDenied(_("Your role has no access to this page."))
    now = timezone.now()
    state = request.GET.get("state", "open")
    rows = inspections.annotate_lights(inspections.visible_inspections(request.user), now)
    if state == "open":
        rows = rows.filter(state=InspectionState.PENDING)
    elif state in InspectionState.values:
        rows = rows.filter(state=state)
    else:
        state = "all"
    rows, narrowed = _narrow(rows, request)
    context = {
        "narrowed": narrowed,
        "rows": list(rows.order_by("due_date", "id")[:200]),
        "state": state,
        "states": [("open", _("Open")), *InspectionState.choices[1:], ("all", _("All"))],
        "assigner": inspections.is_assigner(request.user),
    }
    return render(request, "supervision/inspections.html", context)


def _narrow(rows, request: HttpRequest):
    """The statistics' drill-down: ?kind=, ?unit= (a department's code), ?from=&to= (the verdict's day)."""
    from datetime import date

    from govhall.supervision import lights

    narrowed = []
    kind = request.GET.get("kind", "")
    if kind:
        rows = rows.filter(kind=kind[:20])
        narrowed.append(kind[:20])
    unit = request.GET.get("unit", "")
    if unit:
        rows = rows.filter(unit__code=unit[:20])
        narrowed.append(unit[:20])
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
        last = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        return rows, narrowed
    rows = rows.filter(verdict_at__gte=lights.start_of(first), verdict_at__lt=lights.end_of(last))
    narrowed.append(f"{first:%Y-%m-%d} – {last:%Y-%m-%d}")
    return rows, narrowed


@require_http_methods(["GET", "POST"])
@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    if not inspections.is_assigner(request.user):
        raise PermissionDenied(_("Only the centre (administrators and leaders) assigns on-site inspections."))
    initial = {"kind": request.GET.get("kind", "ticket"), "reference": request.GET.get("ref", "")[:40]}
    form = AssignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = inspections.assign_inspection(
                kind=d["kind"],
                reference=d["reference"],
                inspector=d["inspector"],
                instruction=d["instruction"],
                due_date=d["due_date"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Inspection assigned."))
            return redirect("supervision:inspection", made.pk)
    return render(request, "supervision/inspection_new.html", {"form": form}, status=200)


def _forms(inspection, data=None, files=None, bound: str = "") -> dict:
    out = {}
    for name, (prefix, form_class) in FORMS.items():
        if name == bound:
            out[name] = form_class(data, files, prefix=prefix)
        else:
            initial = {"version": inspection.version}
            if name == "record":
                initial["findings"] = inspection.findings
            out[name] = form_class(prefix=prefix, initial=initial)
    return out


def _detail(request: HttpRequest, inspection, forms: dict, status: int = 200) -> HttpResponse:
    user = request.user
    pending = inspection.state == InspectionState.PENDING
    context = {
        "inspection": inspection,
        "photos": list(inspection.photos.all()),
        "forms": forms,
        "target_url": inspections.target_url(inspection),
        "kind_label": next(
            (k.label for k in inspections.kinds() if k.kind == inspection.kind), inspection.kind
        ),
        "may_record": pending and user.pk == inspection.inspector_id,
        "may_cancel": pending and inspections.is_assigner(user),
    }
    return render(request, "supervision/inspection.html", context, status=status)


def _visible(request: HttpRequest, pk: int):
    """The task with its light (SQL, as on the list), if the user may see it."""
    rows = inspections.annotate_lights(inspections.visible_inspections(request.user), timezone.now())
    return get_object_or_404(rows, pk=pk)


@require_GET
@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _visible(request, pk)
    return _detail(request, inspection, _forms(inspection))


SERVICES = {
    "record": lambda i, d, **c: inspections.record_findings(i, findings=d["findings"], **c),
    "photo": lambda i, d, **c: inspections.add_photo(i, photo=d["photo"], **c),
    "verdict": lambda i, d, **c: inspections.conclude(i, verdict=d["verdict"], **c),
    "cancel": lambda i, d, **c: inspections.cancel(i, reason=d["reason"], **c),
}
DONE_MESSAGES = {
    "record": _("Findings saved."),
    "photo": _("Photo added."),
    "verdict": _("Verdict recorded."),
    "cancel": _("Inspection cancelled."),
}


@require_POST
@login_required
def inspection_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    inspection = get_object_or_404(inspections.visible_inspections(request.user), pk=pk)
    if name not in FORMS:
        raise Http404
    forms = _forms(inspection, request.POST, request.FILES, bound=name)
    form = forms[name]
    if form.is_valid():
        d = form.cleaned_data
        try:
            SERVICES[name](
                inspection, d, by=request.user, now=timezone.now(), expected_version=d.get("version")
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (StaleVersion, TransitionNotAllowed, CaseForbidden) as exc:
            messages.error(request, str(exc))
            return redirect("supervision:inspection", pk)
        else:
            messages.success(request, str(DONE_MESSAGES[name]))
            return redirect("supervision:inspection", pk)
    inspection = _visible(request, pk)
    return _detail(request, inspection, forms, status=FORM_ERROR)


@require_GET
@login_required
def inspection_photo(request: HttpRequest, pk: int, photo: int) -> FileResponse:
    """A photo of a task the user may see, shown inline: the bytes are our own re-encoding (never the
    upload as sent), so nothing but an image is ever served."""
    inspection = get_object_or_404(inspections.visible_inspections(request.user), pk=pk)
    row = get_object_or_404(InspectionPhoto, inspection=inspection, pk=photo)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The photo is missing from the storage.")) from None
    response = FileResponse(handle, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
