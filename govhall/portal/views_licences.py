"""My electronic licences (我的电子证照): the list and each licence's PDF, for its holder only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govhall.cases.licence_pdf import render_licence
from govhall.portal.licences import holder_ids, licences_of


@login_required
def licence_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    licences = [(licence, licence.is_valid_on(today)) for licence in licences_of(request.user)]
    context = {"licences": licences, "has_identity": bool(holder_ids(request.user))}
    return render(request, "portal/licences/list.html", context)


@login_required
def licence_pdf(request: HttpRequest, number: str) -> HttpResponse:
    licence = licences_of(request.user).filter(number=number).first()
    if licence is None:
        raise Http404
    pdf = render_licence(licence, centre_name=settings.GOVHALL_CENTRE_NAME)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{licence.number}.pdf"'
    return response
