"""Pages of the online application: apply from a guide, the draft editor with its material slots and the
checklist, submission, the receipt, the correction after a return, withdrawal. Adapters: parse, call one
service, render. Everything works without JavaScript; htmx only saves the draft as you type."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.catalog.models import ItemStatus, ServiceItem
from govhall.lanes.models import Lane
from govhall.portal import access, services
from govhall.portal.models import ApplicationState
from govhall.portal.queries_apply import PLAIN_STATES, editor_context, plain_state
from govhall.portal.services.lane_returns import lane_returns


def _mine(request: HttpRequest, pk: int):
    return get_object_or_404(
        access.applications_of(request.user).select_related("item", "lane", "case", "company"), pk=pk
    )


def _submitted(app) -> bool:
    """It became a case or a lane case (corrections and withdrawal then work on that)."""
    return app.case_id is not None or app.lane_case_id is not None


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _company(request: HttpRequest):
    pk = request.POST.get("company") or ""
    if not pk:
        return None
    return get_object_or_404(access.companies_of(request.user), pk=pk)


def _answers(params, item) -> dict:
    """Situation answers as the guide page and the editor send them: `s-<question key>=<option key>`."""
    if item is None:
        return {}
    return {k[2:]: v for k, v in params.items() if k.startswith("s-")}


def _start(request: HttpRequest, *, item=None, lane=None) -> HttpResponse:
    subject = item or lane
    errors: dict = {}
    # The guide's "Apply online" link carries the answers given there; the start form passes them on.
    answers = _answers(request.POST if request.method == "POST" else request.GET, item)
    if request.method == "POST":
        try:
            app = services.start_application(
                by=request.user,
                now=timezone.now(),
                item=item,
                lane=lane,
                company=_company(request),
                answers=answers,
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            return redirect("portal:application", pk=app.pk)
    drafts = access.applications_of(request.user).filter(state=ApplicationState.DRAFT)
    drafts = drafts.filter(item__code=item.code) if item else drafts.filter(lane=lane)
    context = {
        "subject": subject,
        "companies": access.companies_of(request.user),
        "drafts": drafts,
        "errors": errors,
        "answers": [(f"s-{k}", v) for k, v in answers.items()],
    }
    return render(request, "portal/apply/start.html", context, status=400 if errors else 200)


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    item = ServiceItem.objects.filter(code=code, status=ItemStatus.PUBLISHED).first()
    if item is None:
        raise Http404()
    return _start(request, item=item)


@login_required
def apply_lane(request: HttpRequest, code: str) -> HttpResponse:
    lane = Lane.objects.filter(code=code, status="published").order_by("-version").first()
    if lane is None:
        raise Http404()
    return _start(request, lane=lane)


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft editor: save (button or autosave) or submit."""
    app = _mine(request, pk)
    if app.state == ApplicationState.SUBMITTED:
        return redirect("portal:application-receipt", pk=app.pk)
    if app.state != ApplicationState.DRAFT:
        raise Http404()
    errors: dict = {}
    conflict = None
    posted = None
    posted_answers = None
    if request.method == "POST":
        keys = [f.key for f in services.forms.fields_of(app)]
        posted = {k: request.POST.get(k, "") for k in keys if k in request.POST}
        if "situation" in request.POST:  # the editor's situation questions were on the form
            posted_answers = _answers(request.POST, app.item)
        before = app.answers
        try:
            app = services.save_draft(
                app,
                data=posted,
                answers=posted_answers,
                by=request.user,
                now=timezone.now(),
                expected_version=_version(request),
            )
            if request.POST.get("action") == "submit":
                app = services.submit_application(
                    app, by=request.user, now=timezone.now(), expected_version=app.version
                )
                return redirect("portal:application-receipt", pk=app.pk)
        except services.DraftConflict as error:
            conflict = error
            app.refresh_from_db()
        except ValidationError as error:
            errors = error.message_dict
            app.refresh_from_db()
        else:
            if request.headers.get("HX-Request"):
                response = render(request, "portal/apply/_saved.html", {"app": app})
                if app.answers != before:  # other slots now: show them
                    response["HX-Refresh"] = "true"
                return response
            return redirect("portal:application", pk=app.pk)
    context = editor_context(
        app, errors=errors, conflict=conflict, posted=posted, posted_answers=posted_answers
    )
    # 远程帮办: the open help session of the draft, or the way to ask for one (a draft of one item).
    context["help_session"] = app.help_sessions.filter(state__in=["requested", "in_progress"]).first()
    status = 409 if conflict else (400 if errors else 200)
    return render(request, "portal/apply/editor.html", context, status=status)


