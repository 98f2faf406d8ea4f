"""好差评 in the online service hall: rate one's own case from 我的办件, rate any case with the number and the
rating code printed on its notices (/portal/rate/, no sign-in), and rate the website (/portal/feedback/).
Adapters: parse the form, call one rating service, redirect or show the refusal on the form."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from rest_framework.request import Request

from govhall.cases.errors import StaleVersion
from govhall.cases.models import Case
from govhall.portal import mine
from govhall.visits.api_ratings import RatingThrottle
from govhall.visits.forms_ratings import RatingForm, add_service_errors
from govhall.visits.models import RatingChannel
from govhall.visits.rating_codes import code_matches
from govhall.visits.services import ratings


class CodeRatingForm(RatingForm):
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=40)
    code = forms.CharField(
        label=gettext_lazy("Rating code"),
        max_length=12,
        help_text=gettext_lazy("Printed on the notice of your case, next to the rating link."),
    )
    field_order = ["number", "code", "level", "reasons", "comment"]


def _rate(form: RatingForm, call) -> object | None:
    """Run the service; on a refusal, put it on the form and return None."""
    try:
        return call()
    except ValidationError as exc:
        add_service_errors(form, exc)
    except StaleVersion:
        form.add_error(None, _("Someone rated this at the same moment; please reload and try again."))
    return None


def _thanks(request: HttpRequest, rating) -> None:
    text = _("Thank you for your rating.")
    if rating.is_bad:
        text += " " + _("The department responsible will contact you about it.")
    messages.success(request, text)


@login_required
@require_http_methods(["GET", "POST"])
def rate_my_case(request: HttpRequest, number: str) -> HttpResponse:
    case = mine.find_case(request.user, number)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rating = _rate(
            form,
            lambda: ratings.rate_case(
                case,
                channel=RatingChannel.PORTAL,
                rater=request.user,
                now=timezone.now(),
                **form.rating_values(),
            ),
        )
        if rating is not None:
            _thanks(request, rating)
            return redirect("portal:my-case", case.number)
    current = ratings.current_rating(case=case)
    return render(
        request,
        "portal/rate_case.html",
        {"case": case, "form": form, "current": current},
    )


def _throttled(request: HttpRequest) -> bool:
    drf_request = Request(request, authenticators=[])
    drf_request.user = request.user
    return not RatingThrottle().allow_request(drf_request, None)


@require_http_methods(["GET", "POST"])
def rate_by_code(request: HttpRequest) -> HttpResponse:
    """The public rating page the notices link to: case number + rating code, then the rating."""
    if request.method == "POST":
        form = CodeRatingForm(request.POST)
    else:
        initial = {k: request.GET.get(k, "") for k in ("number", "code")}
        form = CodeRatingForm(initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _throttled(request):
            form.add_error(None, _("Too many attempts from your address: please try again in a minute."))
            status = 429
        else:
            number = form.cleaned_data["number"].strip().upper()
            case = Case.objects.filter(number=number).exclude(kind="consultation").first()
            if case is None or not code_matches(case, form.cleaned_data["code"]):
                form.add_error("code", _("No case with this number and rating code."))
            else:
                rating = _rate(
                    form,
                    lambda: ratings.rate_case(
                        case,
                        channel=RatingChannel.NOTICE,
                        rater=request.user,
                        now=timezone.now(),
                        **form.rating_values(),
                    ),
                )
                if rating is not None:
                    _thanks(request, rating)
                    return redirect("portal:rate-done")
    return render(request, "portal/rate_code.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def rate_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/rate_done.html")


@require_http_methods(["GET", "POST"])
def rate_website(request: HttpRequest) -> HttpResponse:
    """The feedback link on every portal page: rate the online service hall itself."""
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _throttled(request):
            form.add_error(None, _("Too many attempts from your address: please try again in a minute."))
            status = 429
        else:
            rating = _rate(
                form,
                lambda: ratings.rate_website(
                    channel=RatingChannel.PORTAL,
                    rater=request.user,
                    now=timezone.now(),
                    **form.rating_values(),
                ),
            )
            if rating is not None:
                _thanks(request, rating)
                return redirect("portal:rate-done")
    return render(request, "portal/rate_website.html", {"form": form}, status=status)
