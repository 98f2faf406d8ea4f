"""Statistics pages under /stats/: the leaders' dashboard, the cases behind a figure, table exports, and the
monthly assessment reports (list, printable page, generate, publish, XLSX, PDF).

Views parse input, call one query or service and render; leaders, supervisors and administrators only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.cases.errors import StaleVersion
from govhall.cases.models import CaseKind, Channel
from govhall.core.replica import reads_from_replica
from govhall.stats import dashboard, pdf, reports, sections
from govhall.stats.drilldown import LABELS, MEASURES, first_cases
from govhall.stats.export import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx
from govhall.stats.forms import FilterForm, GenerateForm
from govhall.stats.models import PublishedReportIsFrozen, Report, ReportState
from govhall.stats.permissions import may_see
from govhall.stats.tables import report_tables, report_texts

CASE_LIST_LIMIT = 200
CONFLICT = 409


def leaders_only(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_see(request.user):
            raise PermissionDenied(_("Your role has no access to this page."))
        return view(request, *args, **kwargs)

    return wrapped


def _form(request: HttpRequest) -> FilterForm:
    params = request.GET if any(k in request.GET for k in FILTER_KEYS) else None
    return FilterForm(params, today=timezone.localdate())


FILTER_KEYS = ("from", "to", "department", "hall", "level", "lane", "item")


@require_GET
@leaders_only
@reads_from_replica
def index(request: HttpRequest) -> HttpResponse:
    """The dashboard: filters, summary figures, charts and tables, every figure linked to its cases."""
    form = _form(request)
    f = form.resolved()
    context = {"form": form, "tables_available": dashboard.TABLES}
    if f is not None:
        context.update(dashboard.overview(f, now=timezone.now(), user=request.user))
    return render(request, "stats/index.html", context)


@require_GET
@leaders_only
def cases(request: HttpRequest) -> HttpResponse:
    """The cases behind one figure (the first CASE_LIST_LIMIT in the order they entered it, and how many)."""
    measure = request.GET.get("measure", "")
    kind = request.GET.get("kind", "")
    channel = request.GET.get("channel", "")
    form = _form(request)
    f = form.resolved()
    if measure not in MEASURES or kind not in ("", *CaseKind.values) or channel not in ("", *Channel.values):
        raise Http404(_("No such figure."))
    context = {"form": form, "measure": measure, "measure_label": LABELS[measure], "rows": [], "total": 0}
    if f is not None:
        rows, total, more = first_cases(f, measure, kind=kind, channel=channel, limit=CASE_LIST_LIMIT)
        context.update(
            rows=rows,
            total=total,
            more=more,
            limit=CASE_LIST_LIMIT,
            params=dashboard.filter_params(f),
            kind_label=dict(CaseKind.choices).get(kind, ""),
            channel_label=dict(Channel.choices).get(channel, ""),
        )
    return render(request, "stats/cases.html", context)


@require_GET
@leaders_only
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One table of the dashboard, with the same filters, as XLSX or CSV."""
    if name not in dashboard.TABLES or fmt not in ("xlsx", "csv"):
        raise Http404(_("No such table."))
    f = _form(request).resolved()
    if f is None:
        message = _("The filters are not valid.")
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    table = dashboard.build_table(f, name)
    stem = f"govhall-{name}-{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx([table], title=str(table.title)), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(table), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# --- assessment reports ------------------------------------------------------------------------------


def _report(month: str) -> Report:
    try:
        first = reports.parse_month(month)
    except reports.ReportError:
        raise Http404(_("No such month.")) from None
    return get_object_or_404(Report.objects.select_related("published_by", "generated_by"), month=first)


@require_GET
@leaders_only
@reads_from_replica
def report_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    last_month = reports.previous_month(today)
    form = GenerateForm(initial={"month": f"{last_month:%Y-%m}"})
    return render(request, "stats/reports.html", {"reports": Report.objects.all(), "form": form})


@require_POST
@leaders_only
def report_generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("stats:reports")
    try:
        month = reports.parse_month(form.cleaned_data["month"])
        report = reports.generate_monthly(month, now=timezone.now(), user=request.user)
    except (reports.ReportError, PublishedReportIsFrozen) as exc:
        messages.error(request, str(exc))
        return redirect("stats:reports")
    messages.success(request, _("The report for %(month)s was generated.") % {"month": str(report)})
    return redirect("stats:report", month=str(report))


@require_GET
@leaders_only
@reads_from_replica
def report_detail(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    return render(request, "stats/report.html", _report_context(report))


def _report_context(report: Report) -> dict:
    tables = report_tables(report.data, with_sections=False)
    for table in tables:
        if table.key == "overdue":
            table.links = [{"number": reverse("cases:detail", args=[r["case_id"]])} for r in table.rows]
        elif table.key == "cards":
            table.links = [
                {"kind_label": reverse("supervision:card", args=[r["card_id"]])} for r in table.rows
            ]
    return {
        "report": report,
        "data": report.data,
        "texts": report_texts(report),
        "tables": tables,
        "published": report.state == ReportState.PUBLISHED,
        "sections": sections.blocks(report.data.get("sections")),
    }


@require_POST
@leaders_only
def report_publish(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        reports.publish_report(report, by=request.user, now=timezone.now(), version=version)
    except (StaleVersion, PublishedReportIsFrozen) as exc:
        context = _report_context(Report.objects.get(pk=report.pk)) | {"error": str(exc)}
        return render(request, "stats/report.html", context, status=CONFLICT)
    except reports.ReportError as exc:
        messages.error(request, str(exc))
        return redirect("stats:report", month=month)
    messages.success(request, _("The report for %(month)s is published.") % {"month": month})
    return redirect("stats:report", month=month)


@require_GET
@leaders_only
@reads_from_replica
def report_xlsx(request: HttpRequest, month: str) -> HttpResponse:
    report = _report(month)
    body = to_xlsx(report_tables(report.data), title=report_texts(report)["title"])
    response = HttpResponse(body, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="govhall-report-{report}.xlsx"'
    return response


@require_GET
@leaders_only
@reads_from_replica
def report_pdf(request: HttpRequest, month: str) -> HttpResponse:
    """The printable page's tables as a PDF (govhall.stats.pdf); the same bytes every time for a published
    report."""
    response = HttpResponse(pdf.report_pdf(_report(month)), content_type=pdf.PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="govhall-report-{month}.pdf"'
    return response
