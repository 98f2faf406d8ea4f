"""Pages of remote help sessions (远程帮办): the applicant (a resident, or a township hall's agency clerk)
asks from the draft and waits in the queue; a centre clerk takes sessions from the department's queue;
both sides work on one shared draft page, which hears what the other side changed through the event
stream (views_help_live.events), or polls `live` when the stream cannot get through.

Adapters: parse, call one service of govhall.portal.services.help, render. Errors are shown at the field
with the input kept; a stale write of a field shows both values and loses nothing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.core import inputs
from govhall.portal import access, live_help, queries_help, services
from govhall.portal.models import ApplicationState, HelpOutcome, HelpSession, HelpState
from govhall.portal.services import help as helping
from govhall.portal.services import help_live
from govhall.portal.services.drafts import NotYours
from govhall.visits.models import Slot
from govhall.visits.queries_visit import bookable_slots, groups_for_item

SLOTS_SHOWN = 12
# Where the error summary of the session page links a refusal's key to (a field links to its own box).
ANCHORS = {
    "": "help-errors",
    "state": "help-errors",
    "version": "help-errors",
    "materials": "help-materials",
    "checklist": "help-materials",
    "power_of_attorney": "help-materials",
}  # the next appointment slots offered for a booked session


def _int(value, default: int | None = None) -> int | None:
    """A non-negative id or counter within bigint from a query string or form, else `default`."""
    number = inputs.whole_id(None if value is None else str(value))
    return default if number is None else number


def _messages(error: Exception) -> dict[str, list[str]]:
    """A service's refusal as messages per field ("" for the page as a whole)."""
    if isinstance(error, ValidationError):
        return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    if isinstance(error, StaleVersion):
        return {"": [_("The session changed meanwhile (another window or the other side); look again.")]}
    return {"": [str(error)]}


REFUSALS = (ValidationError, StaleVersion, TransitionNotAllowed, PermissionDenied, NotYours)


def _session(request: HttpRequest, pk: int) -> HelpSession:
    """A session the account may see: the asker's side, or a clerk of the department (404 otherwise)."""
    return get_object_or_404(queries_help.sessions_of(request.user), pk=pk)


def _back(session: HelpSession) -> HttpResponse:
    return redirect("portal:help-session", pk=session.pk)


# --- the applicant: ask, wait, cancel ---------------------------------------------------------------


@login_required
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the centre for help with this draft: the department's waiting time, a question, the button."""
    app = get_object_or_404(
        access.applications_of(request.user).select_related("item", "item__department"), pk=pk
    )
    open_ = app.help_sessions.filter(state__in=[HelpState.REQUESTED, HelpState.IN_PROGRESS]).first()
    if open_ is not None:
        return _back(open_)
    errors: dict = {}
    question = ""
    chosen = ""
    now = timezone.now()
    if request.method == "POST":
        question = request.POST.get("question", "")
        chosen = request.POST.get("slot", "")
        try:
            if chosen:  # an appointment: the session joins the queue when the slot starts
                slot = Slot.objects.filter(pk=_int(chosen, 0)).select_related("group").first()
                if slot is None:
                    raise ValidationError({"slot": [_("Choose a time slot.")]})
                session = helping.book_help(app, slot=slot, by=request.user, now=now, question=question)
            else:
                session = helping.request_help(app, by=request.user, now=now, question=question)
        except REFUSALS as error:
            errors = _messages(error)
        else:
            return _back(session)
    wait = slots = None
    if app.item_id is not None:
        wait = queries_help.department_wait(app.item.department_id, now=now)
        slots = bookable_slots(groups_for_item(app.item), item=app.item, now=now)[:SLOTS_SHOWN]
    context = {
        "app": app,
        "question": question,
        "chosen": chosen,
        "slots": slots or [],
        "errors": errors,
        "wait_minutes": round(wait.total_seconds() / 60) if wait is not None else None,
        "summary": [
            (key if key in ("question", "slot") else "question", "", m)
            for key, messages in errors.items()
            for m in messages
        ],
    }
    return render(request, "portal/help/ask.html", context, status=400 if errors else 200)


def _waiting_context(session: HelpSession) -> dict:
    wait = queries_help.estimated_wait(session)
    return {
        "session": session,
        "booked_for": session.requested_at if session.requested_at > timezone.now() else None,
        "position": queries_help.queue_position(session),
        "wait_minutes": round(wait.total_seconds() / 60) if wait is not None else None,
    }


