"""民生网: the hotline's public web channel. A signed-in citizen leaves a message (留言) and follows it in
“My messages”; anyone reads the answered messages their callers let us publish. Adapters: parse a form,
call register_ticket or a query of queries_web, render.

Who the citizen is comes from the portal's sign-in (SMS code or unified login), reached by URL name only:
this module imports nothing of the portal."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from govhall.core.models import Role
from govhall.hotline import queries_web
from govhall.hotline.forms_web import TYPE_HINTS, TYPE_LABELS, MessageForm, SearchForm
from govhall.hotline.models import Channel, Ticket, TicketState
from govhall.hotline.services.intake import register_ticket

DONE_KEY = "hotline_web_done"
PAGE_SIZE = 20
# The service's field names → the form's.
FIELD_NAMES = {"caller_phone": "phone", "caller_name": "name"}
# A ticket's state in the citizen's words, and the tag's colour.
STATE_WORDS = {
    TicketState.REGISTERED: (pgettext_lazy("hotline web", "Received"), "blue"),
    TicketState.DISPATCHED: (pgettext_lazy("hotline web", "Passed to the unit responsible"), "blue"),
    TicketState.HANDLING: (pgettext_lazy("hotline web", "Being handled"), "blue"),
    TicketState.REPLIED: (pgettext_lazy("hotline web", "Replied"), "green"),
    TicketState.REVIEW: (pgettext_lazy("hotline web", "Your dissatisfaction is being checked"), "yellow"),
    TicketState.CLOSED: (pgettext_lazy("hotline web", "Closed"), "grey"),
    # 重复件: handled with the same problem reported by others; the reply reaches every caller.
    TicketState.MERGED: (
        pgettext_lazy("hotline web", "Being handled with the same problem reported by others"),
        "blue",
    ),
}
OPEN_STATES = (TicketState.DISPATCHED, TicketState.HANDLING)
REPLIED_STATES = (TicketState.REPLIED, TicketState.REVIEW, TicketState.CLOSED)


def sign_in_url(next_path: str) -> str:
    """The portal's sign-in (by SMS code), coming back to `next_path`; the staff sign-in if the portal is
    not installed."""
    try:
        url = reverse("portal:login")
    except NoReverseMatch:
        url = reverse(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_path})}"


def citizen_only(view):
    """Signed-in citizens only: others go to the sign-in; staff accounts get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(sign_in_url(request.get_full_path()))
        if request.user.role != Role.APPLICANT:
            raise PermissionDenied(_("Messages are left by citizens signed in to the online service hall."))
        return view(request, *args, **kwargs)

    return wrapper


def real_name(user) -> str:
    """The account's recorded real name (the portal's profile, read through the relation), else its name."""
    try:
        profile = user.profile
    except (AttributeError, ObjectDoesNotExist):
        profile = None
    # Chinese order: surname first, no space (李 + 秀英 → 李秀英).
    return (getattr(profile, "real_name", "") or f"{user.last_name}{user.first_name}").strip()


def _limits(now) -> list[dict]:
    days = queries_web.reply_workdays(now)
    return [
        {"type": t, "label": TYPE_LABELS[t], "hint": TYPE_HINTS[t], "workdays": days.get(t)}
        for t in TYPE_LABELS
    ]


def _state(ticket: Ticket) -> dict:
    words, kind = STATE_WORDS.get(ticket.state, (ticket.get_state_display(), "blue"))
    return {"text": words, "kind": kind}


