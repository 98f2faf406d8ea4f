"""/stats/ratings/: the 好差评 figures for leaders (filters, a dimension, every figure linked to its ratings),
the ratings behind a figure, and the table as XLSX or CSV. Views parse, call one read, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from govhall.core.replica import reads_from_replica
from govhall.stats import ratingstats
from govhall.stats.dashboard import filter_params
from govhall.stats.export import CSV_TYPE, XLSX_TYPE, Column, Table, to_csv, to_xlsx
from govhall.stats.forms import FilterForm
from govhall.stats.queries import Filters
from govhall.stats.views import leaders_only

LIST_LIMIT = 200
BY_LABELS = {
    "department": gettext_lazy("Department"),
    "hall": gettext_lazy("Hall"),
    "window": gettext_lazy("Window"),
    "clerk": gettext_lazy("Clerk"),
    "item": gettext_lazy("Item"),
    "month": gettext_lazy("Month"),
}
# The columns of the table, in order; counts link to their ratings, rates to their numerator's.
COLUMNS = (
    "rated",
    "satisfaction_rate",
    "bad",
    "bad_share",
    "rateable",
    "coverage_rate",
    "follow_ups",
    "callback_rate",
    "rectify_due",
    "rectified_on_time_rate",
    "rectification_satisfaction_rate",
    "bad_share_on_time",
    "bad_share_overdue",
)
TILES = (
    "rated",
    "satisfaction_rate",
    "coverage_rate",
    "bad_share",
    "callback_rate",
    "rectified_on_time_rate",
    "rectification_satisfaction_rate",
    "bad_share_on_time",
    "bad_share_overdue",
)
FILTER_KEYS = ("from", "to", "department", "hall", "level", "item", "by")


class RatingFilterForm(FilterForm):
    """The dashboard's filters without the lane (ratings have none), and the dimension."""

    def __init__(self, data=None, *, today) -> None:
        super().__init__(data, today=today)
        del self.fields["lane"]
        self.fields["by"] = forms.ChoiceField(
            label=_("Figures by"), required=False, choices=list(BY_LABELS.items()), initial="department"
        )

    def by(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("by") or "department"
        return "department"


def _form(request: HttpRequest) -> RatingFilterForm:
    params = request.GET if any(k in request.GET for k in FILTER_KEYS) else None
    return RatingFilterForm(params, today=timezone.localdate())


def column(key: str) -> Column:
    kind = "rate" if key in ratingstats.RATES else "int"
    return Column(key, str(ratingstats.LABELS[key]), kind, ratingstats.DRILL.get(key, key))


def list_url(params: dict, measure: str, by: str | None = None, key=None) -> str:
    extra = {"measure": measure}
    if by is not None:
        extra |= {"by": by, "key": ratingstats.format_key(by, key)}
    return reverse("stats:rating-list") + "?" + urlencode({**params, **extra})


def rating_table(f: Filters, by: str, *, today, params: dict | None = None) -> Table:
    """One row per group value, every figure linked to the ratings behind it."""
    params = filter_params(f) if params is None else params
    rows = ratingstats.table(f, by, today=today)
    label = ratingstats.names(by, rows.keys())
    if by == "month":
        order = sorted(rows)
    else:
        order = sorted(rows, key=lambda k: (-rows[k]["rated"], k is None, str(label.get(k, k))))
    columns = [Column("name", str(BY_LABELS[by])), *(column(k) for k in COLUMNS)]
    title = _("Ratings by %(dimension)s") % {"dimension": str(BY_LABELS[by]).lower()}
    t = Table(f"ratings-{by}", title, columns, [{"name": str(label.get(k, k)), **rows[k]} for k in order])
    t.links = [
        {
            c.key: list_url(params, c.measure, by, k)
            for c in columns
            if c.measure and c.measure in ratingstats.LISTS and rows[k].get(c.key) not in (None, 0)
        }
        for k in order
    ]
    return t


@require_GET
@leaders_only
@reads_from_replica
def index(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    f = form.resolved()
    context: dict = {"form": form}
    if f is not None:
        today = timezone.localdate()
        by = form.by()
        params = filter_params(f)
        totals = ratingstats.summary(f, today=today)
        tiles = []
        for key in TILES:
            c = column(key)
            value = totals[key]
            url = list_url(params, c.measure) if value not in (None, 0) else ""
            tiles.append({"key": key, "label": c.label, "value": value, "rate": c.kind == "rate", "url": url})
        context.update(
            params=params,
            by=by,
            tiles=tiles,
            totals=totals,
            table=rating_table(f, by, today=today, params=params),
            query=urlencode({**params, "by": by}),
        )
    return render(request, "stats/ratings.html", context)


@require_GET
@leaders_only
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    f = form.resolved()
    if f is None:
        return HttpResponse(
            _("The filters are not valid."), status=400, content_type="text/plain; charset=utf-8"
        )
    by = form.by()
    table = rating_table(f, by, today=timezone.localdate())
    stem = f"govhall-ratings-{by}-{f.date_from:%Y%m%d}-{f.date_to:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx([table], title=str(table.title)), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(table), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@require_GET
@leaders_only
def rating_list(request: HttpRequest) -> HttpResponse:
    """The ratings behind one figure (the first LIST_LIMIT by time, and how many)."""
    measure = request.GET.get("measure", "")
    by = request.GET.get("by") or None
    if measure not in ratingstats.LISTS or (by is not None and by not in ratingstats.DIMENSIONS):
        raise Http404(_("No such figure."))
    try:
        key = ratingstats.parse_key(by, request.GET.get("key", "")) if by else None
    except ValueError:
        raise Http404(_("No such figure.")) from None
    form = _form(request)
    f = form.resolved()
    context: dict = {"form": form, "measure": measure, "measure_label": ratingstats.LABELS[measure]}
    if f is not None:
        found = ratingstats.first_ratings(
            f, measure, today=timezone.localdate(), by=by, key=key, limit=LIST_LIMIT
        )
        group = ""
        if by is not None:
            group = f"{BY_LABELS[by]}: {ratingstats.names(by, [key]).get(key, key)}"
        context.update(found=found, params=filter_params(f), group=group)
    return render(request, "stats/rating_list.html", context)