@login_required
@require_POST
def upload(request: HttpRequest, pk: int, material: int) -> HttpResponse:
    app = _mine(request, pk)
    try:
        services.upload_material(
            app, material=material, file=request.FILES.get("file"), by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        context = editor_context(app, errors=error.message_dict)
        template = "portal/apply/correct.html" if _submitted(app) else "portal/apply/editor.html"
        return render(request, template, context, status=400)
    return redirect("portal:application-correct" if _submitted(app) else "portal:application", pk=app.pk)


@login_required
@require_POST
def use_licence(request: HttpRequest, pk: int, material: int) -> HttpResponse:
    """免提交: fill the material with one of the applicant's electronic licences."""
    app = _mine(request, pk)
    try:
        licence = int(request.POST.get("licence", ""))
    except ValueError:
        licence = 0
    try:
        services.choose_licence(
            app,
            material=material,
            licence=licence,
            by=request.user,
            now=timezone.now(),
            expected_version=_version(request),
        )
    except services.DraftConflict as error:
        context = editor_context(app, conflict=error)
        return render(request, "portal/apply/editor.html", context, status=409)
    except ValidationError as error:
        return render(
            request, "portal/apply/editor.html", editor_context(app, errors=error.message_dict), status=400
        )
    return redirect(f"{reverse('portal:application', args=[app.pk])}#material_{material}")


@login_required
@require_POST
def drop_licence(request: HttpRequest, pk: int, material: int) -> HttpResponse:
    """Back to an upload for that material."""
    app = _mine(request, pk)
    with contextlib.suppress(
        ValidationError, services.DraftConflict
    ):  # the editor shows the state either way
        services.drop_licence(
            app, material=material, by=request.user, now=timezone.now(), expected_version=_version(request)
        )
    return redirect(f"{reverse('portal:application', args=[app.pk])}#material_{material}")


@login_required
@require_POST
def remove(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    app = _mine(request, pk)
    row = get_object_or_404(app.documents, pk=document)
    services.remove_document(row, by=request.user, now=timezone.now())
    return redirect("portal:application-correct" if _submitted(app) else "portal:application", pk=app.pk)


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    app = _mine(request, pk)
    # The editor shows the version in use either way.
    with contextlib.suppress(ValidationError, services.DraftConflict):
        services.move_to_version(app, by=request.user, now=timezone.now(), expected_version=_version(request))
    return redirect("portal:application", pk=app.pk)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    app = _mine(request, pk)
    services.discard_application(app, by=request.user, now=timezone.now())
    return redirect("portal:home")


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The electronic receipt (收件回执): number, verification code, date, materials, what happens next."""
    app = _mine(request, pk)
    if app.lane_case_id is not None:  # a fast lane: one lane case, its item cases pre-reviewed apart
        case = app.lane_case
        subject = app.lane.name
        received = [(d.material.name, d.name) for d in app.documents.select_related("material")]
    elif app.case_id is not None:
        case = app.case
        subject = case.item.name
        documents = case.documents.select_related("material__material").order_by("id")
        received = [(d.material.material.name if d.material else "", d.name) for d in documents]
        licences = case.materials.filter(licence__isnull=False).select_related(
            "material", "licence__licence_type"
        )
        received += [(r.material.name, f"{r.licence.licence_type.name} {r.licence.number}") for r in licences]
    else:
        raise Http404()
    context = {
        "app": app,
        "case": case,
        "subject": subject,
        "state": plain_state(case.state) if case.state in PLAIN_STATES else case.get_state_display(),
        "received": received,
        "correction": bool(lane_returns(app)) if app.lane_case_id else case.state == "supplement_requested",
        "withdrawable": case.state in ("received", "supplement_requested"),
    }
    return render(request, "portal/apply/receipt.html", context)


@login_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    app = _mine(request, pk)
    if not _submitted(app):
        raise Http404()
    errors: dict = {}
    if request.method == "POST":
        try:
            services.resubmit_correction(
                app, by=request.user, now=timezone.now(), expected_version=_version(request)
            )
        except services.DraftConflict:
            errors = {"version": [_("The application changed in another window; reload the page.")]}
        except ValidationError as error:
            errors = error.message_dict
        else:
            return redirect("portal:application-receipt", pk=app.pk)
        app.refresh_from_db()
    return render(
        request,
        "portal/apply/correct.html",
        editor_context(app, errors=errors),
        status=400 if errors else 200,
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    app = _mine(request, pk)
    if not _submitted(app):
        raise Http404()
    errors: dict = {}
    if request.method == "POST":
        try:
            services.withdraw_application(
                app, reason=request.POST.get("reason", ""), by=request.user, now=timezone.now()
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            return redirect("portal:application-receipt", pk=app.pk)
    # Every message is about the one field, the reason: the summary links it.
    summary = [("reason", "", message) for messages in errors.values() for message in messages]
    context = {"app": app, "errors": errors, "summary": summary}
    return render(request, "portal/apply/withdraw.html", context, status=400 if errors else 200)
