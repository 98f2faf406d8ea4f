"""The portal's pages: adapters that parse input, call one service or query, and render."""

from __future__ import annotations

import mimetypes
import os

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from govhall.core.replica import reads_from_replica
from govhall.portal import queries
from govhall.portal.page_cache import public_page


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
@public_page
@reads_from_replica
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", queries.home())


@require_GET
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    chosen = {k: _int(request.GET.get(k)) for k in ("department", "theme", "hall")}
    page = queries.search_items(q, **chosen, page=_int(request.GET.get("page")) or 1)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/search.html",
        {"q": q, "chosen": chosen, "page": page, "query_string": params.urlencode(), **queries.filters()},
    )


def _apply_url(code: str) -> str | None:
    # Online application is another part of the portal; the button shows once its URL exists.
    try:
        return reverse("portal:apply", args=[code])
    except NoReverseMatch:
        return None


@require_GET
@public_page
@reads_from_replica
def guide(request: HttpRequest, code: str, version: int | None = None) -> HttpResponse:
    answers = {k[2:]: v for k, v in request.GET.items() if k.startswith("s-") and v}
    context = queries.guide(code, version=version, answers=answers if "situation" in request.GET else None)
    context["apply_url"] = _apply_url(code) if context["in_force"] and context["item"].online else None
    if context["apply_url"] and context["chosen"] is not None:
        # The answers carry into the application (its start page passes them on to the draft).
        context["apply_url"] += "?" + urlencode({f"s-{k}": v for k, v in answers.items()})
    return render(request, "portal/guide.html", context)


@require_GET
@public_page
@reads_from_replica
def lane(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "portal/lane.html", queries.lane_guide(code))


@require_GET
def form_file(request: HttpRequest, pk: int) -> FileResponse:
    """A blank form or sample from local storage, in every mode (not only DEBUG's /media/)."""
    form = queries.form_file(pk)
    try:
        handle = default_storage.open(form.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404(pk) from exc
    name = os.path.basename(form.file.name)
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    return response