def _mine_row(ticket: Ticket) -> dict:
    return {
        "ticket": ticket,
        "type": TYPE_LABELS.get(ticket.request_type, ticket.request_type),
        "state": _state(ticket),
        "replied": ticket.state in REPLIED_STATES and bool(ticket.reply),
        "due": ticket.reply_due_at
        if ticket.state in (TicketState.DISPATCHED, TicketState.HANDLING)
        else None,
    }


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    user = request.user
    if not user.is_authenticated:
        context = {"sign_in_url": sign_in_url(request.get_full_path()), "limits": _limits(now)}
        return render(request, "hotline/web/sign_in.html", context)
    if user.role != Role.APPLICANT:
        raise PermissionDenied(_("Messages are left by citizens signed in to the online service hall."))
    form = MessageForm(request.POST or None, initial={"name": real_name(user), "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ticket = register_ticket(
                channel=Channel.WEB,
                by=None,
                now=now,
                request_type=d["request_type"],
                subject=d["subject"],
                title=d["title"],
                content=d["content"],
                address=d["address"],
                area=d["area"],
                lat=d["lat"],
                lon=d["lon"],
                caller_name=d["name"],
                caller_phone=d["phone"],
                caller_user=user,
                anonymous=d["anonymous"],
                publish_allowed=d["publish_allowed"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = FIELD_NAMES.get(field, field)
                for message in messages:
                    form.add_error(target if target in form.fields else None, message)
        else:
            request.session[DONE_KEY] = ticket.pk
            return redirect("hotline_web:done")
    context = {"form": form, "limits": _limits(now), "account_phone": user.phone}
    # A form with errors re-renders with 200, as the portal's forms do (a browser logs a 400 as an error).
    return render(request, "hotline/web/new.html", context)


@require_GET
def done(request: HttpRequest) -> HttpResponse:
    """The receipt of the message just left in this session: its number and what happens next."""
    pk = request.session.get(DONE_KEY)
    ticket = (
        Ticket.objects.filter(pk=pk, channel=Channel.WEB).select_related("subject").first() if pk else None
    )
    if ticket is None:
        return redirect("hotline_web:new")
    workdays = queries_web.reply_workdays(timezone.now()).get(ticket.request_type)
    context = {"ticket": ticket, "type": TYPE_LABELS.get(ticket.request_type), "workdays": workdays}
    return render(request, "hotline/web/done.html", context)


@citizen_only
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries_web.mine(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_mine_row(t) for t in page.object_list]
    return render(request, "hotline/web/mine.html", {"page": page, "rows": rows})


@citizen_only
@require_GET
def mine_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = queries_web.my_ticket(request.user, number)
    if ticket is None:
        raise Http404
    row = _mine_row(ticket)
    steps = [
        {"label": pgettext("hotline web", "Received"), "when": ticket.received_at, "state": "done"},
        {
            "label": pgettext("hotline web", "Passed to the unit responsible"),
            "when": ticket.dispatched_at,
            "state": "done" if ticket.dispatched_at else "current",
        },
        {
            "label": pgettext("hotline web", "Replied"),
            "when": ticket.replied_at,
            "state": "done" if row["replied"] else ("current" if ticket.dispatched_at else "todo"),
        },
        {
            "label": pgettext("hotline web", "Closed"),
            "when": ticket.closed_at,
            "state": "done" if ticket.state == TicketState.CLOSED else "todo",
        },
    ]
    context = {
        "row": row,
        "ticket": ticket,
        "steps": steps,
        "unit": queries_web.lead_unit(ticket),
        "workdays": queries_web.reply_workdays(timezone.now()).get(ticket.request_type),
    }
    return render(request, "hotline/web/mine_detail.html", context)


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    words, request_type = "", ""
    if form.is_valid():
        words, request_type = form.cleaned_data["q"], form.cleaned_data["type"]
    found = queries_web.search_published(words=words, request_type=request_type)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries_web.public_views(page.object_list)
    for row in rows:
        row["type"] = TYPE_LABELS.get(row["ticket"].request_type)
    context = {"form": form, "page": page, "rows": rows, "searched": bool(words or request_type)}
    return render(request, "hotline/web/list.html", context)


@require_GET
def published_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = queries_web.published().filter(number=number).first()
    if ticket is None:
        raise Http404
    view = queries_web.public_views([ticket])[0]
    view["type"] = TYPE_LABELS.get(ticket.request_type)
    return render(request, "hotline/web/detail.html", {"view": view})
