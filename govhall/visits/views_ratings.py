"""Pages of 好差评 in the hall: the window tablet (评价器) and the hotline operator's page for a rating
given by phone. Adapters: find the object, call one rating service, render.

The tablet is paired once by opening /visits/tablet/pair/<token>/ (the address the admin shows when a tablet
is added): the token goes into a long-lived cookie, and only its hash is stored. The idle screen polls
/visits/tablet/screen/ every two seconds (htmx); when the window finishes a visit that is still unrated, the
five levels appear as large buttons; a bad level asks for the reasons; then a thank-you, and back to idle.
Every step is also a plain form post, so the page works without htmx too."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govhall.cases.errors import StaleVersion
from govhall.cases.models import Case
from govhall.cases.views import roles_required
from govhall.visits.api_ratings import PHONE_ROLES
from govhall.visits.forms_ratings import RatingForm, add_service_errors, reason_choices
from govhall.visits.models import RatingChannel, RatingLevel, RatingTablet, Visit
from govhall.visits.models.ratings import BAD_LEVELS
from govhall.visits.services import ratings

TABLET_COOKIE = "govhall_tablet"
TABLET_COOKIE_AGE = 5 * 365 * 24 * 3600
THANKS_SECONDS = 5


# --- the window tablet -----------------------------------------------------------------------------------


def _tablet(request: HttpRequest) -> RatingTablet:
    tablet = ratings.tablet_for_token(request.COOKIES.get(TABLET_COOKIE, ""))
    if tablet is None:
        raise PermissionDenied(_("This device is not paired with a window. Ask an administrator to pair it."))
    return tablet


def _levels() -> list[tuple[int, str]]:
    return sorted(RatingLevel.choices, key=lambda c: -c[0])


def _screen(request: HttpRequest, tablet: RatingTablet, context: dict) -> HttpResponse:
    context = {"tablet": tablet, "levels": _levels(), "thanks_seconds": THANKS_SECONDS, **context}
    template = "visits/tablet_screen.html" if request.headers.get("HX-Request") else "visits/tablet.html"
    return render(request, template, context)


@require_GET
def tablet_pair(request: HttpRequest, token: str) -> HttpResponse:
    if ratings.tablet_for_token(token) is None:
        raise PermissionDenied(_("This pairing address is not valid."))
    response = HttpResponseRedirect(reverse("visits:tablet"))
    response.set_cookie(
        TABLET_COOKIE,
        token,
        max_age=TABLET_COOKIE_AGE,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
    )
    return response


@require_GET
def tablet(request: HttpRequest) -> HttpResponse:
    """The tablet's page: idle, or the rating of the window's last finished visit."""
    tablet = _tablet(request)
    now = timezone.now()
    RatingTablet.objects.filter(pk=tablet.pk).update(last_seen_at=now)
    visit = ratings.visit_awaiting_rating(tablet, now=now)
    return _screen(request, tablet, {"step": "levels" if visit else "idle", "visit": visit})


def _tablet_visit(tablet: RatingTablet, request: HttpRequest) -> Visit | None:
    try:
        pk = int(request.POST.get("visit", ""))
    except ValueError:
        return None
    return Visit.objects.filter(pk=pk, window_id=tablet.window_id).first()


@require_POST
def tablet_rate(request: HttpRequest) -> HttpResponse:
    """A level was touched (and, for a bad one, the reasons): record it, or ask for the reasons."""
    tablet = _tablet(request)
    visit = _tablet_visit(tablet, request)
    if visit is None:
        return _screen(request, tablet, {"step": "idle"})
    try:
        level = int(request.POST.get("level", ""))
    except ValueError:
        level = 0
    reasons = request.POST.getlist("reasons")
    if level in BAD_LEVELS and not reasons:
        return _screen(
            request,
            tablet,
            {"step": "reasons", "visit": visit, "level": level, "level_label": RatingLevel(level).label,
             "reasons": reason_choices(), "error": request.POST.get("asked") == "1"},
        )  # fmt: skip
    try:
        ratings.rate_visit(
            visit, level=level, reasons=reasons, channel=RatingChannel.TABLET, now=timezone.now()
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        return _screen(request, tablet, {"step": "error", "message": message})
    except StaleVersion:
        pass  # rated at the same moment by another tablet: the thank-you is still right
    return _screen(request, tablet, {"step": "thanks"})


# --- the hotline operator: a rating given by phone ------------------------------------------------------


class FindForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Case number or queue number"),
        max_length=40,
        help_text=gettext_lazy("A queue number (e.g. A012) is looked up on the day given below."),
    )
    day = forms.DateField(label=gettext_lazy("Day of the visit"), required=False)


class PhoneRatingForm(RatingForm):
    rater_phone = forms.CharField(label=gettext_lazy("Rater's phone number"), max_length=20, required=False)
    field_order = ["level", "reasons", "comment", "rater_phone"]


def _find(number: str, day) -> tuple[Case | None, list[Visit]]:
    number = number.strip().upper()
    case = Case.objects.select_related("item").filter(number=number).exclude(kind="consultation").first()
    if case is not None:
        return case, []
    visits = Visit.objects.select_related("hall", "window", "item").filter(number=number, day=day)
    return None, list(visits.order_by("hall__code", "pk")[:20])


@roles_required(PHONE_ROLES)
@require_http_methods(["GET", "POST"])
def phone_rating(request: HttpRequest) -> HttpResponse:
    """Find the case (by number) or the visit (by queue number and day), then record the rating."""
    now = timezone.now()
    find = FindForm(request.GET or None, initial={"day": timezone.localdate(now)})
    case, visits, visit = None, [], None
    if request.GET.get("visit"):
        visit = Visit.objects.select_related("hall", "window").filter(pk=request.GET["visit"]).first()
    elif find.is_valid():
        case, visits = _find(find.cleaned_data["number"], find.cleaned_data["day"] or timezone.localdate(now))
        if len(visits) == 1:
            visit, visits = visits[0], []
        elif case is None and not visits:
            find.add_error("number", _("No case or visit with this number."))
    target = case or visit
    form = PhoneRatingForm(request.POST or None) if target is not None else None
    if request.method == "POST" and form is not None and form.is_valid():
        values = {**form.rating_values(), "rater_phone": form.cleaned_data["rater_phone"]}
        try:
            if case is not None:
                ratings.rate_case(
                    case, channel=RatingChannel.PHONE, recorded_by=request.user, now=now, **values
                )
            else:
                ratings.rate_visit(
                    visit, channel=RatingChannel.PHONE, recorded_by=request.user, now=now, **values
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StaleVersion:
            form.add_error(None, _("Someone rated this at the same moment; please reload and try again."))
        else:
            messages.success(request, _("The rating given by phone was recorded."))
            return redirect("visits:phone-rating")
    current = ratings.current_rating(case=case, visit=visit) if target is not None else None
    return render(
        request,
        "visits/phone_rating.html",
        {"find": find, "case": case, "visit": visit, "visits": visits, "form": form, "current": current},
    )