@login_required
def waiting(request: HttpRequest, pk: int) -> HttpResponse:
    """The waiting part of the page, polled: the place in the queue and the wait; once the session is
    taken (or ended) the whole page is loaded again."""
    session = _session(request, pk)
    if session.state != HelpState.REQUESTED:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "portal/help/_waiting.html", _waiting_context(session))


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        helping.cancel_help(
            session,
            by=request.user,
            now=timezone.now(),
            expected_version=_int(request.POST.get("version")),
            reason=request.POST.get("reason", ""),
        )
    except REFUSALS as error:
        return _page(request, session, errors=_messages(error), status=409)
    if queries_help.is_centre_clerk(request.user):
        return redirect("portal:help-queue")
    return redirect("portal:application", pk=session.application_id)


# --- the centre: the queue, start, no-show, end -------------------------------------------------------


def _centre_clerk(request: HttpRequest) -> None:
    if not queries_help.is_centre_clerk(request.user):
        raise PermissionDenied(_("Only a window clerk of a department at the centre sees its help queue."))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The department's queue, first come first, with how long each has waited; the sessions in progress."""
    _centre_clerk(request)
    now = timezone.now()
    rows = list(
        queries_help.sessions_of(request.user)
        .filter(state__in=[HelpState.REQUESTED, HelpState.IN_PROGRESS])
        .order_by("requested_at", "id")[:200]
    )
    waiting_rows = [
        {"session": s, "position": n, "waited": max(0, round((now - s.requested_at).total_seconds() / 60))}
        for n, s in enumerate((s for s in rows if s.state == HelpState.REQUESTED), start=1)
    ]
    context = {
        "waiting": waiting_rows,
        "running": [s for s in rows if s.state == HelpState.IN_PROGRESS],
        "department": request.user.department,
        "errors": request.session.pop("help_queue_errors", []),
    }
    return render(request, "portal/help/queue.html", context)


def _queue_move(request: HttpRequest, pk: int, service) -> HttpResponse:
    _centre_clerk(request)
    session = get_object_or_404(HelpSession, pk=pk)  # another department's: the service says whose
    try:
        session = service(
            session, by=request.user, now=timezone.now(), expected_version=_int(request.POST.get("version"))
        )
    except REFUSALS as error:
        request.session["help_queue_errors"] = [m for ms in _messages(error).values() for m in ms]
        return redirect("portal:help-queue")
    if session.state == HelpState.IN_PROGRESS:
        return _back(session)
    return redirect("portal:help-queue")


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    return _queue_move(request, pk, helping.start_help)


@login_required
@require_POST
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    return _queue_move(request, pk, helping.mark_no_show)


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    posted = {k: request.POST.get(k, "") for k in ("outcome", "corrected", "still_missing")}
    try:
        helping.end_help(
            session,
            by=request.user,
            now=timezone.now(),
            expected_version=_int(request.POST.get("version")),
            **posted,
        )
    except REFUSALS as error:
        return _page(request, session, errors=_messages(error), ending=posted, status=400)
    return _back(session)


# --- the shared draft -------------------------------------------------------------------------------


def _page(request: HttpRequest, session: HelpSession, *, status: int = 200, **extra) -> HttpResponse:
    """The session's page: waiting (place and wait), the shared draft while in progress, or the end."""
    session = _session(request, session.pk)
    side = live_help.side_of(session, request.user)
    context = {
        "session": session,
        "side": side,
        "is_clerk": side == live_help.CENTRE,
        "outcomes": HelpOutcome.choices,
        "errors": {},
        "ending": {},
        **extra,
    }
    if session.state == HelpState.REQUESTED:
        context.update(_waiting_context(session))
    else:
        context.update(live_help.shared_draft(session))
        context["presence"] = live_help.presence_text(session, request.user)
        context["may_submit"] = side == live_help.APPLICANT and context["app"].owner_id == request.user.pk
        context["live_url"] = reverse("portal:help-live", args=[session.pk])
        context["materials_url"] = reverse("portal:help-materials", args=[session.pk])
        context.update(live_help.channel(session, request.user))
        context["chat_errors"] = request.session.pop("help_chat_errors", [])
    errors = context["errors"]
    context["summary"] = [
        (ANCHORS.get(key, key), "", m) for key, messages in errors.items() for m in messages
    ]
    return render(request, "portal/help/session.html", context, status=status)


@login_required
def session_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _session(request, pk))


@login_required
def materials(request: HttpRequest, pk: int) -> HttpResponse:
    """The materials part of the shared draft (files, marks, pre-approval), fetched again when it changed."""
    session = _session(request, pk)
    context = {
        "session": session,
        "is_clerk": live_help.side_of(session, request.user) == live_help.CENTRE,
        **live_help.shared_draft(session),
    }
    return render(request, "portal/help/_materials.html", context)


