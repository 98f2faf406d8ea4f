"""The live channel of a remote help session's page: the event stream (server-sent events), presence, the
text chat and the call's signalling. Adapters: parse, call one service, answer.

Access is the poll's (views_help._session): the sides of the session and the department's clerks see
it, anyone else gets 404; writing (chat, signals) is for the two sides only (403)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.errors import TransitionNotAllowed
from govhall.core import parsers
from govhall.portal import live_help, live_stream
from govhall.portal.services import help_live
from govhall.portal.services.help import HelpForbidden
from govhall.portal.views_help import _int, _messages, _session


@login_required
@require_GET
def events(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The session's event stream (text/event-stream); see govhall.portal.live_stream."""
    session = _session(request, pk)  # 404 for an account that may not see it, before any streaming
    start = live_stream.Cursor(
        draft=_int(request.GET.get("draft"), 0),
        session=_int(request.GET.get("session"), 0),
        message=_int(request.GET.get("message"), 0),
        signal=_int(request.GET.get("signal"), 0),
    )
    cursor = live_stream.Cursor.parse(request.headers.get("Last-Event-ID"), start)
    stream = live_stream.events(
        session.pk,
        request.user,
        cursor,
        recheck=settings.GOVHALL_LIVE_RECHECK_SECONDS,
        lifetime=settings.GOVHALL_LIVE_STREAM_SECONDS,
    )
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@login_required
@require_POST
def presence(request: HttpRequest, pk: int) -> HttpResponse:
    """A heartbeat of the field the caller is in (`editing`, empty when they left it)."""
    session = _session(request, pk)
    live_help.touch_presence(session, request.user, request.POST.get("editing", ""))
    return HttpResponse(status=204)


REFUSED = (ValidationError, TransitionNotAllowed, HelpForbidden)


def _refusal(error: Exception) -> JsonResponse:
    status = 400
    if isinstance(error, HelpForbidden):
        status = 403
    elif isinstance(error, TransitionNotAllowed):
        status = 409
    return JsonResponse({"errors": _messages(error)}, status=status)


@login_required
@require_POST
def message(request: HttpRequest, pk: int) -> HttpResponse:
    """A line of the chat. With the script: JSON (the line reaches both pages through the stream);
    without: back to the page's chat."""
    session = _session(request, pk)
    try:
        row = help_live.send_message(
            session, text=request.POST.get("text", ""), by=request.user, now=timezone.now()
        )
    except REFUSED as error:
        if request.headers.get("X-Requested-With") == "fetch":
            return _refusal(error)
        request.session["help_chat_errors"] = [m for ms in _messages(error).values() for m in ms]
        return redirect(f"{reverse('portal:help-session', args=[session.pk])}#chat")
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse(help_live.message_row(row), status=201)
    return redirect(f"{reverse('portal:help-session', args=[session.pk])}#chat")


@login_required
@require_POST
def signal(request: HttpRequest, pk: int) -> JsonResponse:
    """One signalling message of the call, JSON `{kind, payload}`, for the other side."""
    session = _session(request, pk)
    try:
        body = parsers.decode(request.body or b"{}")
    except parsers.BadBody as exc:
        return JsonResponse({"errors": {"": [str(exc)]}}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"errors": {"": [_("The body is a JSON object.")]}}, status=400)
    try:
        row = help_live.send_signal(
            session,
            kind=body.get("kind", ""),
            payload=body.get("payload"),
            by=request.user,
            now=timezone.now(),
        )
    except REFUSED as error:
        return _refusal(error)
    return JsonResponse({"id": row.pk}, status=201)
