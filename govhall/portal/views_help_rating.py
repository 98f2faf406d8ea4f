"""The rating of an ended remote help session on its page (一次一评). Adapter: parse the hall's rating form,
call services.help_rating.rate_help, back to the session's page; a refusal is shown on the form there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.cases.errors import StaleVersion, TransitionNotAllowed
from govhall.portal import queries_help
from govhall.portal.services.help_rating import rate_help
from govhall.portal.views_help import _page
from govhall.visits.forms_ratings import RatingForm, add_service_errors


@login_required
@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(queries_help.sessions_of(request.user), pk=pk)
    form = RatingForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            rating = rate_help(session, by=request.user, now=timezone.now(), **form.rating_values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (TransitionNotAllowed, StaleVersion) as exc:  # rated already, or not ended
            form.add_error(None, str(exc))
            status = 409
        else:
            text = _("Thank you for your rating.")
            if rating.is_bad:
                text += " " + _("The department responsible will contact you about it.")
            messages.success(request, text)
            return redirect("portal:help-session", pk=session.pk)
    return _page(request, session, rating_form=form, status=status)
