"""我的办件 pages: the list, a case's page, its notices (page and PDF), its electronic result. Adapters:
each finds the account's case through govhall.portal.mine (404 for anyone else's) and renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from govhall.cases import notices
from govhall.cases.notice_pdf import PDF_TYPE, notice_pdf
from govhall.cases.queries import mask_id
from govhall.lanes.progress import lane_progress
from govhall.portal import inbox, mine, plain
from govhall.visits.templatetags.rating_links import rating_line


def url_or_none(name: str, *args) -> str | None:
    """Pages another part of the portal owns (the application form) may not exist in this deployment."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@require_GET
@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    rows = mine.my_rows(request.user)
    for row in rows:
        if row.kind == "draft":
            row.url = url_or_none("portal:apply", row.application_id)
        else:
            row.url = reverse("portal:my-case", args=[row.number])
    unread = inbox.unread_count(request.user)
    return render(request, "portal/my_list.html", {"rows": rows, "unread": unread})


@require_GET
@login_required
def my_case(request: HttpRequest, number: str) -> HttpResponse:
    try:
        view = mine.case_view(request.user, number)
    except Http404:
        lane_case = mine.find_lane_case(request.user, number)
        context = {
            "lane_case": lane_case,
            "state": plain.lane_state(lane_case.state),
            "progress": lane_progress(lane_case),
            "messages_from_hall": inbox.messages_of(
                request.user, case_ids=lane_case.item_cases.values_list("case_id", flat=True)
            ),
        }
        return render(request, "portal/my_lane_case.html", context)
    context = {
        "view": view,
        "case": view.case,
        "messages_from_hall": inbox.messages_of(request.user, case=view.case),
        "correct_url": url_or_none("portal:application-correct", view.application.pk)
        if view.application is not None and view.state.key == plain.CORRECTION
        else None,
    }
    return render(request, "portal/my_case.html", context)


def _notice(request: HttpRequest, number: str, kind: str) -> dict:
    case = mine.find_case(request.user, number)
    context = notices.notice_context(case, kind)
    context["id_number"] = mask_id(case.id_number)
    context["progress_url"] = request.build_absolute_uri(reverse("portal:progress"))
    context["rating_line"] = rating_line(case, kind, request)  # rating (issue 16)
    return context


@require_GET
@login_required
def my_notice(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    return render(request, "portal/my_notice.html", _notice(request, number, kind))


@require_GET
@login_required
def my_notice_pdf(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    context = _notice(request, number, kind)
    case = context["case"]
    addressee = case.applicant_name + (f"（{context['id_number']}）" if context["id_number"] else "")
    body = notice_pdf(context, addressee=addressee, progress_url=context["progress_url"])
    response = HttpResponse(body, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'inline; filename="{case.number}-{kind}.pdf"'
    return response


@require_GET
@login_required
def my_result(request: HttpRequest, number: str) -> FileResponse:
    view = mine.case_view(request.user, number)
    if view.result_document is None:
        raise Http404("no electronic result")
    return download_document(view.result_document)


def download_document(document) -> FileResponse:
    from govhall.cases.views_documents import download

    return download(document)


@require_GET
@login_required
def my_inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/my_inbox.html", {"inbox": inbox.messages_of(request.user)[:200]})