@login_required
@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write one field with the version it was read at. A stale one shows both values: the writer's stays
    in the box, the current one is named with its author, and writing again overwrites it knowingly."""
    session = _session(request, pk)
    field = request.POST.get("field", "")
    value = request.POST.get("value", "")
    field_version = _int(request.POST.get("field_version"), -1)
    conflict = None
    errors: list[str] = []
    try:
        if request.POST.get("choose") == "current":  # keep the other side's value: nothing to write
            value = session.application.data.get(field, "")
        else:
            helping.edit_field(
                session, field=field, value=value, field_version=field_version, by=request.user,
                now=timezone.now(),
            )  # fmt: skip
    except helping.FieldConflict as error:
        conflict = error
    except REFUSALS as error:
        errors = [m for ms in _messages(error).values() for m in ms]
    session.application.refresh_from_db()
    app = session.application
    row = next((r for r in live_help.field_rows(app) if r["key"] == field), None)
    if row is None:
        return _page(request, session, errors={"": errors or [_("Unknown field.")]}, status=400)
    if conflict is not None or errors:
        row["value"] = value
        row["errors"] = errors
    context = {"session": session, "f": row, "conflict": conflict, "saved": not (conflict or errors)}
    if request.headers.get("HX-Request"):
        return render(request, "portal/help/_field.html", context)
    if conflict is not None or errors:
        return _page(
            request,
            session,
            errors={field: errors} if errors else {},
            conflict=conflict,
            conflict_row=row,
            status=409 if conflict else 400,
        )
    return redirect(f"{reverse('portal:help-session', args=[session.pk])}#field-{field}")


@login_required
@require_POST
def review(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    session = _session(request, pk)
    acceptable = request.POST.get("acceptable")
    try:
        if acceptable not in ("yes", "no"):
            raise ValidationError({f"document-{document}": [_("Choose acceptable or not acceptable.")]})
        helping.review_material(
            session,
            document=document,
            acceptable=acceptable == "yes",
            comment=request.POST.get("comment", ""),
            by=request.user,
            now=timezone.now(),
        )
    except REFUSALS as error:
        messages = _messages(error)
        if "comment" in messages:
            messages = {f"document-{document}": messages.pop("comment"), **messages}
        return _page(request, session, errors=messages, status=400)
    return redirect(f"{reverse('portal:help-session', args=[session.pk])}#document-{document}")


@login_required
@require_POST
def preapprove(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    try:
        helping.preapprove(
            session,
            by=request.user,
            now=timezone.now(),
            expected_version=_int(request.POST.get("version")),
            draft_version=_int(request.POST.get("draft_version")),
        )
    except REFUSALS as error:
        return _page(request, session, errors=_messages(error), status=400)
    return redirect(f"{reverse('portal:help-session', args=[session.pk])}#preapproval")


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant submits the draft from the session's page (the centre never submits)."""
    session = _session(request, pk)
    app = get_object_or_404(access.applications_of(request.user), pk=session.application_id)
    if app.state != ApplicationState.DRAFT:
        return redirect("portal:application-receipt", pk=app.pk)
    try:
        services.submit_application(
            app, by=request.user, now=timezone.now(), expected_version=_int(request.POST.get("draft_version"))
        )
    except services.DraftConflict:
        errors = {"": [_("The draft changed meanwhile; look at it again before submitting.")]}
        return _page(request, session, errors=errors, status=409)
    except REFUSALS as error:
        return _page(request, session, errors=_messages(error), status=400)
    return redirect("portal:application-receipt", pk=app.pk)


@login_required
def live(request: HttpRequest, pk: int) -> JsonResponse:
    """What changed since the versions the page holds (`draft`, `session`); `editing` is the field the
    caller is in (a presence heartbeat). The transport of today: polled every second by help-live.js."""
    session = _session(request, pk)
    editing = request.GET.get("editing", "")
    if editing and session.state == HelpState.IN_PROGRESS:
        live_help.touch_presence(session, request.user, editing)
    data = live_help.changes_since(
        session,
        request.user,
        draft_version=_int(request.GET.get("draft"), 0),
        session_version=_int(request.GET.get("session"), 0),
    )
    # The chat lines and the call's signals the page has not seen (what the event stream sends as its
    # `chat` and `signal` events): the poll carries the whole live channel when the stream cannot.
    data["messages"] = help_live.messages_after(session, _int(request.GET.get("message"), 0))
    data["signals"] = help_live.signals_for(
        session, side=live_help.side_of(session, request.user), after=_int(request.GET.get("signal"), 0)
    )
    return JsonResponse(data, headers={"Cache-Control": "no-store"})
