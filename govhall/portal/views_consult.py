"""Online consultation (在线咨询) pages: ask (signed in or anonymously with a phone number), my questions
and their answers, and the anonymous lookup by reference number and code. Each view parses a form, calls
one service or query, and renders; the rules are the cases' services'."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govhall.cases import services
from govhall.cases.errors import CaseForbidden
from govhall.cases.forms import add_service_errors
from govhall.cases.models import Channel
from govhall.core.models import Role
from govhall.portal import consult
from govhall.portal.forms_consult import AskForm, LookupForm
from govhall.portal.throttling import page_wait

DONE_KEY = "portal_consult_done"


def _source(request: HttpRequest) -> str:
    return f"portal {request.META.get('REMOTE_ADDR', '')}".strip()


def _asker(request: HttpRequest):
    user = request.user
    return user if user.is_authenticated and user.role == Role.APPLICANT else None


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("item") if request.method == "POST" else request.GET.get("item", "")
    item = consult.published_item(code or "")
    if code and item is None:
        raise Http404(_("No published item with this code."))
    # The item travels in a hidden input; an error the service names "item" shows in the summary.
    form = AskForm(request.POST or None)
    asker = _asker(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.record_consultation(
                question=d["question"],
                by=None,
                now=timezone.now(),
                item=item,
                channel=Channel.ONLINE,
                asker=asker,
                contact={"name": d["name"], "phone": d["phone"]},
                source=_source(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except CaseForbidden as error:
            form.add_error(None, str(error))
        else:
            if asker is not None:
                return redirect("portal:consult-detail", pk=case.pk)
            request.session[DONE_KEY] = case.pk
            return redirect("portal:consult-done")
    return render(request, "portal/consult/ask.html", {"form": form, "item": item, "asker": asker})


@require_GET
def done(request: HttpRequest) -> HttpResponse:
    """The anonymous asker's reference number and code, shown once after asking."""
    pk = request.session.pop(DONE_KEY, None)
    case = consult.lookup_own_new(pk) if pk else None
    if case is None:
        return redirect("portal:consultation")
    return render(request, "portal/consult/done.html", {"case": case})


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/consult/mine.html", {"cases": consult.mine(request.user)[:100]})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = consult.my_consultation(request.user, pk)
    if case is None:
        raise Http404
    return render(request, "portal/consult/detail.html", {"case": case})


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    case = None
    searched = False
    status = 200
    if form.is_valid():
        wait = page_wait(request)
        if wait is not None:
            form.add_error(
                None,
                _("Too many queries from your address: please try again in %(n)s seconds.") % {"n": wait},
            )
            response = render(request, "portal/consult/lookup.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        searched = True
        case = consult.lookup(form.cleaned_data["number"], form.cleaned_data["code"])
        if case is None:
            status = 404
    context = {"form": form, "case": case, "searched": searched}
    return render(request, "portal/consult/lookup.html", context, status=status)
