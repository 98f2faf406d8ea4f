"""Open311 GeoReport v2 views: adapters that parse (params), read (queries) or register (register_ticket
through the intake service), and render (formats). Public GETs need no key; a POST needs an api_key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from govhall.hotline.models import Channel
from govhall.hotline.open311 import formats, params, queries
from govhall.hotline.open311.keys import key_in_force
from govhall.hotline.services.intake import register_ticket


def _answer(fmt: str, produce) -> HttpResponse:
    try:
        data, root = produce()
    except params.Open311Error as exc:
        return formats.render_errors(exc.errors, fmt, status=exc.status)
    return formats.render(data, fmt, root=root)


@require_GET
def discovery(request, fmt: str) -> HttpResponse:
    return formats.render(queries.discovery(queries.base_url(request)), fmt, root="discovery")


@require_GET
def service_list(request, fmt: str) -> HttpResponse:
    return formats.render(queries.services(), fmt, root="services")


@require_GET
def service_definition(request, code: str, fmt: str) -> HttpResponse:
    subject = params.public_services().filter(code=code).first()
    if subject is None:
        return formats.render_errors(
            [(404, _("No service has the code “%(code)s”.") % {"code": code[:20]})], fmt, status=404
        )
    return formats.render(queries.service_definition(subject), fmt, root="service_definition")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _answer(fmt, lambda: (_create(request), "service_requests"))

    def find():
        flt = params.parse_filter(request.GET, now=timezone.now())
        return queries.request_rows(queries.find_requests(flt)), "service_requests"

    return _answer(fmt, find)


@require_GET
def request_detail(request, number: str, fmt: str) -> HttpResponse:
    rows = list(queries.find_requests(params.RequestFilter(ids=[number])))
    if not rows:
        return formats.render_errors(
            [(404, _("No service request has the id “%(id)s”.") % {"id": number[:30]})], fmt, status=404
        )
    return formats.render(queries.request_rows(rows), fmt, root="service_requests")


def _create(request) -> list[dict]:
    raw = request.POST.get("api_key") or request.GET.get("api_key")
    key = key_in_force(raw)
    if key is None:
        text = _("api_key is missing.") if not raw else _("api_key is not valid or was revoked.")
        raise params.Open311Error(403, [text])
    values = params.parse_post(request.POST)
    try:
        ticket = register_ticket(channel=Channel.OPEN311, now=timezone.now(), open311_key=key, **values)
    except ValidationError as exc:
        raise params.validation_errors(exc) from None
    return [
        {
            "service_request_id": ticket.number,
            "service_notice": _(
                "Received as ticket %(number)s; the 12345 hotline dispatches it to the unit responsible."
            )
            % {"number": ticket.number},
            "account_id": request.POST.get("account_id") or None,
        }
    ]
